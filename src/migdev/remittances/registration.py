"""Hooks into the platform, called once from AppConfig.ready(): load formats, job handlers, demo data."""

from importlib.util import find_spec


def register() -> None:
    from migdev.core.demo import register_demo_seeder
    from migdev.remittances import demo

    register_demo_seeder("remittances", demo.seed)
    # TEMPORARY until the dataio and jobs branches are merged here: their modules do not exist yet.
    if find_spec("migdev.dataio.registry") is not None:
        from migdev.dataio.registry import register_format
        from migdev.remittances.loaders import FORMATS

        for load_format in FORMATS:
            register_format(load_format)
    if find_spec("migdev.jobs.registry") is not None:
        from migdev.remittances import jobs  # noqa: F401 - registers the job handlers
