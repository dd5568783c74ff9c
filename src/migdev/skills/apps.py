from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from migdev.core.modules import ModuleInfo


class SkillsConfig(AppConfig):
    name = "migdev.skills"
    label = "skills"
    verbose_name = _("Skills and occupations")
    default_auto_field = "django.db.models.BigAutoField"
    migdev_module = ModuleInfo(
        "skills",
        _("Skills and occupations"),
        _("ESCO occupations and skills and ISCO-08 groups in three languages, searched and matched."),
        url_name="skills:search",
    )

    def ready(self) -> None:
        from migdev.skills import registration

        registration.register()
