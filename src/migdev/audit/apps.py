from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "migdev.audit"
    label = "audit"

    def ready(self) -> None:
        from migdev.audit import checks  # noqa: F401  (registers the system check)
