from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from migdev.core.modules import ModuleInfo


class CoordinationConfig(AppConfig):
    name = "migdev.coordination"
    label = "coordination"
    verbose_name = _("Coordination")
    migdev_module = ModuleInfo(
        "coordination",
        _("Coordination"),
        _("Processes and meetings, topics across processes, activities (IATI), initiatives and practices."),
        url_name="coordination:home",
    )

    def ready(self) -> None:
        from migdev.coordination import registration

        registration.register_all()
