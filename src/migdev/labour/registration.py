"""Hooks into the platform, called once from AppConfig.ready(): the demo seeder."""


def register() -> None:
    from migdev.core.demo import register_demo_seeder
    from migdev.labour.demo import seed_labour_demo

    register_demo_seeder("labour", seed_labour_demo)
