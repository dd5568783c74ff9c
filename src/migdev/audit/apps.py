from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "migdev.audit"
    label = "audit"
