"""Calendar quarters, the time unit of the RPW database.

Sources write quarters three ways: RPW workbooks ``2016_2Q``, World Bank DataBank ``2016Q2 [YR2016Q2]``
and people ``2016Q2`` or ``2016-Q2``. All are read into :class:`Quarter`; the canonical text form
``2016Q2`` is what the database stores (it sorts chronologically as text).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})\s*[-_ ]?\s*Q(?P<quarter>[1-4])$", re.IGNORECASE),  # 2016Q2, 2016-Q2
    re.compile(r"^(?P<year>\d{4})_(?P<quarter>[1-4])Q$", re.IGNORECASE),  # 2016_2Q (RPW workbooks)
    re.compile(r"^(?P<year>\d{4})Q(?P<quarter>[1-4])\s*\[YR(?P=year)Q(?P=quarter)\]$", re.IGNORECASE),
)
FIRST_YEAR = 2000
LAST_YEAR = 2100


class QuarterFormatError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not FIRST_YEAR <= self.year <= LAST_YEAR or not 1 <= self.number <= 4:
            raise QuarterFormatError(
                f"{self.year}Q{self.number} is not a quarter between 2000Q1 and 2100Q4 (written like 2016Q2)"
            )

    @classmethod
    def parse(cls, text: object) -> Quarter:
        """Read a quarter in any of the accepted spellings; anything else raises QuarterFormatError."""
        raw = str(text if text is not None else "").strip()
        for pattern in _PATTERNS:
            match = pattern.match(raw)
            if match:
                return cls(int(match.group("year")), int(match.group("quarter")))
        raise QuarterFormatError(
            f"{raw!r} is not a quarter; write it as 2016Q2 (or 2016_2Q as in RPW workbooks)"
        )

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def index(self) -> int:
        """Quarters since 2000Q1: consecutive quarters differ by one."""
        return (self.year - FIRST_YEAR) * 4 + self.number - 1

    @classmethod
    def from_index(cls, index: int) -> Quarter:
        return cls(FIRST_YEAR + index // 4, index % 4 + 1)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> datetime.date:
        following = Quarter.from_index(self.index + 1).first_day
        return following - datetime.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter.from_index(self.index + 1)

    def previous(self) -> Quarter:
        return Quarter.from_index(self.index - 1)


def quarter_or_none(text: object) -> Quarter | None:
    try:
        return Quarter.parse(text)
    except QuarterFormatError:
        return None
