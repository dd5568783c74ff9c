from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataioConfig(AppConfig):
    name = "migdev.dataio"
    label = "dataio"
    verbose_name = _("Data import and export")

    def ready(self) -> None:
        from migdev.dataio import handlers  # noqa: F401 - registers the dataio.import job handler
        from migdev.dataio.formats.organisations import ORGANISATIONS_FORMAT
        from migdev.dataio.registry import register_format

        register_format(ORGANISATIONS_FORMAT)
