from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    """No models, no pages: installed so its system checks run whichever modules are installed."""

    name = "migdev.protection"
    label = "protection"

    def ready(self) -> None:
        from migdev.protection import checks  # noqa: F401  (registers the key checks)
