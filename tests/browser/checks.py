"""Assertions shared by the browser tests."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def assert_accessible(page: Page) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}})
    violations = results.response["violations"]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n  "
        + "\n  ".join(f"{node['html'][:160]} — {node['failureSummary']}" for node in v["nodes"][:5])
        for v in violations
    )
    assert not violations, f"axe-core found WCAG 2.1 AA violations on {page.url}:\n{report}"


def assert_no_console_errors(messages: list[str]) -> None:
    assert not messages, "console errors (a CSP violation shows here):\n" + "\n".join(messages)
