from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from migdev.core.modules import ModuleInfo


class TraffickingConfig(AppConfig):
    name = "migdev.trafficking"
    label = "trafficking"
    verbose_name = _("Counter-trafficking")
    migdev_module = ModuleInfo(
        "trafficking",
        _("Counter-trafficking"),
        _("Case database with first-hand victim data, and its safe publication."),
        url_name="trafficking:home",
    )

    def ready(self) -> None:
        from migdev.core.demo import register_demo_seeder
        from migdev.dataio.registry import register_format
        from migdev.trafficking import jobs, loaders  # noqa: F401 - registers job handlers

        for load_format in loaders.FORMATS:
            register_format(load_format)
        from migdev.trafficking.demo import demo_cases_seed

        register_demo_seeder("trafficking", demo_cases_seed)
