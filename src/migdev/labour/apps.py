from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from migdev.core.modules import ModuleInfo


class LabourConfig(AppConfig):
    name = "migdev.labour"
    label = "labour"
    verbose_name = _("Labour mobility")
    default_auto_field = "django.db.models.BigAutoField"
    migdev_module = ModuleInfo(
        "labour",
        _("Labour mobility"),
        _("Matching workers to jobs abroad under ethical-recruitment rules."),
        url_name="labour:schemes",
    )

    def ready(self) -> None:
        from migdev.labour import jobs, registration  # noqa: F401 - jobs registers its handler

        registration.register()
