"""Migration-law pages with the parts added for #18's second round (an ILO list loaded from NORMLEX, its
declarations, tagged provisions) and the country profile's card of instruments: accessible in each language."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.checks import assert_accessible, assert_no_console_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NORMLEX_FIXTURE = Path(__file__).resolve().parents[1] / "law" / "fixtures" / "C097_2024-05-01.csv"


@pytest.fixture
def law_data(tmp_path: Path) -> None:
    from migdev.dataio.services import import_file
    from migdev.law.services import load_reference

    load_reference()
    import_file(format_name="law-normlex", path=NORMLEX_FIXTURE)
    provisions = tmp_path / "provisions.csv"
    provisions.write_text(
        "instrument_code,provision,text,source,topics,gcm_objectives\n"
        "C097,Article 2,Test text standing for a quoted article.,test source,,1\n",
        encoding="utf-8",
    )
    import_file(format_name="law-provisions", path=provisions)


@pytest.mark.usefixtures("law_data")
@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize(
    "path",
    ["/{lang}/law/instruments/C097/", "/{lang}/law/countries/DZA/", "/{lang}/indicators/countries/DZA/"],
)
def test_law_pages_are_accessible_in_each_language(
    page: Page,
    live_server: Any,
    external_requests: list[str],
    console_errors: list[str],
    language: str,
    path: str,
) -> None:
    response = page.goto(live_server.url + path.format(lang=language))
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)
    assert external_requests == []
    assert_no_console_errors(console_errors)


@pytest.fixture
def assistance_data() -> dict[str, int]:
    from migdev.accounts.models import RoleDefinition, User
    from migdev.accounts.roles import Role
    from migdev.law.models import PartyAction
    from migdev.law.services import load_reference
    from tests.law.factories import make_assistance

    load_reference()
    # The browser session keeps one database across tests: the editor may exist from another language's run.
    editor = User.objects.filter(username="law-browser-editor").first() or User.objects.create_user(
        username="law-browser-editor", password="law-browser-editor-2026!"
    )
    editor.roles.set(RoleDefinition.objects.filter(code=Role.EDITOR))
    assistance = make_assistance(editor)
    action = PartyAction.objects.filter(
        party_list__instrument__code="SOM2000", participant_code="SEN"
    ).first()
    assert action is not None
    return {"assistance": assistance.pk, "activity": assistance.activity_id, "action": action.pk}


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_assistance_and_edit_pages_are_accessible_in_each_language(
    page: Page,
    live_server: Any,
    external_requests: list[str],
    console_errors: list[str],
    assistance_data: dict[str, int],
    language: str,
) -> None:
    public = [
        f"/{language}/law/assistance/{assistance_data['assistance']}/",
        f"/{language}/law/countries/SEN/",
        f"/{language}/law/instruments/SOM2000/",
        f"/{language}/coordination/activities/{assistance_data['activity']}/",
    ]
    for path in public:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page)
    page.goto(live_server.url + "/en/accounts/login/")
    page.fill("input[name=username]", "law-browser-editor")
    page.fill("input[name=password]", "law-browser-editor-2026!")
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    for path in (
        f"/{language}/law/assistance/{assistance_data['assistance']}/edit/",
        f"/{language}/law/actions/{assistance_data['action']}/edit/",
        f"/{language}/law/instruments/C189/",
    ):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert_accessible(page)
    assert external_requests == []
    assert_no_console_errors(console_errors)
