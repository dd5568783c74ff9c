"""Hooks into the platform, called once from AppConfig.ready(): load formats."""


def register() -> None:
    from migdev.dataio.registry import register_format
    from migdev.skills.loaders import FORMATS

    for load_format in FORMATS:
        register_format(load_format)
