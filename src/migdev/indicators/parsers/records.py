"""Development plans and migration-governance records from CSV, checked row by row before storing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from migdev.indicators.areas import is_country, normalise_code
from migdev.indicators.parsers.base import (
    ParseError,
    ParseIssue,
    cell_number,
    column_letter,
    not_a_number,
    read_csv_rows,
)

PLAN_KINDS = {"nds", "prsp", "migration", "sectoral"}
DOMAINS = {f"PD_{n}" for n in range(1, 7)}
FINDINGS = {"well_developed", "further_development"}
URL_PATTERN = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class PlanTargetRecord:
    row: int
    country: str
    plan_title: str
    plan_kind: str
    start_year: int
    end_year: int
    plan_url: str
    goal_reference: str
    goal_title: str
    indicator: str
    baseline_year: int
    baseline_value: float | None
    target_year: int
    target_value: float
    notes: str


@dataclass(frozen=True)
class AssessmentRecord:
    row: int
    country: str
    domain: str
    year: int
    finding: str
    text: str
    source: str
    source_url: str


@dataclass(frozen=True)
class ScoreRecord:
    row: int
    country: str
    domain: str
    year: int
    score: int
    source: str


class _Rows:
    """Reads a CSV with named columns and collects problems with file, row and column."""

    def __init__(self, path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()):
        self.file = path.name
        self.issues: list[ParseIssue] = []
        rows = read_csv_rows(path)
        try:
            _, header = next(rows)
        except StopIteration:
            raise ParseError([ParseIssue(self.file, 1, "A", "the file is empty")]) from None
        self.positions = {name.strip().lower(): index for index, name in enumerate(header)}
        missing = [name for name in required if name not in self.positions]
        if missing:
            raise ParseError([ParseIssue(self.file, 1, "", f"columns missing: {', '.join(missing)}")])
        self.rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]

    def text(self, line: int, row: list[str], name: str, *, required: bool = True, limit: int = 300) -> str:
        index = self.positions.get(name)
        value = row[index].strip() if index is not None and index < len(row) else ""
        if required and not value:
            self.problem(line, name, "required")
        if len(value) > limit:
            self.problem(line, name, f"longer than {limit} characters")
        return value

    def year(self, line: int, row: list[str], name: str) -> int:
        value = self.text(line, row, name)
        if value and not re.fullmatch(r"(19|20)\d\d", value):
            self.problem(line, name, f"{value!r} is not a year")
            return 0
        return int(value) if value else 0

    def number(self, line: int, row: list[str], name: str, *, required: bool = True) -> float | None:
        value = self.text(line, row, name, required=required)
        if not value:
            return None
        number, ok = cell_number(value)
        if not ok or number is None:
            self.problem(line, name, not_a_number(value))
            return None
        return number

    def country(self, line: int, row: list[str]) -> str:
        code = normalise_code(self.text(line, row, "country"))
        if code and not is_country(code):
            self.problem(line, "country", f"unknown country code {code!r}")
        return code

    def choice(self, line: int, row: list[str], name: str, allowed: set[str]) -> str:
        value = self.text(line, row, name)
        if value and value not in allowed:
            self.problem(line, name, f"{value!r} is not one of {', '.join(sorted(allowed))}")
        return value

    def url(self, line: int, row: list[str], name: str) -> str:
        value = self.text(line, row, name, required=False)
        if value and not URL_PATTERN.match(value):
            self.problem(line, name, "not a web address")
        return value

    def problem(self, line: int, name: str, reason: str) -> None:
        index = self.positions.get(name, 0)
        self.issues.append(ParseIssue(self.file, line, column_letter(index), f"{name}: {reason}"))

    def done(self) -> None:
        if self.issues:
            raise ParseError(self.issues)


PLAN_COLUMNS = (
    "country",
    "plan_title",
    "plan_kind",
    "start_year",
    "end_year",
    "goal_title",
    "indicator",
    "baseline_year",
    "target_year",
    "target_value",
)


def parse_plan_targets(path: Path, *, indicator_codes: set[str]) -> list[PlanTargetRecord]:
    reader = _Rows(path, PLAN_COLUMNS)
    records = []
    for line, row in reader.rows:
        indicator = reader.text(line, row, "indicator")
        if indicator and indicator not in indicator_codes:
            reader.problem(line, "indicator", f"unknown indicator {indicator!r}")
        start, end = reader.year(line, row, "start_year"), reader.year(line, row, "end_year")
        baseline_year, target_year = (
            reader.year(line, row, "baseline_year"),
            reader.year(line, row, "target_year"),
        )
        if start and end and end < start:
            reader.problem(line, "end_year", "before start_year")
        if baseline_year and target_year and target_year <= baseline_year:
            reader.problem(line, "target_year", "must come after baseline_year")
        target_value = reader.number(line, row, "target_value")
        records.append(
            PlanTargetRecord(
                row=line,
                country=reader.country(line, row),
                plan_title=reader.text(line, row, "plan_title"),
                plan_kind=reader.choice(line, row, "plan_kind", PLAN_KINDS),
                start_year=start,
                end_year=end,
                plan_url=reader.url(line, row, "plan_url"),
                goal_reference=reader.text(line, row, "goal_reference", required=False, limit=40),
                goal_title=reader.text(line, row, "goal_title"),
                indicator=indicator,
                baseline_year=baseline_year,
                baseline_value=reader.number(line, row, "baseline_value", required=False),
                target_year=target_year,
                target_value=target_value or 0.0,
                notes=reader.text(line, row, "notes", required=False, limit=2000),
            )
        )
    reader.done()
    return records


def parse_assessments(path: Path) -> list[AssessmentRecord]:
    reader = _Rows(path, ("country", "domain", "year", "finding", "text", "source"))
    records = [
        AssessmentRecord(
            row=line,
            country=reader.country(line, row),
            domain=reader.choice(line, row, "domain", DOMAINS),
            year=reader.year(line, row, "year"),
            finding=reader.choice(line, row, "finding", FINDINGS),
            text=reader.text(line, row, "text", limit=4000),
            source=reader.text(line, row, "source"),
            source_url=reader.url(line, row, "source_url"),
        )
        for line, row in reader.rows
    ]
    reader.done()
    return records


def parse_domain_scores(path: Path) -> list[ScoreRecord]:
    reader = _Rows(path, ("country", "domain", "year", "score", "source"))
    records = []
    for line, row in reader.rows:
        score = reader.text(line, row, "score")
        if score and score not in {"1", "2", "3", "4"}:
            reader.problem(line, "score", "SDG 10.7.2 scores run from 1 to 4")
        records.append(
            ScoreRecord(
                row=line,
                country=reader.country(line, row),
                domain=reader.choice(line, row, "domain", DOMAINS),
                year=reader.year(line, row, "year"),
                score=int(score) if score in {"1", "2", "3", "4"} else 0,
                source=reader.text(line, row, "source"),
            )
        )
    reader.done()
    return records
