from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from migdev.core.modules import ModuleInfo


class DiasporaConfig(AppConfig):
    name = "migdev.diaspora"
    label = "diaspora"
    verbose_name = _("Diaspora")
    default_auto_field = "django.db.models.BigAutoField"
    migdev_module = ModuleInfo(
        "diaspora",
        _("Diaspora"),
        _("Connecting diaspora experts with institutions at home: roster, requests, assignments, maps."),
        url_name="diaspora:home",
    )

    def ready(self) -> None:
        from migdev.diaspora import registration

        registration.register()
