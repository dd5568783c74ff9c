"""French and Spanish stemming in the research library's search, the same on SQLite and PostgreSQL: a
record is stemmed by its own language's rules, and a query word may match in English, French or Spanish."""

from __future__ import annotations

from typing import Any

import pytest

from migdev.accounts.models import User
from migdev.coordination.knowledge import search, services
from migdev.coordination.knowledge.selectors import publications_search

pytestmark = pytest.mark.django_db


def _create(editor: User, **values: Any) -> Any:
    data: dict[str, Any] = {"year": 2020, "kind": "study", "source": "test", "is_published": True}
    data.update(values)
    return services.publication_create(actor=editor, data=services.PublicationInput(**data))


def found(query: str) -> set[int]:
    return {hit.publication.pk for hit in publications_search(None, query).hits}


def test_a_french_record_is_found_by_other_forms_of_its_words(editor: User) -> None:
    record = _create(
        editor,
        title="Les politiques migratoires des États d'Afrique de l'Ouest",
        abstract="Étude des travailleurs migrants et de leurs transferts.",
        language="fr",
    )
    for query in ("politique migratoire", "travailleur", "migrante", "migratoires", "POLITIQUES"):
        assert found(query) == {record.pk}, query
    # French rules, not English ones: "politiques" is stored as "polit", not the English "politiqu".
    assert search.stemmed_words("politiques migratoires", "fr") == "polit migratoir"


def test_a_spanish_record_is_found_by_other_forms_of_its_words(editor: User) -> None:
    record = _create(
        editor,
        title="Remesas de los trabajadores migrantes",
        abstract="Las políticas migratorias y sus efectos.",
        language="es",
    )
    for query in ("remesa", "trabajador", "migratorio", "politica", "REMESAS"):
        assert found(query) == {record.pk}, query
    assert found('"remesa de los trabajador"') == {record.pk}  # a phrase, stemmed in one language


def test_french_text_is_not_cut_by_english_rules(editor: User) -> None:
    """English rules turn the French "actes" (acts) into "act", which "acting" also gives; French rules
    keep "acte". The same words in an English record are found by "acting", which shows the difference
    is the record's language and not the query."""
    french = _create(editor, title="Les actes du colloque sur les sites frontaliers", language="fr")
    english = _create(editor, title="Les actes du colloque sur les sites frontaliers", language="en")
    assert found("acting") == {english.pk}
    assert found("siting") == {english.pk}
    assert found("actes") == {french.pk, english.pk}
    assert found("acte") >= {french.pk}


def test_english_stemming_still_applies_to_english_records(editor: User) -> None:
    record = _create(editor, title="Migration policies and remittances", language="en")
    assert found("policy") == {record.pk}
    assert found("remittance migrations") == {record.pk}


def test_other_languages_keep_their_words_unstemmed(editor: User) -> None:
    record = _create(editor, title="Politiche migratorie", language="it")
    assert found("politiche") == {record.pk}
    assert found("migratoria") == set()  # no Italian stemming: only the words as written
