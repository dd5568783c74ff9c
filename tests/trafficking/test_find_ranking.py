"""How person search ranks candidates at scale: rare tokens first, common ones only when needed.

``COMMON_CASES`` is lowered so that a handful of cases makes a token common, as thousands do in a real
case load (a frequent given name, a frequent family name).
"""

import importlib
from datetime import date
from typing import Any

import pytest
from django.apps import apps as django_apps

from migdev.trafficking import search, services
from migdev.trafficking.models import Case, PersonToken
from migdev.trafficking.tokens import PersonKeys, TokenKind, search_tokens, stored_tokens
from tests.trafficking.factories import make_case, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker() -> Any:
    return make_user("case_worker", organisation=make_organisation())


@pytest.fixture
def crowd(worker: Any, monkeypatch: Any) -> dict[str, Case]:
    """Four Marias and four Garcias: each name part common, the pair of them held by one case."""
    monkeypatch.setattr(search, "COMMON_CASES", 3)
    born = iter(date(1980 + n, 1 + n, 10 + n) for n in range(20))
    cases = {
        name: make_case(worker, first_name=first, second_name=second, birth_date=next(born))
        for name, first, second in (
            ("wanted", "María", "García"),
            ("lopez", "Maria", "Lopez"),
            ("perez", "Maria", "Perez"),
            ("diaz", "Maria", "Diaz"),
            ("ana", "Ana", "Garcia"),
            ("rosa", "Rosa", "Garcia"),
            ("luis", "Luis", "Garcia"),
        )
    }
    return cases


def ranked(worker: Any, name: str, **terms: Any) -> list[int]:
    return search.ranked_candidates(worker, search_tokens(PersonKeys.build(names=[name], **terms)))


def sql_passes(monkeypatch: Any) -> list[dict[int, int]]:
    calls: list[dict[int, int]] = []
    real = search._ranked_in_sql

    def spy(user: Any, weights: dict[int, int], **options: Any) -> list[tuple[int, int]]:
        calls.append(weights)
        return real(user, weights, **options)

    monkeypatch.setattr(search, "_ranked_in_sql", spy)
    return calls


def test_one_typo_in_a_common_name_is_found_by_the_rare_pass_alone(
    worker: Any, crowd: dict[str, Case], monkeypatch: Any
) -> None:
    calls = sql_passes(monkeypatch)
    # "garcya" changes the Metaphone code of the family name: only the pair-with-a-deletion token is rare.
    assert ranked(worker, "Maria Garcya")[0] == crowd["wanted"].pk
    assert len(calls) == 1
    # the first pass reads rare tokens only
    counts = search.token_counts(calls[0])
    assert calls[0] and all(count < search.COMMON_CASES for count in counts.values())


def test_the_second_pass_runs_when_the_rare_pass_finds_nobody_strong(
    worker: Any, crowd: dict[str, Case], monkeypatch: Any
) -> None:
    calls = sql_passes(monkeypatch)
    # Every token of "Garcia" alone is common: the person holds only common tokens and is still found.
    found = ranked(worker, "Garcia")
    assert len(calls) == 2
    garcias = {crowd[name].pk for name in ("wanted", "ana", "rosa", "luis")}
    assert garcias <= set(found)
    assert set(found[:4]) == garcias
    people = [
        item.case for item in search.person_search(worker, PersonKeys.build(names=["Garcia"]), audit=False)
    ]
    assert crowd["wanted"] in people


def test_rare_agreement_outranks_many_common_ones(worker: Any, crowd: dict[str, Case]) -> None:
    # The person's birth date is rare, "Maria" is common: the date decides, not the count of tokens.
    found = ranked(worker, "Maria Garcia", birth_date=crowd["wanted"].birth_date)
    assert found[0] == crowd["wanted"].pk
    found = ranked(worker, "Maria", birth_date=crowd["perez"].birth_date)
    assert found[0] == crowd["perez"].pk


def test_rarity_weighs_a_token_by_how_few_cases_hold_it() -> None:
    assert search.rarity(1) > search.rarity(10) > search.rarity(search.COMMON_CASES - 1) > 1
    assert search.rarity(search.COMMON_CASES) == search.rarity(10 * search.COMMON_CASES) == 1


def test_token_counts_stop_at_the_cap(worker: Any, crowd: dict[str, Case]) -> None:
    tokens = {item.token: item for item in search_tokens(PersonKeys.build(names=["Garcia"]))}
    counts = search.token_counts(tokens, cap=3)
    assert max(counts.values()) == 3
    assert (
        search.token_counts(tokens, cap=100)[
            next(t for t, item in tokens.items() if item.kind == TokenKind.NAME)
        ]
        == 4
    )


def test_names_one_typo_apart_share_a_pair_token_and_other_names_do_not() -> None:
    def pair_edits(name: str) -> set[int]:
        return {
            token
            for kind, token in stored_tokens(PersonKeys.build(names=[name]))
            if kind == TokenKind.NAME_PAIR_EDIT
        }

    assert pair_edits("Maria Garcia") & pair_edits("Garcya Maria")
    assert pair_edits("Maria Garcia") & pair_edits("Mraia Garcia")
    assert not pair_edits("Maria Garcia") & pair_edits("Maria Lopez")
    assert not pair_edits("Maria Garcia") & pair_edits("Ana Garcia")


def test_the_migration_backfills_pair_tokens_of_existing_cases_and_merged_ones(worker: Any) -> None:
    survivor = make_case(worker, first_name="Maria", second_name="Garcia")
    merged = make_case(worker, first_name="Marta", second_name="Okafor")
    Case.objects.filter(pk=merged.pk).update(merged_into=survivor)
    services.person_tokens_refresh(Case.objects.get(pk=merged.pk))
    services.person_tokens_refresh(Case.objects.get(pk=survivor.pk))
    expected = set(PersonToken.objects.filter(case=survivor).values_list("kind", "token"))
    assert any(kind == TokenKind.NAME_PAIR_EDIT for kind, _token in expected)
    PersonToken.objects.filter(kind=TokenKind.NAME_PAIR_EDIT).delete()
    migration = importlib.import_module("migdev.trafficking.migrations.0007_person_pair_edit_tokens")
    migration.backfill_pair_edit_tokens(django_apps, None)
    migration.backfill_pair_edit_tokens(django_apps, None)  # re-runnable
    assert set(PersonToken.objects.filter(case=survivor).values_list("kind", "token")) == expected
    assert not PersonToken.objects.filter(case=merged).exists()


def test_a_name_of_many_parts_is_searched_without_error(worker: Any) -> None:
    # Hundreds of tokens: more than one SQL statement may hold when they are counted.
    long_name = " ".join(f"Part{chr(97 + n // 26)}{chr(97 + n % 26)}lmno" for n in range(40))
    case = make_case(worker, first_name=long_name, second_name="Garcia")
    keys = PersonKeys.build(names=[long_name, "Garcia"])
    assert len(search_tokens(keys)) > 500
    assert [item.case for item in search.person_search(worker, keys, audit=False)] == [case]
