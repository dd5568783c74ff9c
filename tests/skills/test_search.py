"""Search over the full shipped taxonomy: languages, accents, typos, word order, plurals, gender forms."""

from __future__ import annotations

import pytest

from migdev.skills import search
from migdev.skills.models import Occupation, TaxonomyEdition
from migdev.skills.selectors import search_occupations, search_skills
from tests.skills.conftest import COMPUTER_PROGRAMMING, NURSE

pytestmark = pytest.mark.django_db


def _uris(query: str, lang: str, limit: int = 10) -> list[str]:
    return [hit.uri for hit in search_occupations(query, lang=lang, limit=limit)]


def _first_label(query: str, lang: str) -> str:
    return search_occupations(query, lang=lang, limit=1)[0].label


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ("infirmiere", "fr"),  # no accent, feminine
        ("Infirmière", "fr"),
        ("INFIRMIER", "fr"),
        ("enfremera", "es"),  # one typo (two letters swapped)
        ("enfermero", "es"),
        ("enfermeras", "es"),  # plural
        ("nurse", "en"),  # the ISCO-08 group "Nursing professionals" lifts the nurses
    ],
)
def test_the_nurse_is_in_the_first_three(esco: TaxonomyEdition, query: str, lang: str) -> None:
    assert NURSE in _uris(query, lang, limit=3)


def test_the_whole_label_finds_the_nurse_first_in_any_order(esco: TaxonomyEdition) -> None:
    assert _uris("infirmière de soins généraux", "fr")[0] == NURSE
    assert _uris("soins generaux infirmiere", "fr")[0] == NURSE
    assert _uris("general care nurse", "en")[0] == NURSE
    assert _uris("cuidados generales enfermera", "es")[0] == NURSE


def test_masculine_and_feminine_forms_of_a_label_both_match_first(esco: TaxonomyEdition) -> None:
    for query in ("cuisinier", "cuisinière", "cuisiniere"):
        assert _first_label(query, "fr") == "cuisinier/cuisinière"
    for query in ("camarero", "camarera"):
        assert _first_label(query, "es") == "camarero/camarera"


def test_a_typo_word_order_and_plural_are_forgiven(esco: TaxonomyEdition) -> None:
    assert _first_label("software developer", "en") == "software developer"
    assert _first_label("sofware developer", "en") == "software developer"
    assert _first_label("developer software", "en") == "software developer"
    assert _first_label("software developers", "en") == "software developer"
    assert _first_label("plombiers", "fr") == "plombier/plombière"


def test_a_hidden_label_naming_another_occupation_ranks_below_the_true_match(esco: TaxonomyEdition) -> None:
    # "specialised doctor" hides "coroner", "podiatrist", "virologist"..., each also a real occupation's label
    for query, true_label in (
        ("coroner", "coroner"),
        ("podiatrist", "podiatrist"),
        ("youth worker", "youth worker"),
    ):
        hits = search_occupations(query, lang="en", limit=10)
        assert hits[0].label == true_label, (query, [hit.label for hit in hits])
    hits = search_occupations("virologist", lang="en", limit=10)
    labels = [hit.label for hit in hits]
    assert labels.index("microbiologist") < labels.index("specialised doctor")


def test_labels_come_in_the_asked_language_or_english_marked_as_such(esco: TaxonomyEdition) -> None:
    [hit] = search_occupations("nurse responsible for general care", lang="es", limit=1)
    assert (hit.uri, hit.language) == (NURSE, "es")
    assert hit.label.startswith("enfermero responsable")
    untranslated = Occupation.objects.filter(edition=esco, label_fr="").order_by("label_en").first()
    assert untranslated is not None
    hits = search_occupations(untranslated.label_en, lang="fr", limit=5)
    found = next(hit for hit in hits if hit.uri == untranslated.uri)
    assert (found.label, found.language) == (untranslated.label_en, "en")


def test_results_are_best_first_and_limited(esco: TaxonomyEdition) -> None:
    hits = search_occupations("manager", lang="en", limit=7)
    assert len(hits) == 7
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert all(hit.isco_code and len(hit.isco_code) == 4 for hit in hits)


def test_nonsense_and_empty_queries_find_nothing(esco: TaxonomyEdition) -> None:
    assert search_occupations("", lang="en") == []
    assert search_occupations("   ;;; ", lang="en") == []
    assert search_occupations("zzqxv", lang="en") == []
    assert search_occupations("x" * 5000, lang="en") == []


