from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "migdev.core"
    label = "core"
    verbose_name = "migdev core"
