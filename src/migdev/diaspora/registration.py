"""Hooks into the platform, called once from AppConfig.ready(): the load format and the demo data."""


def register() -> None:
    from migdev.core.demo import register_demo_seeder
    from migdev.dataio.registry import register_format
    from migdev.diaspora import demo
    from migdev.diaspora.loaders import FORMATS

    for load_format in FORMATS:
        register_format(load_format)
    register_demo_seeder("diaspora", demo.seed)
