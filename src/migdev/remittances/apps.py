from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from migdev.core.modules import ModuleInfo


class RemittancesConfig(AppConfig):
    name = "migdev.remittances"
    label = "remittances"
    verbose_name = _("Remittances")
    default_auto_field = "django.db.models.BigAutoField"
    migdev_module = ModuleInfo(
        "remittances",
        _("Remittances"),
        _("Compare what it costs to send money home, and follow remittance prices and SDG 10.c.1."),
        url_name="remittances:compare",
    )

    def ready(self) -> None:
        from migdev.remittances import registration

        registration.register()
