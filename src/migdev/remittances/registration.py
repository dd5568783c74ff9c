"""Hooks into the platform, called once from AppConfig.ready()."""


def register() -> None:
    pass
