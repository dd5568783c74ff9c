"""Hooks into the platform, called once from AppConfig.ready(): load formats, job handlers, demo data."""


def register() -> None:
    from migdev.core.demo import register_demo_seeder
    from migdev.dataio.registry import register_format
    from migdev.remittances import (
        demo,
        jobs,  # noqa: F401 - registers the job handlers
    )
    from migdev.remittances.loaders import FORMATS

    for load_format in FORMATS:
        register_format(load_format)
    register_demo_seeder("remittances", demo.seed)
