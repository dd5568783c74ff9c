"""Capacity building: trainings and workshops on migration law, loaded from a file, and their report.

``law-trainings`` columns: ``reference`` (stable key), ``title``, ``topic`` (a platform topic code),
``country`` (ISO alpha-3), ``starts_on``, ``ends_on``, ``organisers`` (as text), optional ``organisation``
(the organising organisation of the platform, by name or acronym; left empty, the organisers' text is used
when it is exactly one organisation's name or acronym, and otherwise the training has none: only users with
rights over every organisation may then name its participants), ``instruments`` (codes,
``;``-separated), participants by sex ``women``, ``men``, ``sex_not_recorded`` and by institution
``ministries``, ``agencies``, ``civil_society``, ``other_institutions`` (both must add up to the same
total), optional ``pre_test_mean``, ``post_test_mean`` (0–100), ``follow_up``, ``activity`` (IATI
identifier of the funding activity in the registry), ``materials`` (identifiers — slugs — of records of
the hub's research library, ``;``-separated; a reference already stored gets exactly these), ``source``,
``sample`` (yes/no). Counts only: no participant is named through a file (a column such as ``name`` is an
unknown column and refuses the file); participants are named one by one, with the consent recorded, on the
training's page or through the API. All or nothing; a reference already stored is updated (its version
moves on), and a re-import cannot lower a count below the participants named in it.

The report counts people trained by country, topic, year and sex, computed by migdev from the trainings;
sample trainings are left out unless asked for, and the report says when they are in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from migdev.accounts.models import Organisation
from migdev.coordination.models import Activity, Publication, Topic
from migdev.core.versioning import claim_version
from migdev.dataio.errors import ErrorCollector
from migdev.dataio.progress import Progress
from migdev.dataio.readers import estimate_data_rows, read_table
from migdev.dataio.registry import ImportResult, LoadFormat
from migdev.law.loaders import _count, _iso_date, _text
from migdev.law.models import Instrument, Training
from migdev.law.services import counts_below_named
from migdev.reference.models import Country

if TYPE_CHECKING:
    from migdev.accounts.models import User

SEX_COLUMNS = ("women", "men", "sex_not_recorded")
INSTITUTION_COLUMNS = ("ministries", "agencies", "civil_society", "other_institutions")
REQUIRED = frozenset({"reference", "title", "topic", "country", "starts_on", "ends_on", "organisers"})
REQUIRED |= frozenset(SEX_COLUMNS) | frozenset(INSTITUTION_COLUMNS)
OPTIONAL = frozenset(
    {
        "instruments",
        "materials",
        "organisation",
        "pre_test_mean",
        "post_test_mean",
        "follow_up",
        "activity",
        "source",
        "sample",
    }
)
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,59}$")
SCORE = re.compile(r"^\d{1,3}(\.\d{1,2})?$")


def _score(problems: ErrorCollector, number: int, column: str, value: str | None) -> Decimal | None:
    text = _text(value)
    if not text:
        return None
    try:
        score = Decimal(text) if SCORE.match(text) else None
    except InvalidOperation:
        score = None
    if score is None or score > 100:
        problems.add(
            number,
            column,
            _("a mean score from 0 to 100, with a full stop for decimals: “%(value)s”")
            % {"value": text[:20]},
        )
        return None
    return score


def organisations_by_label() -> dict[str, set[Organisation]]:
    """Every platform organisation under its name and its acronym, case folded (an acronym may be shared)."""
    labels: dict[str, set[Organisation]] = defaultdict(set)
    for organisation in Organisation.objects.all():
        for label in (organisation.name, organisation.acronym):
            if label.strip():
                labels[" ".join(label.split()).casefold()].add(organisation)
    return labels


def _organisation(
    problems: ErrorCollector, number: int, labels: dict[str, set[Organisation]], given: str, organisers: str
) -> Organisation | None:
    if given:
        found = labels.get(" ".join(given.split()).casefold(), set())
        if len(found) == 1:
            return next(iter(found))
        problems.add(
            number,
            "organisation",
            (
                _("several organisations have this acronym; give the name: “%(value)s”")
                if found
                else _("no organisation of the platform has this name or acronym: “%(value)s”")
            )
            % {"value": given[:80]},
        )
        return None
    # Without the column, an organiser printed as exactly one known organisation is that organisation.
    found = labels.get(" ".join(organisers.split()).casefold(), set())
    return next(iter(found)) if len(found) == 1 else None


def load_trainings(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    problems = ErrorCollector(path.name)
    labels = organisations_by_label()
    topics = {topic.code: topic for topic in Topic.objects.all()}
    countries = set(Country.objects.values_list("iso3", flat=True))
    instruments = {instrument.code: instrument for instrument in Instrument.objects.all()}
    records: dict[str, tuple[dict[str, Any], list[Instrument], list[Publication]]] = {}
    row_of: dict[str, int] = {}
    first_row: dict[str, int] = {}
    read = 0
    progress.start(estimate_data_rows(path))
    for number, row in read_table(path, required=REQUIRED, optional=OPTIONAL):
        read += 1
        progress.advance(1)
        reference = _text(row["reference"])
        if not REFERENCE.match(reference):
            problems.add(
                number, "reference", _("a reference of letters, digits, “.”, “_”, “/” or “-”, up to 60")
            )
            continue
        if reference in first_row:
            problems.add(
                number, "reference", _("this training is also on row %(row)d") % {"row": first_row[reference]}
            )
            continue
        first_row[reference] = number
        record: dict[str, Any] = {
            "title": _text(row["title"])[:300],
            "organisers": _text(row["organisers"])[:300],
        }
        for column in ("title", "organisers"):
            if not record[column]:
                problems.add(number, column, _("required"))
        record["organisation"] = _organisation(
            problems, number, labels, _text(row["organisation"]), record["organisers"]
        )
        topic = topics.get(_text(row["topic"]))
        if topic is None:
            problems.add(
                number, "topic", _("unknown topic code “%(code)s”") % {"code": _text(row["topic"])[:60]}
            )
        record["topic"] = topic
        country = _text(row["country"]).upper()
        if country not in countries:
            problems.add(
                number, "country", _("not an ISO alpha-3 country code: “%(code)s”") % {"code": country[:10]}
            )
        record["country_iso3"] = country
        record["starts_on"] = _iso_date(problems, number, "starts_on", row["starts_on"])
        record["ends_on"] = _iso_date(problems, number, "ends_on", row["ends_on"])
        for column in ("starts_on", "ends_on"):
            if record[column] is None and not problems.row_has_errors(number):
                problems.add(number, column, _("required"))
        if record["starts_on"] and record["ends_on"] and record["ends_on"] < record["starts_on"]:
            problems.add(number, "ends_on", _("before the start"))
        for column in (*SEX_COLUMNS, *INSTITUTION_COLUMNS):
            value = _count(problems, number, column, row[column])
            if value is None and not problems.row_has_errors(number):
                problems.add(number, column, _("a count is required (0 if none)"))
            record[column] = value or 0
        by_sex = sum(record[column] for column in SEX_COLUMNS)
        by_institution = sum(record[column] for column in INSTITUTION_COLUMNS)
        if by_sex != by_institution:
            problems.add(
                number,
                "other_institutions",
                _("participants by sex add up to %(sex)d but by institution to %(institution)d")
                % {"sex": by_sex, "institution": by_institution},
            )
        record["pre_test_mean"] = _score(problems, number, "pre_test_mean", row["pre_test_mean"])
        record["post_test_mean"] = _score(problems, number, "post_test_mean", row["post_test_mean"])
        record["follow_up"] = (row["follow_up"] or "").strip()
        codes = [part.strip().upper() for part in (row["instruments"] or "").split(";") if part.strip()]
        unknown = [code for code in codes if code not in instruments]
        if unknown:
            problems.add(
                number, "instruments", _("unknown instruments: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        activity_id = _text(row["activity"])
        record["activity"] = None
        if activity_id:
            record["activity"] = Activity.objects.filter(iati_identifier=activity_id).first()
            if record["activity"] is None:
                problems.add(number, "activity", _("no activity in the registry has this IATI identifier"))
        sample = _text(row["sample"]).lower()
        if sample not in {"", "yes", "no"}:
            problems.add(number, "sample", _("“yes” or “no”"))
        record["is_sample"] = sample == "yes"
        slugs = [part.strip() for part in (row["materials"] or "").split(";") if part.strip()]
        found = {item.slug: item for item in Publication.objects.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            problems.add(
                number,
                "materials",
                _("not in the research library: %(slugs)s")
                % {"slugs": ", ".join(s[:60] for s in missing[:5])},
            )
        record["source"] = _text(row["source"])[:200] or path.name[:200]
        records[reference] = (
            record,
            [instruments[code] for code in codes if code in instruments],
            [found[slug] for slug in dict.fromkeys(slugs) if slug in found],
        )
        row_of[reference] = number
    if read == 0:
        problems.add(None, None, _("the file has no data rows"))
    existing = {training.reference: training for training in Training.objects.filter(reference__in=records)}
    for reference, stored in existing.items():
        for column, message in counts_below_named(stored, records[reference][0]).items():
            problems.add(row_of[reference], column, message)
    problems.raise_if_any(read=read)
    created = updated = 0
    for reference, (record, linked, materials) in records.items():
        training = existing.get(reference)
        if training is None:
            training = Training.objects.create(reference=reference, **record)
            created += 1
        else:
            claim_version(training, None)
            for name, value in record.items():
                setattr(training, name, value)
            training.save()
            updated += 1
        training.instruments.set(linked)
        training.materials.set(materials)
    return ImportResult(read=read, created=created, updated=updated, rejected=0)


FORMAT = LoadFormat(
    name="law-trainings",
    description=gettext_lazy(
        "Trainings and workshops on migration law: reference, title, topic, country, dates, organisers, "
        "organising organisation (name or acronym of a platform organisation), "
        "instruments, participants by sex and by institution (counts), pre/post-test means, materials (research "
        "library identifiers), activity, sample. No participant is named through a file."
    ),
    loader=load_trainings,
    permissions=("law.add_training", "law.change_training"),
)


@dataclass
class Breakdown:
    """People trained by one key (country, topic or year), by sex; ``total`` is women + men + not recorded."""

    women: int = 0
    men: int = 0
    sex_not_recorded: int = 0
    trainings: int = 0

    @property
    def total(self) -> int:
        return self.women + self.men + self.sex_not_recorded

    def add(self, training: Training) -> None:
        self.women += training.women
        self.men += training.men
        self.sex_not_recorded += training.sex_not_recorded
        self.trainings += 1


@dataclass
class TrainingReport:
    trainings: list[Training]
    includes_samples: bool
    total: Breakdown = field(default_factory=Breakdown)
    by_country: dict[str, Breakdown] = field(default_factory=lambda: defaultdict(Breakdown))
    by_topic: dict[str, Breakdown] = field(default_factory=lambda: defaultdict(Breakdown))
    by_year: dict[int, Breakdown] = field(default_factory=lambda: defaultdict(Breakdown))
    mean_gain: Decimal | None = None  # mean of (post − pre) over trainings with both scores


def trainings(
    *, country: str = "", topic: str = "", year: int | None = None, samples: bool = False
) -> QuerySet[Training]:
    found = Training.objects.select_related("topic", "activity", "organisation").prefetch_related(
        "instruments", "materials"
    )
    if not samples:
        found = found.filter(is_sample=False)
    if country:
        found = found.filter(country_iso3=country.upper())
    if topic:
        found = found.filter(topic__code=topic)
    if year is not None:
        found = found.filter(starts_on__year=year)
    return found.order_by("-starts_on", "reference")


def training_report(
    *, country: str = "", topic: str = "", year: int | None = None, samples: bool = False
) -> TrainingReport:
    """People trained, computed by migdev: each training counted once, in the year it started."""
    listed = list(trainings(country=country, topic=topic, year=year, samples=samples))
    report = TrainingReport(listed, includes_samples=any(t.is_sample for t in listed))
    gains = []
    for training in listed:
        report.total.add(training)
        report.by_country[training.country_iso3].add(training)
        report.by_topic[training.topic.code].add(training)
        report.by_year[training.starts_on.year].add(training)
        if training.pre_test_mean is not None and training.post_test_mean is not None:
            gains.append(training.post_test_mean - training.pre_test_mean)
    if gains:
        report.mean_gain = (sum(gains, Decimal(0)) / len(gains)).quantize(Decimal("0.1"))
    return report
