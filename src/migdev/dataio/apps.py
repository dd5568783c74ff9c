from django.apps import AppConfig


class DataioConfig(AppConfig):
    name = "migdev.dataio"
    label = "dataio"
