"""The evaluation: metrics, the documented profile generation, the baselines, and the command."""

from __future__ import annotations

import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from rapidfuzz import fuzz, utils

from migdev.skills import evaluation
from migdev.skills.matching import OccupationMatcher, people_matrix
from migdev.skills.models import TaxonomyEdition


def test_ranks_break_ties_towards_the_lower_index_and_a_zero_score_is_not_found() -> None:
    scores = np.array([[0.5, 0.9, 0.5], [0.5, 0.5, 0.5], [0.0, 0.2, 0.0]])
    assert evaluation.rank_of(scores, np.array([2, 0, 0])) == [3, 1, None]


def test_metrics() -> None:
    result = evaluation.metrics([1, 2, 6, None, 11])
    assert result.acc1 == pytest.approx(1 / 5)
    assert result.acc5 == pytest.approx(2 / 5)
    assert result.mrr10 == pytest.approx((1 + 1 / 2 + 1 / 6) / 5)
    assert evaluation.metrics([]).n == 0


def test_title_perturbations() -> None:
    rng = np.random.default_rng(1)
    forms = {evaluation.gender_form("serveur/serveuse", rng) for _ in range(30)}
    assert forms == {"serveur", "serveuse"}
    assert evaluation.strip_accents("infirmière générale") == "infirmiere generale"
    assert evaluation.reorder("a b c", np.random.default_rng(2)) in {"b c a", "c a b"}
    typo = evaluation.typo("electrician", np.random.default_rng(3))
    assert typo != "electrician" and abs(len(typo) - len("electrician")) <= 1
    assert evaluation.typo("a cat", rng) == "a cat"  # no word of 5 letters: left alone
    first = [
        evaluation.perturb("directeur technique/directrice technique", np.random.default_rng(9))
        for _ in range(3)
    ]
    assert len(set(first)) == 1  # the same seed gives the same query
    assert "/" not in first[0] and first[0] == first[0].lower()


def test_title_profiles_skip_labels_shared_by_several_occupations() -> None:
    labels = [["cook", "chef"], ["chef", "head chef"], ["baker"]]
    truth, queries = evaluation.title_profiles(labels, 40, seed=5)
    assert len(truth) == 40
    originals = {0: "cook", 1: "head chef", 2: "baker"}  # "chef" belongs to two occupations: never used
    for occupation, query in zip(truth, queries, strict=True):
        assert fuzz.token_sort_ratio(query, originals[occupation]) >= 60, (occupation, query)
    assert set(truth.tolist()) == {0, 1, 2}


def test_title_baselines() -> None:
    labels = [["Infirmière", "garde-malade"], ["infirmier de bloc"], ["cuisinier"]]
    plain = evaluation.titles_plain(labels, ["INFIRMIERE", "cuisinier chef"])
    assert plain.tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    strong = evaluation.titles_strong(labels, ["infirmier bloc"])
    expected = [
        max(fuzz.token_set_ratio("infirmier bloc", name, processor=utils.default_process) for name in names)
        for names in labels
    ]
    assert strong[0].tolist() == pytest.approx(expected)


def small_matcher() -> OccupationMatcher:
    rng = np.random.default_rng(4)
    occ, skill, essential = [], [], []
    for o in range(30):
        for s in rng.choice(60, size=8, replace=False):
            occ.append(o)
            skill.append(int(s))
            essential.append(bool(rng.random() < 0.6))
    return OccupationMatcher(
        30,
        60,
        occupation_index=np.array(occ),
        skill_index=np.array(skill),
        essential=np.array(essential),
    )


def test_skill_profiles_follow_the_documented_method() -> None:
    matcher = small_matcher()
    truth, profiles = evaluation.skill_profiles(matcher, 50, seed=3)
    again, profiles_again = evaluation.skill_profiles(matcher, 50, seed=3)
    assert truth.tolist() == again.tolist() and profiles == profiles_again
    for occupation, profile in zip(truth, profiles, strict=True):
        essentials = set(matcher.essential[occupation].indices.tolist())
        assert essentials & set(profile), "at least one essential skill of the true occupation"
        assert len(essentials) >= 3


def test_skill_baselines_are_the_documented_formulas() -> None:
    matcher = small_matcher()
    person = people_matrix([[0, 1, 2, 3]], 60)
    plain = evaluation.skills_plain(matcher, person)[0]
    strong = evaluation.skills_strong(matcher, person)[0]
    for o in range(30):
        ess = set(matcher.essential[o].indices.tolist())
        opt = set(matcher.optional[o].indices.tolist())
        assert plain[o] == len((ess | opt) & {0, 1, 2, 3})
        total = len(ess) + 0.3 * len(opt)
        assert strong[o] == pytest.approx((len(ess & {0, 1, 2, 3}) + 0.3 * len(opt & {0, 1, 2, 3})) / total)
    report = evaluation.evaluate_skills(matcher, 40, seed=1)
    assert set(report) == {"engine", "plain", "strong"}


@pytest.mark.django_db
def test_the_command_prints_the_engine_beside_both_baselines(esco: TaxonomyEdition) -> None:
    out = StringIO()
    call_command("skills", "evaluate", "--profiles", "300", "--titles", "40", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert set(report["skills"]) == {"engine", "plain", "strong"}
    assert set(report["titles"]) == {"en", "fr", "es"}
    for lang in ("en", "fr", "es"):
        assert set(report["titles"][lang]) == {"engine", "plain", "strong"}
    # The engine beats the strong baseline on skills (documented; a regression in the engine shows here).
    assert report["skills"]["engine"]["acc@1"] > report["skills"]["strong"]["acc@1"]
    assert report["skills"]["engine"]["mrr@10"] > report["skills"]["strong"]["mrr@10"]
    text = StringIO()
    call_command("skills", "evaluate", "--profiles", "50", "--titles", "10", "--lang", "es", stdout=text)
    assert "title -> occupation (es)" in text.getvalue() and "strong" in text.getvalue()


@pytest.mark.django_db
def test_the_command_without_a_taxonomy_says_so() -> None:
    TaxonomyEdition.objects.filter(taxonomy="esco").update(is_current=False)
    with pytest.raises(CommandError, match="No ESCO edition"):
        call_command("skills", "evaluate", "--profiles", "5", "--titles", "1")
    with pytest.raises(CommandError):
        call_command("skills", "evaluate", "--profiles", "0")
