"""The comparison page keeps its layout (per snapshot version and language) and what it parsed from the
snapshots between requests: every visitor must still get the page rendered for them, in their language,
with their own header and token, and the current data."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from migdev.core import layout
from migdev.remittances.cache import SHARED
from migdev.remittances.models import Corridor
from tests.remittances.conftest import AddService

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
URLS = [
    "/en/remittances/?sending=GBR&receiving=IND&amount=200",
    "/fr/remittances/?sending=GBR&receiving=IND&amount=1234.5",
    "/es/remittances/?sending=GBR&receiving=IND&amount=137",
    "/en/remittances/?sending=GBR&receiving=PAK&amount=50",  # no corridor: the alternatives
    "/en/remittances/?sending=GBR&receiving=GBR&amount=abc",  # errors
    "/fr/remittances/",
    "/en/remittances/?sending=GBR&receiving=IND&amount=200&x=<b>",
]


@pytest.fixture(autouse=True)
def _fresh_process() -> Iterator[None]:
    SHARED.clear_local()
    yield
    SHARED.clear_local()


@pytest.fixture
def corridor(add_service: AddService) -> Corridor:
    add_service("GBR", "IND", "Cheap {Send}", fee="2", rate="99", second=("500", "4", "99.2"))
    add_service("GBR", "IND", "Big <Bank>", fee="12", rate="98.5", transparent=False)
    add_service("GBR", "IND", "Zero Fee", fee="0", rate="95")
    return Corridor.objects.get(sending_country_id="GBR", receiving_country_id="IND")


def _html(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", URLS)
def test_an_anonymous_visitor_gets_the_page_the_templates_render_for_them(
    client: Client, corridor: Corridor, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    for warm_up in URLS:  # every kept part built, in every language, by other visitors
        client.get(warm_up)
    visitor = Client(enforce_csrf_checks=True)
    kept = _html(visitor.get(url))
    monkeypatch.setattr(layout, "shares_layout", lambda request: False)
    rendered = _html(visitor.get(url))
    # Byte for byte the page rendered whole for this visitor, but for the (masked) CSRF token …
    assert CSRF_INPUT.sub("", kept) == CSRF_INPUT.sub("", rendered)
    assert "migdev-layout-hole" not in kept
    next_path = re.search(r'name="next" type="hidden" value="([^"]*)"', kept).group(1)  # type: ignore[union-attr]
    assert next_path.startswith(url.split("?")[0]) and "<" not in next_path
    assert next_path.count("&amp;") == url.count("&")  # this visitor's path, escaped
    # … which is this visitor's own: the language form it carries is accepted.
    token = CSRF_INPUT.search(kept).group(1)  # type: ignore[union-attr]
    answer = visitor.post(
        reverse("set_language"), {"language": "fr", "next": url, "csrfmiddlewaretoken": token}
    )
    assert answer.status_code == 302


def test_each_language_gets_its_own_layout(client: Client, corridor: Corridor) -> None:
    english = _html(client.get(URLS[0]))
    french = _html(client.get(URLS[1]))
    spanish = _html(client.get(URLS[2]))
    assert '<html lang="en"' in english and '<html lang="fr"' in french and '<html lang="es"' in spanish
    for page, title in (
        (english, "Compare prices"),
        (french, "Comparer les prix"),
        (spanish, "Comparar precios"),
    ):
        assert f">{title}</a>" in page  # the module's menu, in the layout
    assert "Compare prices" not in french and "Compare prices" not in spanish
    # The country menus, kept per language: names and their order are the visitor's.
    assert '<option value="GBR" selected>Royaume-Uni' in french
    assert '<option value="GBR" selected>United Kingdom' in english


def test_a_signed_in_visitor_never_gets_another_visitors_header(
    client: Client, corridor: Corridor, login_as
) -> None:  # type: ignore[no-untyped-def]
    url = URLS[0]
    anonymous_before = _html(client.get(url))
    assert "Sign in" in anonymous_before
    login_as(username="first-reader")
    first = _html(client.get(url))
    second_client = Client()
    second_client.force_login(_user("second-reader"))
    second = _html(second_client.get(url))
    assert "first-reader" in first and "second-reader" not in first
    assert "second-reader" in second and "first-reader" not in second
    anonymous_after = _html(Client().get(url))
    for page in (anonymous_before, anonymous_after):
        assert "first-reader" not in page and "second-reader" not in page and "Sign out" not in page
    # Each signed-in visitor's tokens are their own: their sign-out form is accepted.
    for reader, page in ((client, first), (second_client, second)):
        token = CSRF_INPUT.search(page).group(1)  # type: ignore[union-attr]
        reader.handler.enforce_csrf_checks = True
        response = reader.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
        assert response.status_code in (200, 302)
        assert "_auth_user_id" not in reader.session


def _user(username: str):  # type: ignore[no-untyped-def]
    from tests.factories import make_user

    return make_user(username=username)


def test_new_prices_give_a_new_version_everything_kept_follows(
    client: Client, corridor: Corridor, add_service: AddService, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[str] = []
    build = layout.layout_parts

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        builds.append(args[1])
        return build(*args, **kwargs)

    monkeypatch.setattr(layout, "layout_parts", counted)
    before = _html(client.get(URLS[0]))
    _html(client.get(URLS[0].replace("200", "300")))
    assert len(builds) == 1  # kept for the second page
    assert "New Rival" not in before and '<option value="PHL">' not in before
    add_service("GBR", "IND", "New Rival", fee="0", rate="99.9")
    add_service("USA", "PHL", "Far Away", fee="5", rate="55")
    after = _html(client.get(URLS[0]))
    assert len(builds) == 2  # the layout is built again for the new version
    assert "New Rival" in after  # the corridor's parsed snapshot and its offers' items follow
    assert '<option value="PHL">' in after and '<option value="USA">' in after  # so do the menus
    # Another process (its own memory empty) reads the shared layout of the new version, not the old one.
    SHARED.clear_local()
    again = _html(Client().get(URLS[0]))
    assert len(builds) == 2
    assert CSRF_INPUT.sub("", again) == CSRF_INPUT.sub("", after)
