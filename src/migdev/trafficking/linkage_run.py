"""Running duplicate detection on a generated set inside the database, then rolling everything back.

Used by ``migdev trafficking_linkage_eval`` and by ``bench/ctdc.py``: the generated cases go through the
same tables, tokens and functions as real ones (:func:`migdev.trafficking.search.candidate_pairs` and
:func:`~migdev.trafficking.search.score_pairs`), and nothing is left behind.
"""

import secrets
import time
from datetime import date
from typing import Any

from django.db import transaction

from migdev.accounts.models import Organisation, User
from migdev.protection.crypto import blind_index
from migdev.trafficking import linkage_eval, search, services
from migdev.trafficking.models import Case


class _RolledBack(Exception):
    pass


def insert_generated(records: list[linkage_eval.Record], owner: User) -> list[int]:
    """Bulk-insert generated records as cases of ``owner`` (encrypted like any case) with their tokens."""
    prefix = secrets.token_hex(2).upper()
    cases = []
    for number, record in enumerate(records):
        values = record.values()
        cases.append(
            Case(
                reference=f"EV{prefix}-{number:07d}",
                owner=owner,
                organisation=owner.organisation,
                retention_until=date(2099, 1, 1),
                blind_index=blind_index(
                    names=[values["first_name"], values["middle_name"], values["second_name"]],
                    birth_date=values["birth_date"],
                    citizenship=values["citizenship"],
                ),
                **values,
            )
        )
    Case.objects.bulk_create(cases, batch_size=2000)
    by_reference = dict(Case.objects.filter(owner=owner).values_list("reference", "pk"))
    ids = [by_reference[case.reference] for case in cases]
    services.person_tokens_rebuild(Case.objects.filter(owner=owner))
    return ids


def evaluate(persons: int = 2000, *, seed: int = 2006, duplicate_share: float = 0.3) -> dict[str, Any]:
    """Precision and recall of migdev's linkage and of the exact rule, overall and per kind of variant."""
    records = linkage_eval.generate(persons, duplicate_share=duplicate_share, seed=seed)
    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(name=f"linkage evaluation {secrets.token_hex(4)}")
            owner = User.objects.create(
                username=f"linkage-eval-{secrets.token_hex(4)}", organisation=organisation, is_active=False
            )
            ids = insert_generated(records, owner)
            truth = linkage_eval.true_pairs(records, ids)
            cases = Case.objects.filter(owner=owner)
            started = time.perf_counter()
            candidates = search.candidate_pairs(cases)
            found_pairs = search.score_pairs(cases, candidates)
            seconds = time.perf_counter() - started
            found = {(pair.first.pk, pair.second.pk) for pair in found_pairs}
            found = {(min(a, b), max(a, b)) for a, b in found}
            exact: dict[str, list[int]] = {}
            for pk, index in cases.exclude(blind_index="").values_list("pk", "blind_index"):
                exact.setdefault(index, []).append(pk)
            exact_pairs = {
                (min(a, b), max(a, b))
                for members in exact.values()
                for i, a in enumerate(members)
                for b in members[i + 1 :]
            }
            variants_of = {
                case_id: record.variants
                for record, case_id in zip(records, ids, strict=True)
                if record.variants
            }
            per_variant: dict[str, dict[str, int]] = {}
            for pair in truth:
                kinds = variants_of.get(pair[0], ()) or variants_of.get(pair[1], ())
                for kind in kinds:
                    row = per_variant.setdefault(kind, {"pairs": 0, "migdev": 0, "exact": 0})
                    row["pairs"] += 1
                    row["migdev"] += pair in found
                    row["exact"] += pair in exact_pairs
            result = {
                "records": len(records),
                "persons": persons,
                "seed": seed,
                "candidate_pairs": len(candidates),
                "candidate_pairs_containing_true": len(candidates & truth),
                "seconds": round(seconds, 3),
                "migdev": linkage_eval.score(found, truth).as_dict(),
                "exact_rule": linkage_eval.score(exact_pairs, truth).as_dict(),
                "recall_by_variant": {
                    kind: {
                        "pairs": row["pairs"],
                        "migdev": round(row["migdev"] / row["pairs"], 4),
                        "exact_rule": round(row["exact"] / row["pairs"], 4),
                    }
                    for kind, row in sorted(per_variant.items())
                },
            }
            raise _RolledBack
    except _RolledBack:
        pass
    return result
