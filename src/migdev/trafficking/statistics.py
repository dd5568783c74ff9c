"""Statistics over harmonised records, computed the way CTDC computes them.

The rule for multi-valued groups (codebook v2024, section 6): the share of a value in a group (types of
exploitation, means of control, types of labour or sex, recruiter relation, perpetrator roles) counts
only the persons with at least one recorded value in that group. Shares can sum to more than 100 %.

The same figures come from the database in :mod:`migdev.trafficking.selectors`; these functions work on
in-memory records (imports, releases, tests, the benchmark).
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from migdev.trafficking.ctdc import FLAG_GROUP_BY_NAME, FlagGroup


@dataclass(frozen=True)
class GroupShares:
    group: str
    persons: int  # everyone counted
    denominator: int  # persons with at least one recorded value in the group
    counts: dict[str, int]  # flag field -> persons with that value

    def share(self, field: str) -> float | None:
        """Share in percent of the denominator; None when nobody has a value in the group."""
        if self.denominator == 0:
            return None
        return 100.0 * self.counts.get(field, 0) / self.denominator


def group_shares(records: Iterable[Mapping[str, Any]], group: FlagGroup | str) -> GroupShares:
    group = FLAG_GROUP_BY_NAME[group] if isinstance(group, str) else group
    fields = group.fields
    counts = dict.fromkeys(fields, 0)
    persons = 0
    denominator = 0
    for record in records:
        persons += 1
        hit = False
        for field in fields:
            if record.get(field) is True:
                counts[field] += 1
                hit = True
        if hit:
            denominator += 1
    return GroupShares(group.name, persons, denominator, counts)


def count_by(records: Iterable[Mapping[str, Any]], field: str) -> Counter[Any]:
    """Persons per value of a single-valued field; None counts the persons with no recorded value."""
    return Counter(record.get(field) for record in records)


def count_true(records: Iterable[Mapping[str, Any]], field: str) -> int:
    return sum(1 for record in records if record.get(field) is True)
