"""Comparing two records of a person: a Fellegi–Sunter score built on Jaro–Winkler similarities.

Each field is compared and put in an agreement level; each level carries a weight ``log2(m / u)``, where
``m`` is the chance of that level when both records are the same person and ``u`` when they are two
different people who were nevertheless proposed as a pair (same phonetic name, same birth date…). A field
missing on either side weighs 0: absence is not evidence. The weights below are set by hand from the
error rates seen in case records (typos, swapped day and month, a second citizenship recorded once) and
checked against a generated set with ``migdev trafficking_linkage_eval`` (precision and recall, kept in
``bench/ctdc.py``). A pair whose total reaches :data:`DUPLICATE_THRESHOLD` is proposed for review; a
person search shows cases whose score against the search terms reaches :data:`SEARCH_THRESHOLD`.

Names are compared without order, accents or case: each part of the shorter name is matched to its most
similar part of the other (Jaro–Winkler; parts with the same Metaphone code count as at least 0.9).
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _
from rapidfuzz.distance import JaroWinkler

from migdev.trafficking.tokens import PersonKeys, identity_key, phonetic, transposed

DUPLICATE_THRESHOLD = 12.0
SEARCH_THRESHOLD = 0.75


@dataclass(frozen=True)
class Level:
    name: str
    label: str
    m: float
    u: float

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


def _levels(field_name: str, *rows: tuple[str, str, float, float]) -> dict[str, Level]:
    return {name: Level(name, label, m, u) for name, label, m, u in rows}


# m and u per agreement level (the disagreement level takes what is left of each).
NAME_LEVELS = _levels(
    "name",
    ("exact", "same name", 0.80, 0.0005),
    ("close", "one letter or a phonetic variant apart", 0.14, 0.004),
    ("similar", "similar", 0.03, 0.03),
    ("different", "different", 0.03, 0.9655),
)
BIRTH_LEVELS = _levels(
    "birth_date",
    ("exact", "same date", 0.86, 0.0002),
    ("transposed", "day and month swapped", 0.04, 0.0001),
    ("same_year", "same year", 0.04, 0.03),
    ("different", "different", 0.06, 0.9697),
)
CITIZENSHIP_LEVELS = _levels(
    "citizenship",
    ("shared", "share a citizenship", 0.96, 0.15),
    ("different", "no citizenship in common", 0.04, 0.85),
)
GENDER_LEVELS = _levels(
    "gender",
    ("same", "same", 0.97, 0.5),
    ("different", "different", 0.03, 0.5),
)
PHONE_LEVELS = _levels(
    "phone",
    ("same", "same number", 0.7, 0.00005),
    ("different", "different", 0.3, 0.99995),
)
IDENTITY_LEVELS = _levels(
    "identity_number",
    ("same", "same number", 0.85, 0.000001),
    ("close", "one character apart", 0.07, 0.0001),
    ("different", "different", 0.08, 0.999899),
)
EMAIL_LEVELS = _levels(
    "email",
    ("same", "same address", 0.6, 0.000001),
    ("different", "different", 0.4, 0.999999),
)

FIELD_LABELS = {
    "name": _("Name"),
    "birth_date": _("Birth date"),
    "citizenship": _("Citizenship"),
    "gender": _("Gender"),
    "phone": _("Phone"),
    "identity_number": _("Identity number"),
    "email": _("Email"),
}


@dataclass(frozen=True)
class Person:
    """The decrypted values a comparison needs (plain text: kept in memory only)."""

    keys: PersonKeys
    citizenship: frozenset[str] = frozenset()
    gender: str = ""
    email: str = ""

    @classmethod
    def of_case(cls, case: object) -> "Person":
        get = case.__getattribute__
        return cls(
            keys=PersonKeys.build(
                names=[get("first_name") or "", get("middle_name") or "", get("second_name") or ""],
                birth_date=get("birth_date"),
                phones=[get("mobile_phone") or "", get("home_phone") or ""],
                identity_number=get("identity_number") or "",
            ),
            citizenship=frozenset(code.upper() for code in (get("citizenship") or [])),
            gender=get("gender") or "",
            email=(get("email") or "").strip().casefold(),
        )


LEVEL_LABELS = {
    "exact": _("same"),
    "same": _("same"),
    "close": _("one letter or a spelling variant apart"),
    "similar": _("similar"),
    "transposed": _("day and month swapped"),
    "same_year": _("same year only"),
    "shared": _("a citizenship in common"),
    "different": _("different"),
}


@dataclass(frozen=True)
class FieldComparison:
    field: str
    level: str
    weight: float

    @property
    def label(self) -> str:
        return str(FIELD_LABELS[self.field])

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS.get(self.level, self.level))


@dataclass(frozen=True)
class Comparison:
    fields: tuple[FieldComparison, ...] = field(default_factory=tuple)

    @property
    def weight(self) -> float:
        return sum(item.weight for item in self.fields)

    @property
    def probability(self) -> float:
        """Match probability for a proposed pair, with prior odds of 1 in 2^:data:`DUPLICATE_THRESHOLD`
        (so a pair at the threshold is even odds)."""
        exponent = max(-60.0, min(60.0, self.weight - DUPLICATE_THRESHOLD))
        return 1 / (1 + 2**-exponent)

    def level(self, name: str) -> str:
        return next((item.level for item in self.fields if item.field == name), "")


def name_similarity(left: Sequence[str], right: Sequence[str]) -> float:
    """Order-free similarity of two lists of name parts, 0–1."""
    if not left or not right:
        return 0.0
    shorter, longer = (left, right) if len(left) <= len(right) else (right, left)
    available = list(longer)
    total = 0.0
    for part in shorter:
        best, best_index = 0.0, -1
        for index, other in enumerate(available):
            score = JaroWinkler.similarity(part, other)
            if score < 0.9 and phonetic(part) == phonetic(other):
                score = 0.9
            if score > best:
                best, best_index = score, index
        total += best
        if best_index >= 0:
            available.pop(best_index)
    # A name recorded with fewer parts matches on what it has, slightly discounted.
    coverage = 1.0 if len(shorter) == len(longer) else 0.97
    return coverage * total / len(shorter)


def _name_level(left: Sequence[str], right: Sequence[str]) -> str:
    if sorted(left) == sorted(right):
        return "exact"
    similarity = name_similarity(left, right)
    if similarity >= 0.93 or (set(left) <= set(right) or set(right) <= set(left)):
        return "close"
    if similarity >= 0.85:
        return "similar"
    return "different"


def _birth_level(left: date, right: date) -> str:
    if left == right:
        return "exact"
    if transposed(left) == right:
        return "transposed"
    if left.year == right.year:
        return "same_year"
    return "different"


def _weight(levels: dict[str, Level], name: str) -> float:
    level = levels[name]
    if name == "different":
        agree_m = sum(other.m for key, other in levels.items() if key != "different")
        agree_u = sum(other.u for key, other in levels.items() if key != "different")
        return math.log2((1 - agree_m) / (1 - agree_u))
    return level.weight


def compare(left: Person, right: Person) -> Comparison:
    items: list[FieldComparison] = []

    def add(field_name: str, levels: dict[str, Level], level: str) -> None:
        items.append(FieldComparison(field_name, level, _weight(levels, level)))

    if left.keys.parts and right.keys.parts:
        add("name", NAME_LEVELS, _name_level(left.keys.parts, right.keys.parts))
    if left.keys.birth_date and right.keys.birth_date:
        add("birth_date", BIRTH_LEVELS, _birth_level(left.keys.birth_date, right.keys.birth_date))
    if left.citizenship and right.citizenship:
        add(
            "citizenship",
            CITIZENSHIP_LEVELS,
            "shared" if left.citizenship & right.citizenship else "different",
        )
    if left.gender and right.gender and "Unknown" not in (left.gender, right.gender):
        add("gender", GENDER_LEVELS, "same" if left.gender == right.gender else "different")
    if left.keys.phones and right.keys.phones:
        add("phone", PHONE_LEVELS, "same" if set(left.keys.phones) & set(right.keys.phones) else "different")
    if left.keys.identity and right.keys.identity:
        add("identity_number", IDENTITY_LEVELS, _identity_level(left.keys.identity, right.keys.identity))
    if left.email and right.email:
        add("email", EMAIL_LEVELS, "same" if left.email == right.email else "different")
    return Comparison(tuple(items))


def _identity_level(left: str, right: str) -> str:
    if left == right:
        return "same"
    if len(left) == len(right) and JaroWinkler.similarity(left, right) >= 0.9:
        return "close"
    return "different"


def is_possible_duplicate(comparison: Comparison) -> bool:
    return comparison.weight >= DUPLICATE_THRESHOLD


# --- person search -------------------------------------------------------------------------------------

SEARCH_WEIGHTS = {"name": 0.45, "birth_date": 0.3, "phone": 0.35, "identity_number": 0.4}


@dataclass(frozen=True)
class SearchMatch:
    score: float
    matched: tuple[str, ...]


def search_score(terms: PersonKeys, person: Person) -> SearchMatch:
    """How well a case answers a search, 0–1: the weighted mean over the fields the search gave.

    A field the search gave but the case lacks scores 0 for that field (the case may still be shown if
    the other fields are strong enough).
    """
    parts: list[tuple[str, float]] = []
    if terms.parts:
        similarity = name_similarity(terms.parts, person.keys.parts) if person.keys.parts else 0.0
        if person.keys.parts and len(terms.parts) < len(person.keys.parts):
            similarity /= 0.97  # searching by one name of several is no weaker evidence
        parts.append(("name", min(similarity, 1.0)))
    if terms.birth_date:
        value = 0.0
        if person.keys.birth_date == terms.birth_date:
            value = 1.0
        elif person.keys.birth_date and transposed(terms.birth_date) == person.keys.birth_date:
            value = 0.85
        elif person.keys.birth_date and person.keys.birth_date.year == terms.birth_date.year:
            value = 0.3
        parts.append(("birth_date", value))
    if terms.phones:
        parts.append(("phone", 1.0 if set(terms.phones) & set(person.keys.phones) else 0.0))
    if terms.identity:
        value = 0.0
        if person.keys.identity:
            value = (
                1.0 if person.keys.identity == terms.identity else _near(terms.identity, person.keys.identity)
            )
        parts.append(("identity_number", value))
    if not parts:
        return SearchMatch(0.0, ())
    total = sum(SEARCH_WEIGHTS[name] for name, _value in parts)
    score = sum(SEARCH_WEIGHTS[name] * value for name, value in parts) / total
    matched = tuple(name for name, value in parts if value >= 0.85)
    return SearchMatch(round(score, 3), matched)


def _near(left: str, right: str) -> float:
    return 0.8 if len(left) == len(right) and JaroWinkler.similarity(left, right) >= 0.9 else 0.0


def normalise_identity(value: str) -> str:
    return identity_key(value)


def best_first(matches: Iterable[tuple[object, SearchMatch]]) -> list[tuple[object, SearchMatch]]:
    return sorted(matches, key=lambda item: -item[1].score)
