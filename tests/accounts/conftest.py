import pytest

from tests.accounts.scenarios import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()
