"""Reads of the diaspora module: what each viewer may see of an expert, the public roster, the reports
(as MIDA and TRQN publish them) and the diaspora map."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower

from migdev.diaspora.models import (
    Agreement,
    Assignment,
    EndReport,
    Expert,
    HostInstitution,
    Invitation,
    Modality,
    ReintegrationFollowUp,
    ReintegrationPlan,
    ReintegrationSupport,
    Request,
)

# What any viewer may be shown of an expert, field by field. Identifying fields (names, email, phone,
# biography) appear only in ``full_profile`` (the expert, their programme officer) and, once both sides
# signed the agreement, to the host.
CONTACT_FIELDS = ("given_name", "family_name", "email", "phone")
HOURS_PER_DAY = Decimal(8)


def _availability(expert: Expert) -> dict[str, Any]:
    return {
        "days_on_site_per_year": expert.days_on_site_per_year,
        "hours_online_per_week": expert.hours_online_per_week,
        "windows": [
            {"from": w.starts_on.isoformat(), "to": w.ends_on.isoformat()} for w in expert.windows.all()
        ],
    }


def _field_value(expert: Expert, name: str) -> Any:
    if name == "display_name":
        return " ".join(
            part
            for part in (expert.given_name, expert.family_name[:1] + "." if expert.family_name else "")
            if part
        )
    if name == "availability":
        return _availability(expert)
    return getattr(expert, name)


def shared_view(expert: Expert, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Only ``fields`` (a subset of ``Expert.SHAREABLE_FIELDS``) and the pseudonymous reference."""
    allowed = [name for name in Expert.SHAREABLE_FIELDS if name in set(fields)]
    view: dict[str, Any] = {"reference": expert.reference}
    for name in allowed:
        view[name] = _field_value(expert, name)
    return view


def full_profile(expert: Expert) -> dict[str, Any]:
    """Everything, for the expert themself and their programme officer (callers audit the read)."""
    view = shared_view(expert, Expert.SHAREABLE_FIELDS)
    for name in CONTACT_FIELDS:
        view[name] = getattr(expert, name)
    view["sex"] = expert.sex
    view["origin_basis"] = expert.origin_basis
    view["public_fields"] = list(expert.public_fields)
    view["host_fields"] = list(expert.host_fields)
    view["on_public_roster"] = expert.on_public_roster
    view["version"] = expert.version
    return view


def view_for_host(invitation: Invitation) -> dict[str, Any]:
    """What the host of ``invitation``'s request sees of the expert: the fields the expert shares with
    inviting institutions; names and contact details only once both signed the agreement."""
    expert = invitation.expert
    view = shared_view(expert, expert.host_fields)
    agreement = Agreement.objects.filter(invitation=invitation).first()
    if agreement is not None and agreement.signed_by_both:
        for name in CONTACT_FIELDS:
            view[name] = getattr(expert, name)
    return view


def public_roster(*, country_of_origin: str = "", sector: str = "") -> list[Expert]:
    """Experts with an active public roster entry (and processing consent), optionally filtered on a field
    they chose to show: a filter never reveals a field the expert kept private."""
    rows = Expert.objects.filter(
        status=Expert.Status.ACTIVE,
        consent_processing_at__isnull=False,
        consent_processing_withdrawn_at__isnull=True,
        public_consent_at__isnull=False,
        public_withdrawn_at__isnull=True,
    ).prefetch_related("windows")
    if country_of_origin:
        rows = rows.filter(country_of_origin=country_of_origin)
    experts = list(rows.order_by("pk"))
    if country_of_origin:
        experts = [e for e in experts if "country_of_origin" in e.public_fields]
    if sector:
        experts = [e for e in experts if "sectors" in e.public_fields and sector in (e.sectors or [])]
    return experts


def public_entries(rows: list[Expert]) -> list[dict[str, Any]]:
    return [shared_view(expert, expert.public_fields) for expert in rows]


# --- reports --------------------------------------------------------------------------------------------


def person_days(assignment: Assignment) -> Decimal:
    """On site (and permanent return, counted to its agreed end): calendar days of the assignment; online:
    hours logged / 8 (a working day), as TRQN counts virtual return."""
    if assignment.modality == Modality.ONLINE:
        hours = sum((log.hours for log in assignment.hours.all()), Decimal(0))
        return (hours / HOURS_PER_DAY).quantize(Decimal("0.1"))
    start = assignment.started_on or assignment.agreement.starts_on
    end = assignment.ended_on or assignment.agreement.ends_on
    return Decimal(max(0, (end - start).days + 1))


@dataclass
class Breakdown:
    assignments: Counter[str] = field(default_factory=Counter)
    person_days: defaultdict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def rows(self) -> list[tuple[str, int, Decimal]]:
        keys = sorted(set(self.assignments) | set(self.person_days))
        return [(key, self.assignments[key], self.person_days[key]) for key in keys]


