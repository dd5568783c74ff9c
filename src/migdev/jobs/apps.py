from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "migdev.jobs"
    label = "jobs"
