from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from migdev.core.modules import ModuleInfo


class IndicatorsConfig(AppConfig):
    name = "migdev.indicators"
    label = "indicators"
    verbose_name = _("Indicators")
    migdev_module = ModuleInfo(
        "indicators",
        _("Indicators"),
        _(
            "Migration-and-development indicators, country migration profiles, development plans "
            "and governance."
        ),
        url_name="indicators:home",
    )

    def ready(self) -> None:
        from migdev.core.demo import register_demo_seeder
        from migdev.indicators.demo import demo_indicators_load
        from migdev.indicators.loaders import register_formats

        register_formats()
        register_demo_seeder("indicators", demo_indicators_load)
