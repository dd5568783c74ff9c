from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "migdev.reference"
    label = "reference"