def test_skills_search_in_three_languages(esco: TaxonomyEdition) -> None:
    assert search_skills("computer programming", lang="en", limit=1)[0].uri == COMPUTER_PROGRAMMING
    assert search_skills("programmation informatique", lang="fr", limit=3)[0].uri == COMPUTER_PROGRAMMING
    assert search_skills("programacion informatica", lang="es", limit=3)[0].uri == COMPUTER_PROGRAMMING
    assert search_skills("comunicacion", lang="es", limit=1)[0].label == "comunicación"
    hit = search_skills("Python", lang="en", limit=1)[0]
    assert hit.label == "Python (computer programming)" and hit.kind == "skill"


def test_prefix_of_the_last_word_finds_while_typing(esco: TaxonomyEdition) -> None:
    labels = [hit.label for hit in search_occupations("electrici", lang="fr", limit=5)]
    assert "électricien/électricienne" in labels


def test_the_index_follows_a_changed_edition(esco: TaxonomyEdition) -> None:
    """Another process changed the edition (revision bumped): this process's index is rebuilt."""
    assert _uris("infirmiere", "fr", limit=3)
    Occupation.objects.filter(uri=NURSE, edition=esco).update(label_fr="soigneuse en chef/soigneur en chef")
    assert NURSE not in _uris("soigneuse en chef", "fr", limit=3)  # stale index, same revision
    TaxonomyEdition.objects.filter(pk=esco.pk).update(revision=esco.revision + 1)
    assert _uris("soigneuse en chef", "fr", limit=3)[0] == NURSE


def test_label_forms_expand_masculine_feminine_writing() -> None:
    assert search.label_forms("infirmier/infirmière de soins") == [
        "infirmier de soins",
        "infirmière de soins",
    ]
    assert search.label_forms("directeur technique/directrice") == [
        "directeur technique",
        "directrice technique",
    ]
    assert search.label_forms("camarero/camarera") == ["camarero", "camarera"]
    assert search.tokens("L'Infirmière des Écoles") == ["infirmiere", "ecole"]


def _built_indexes(esco: TaxonomyEdition) -> list[search._Index]:
    """This edition's occupation and skill indexes (other tests may have left indexes of other editions)."""
    search_occupations("nurse", lang="en", limit=1, edition=esco)
    search_skills("nurse", lang="en", limit=1, edition=esco)
    return [
        index
        for (kind, edition_id, revision, *_isco), index in search.CACHE._indexes.items()
        if (edition_id, revision) == (esco.pk, esco.revision)
    ]


def _sample_words(index: search._Index) -> list[str]:
    """Vocabulary words and one-typo forms of them (a letter dropped, added, replaced, two swapped)."""
    words = index.sorted_vocabulary[::97]
    typed = []
    for number, word in enumerate(words):
        cut = number % max(1, len(word) - 1)
        typed += [
            word[:cut] + word[cut + 1 :],
            word[:cut] + "e" + word[cut:],
            word[:cut] + "a" + word[cut + 1 :],
            word[:cut] + word[cut + 1 : cut + 2] + word[cut : cut + 1] + word[cut + 2 :],
        ]
    return words + typed


def test_the_typo_look_up_finds_what_a_scan_of_the_vocabulary_finds(esco: TaxonomyEdition) -> None:
    """The deleted-letter look-up against the rule it replaces: every vocabulary word of three letters or
    more, one edit away, sharing the first or the second letter."""
    from rapidfuzz.distance import OSA

    for index in _built_indexes(esco):
        vocabulary = [word for word in index.sorted_vocabulary if len(word) >= search.MIN_TYPO_LENGTH - 1]
        for word in _sample_words(index):
            if len(word) < search.MIN_TYPO_LENGTH:
                continue
            scanned = sorted(
                other
                for other in vocabulary
                if other != word
                and (other[0] == word[0] or other[1] == word[1])
                and OSA.distance(word, other) <= 1
            )
            assert search._typo_neighbours(index, word) == scanned, word


def test_the_isco_word_filter_never_drops_a_similar_word(esco: TaxonomyEdition) -> None:
    """Ruling out group words by their letter counts must keep every word of similarity 80 or more."""
    from rapidfuzz import fuzz

    [index] = [built for built in _built_indexes(esco) if built.isco_vocabulary]
    for word in _sample_words(index) + ["nurse", "nursing", "enfermero", "ingenieur", "teacher"]:
        index.isco_similar.pop(word, None)
        if len(word) < search.MIN_TYPO_LENGTH:
            continue
        scanned = frozenset(other for other in index.isco_vocabulary if fuzz.ratio(word, other) >= 80)
        assert search._isco_similar(index, word) == scanned | search._isco_same_stem(index, word), word
