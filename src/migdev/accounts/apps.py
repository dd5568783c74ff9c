from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "migdev.accounts"
    label = "accounts"
