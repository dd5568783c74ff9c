"""Hooks into the platform, called once from AppConfig.ready(): load formats, reference data."""


def register() -> None:
    """Filled in by the loaders step."""
