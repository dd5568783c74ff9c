"""A fresh demo: sample prices never pass as real ones.

The demo loads the real RPW corridor files and adds fictional providers' prices for this quarter. This test
walks every public remittance page reachable from the module's pages (and the indicators' SDG page), and
fails when a sample figure (a fictional provider, the sample quarter) appears outside an element marked as
sample with its visible label; it also checks the API and the downloads, and that the defaults, headlines
and SDG status are the latest real quarter.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, NavigableString
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from migdev.remittances import demo
from migdev.remittances.quarters import Quarter

SAMPLE_LABEL = "Sample data"
LATEST_REAL_QUARTER = "2025Q1"  # the last quarter of the shipped RPW corridor means
SAMPLE_PROVIDERS = tuple(spec[0] for spec in demo.PROVIDERS)
MAX_PAGES = 400


def _sample_markers() -> tuple[str, ...]:
    return (*SAMPLE_PROVIDERS, str(Quarter.containing(timezone.localdate())), demo.DEMO_TITLE)


def _unlabelled_samples(html: str, markers: tuple[str, ...]) -> list[str]:
    """Text showing a sample marker with no ancestor marked ``data-sample`` that carries the label."""
    soup = BeautifulSoup(html, "lxml")
    problems = []
    for node in soup.find_all(string=True):
        if (
            not isinstance(node, NavigableString)
            or node.parent is None
            or node.parent.name in ("script", "style")
        ):
            continue
        found = [marker for marker in markers if marker in node]
        if not found:
            continue
        labelled = any(
            parent.has_attr("data-sample") and SAMPLE_LABEL in parent.get_text()
            for parent in node.parents
            if getattr(parent, "has_attr", None) is not None
        )
        if not labelled:
            problems.append(f"{found[0]!r} in {node.parent.name}: {node.strip()[:80]!r}")
    return problems


def _body(response: Any) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def _crawl(client: Client, seeds: list[str]) -> dict[str, str]:
    """Every page reachable from ``seeds`` under the remittance pages, with its HTML."""
    pages: dict[str, str] = {}
    queue = deque(seeds)
    seen = set(seeds)
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code == 200, url
        if "text/html" not in response["Content-Type"]:
            continue
        html = response.content.decode()
        pages[url] = html
        for link in BeautifulSoup(html, "lxml").find_all("a", href=True):
            parts = urlsplit(link["href"])
            if parts.netloc or not parts.path.startswith("/en/remittances/"):
                continue
            if parts.path.startswith(
                ("/en/remittances/downloads/", "/en/remittances/collect", "/en/remittances/provider")
            ):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return pages


@pytest.mark.django_db
def test_a_fresh_demo_never_shows_a_sample_figure_without_its_label(client: Client) -> None:
    demo.seed()
    markers = _sample_markers()
    compare_seeds = [
        f"/en/remittances/?sending={spec.sending}&receiving={spec.receiving}&amount=200"
        for spec in demo.CORRIDORS
    ]
    seeds = [
        "/en/remittances/",
        *compare_seeds,
        "/en/remittances/?sending=USA&receiving=GTM&amount=200",
        "/en/remittances/corridors/",
        "/en/remittances/dashboard/",
        "/en/remittances/dashboard/published/",
        "/en/remittances/downloads/",
        "/en/indicators/sdg/",
    ]
    pages = _crawl(client, seeds)
    assert len(pages) > 300, "the walk should reach every corridor page"
    problems = {url: found for url, html in pages.items() if (found := _unlabelled_samples(html, markers))}
    assert problems == {}
    # The walk did meet samples, and labelled: the demo corridors' comparisons show them.
    assert all("data-sample" in pages[url] and "(demo)" in pages[url] for url in compare_seeds)

    # API: the comparison marks every sample offer; figures hold no sample quarter.
    for spec in demo.CORRIDORS:
        offers = client.get(
            "/api/v1/remittances/compare",
            {"sending": spec.sending, "receiving": spec.receiving, "amount": "200"},
        ).json()["offers"]
        assert offers and all(offer["sample"] for offer in offers)
    assert client.get("/api/v1/remittances/quarters").json()[-1] == LATEST_REAL_QUARTER

    # Downloads: every sample row says so; computed figures never include the sample quarter.
    quotes = list(csv.DictReader(io.StringIO(_body(client.get("/en/remittances/downloads/quotes.csv")))))
    assert quotes and all(
        row["sample"].lower() == "true" for row in quotes if row["provider"] in SAMPLE_PROVIDERS
    )
    figures = _body(client.get("/en/remittances/downloads/figures.csv"))
    assert markers[len(SAMPLE_PROVIDERS)] not in figures


@pytest.mark.django_db
def test_defaults_headlines_and_sdg_status_are_the_latest_real_quarter(client: Client) -> None:
    demo.seed()
    with override("en"):
        dashboard = client.get("/en/remittances/dashboard/").content.decode()
        corridors = client.get("/en/remittances/corridors/").content.decode()
        sdg = client.get("/en/indicators/sdg/").content.decode()
        corridor = client.get("/en/remittances/corridors/FRA-SEN/").content.decode()
    assert f"{LATEST_REAL_QUARTER}, USD 200 equivalent" in dashboard
    assert f'<option value="{LATEST_REAL_QUARTER}" selected>' in corridors
    assert f"In {LATEST_REAL_QUARTER}" in corridor
    # One rule on both pages, Germany → Kosovo included.
    for page in (dashboard, sdg):
        assert "6.47 %" in page
        assert "155 of 279 corridors (55.6 %)" in page
