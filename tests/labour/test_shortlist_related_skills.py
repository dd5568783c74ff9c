"""The shortlist's credit through related and broader ESCO skills: a worker holding none of the job's skills
but a skill related to one (skill-skill relation) or narrower than one (hierarchy) is ranked, below a worker
holding the skill itself; a worker with neither is not. Both shortlist paths."""

from __future__ import annotations

import pytest

from migdev.labour.matching import shortlist, shortlist_unoptimised
from tests.labour.conftest import CARE, COOK, INJECTIONS, KNIVES, MEDICATION, WOUNDS, World, make_worker


@pytest.mark.parametrize("compute", [shortlist, shortlist_unoptimised])
def test_related_and_narrower_skills_earn_credit(world: World, skill_links: object, compute: object) -> None:
    # No one here has the nurse occupation: only the skills sub-score can put them on the list.
    direct = make_worker(world, "Direct", skill_uris=[CARE], occupation_uris=[COOK])
    related = make_worker(world, "Related", skill_uris=[WOUNDS], occupation_uris=[COOK])
    narrower = make_worker(world, "Narrower", skill_uris=[INJECTIONS], occupation_uris=[COOK])
    unrelated = make_worker(world, "Unrelated", skill_uris=[KNIVES], occupation_uris=[COOK])
    result = compute(world.job_order)  # type: ignore[operator]
    by_worker = {candidate.worker_id: candidate for candidate in result.candidates}
    assert related.pk in by_worker and narrower.pk in by_worker
    assert unrelated.pk not in by_worker
    skills = {pk: candidate.sub_scores["skills"] for pk, candidate in by_worker.items()}
    # Half credit for the related or narrower skill: above nothing, below holding the skill itself.
    assert 0 < skills[related.pk] < skills[direct.pk]
    assert 0 < skills[narrower.pk]
    # Credit is not a held skill: the essential skill stays missing in the explanation.
    assert CARE in by_worker[related.pk].essential_missing
    assert MEDICATION in by_worker[narrower.pk].essential_missing
