"""The demo data set: each module registers a function that adds its part, idempotently.

`migdev seed_demo` runs them in registration order (foundation first, then modules in INSTALLED_APPS order).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoSeeder:
    name: str
    seed: Callable[[], str]  # returns a one-line summary of what it ensured


_SEEDERS: dict[str, DemoSeeder] = {}


def register_demo_seeder(name: str, seed: Callable[[], str]) -> None:
    _SEEDERS[name] = DemoSeeder(name, seed)


def demo_seeders() -> list[DemoSeeder]:
    return list(_SEEDERS.values())
