"""Browser tests: a real Chromium driven by Playwright against Django's live server.

Run with `pytest -m browser`; the test command points MIGDEV_CHROMIUM at Debian's chromium.
"""

import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses that without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _one_database_for_the_browser_session() -> Iterator[None]:
    """Browser tests share one database, as the users of one server do.

    Flushing after each test would also wipe what migrations seed (roles, reference data), and restoring it
    costs seconds per test. Browser tests therefore create what they need with unique names or idempotently.
    They run in their own pytest process (`-m browser`), so the unit tests keep their per-test isolation.
    """
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown
    TransactionTestCase._fixture_teardown = lambda self: None  # type: ignore[method-assign]
    yield
    TransactionTestCase._fixture_teardown = original  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    args = {
        **browser_type_launch_args,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
    executable = os.environ.get("MIGDEV_CHROMIUM")
    if executable:
        args["executable_path"] = executable
    return args


@pytest.fixture
def external_requests(page: Page, live_server: Any) -> Iterator[list[str]]:
    """Every request to a host other than the live server: pages must make none."""
    own_host = urlsplit(live_server.url).netloc
    seen: list[str] = []

    def watch(request: Request) -> None:
        host = urlsplit(request.url).netloc
        if request.url.startswith(("data:", "blob:")) or host == own_host:
            return
        seen.append(request.url)

    page.on("request", watch)
    yield seen


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors
