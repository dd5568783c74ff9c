"""Information for migrants: written per language by an editor, approved by another, shown in the
reader's language or, with a note, in another one."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation as django_translation

from migdev.accounts.models import User
from migdev.coordination.demo import seed_demo
from migdev.coordination.information import selectors, services
from migdev.coordination.models import Hotline, MigrantInfoPage, MigrantInfoTranslation

pytestmark = pytest.mark.django_db


def _page(editor: User, **kwargs: str) -> MigrantInfoPage:
    return services.migrant_page_create(
        actor=editor, subject=kwargs.get("subject", "rights_duties"), country_code=kwargs.get("country", "SN")
    )


def _publish(
    editor: User, reviewer: User, page: MigrantInfoPage, language: str, title: str
) -> MigrantInfoTranslation:
    text = services.translation_save(
        actor=editor, page=page, language=language, title=title, body=f"{title} body"
    )
    services.translation_submit(actor=editor, translation=text)
    return services.translation_review(actor=reviewer, translation=text, approve=True)


def test_written_then_approved_by_someone_else(client: Client, editor: User, second_editor: User) -> None:
    page = _page(editor)
    text = services.translation_save(
        actor=editor, page=page, language="fr", title="Vos droits", body="Texte."
    )
    assert client.get(f"/fr/coordination/information/{page.slug}/").status_code == 404
    services.translation_submit(actor=editor, translation=text)
    with pytest.raises(PermissionDenied):
        services.translation_review(actor=editor, translation=text, approve=True)  # not one's own text
    with pytest.raises(ValidationError):
        services.translation_review(actor=second_editor, translation=text, approve=False, comments="")
    services.translation_review(
        actor=second_editor, translation=text, approve=False, comments="Add a hotline."
    )
    assert text.status == MigrantInfoTranslation.Status.CHANGES_REQUESTED and text.published_at is None
    services.translation_save(
        actor=editor, page=page, language="fr", title="Vos droits", body="Texte complet."
    )
    services.translation_submit(actor=editor, translation=text)
    text.refresh_from_db()
    services.translation_review(actor=second_editor, translation=text, approve=True)
    html = client.get(f"/fr/coordination/information/{page.slug}/").content.decode()
    assert "Texte complet." in html and "pas encore" not in html


def test_public_keeps_the_approved_text_while_a_new_version_awaits(
    client: Client, editor: User, second_editor: User
) -> None:
    page = _page(editor)
    _publish(editor, second_editor, page, "en", "Approved title")
    services.translation_save(actor=editor, page=page, language="en", title="Unreviewed title", body="New.")
    html = client.get(f"/en/coordination/information/{page.slug}/").content.decode()
    assert "Approved title" in html and "Unreviewed title" not in html


def test_fallback_to_another_language_says_so(client: Client, editor: User, second_editor: User) -> None:
    page = _page(editor)
    _publish(editor, second_editor, page, "es", "Sus derechos")
    with django_translation.override("fr"):
        localised = selectors.migrant_page_localised(page, "fr")
    assert localised is not None and localised.language == "es" and localised.is_fallback
    html = client.get(f"/en/coordination/information/{page.slug}/").content.decode()
    assert "not yet available in English" in html and "shown in Spanish" in html
    assert '<article lang="es">' in html
    _publish(editor, second_editor, page, "en", "Your rights")
    localised = selectors.migrant_page_localised(page, "fr")
    assert localised is not None and localised.language == "en"  # the site's default language comes next
    assert selectors.migrant_page_localised(page, "es").is_fallback is False  # type: ignore[union-attr]


def test_withdrawing_takes_a_language_offline(client: Client, editor: User, second_editor: User) -> None:
    page = _page(editor)
    text = _publish(editor, second_editor, page, "en", "Soon gone")
    services.translation_withdraw(actor=editor, translation=text)
    assert client.get(f"/en/coordination/information/{page.slug}/").status_code == 404


def test_only_editors_write_and_only_approvers_approve(
    editor: User, analyst: User, analyst_client: Client
) -> None:
    with pytest.raises(PermissionDenied):
        services.migrant_page_create(actor=analyst, subject="rights_duties")
    page = _page(editor)
    text = services.translation_save(actor=editor, page=page, language="en", title="T", body="B")
    services.translation_submit(actor=editor, translation=text)
    with pytest.raises(PermissionDenied):
        services.translation_review(actor=analyst, translation=text, approve=True)
    with pytest.raises(ValidationError):
        services.translation_save(actor=editor, page=page, language="de", title="T", body="B")
    with pytest.raises(ValidationError):
        services.migrant_page_create(actor=editor, subject="rights_duties", country_code="XX")
    assert analyst_client.get(f"/en/coordination/information/{page.slug}/en/edit/").status_code == 403


def test_pages_by_country_include_pages_for_everyone_and_hotlines(client: Client) -> None:
    seed_demo()
    with django_translation.override("es"):
        pages = selectors.migrant_pages(None, "es", country_iso3="PHL")
    slugs = {entry.page.slug: entry for entry in pages}
    assert set(slugs) == {"rights-and-duties", "trafficking-risks", "phl-pre-departure"}
    assert not slugs["rights-and-duties"].is_fallback and slugs["phl-pre-departure"].is_fallback
    html = client.get("/es/coordination/information/?country=PH").content.decode()
    assert "Sus derechos y deberes" in html and "911" in html
    page_html = client.get("/fr/coordination/information/phl-pre-departure/").content.decode()
    assert "pas encore disponible" in page_html or "not yet available" in page_html
    assert 'href="tel:911"' in page_html


def test_editor_workflow_through_the_pages(editor_client: Client, second_editor: User) -> None:
    response = editor_client.post(
        "/en/coordination/information/new/", {"subject": "safe_migration", "country": "NP"}
    )
    page = MigrantInfoPage.objects.get(country_iso3="NPL")
    assert response.status_code == 302 and response["Location"].endswith(f"/information/{page.slug}/en/edit/")
    editor_client.post(
        f"/en/coordination/information/{page.slug}/en/edit/",
        {"title": "Migrate safely", "body": "Use licensed agencies.", "send_for_approval": "1"},
    )
    text = page.translations.get(language="en")
    assert text.status == MigrantInfoTranslation.Status.SUBMITTED
    reviewer = Client()
    reviewer.force_login(second_editor)
    assert "Migrate safely" in reviewer.get("/en/coordination/information/approval/").content.decode()
    reviewer.post(
        f"/en/coordination/information/{page.slug}/en/review/", {"decision": "approve", "comments": ""}
    )
    text.refresh_from_db()
    assert text.is_public and text.approved_by == second_editor
    editor_client.post(
        "/en/coordination/information/hotlines/new/",
        {
            "country": "NP",
            "name": "Police",
            "kind": "emergency",
            "phone": "100",
            "source": "Nepal Police",
            "is_published": "on",
        },
    )
    assert Hotline.objects.filter(country_iso3="NPL", phone="100").exists()


def test_api_serves_published_text_in_the_requested_language(client: Client, editor: User) -> None:
    seed_demo()
    pages = client.get("/api/v1/coordination/migrant-information?country=PHL&lang=fr").json()
    by_slug = {page["slug"]: page for page in pages}
    assert (
        by_slug["rights-and-duties"]["language"] == "fr" and not by_slug["rights-and-duties"]["is_fallback"]
    )
    assert by_slug["trafficking-risks"]["language"] == "en" and by_slug["trafficking-risks"]["is_fallback"]
    detail = client.get("/api/v1/coordination/migrant-information/phl-pre-departure?lang=es").json()
    assert detail["language"] == "en" and detail["is_fallback"] and detail["hotlines"][0]["phone"] == "911"
    draft = _page(editor)
    services.translation_save(actor=editor, page=draft, language="en", title="Draft", body="Not yet.")
    assert client.get(f"/api/v1/coordination/migrant-information/{draft.slug}").status_code == 404
    assert client.get("/api/v1/coordination/migrant-information?lang=de").status_code == 422
    assert client.get("/api/v1/coordination/hotlines?country=US").json()[1]["kind"] == "trafficking"
