"""Statistics over harmonised records, computed the way CTDC computes them.

The rule for multi-valued groups (codebook v2024, section 6): the share of a value in a group (types of
exploitation, means of control, types of labour or sex, recruiter relation, perpetrator roles) counts
only the persons with at least one recorded value in that group. Shares can sum to more than 100 %.

Published figures come from the database: :func:`migdev.trafficking.selectors.groups_counts` through
:func:`migdev.trafficking.releases.build_aggregates` (tested there, on the path that publishes). These
helpers count in-memory records (imports, tests, the benchmark).
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any


def count_by(records: Iterable[Mapping[str, Any]], field: str) -> Counter[Any]:
    """Persons per value of a single-valued field; None counts the persons with no recorded value."""
    return Counter(record.get(field) for record in records)


def count_true(records: Iterable[Mapping[str, Any]], field: str) -> int:
    return sum(1 for record in records if record.get(field) is True)
