from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from migdev.core.modules import ModuleInfo


class LawConfig(AppConfig):
    name = "migdev.law"
    label = "law"
    verbose_name = _("Migration law")
    default_auto_field = "django.db.models.BigAutoField"
    migdev_module = ModuleInfo(
        "law",
        _("Migration law"),
        _(
            "International instruments relevant to migration and their parties over time, beside national law."
        ),
        url_name="law:home",
    )

    def ready(self) -> None:
        from migdev.core.demo import register_demo_seeder
        from migdev.dataio.registry import register_format
        from migdev.law import demo
        from migdev.law.loaders import DECLARATIONS, FORMATS, IMPLEMENTATIONS, PROVISIONS
        from migdev.law.trainings import FORMAT as TRAININGS

        for load_format in (*FORMATS, DECLARATIONS, PROVISIONS, IMPLEMENTATIONS, TRAININGS):
            register_format(load_format)
        register_demo_seeder("law", demo.seed)