@dataclass
class Report:
    experts_registered: int
    experts_active: int
    experts_by_origin: list[tuple[str, int]]
    experts_by_sex: list[tuple[str, int]]
    requests_by_status: list[tuple[str, int]]
    requests_total: int
    assignments_total: int
    person_days_total: Decimal
    by_origin: Breakdown
    by_sector: Breakdown
    by_modality: Breakdown
    by_sex: Breakdown
    institutions_supported: int
    outputs: dict[str, int]
    mean_rating: float | None
    median_days_request_to_start: float | None
    requests_approved: int
    requests_filled: int
    includes_sample: bool
    repeat_assignments: int = 0
    experts_with_repeats: int = 0
    reintegration_plans: int = 0
    reintegration_support_given: dict[str, int] = field(default_factory=dict)
    reintegration_latest_situation: dict[str, int] = field(default_factory=dict)
    experts_by_sector: list[tuple[str, int]] = field(default_factory=list)
    experts_by_modality: list[tuple[str, int]] = field(default_factory=list)
    institutions_by_country: list[tuple[str, int]] = field(default_factory=list)
    institutions_by_sector: list[tuple[str, int]] = field(default_factory=list)
    sample_assignments: int = 0

    @property
    def share_filled(self) -> float | None:
        return self.requests_filled / self.requests_approved if self.requests_approved else None

    @property
    def share_filled_percent(self) -> int | None:
        """The share filled in whole percent, rounded half up from the exact ratio (8/12 = 66.67 -> 67), as
        ``floatformat`` rounds on the platform's pages; integer arithmetic, so no float error moves a half."""
        if not self.requests_approved:
            return None
        return (200 * self.requests_filled + self.requests_approved) // (2 * self.requests_approved)


def report(*, country_of_origin: str = "") -> Report:
    """The programme's figures. Deleted accounts still count (anonymous statistics are kept)."""
    experts = Expert.objects.all()
    requests = Request.objects.all()
    assignments = Assignment.objects.select_related(
        "agreement__invitation__expert", "agreement__invitation__request__host"
    ).prefetch_related("hours")
    if country_of_origin:
        experts = experts.filter(country_of_origin=country_of_origin)
        requests = requests.filter(host__country=country_of_origin)
        assignments = assignments.filter(agreement__invitation__request__host__country=country_of_origin)
    by_origin, by_sector, by_modality, by_sex = Breakdown(), Breakdown(), Breakdown(), Breakdown()
    total_days = Decimal(0)
    delays = []
    hosts = set()
    assignment_list = list(assignments)
    for assignment in assignment_list:
        invitation = assignment.agreement.invitation
        days = person_days(assignment)
        total_days += days
        for breakdown, key in (
            (by_origin, invitation.expert.country_of_origin),
            (by_sector, invitation.request.sector),
            (by_modality, assignment.modality),
            (by_sex, invitation.expert.sex or "unknown"),
        ):
            breakdown.assignments[key] += 1
            breakdown.person_days[key] += days
        hosts.add(invitation.request.host_id)
        start = assignment.started_on or assignment.agreement.starts_on
        submitted = invitation.request.submitted_at
        if submitted is not None:
            delays.append((start - submitted.date()).days)
    outputs = {"people_trained": 0, "documents_produced": 0, "services_delivered": 0}
    ratings = []
    reports = EndReport.objects.filter(assignment__in=[a.pk for a in assignment_list])
    by_assignment: dict[int, dict[str, EndReport]] = defaultdict(dict)
    for end_report in reports:
        by_assignment[end_report.assignment_id][end_report.author] = end_report
        ratings.append(end_report.rating)
    for found in by_assignment.values():
        # The host's count of outputs where both reported (it received them); the expert's otherwise.
        chosen = found.get(EndReport.Author.HOST) or found.get(EndReport.Author.EXPERT)
        if chosen is not None:
            for name in outputs:
                outputs[name] += getattr(chosen, name)
    per_expert = Counter(a.agreement.invitation.expert_id for a in assignment_list)
    support_given: Counter[str] = Counter()
    latest_situation: Counter[str] = Counter()
    plans = ReintegrationPlan.objects.filter(assignment__in=[a.pk for a in assignment_list])
    for kind in ReintegrationSupport.objects.filter(
        plan__in=plans, status=ReintegrationSupport.Status.DONE
    ).values_list("kind", flat=True):
        support_given[kind] += 1
    latest: dict[int, str] = {}
    for plan_id, situation in (
        ReintegrationFollowUp.objects.filter(plan__in=plans)
        .order_by("held_on", "pk")
        .values_list("plan_id", "situation")
    ):
        latest[plan_id] = situation
    latest_situation.update(latest.values())
    approved = requests.filter(approved_at__isnull=False)
    filled = approved.filter(
        Q(status=Request.Status.FILLED) | Q(invitations__agreement__assignment__isnull=False)
    ).distinct()
    return Report(
        experts_registered=experts.count(),
        experts_active=experts.filter(status=Expert.Status.ACTIVE).count(),
        experts_by_origin=sorted(Counter(experts.values_list("country_of_origin", flat=True)).items()),
        experts_by_sex=sorted(Counter(s or "unknown" for s in experts.values_list("sex", flat=True)).items()),
        requests_by_status=sorted(Counter(requests.values_list("status", flat=True)).items()),
        requests_total=requests.count(),
        assignments_total=len(assignment_list),
        person_days_total=total_days,
        by_origin=by_origin,
        by_sector=by_sector,
        by_modality=by_modality,
        by_sex=by_sex,
        institutions_supported=len(hosts),
        outputs=outputs,
        mean_rating=round(statistics.fmean(ratings), 2) if ratings else None,
        median_days_request_to_start=statistics.median(delays) if delays else None,
        requests_approved=approved.count(),
        requests_filled=filled.count(),
        includes_sample=experts.filter(is_sample=True).exists()
        or requests.filter(is_sample=True).exists()
        or HostInstitution.objects.filter(is_sample=True).exists()
        or any(a.is_sample for a in assignment_list),
        repeat_assignments=sum(1 for a in assignment_list if a.agreement.invitation.repeat_of_id is not None),
        experts_with_repeats=sum(1 for n in per_expert.values() if n > 1),
        reintegration_plans=plans.count(),
        reintegration_support_given=dict(support_given),
        reintegration_latest_situation=dict(latest_situation),
        experts_by_sector=sorted(
            Counter(
                code for codes in experts.values_list("sectors", flat=True) for code in codes or []
            ).items()
        ),
        experts_by_modality=sorted(
            Counter(
                code for codes in experts.values_list("modalities", flat=True) for code in codes or []
            ).items()
        ),
        institutions_by_country=sorted(
            Counter(HostInstitution.objects.filter(pk__in=hosts).values_list("country", flat=True)).items()
        ),
        institutions_by_sector=sorted(
            Counter(HostInstitution.objects.filter(pk__in=hosts).values_list("sector", flat=True)).items()
        ),
        sample_assignments=sum(1 for a in assignment_list if a.is_sample),
    )


