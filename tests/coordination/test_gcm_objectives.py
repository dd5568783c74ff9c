"""Global Compact objectives in English, French and Spanish: the official titles where an objective is
described, the hub's short labels where space is tight, English where a translation is blank."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.utils import translation

from migdev.accounts.models import User
from migdev.coordination.knowledge import services
from migdev.coordination.models import GcmObjective, Practice
from migdev.coordination.seed import GCM_OBJECTIVE_FIELDS, load_gcm_objectives

pytestmark = pytest.mark.django_db

TRAFFICKING_EN = (
    "Prevent, combat and eradicate trafficking in persons in the context of international migration"
)
TRAFFICKING_FR = (
    "Prévenir, combattre et éliminer la traite de personnes dans le cadre des migrations internationales"
)
TRAFFICKING_ES = (
    "Prevenir, combatir y erradicar la trata de personas en el contexto de la migración internacional"
)


@pytest.fixture
def published_practice(editor: User) -> Practice:
    submitter = User.objects.create_user(username="focal-point", password="a long test password 1")
    practice = services.practice_create(
        actor=submitter,
        data=services.PracticeInput(
            title="Shelter referral protocol",
            what="A referral protocol between shelters and labour inspectors.",
            who="Ministry of labour",
            results="More victims referred.",
            lessons="Train inspectors first.",
            area="labour_migration",
            gcm_objective_numbers=[10],
            country_codes=["PHL"],
            topic_codes=[],
        ),
    )
    services.practice_submit(actor=submitter, practice=practice)
    services.practice_review(actor=editor, practice=practice, decision="approve", comments="Useful.")
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED
    return practice


@pytest.fixture
def publication(editor: User) -> Any:
    return services.publication_create(
        actor=editor,
        data=services.PublicationInput(
            title="Counter-trafficking handbook",
            year=2019,
            kind="study",
            source="test",
            gcm_objective_numbers=[10],
            is_published=True,
        ),
    )


def test_every_objective_has_its_titles_in_three_languages() -> None:
    objectives = list(GcmObjective.objects.order_by("number"))
    assert [o.number for o in objectives] == list(range(1, 24))
    for objective in objectives:
        for name in GCM_OBJECTIVE_FIELDS:
            assert getattr(objective, name), (objective.number, name)
    ten = GcmObjective.objects.get(number=10)
    assert (ten.title, ten.title_fr, ten.title_es) == (TRAFFICKING_EN, TRAFFICKING_FR, TRAFFICKING_ES)
    assert (ten.short_title, ten.short_title_fr) == (
        "Eradicate trafficking",
        "Éradiquer la traite de personnes",
    )


def test_display_follows_the_active_language() -> None:
    ten = GcmObjective.objects.get(number=10)
    with translation.override("fr"):
        assert str(ten) == f"10. {TRAFFICKING_FR}"
        assert ten.short_label == "10 – Éradiquer la traite de personnes"
    with translation.override("es"):
        assert ten.short_label == "10 – Erradicar la trata de personas"
    with translation.override("de"):  # not a language migdev has: English
        assert ten.short_label == "10 – Eradicate trafficking"


def test_french_pages_show_french_titles(client: Client, published_practice: Practice) -> None:
    listing = client.get("/fr/coordination/practices/").content.decode()
    assert ">10 – Éradiquer la traite de personnes</span>" in listing  # the tag
    assert '<option value="10">10 – Éradiquer la traite de personnes</option>' in listing  # the filter
    assert "Eradicate trafficking" not in listing
    detail = client.get(f"/fr/coordination/practices/{published_practice.pk}/").content.decode()
    assert f"10. {TRAFFICKING_FR}" in detail
    assert TRAFFICKING_EN not in detail


def test_spanish_pages_show_spanish_titles(client: Client, publication: Any) -> None:
    library = client.get("/es/coordination/library/").content.decode()
    assert '<option value="10">10 – Erradicar la trata de personas</option>' in library
    detail = client.get(f"/es/coordination/library/{publication.slug}/").content.decode()
    assert f"10. {TRAFFICKING_ES}" in detail
    assert TRAFFICKING_EN not in detail


def test_a_blank_translation_falls_back_to_english(client: Client, published_practice: Practice) -> None:
    GcmObjective.objects.filter(number=10).update(title_fr="", short_title_fr="")
    detail = client.get(f"/fr/coordination/practices/{published_practice.pk}/").content.decode()
    assert f"10. {TRAFFICKING_EN}" in detail
    listing = client.get("/fr/coordination/practices/").content.decode()
    assert ">10 – Eradicate trafficking</span>" in listing
    # The Spanish page is unaffected.
    spanish = client.get(f"/es/coordination/practices/{published_practice.pk}/").content.decode()
    assert f"10. {TRAFFICKING_ES}" in spanish


def test_the_submission_form_lists_full_titles(client: Client, editor: User) -> None:
    client.force_login(editor)
    page = client.get("/fr/coordination/practices/submit/").content.decode()
    assert f"10. {TRAFFICKING_FR}" in page


def test_api_returns_titles_in_the_requested_language(client: Client) -> None:
    french = client.get("/api/v1/coordination/gcm-objectives?lang=fr").json()
    assert len(french) == 23
    assert french[9] == {
        "number": 10,
        "title": TRAFFICKING_FR,
        "short_title": "Éradiquer la traite de personnes",
        "language": "fr",
        "is_fallback": False,
    }
    assert client.get("/api/v1/coordination/gcm-objectives?lang=es").json()[9]["title"] == TRAFFICKING_ES
    default = client.get("/api/v1/coordination/gcm-objectives").json()[9]
    assert (default["title"], default["language"]) == (TRAFFICKING_EN, "en")
    assert client.get("/api/v1/coordination/gcm-objectives?lang=de").status_code == 422

    GcmObjective.objects.filter(number=10).update(title_es="")
    spanish = client.get("/api/v1/coordination/gcm-objectives?lang=es").json()[9]
    assert (spanish["title"], spanish["is_fallback"]) == (TRAFFICKING_EN, True)


def test_the_data_migration_refills_and_is_idempotent() -> None:
    GcmObjective.objects.update(
        title_fr="", title_es="", short_title="", short_title_fr="", short_title_es=""
    )
    assert load_gcm_objectives(apps) == 23
    first = list(GcmObjective.objects.order_by("number").values())
    assert all(row["title_fr"] and row["short_title_es"] for row in first)
    load_gcm_objectives(apps)
    assert list(GcmObjective.objects.order_by("number").values()) == first


def test_the_loader_writes_only_the_columns_a_historical_model_has() -> None:
    """Migration 0002 runs the same loader against the table before the translations existed."""
    state = MigrationLoader(connection).project_state(("coordination", "0007_research_network"))
    GcmObjective.objects.filter(number=10).update(title="old", title_fr="kept")
    load_gcm_objectives(state.apps)
    ten = GcmObjective.objects.get(number=10)
    assert (ten.title, ten.title_fr) == (TRAFFICKING_EN, "kept")