# --- diaspora map ---------------------------------------------------------------------------------------

# Registered experts per country of residence are public aggregates: counts below this are shown as
# "fewer than 3" to the public, so that one expert in a small country cannot be singled out.
SMALL_COUNT = 3


@dataclass(frozen=True)
class MapRow:
    code: str
    emigrants: float | None
    experts: int
    sectors: dict[str, int]

    @property
    def experts_per_100k(self) -> float | None:
        if not self.emigrants or not self.experts:
            return None
        return self.experts / self.emigrants * 100_000


@dataclass
class DiasporaMap:
    origin: str
    edition: Any  # indicators Edition or None
    editions: list[Any]
    period: str | None
    rows: list[MapRow]
    experts_total: int
    emigrants_total: float

    @property
    def experts_in_countries_without_data(self) -> int:
        return sum(row.experts for row in self.rows if row.emigrants is None)


def diaspora_map(origin: str, *, edition_code: str | None = None, period: str | None = None) -> DiasporaMap:
    """Where the emigrants of ``origin`` live (the indicators module's origin × destination table, UN DESA
    or the World Bank matrix, exactly as its partners page reads it) beside the active experts of the
    roster from ``origin`` by country of residence and sector."""
    from migdev.indicators import selectors as indicators

    try:
        table = indicators.partner_table(
            origin,
            series_code="migrant-stock",
            direction="destinations",
            period=period,
            edition_code=edition_code,
        )
        emigrants = {row.code: row.total for row in table.rows}
        edition, editions, used_period = table.edition, table.editions, table.period
    except indicators.Series.DoesNotExist:
        emigrants, edition, editions, used_period = {}, None, [], None
    experts = Expert.objects.filter(status=Expert.Status.ACTIVE, country_of_origin=origin).values_list(
        "country_of_residence", "sectors"
    )
    counts: Counter[str] = Counter()
    sectors: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for residence, expert_sectors in experts:
        counts[residence] += 1
        for sector in expert_sectors or []:
            sectors[residence][sector] += 1
    codes = set(emigrants) | set(counts)
    rows = [MapRow(code, emigrants.get(code), counts[code], dict(sectors[code])) for code in codes]
    rows.sort(key=lambda r: (r.emigrants is None, -(r.emigrants or 0), -r.experts, r.code))
    return DiasporaMap(
        origin,
        edition,
        editions,
        used_period,
        rows,
        sum(counts.values()),
        sum(value or 0.0 for value in emigrants.values()),
    )


# --- directory of diaspora organisations ------------------------------------------------------------------


def organisations(*, origin: str = "", residence: str = "", sector: str = "", text: str = "") -> list[Any]:
    """The directory, filtered on a country of origin, a country of residence, a sector and words of the
    name or activities (the lists are JSON, so the filter runs here, the same on SQLite and PostgreSQL)."""
    from migdev.diaspora.models import DiasporaOrganisation

    words = [word.casefold() for word in text.split()][:8]
    found = []
    for organisation in DiasporaOrganisation.objects.order_by(Lower("name"), "pk"):
        if origin and origin not in (organisation.countries_of_origin or []):
            continue
        if residence and residence not in (organisation.countries_of_residence or []):
            continue
        if sector and sector not in (organisation.sectors or []):
            continue
        haystack = f"{organisation.name} {organisation.activities}".casefold()
        if any(word not in haystack for word in words):
            continue
        found.append(organisation)
    return found
