"""The safeguards gate before deployment: each check holds, blocks, or is waived (reason, by whom, when).

Sources: IOM IRIS Standard v1.2 (2019) principles A (no recruitment under 18), C (employer pays), D (no
retention of identity documents), E (transparent terms), G (access to remedy); ILO General Principles and
Operational Guidelines for Fair Recruitment and the Definition of Recruitment Fees and Related Costs
(2019); WHO Global Code of Practice and the Health Workforce Support and Safeguards List 2023.

Three checks can be waived, each for a reason the standards themselves allow: the health-workforce
check (a worker who applied individually rather than being actively recruited), identity-document
custody (a document lodged with a consulate for a visa), and pre-departure orientation (a returning
worker who completed it in an earlier season). Fees borne by the worker, age, consent, the
contract, the recruiter's licence and the grievance channel are never waivable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from migdev.labour import who_ssl
from migdev.labour.matching import LEGAL_AGE, shift_years
from migdev.labour.models import (
    Application,
    CostLine,
    GateWaiver,
    IdentityDocumentCustody,
    IrisStatus,
    OrientationCertificate,
)
from migdev.reference.selectors import language_label

HOLDS = "holds"
BLOCKS = "blocks"
WAIVED = "waived"

CHECKS: dict[str, Promise] = {
    "recruiter": _("Recruiter licensed and valid"),
    "fees": _("No recruitment fee or related cost borne by the worker"),
    "contract": _(
        "Contract in a language the worker understands, given before departure, no unagreed substitution"
    ),
    "documents": _("Identity documents held by the worker"),
    "age_consent": _("Worker 18 or over, consent recorded"),
    "grievance": _("Grievance channel given"),
    "health_workforce": _(
        "Health workers from a WHO safeguards-list country: government-to-government agreement"
    ),
    "orientation": _("Pre-departure orientation completed"),
}
WAIVABLE = frozenset({"health_workforce", "documents", "orientation"})
UNDERSTOOD_LEVEL = 3  # CEFR B1: the worker reads the contract in a language they hold at B1 or above


# The keys of Check.facts stay stable for the API; pages show these names.
FACT_LABELS: dict[str, Promise] = {
    "recruiter": _("Recruiter"),
    "licence": _("Licence number"),
    "valid": _("Licence valid"),
    "iris": _("IRIS status"),
    "roster": _("Roster"),
    "revision": _("Contract revision"),
    "language": _("Language"),
    "isco": _("ISCO-08 group"),
    "country": _("Country of residence"),
    "list": _("List"),
    "channel": _("Grievance channel"),
    "certificate": _("Certificate"),
    "course": _("Course"),
    "missing": _("Modules missing"),
}


@dataclass(frozen=True)
class Check:
    code: str
    status: str
    reason: str
    facts: dict[str, str]
    waived_by: str = ""
    waived_at: datetime | None = None
    waiver_reason: str = ""

    @property
    def label(self) -> str:
        return str(CHECKS[self.code])

    @property
    def labelled_facts(self) -> list[tuple[str, str]]:
        """The facts as a page shows them: names in the page's language, languages and countries by name."""
        return [
            (
                str(FACT_LABELS.get(name, name)),
                language_label(value)
                if name == "language"
                else _country_name(value)
                if name == "country"
                else value,
            )
            for name, value in self.facts.items()
        ]


def _country_name(iso3: str) -> str:
    """The country's name in the page's language (the reference table's), or the code when unknown."""
    from migdev.reference.models import Country
    from migdev.reference.selectors import country_by_code

    try:
        return country_by_code(iso3).name
    except Country.DoesNotExist:
        return iso3


@dataclass(frozen=True)
class Gate:
    application_id: int
    on: date
    checks: list[Check]

    @property
    def passes(self) -> bool:
        return all(check.status != BLOCKS for check in self.checks)

    @property
    def blocking(self) -> list[str]:
        return [check.code for check in self.checks if check.status == BLOCKS]


def _recruiter(application: Application, on: date) -> tuple[bool, str, dict[str, str]]:
    recruiter = application.job_order.recruiter
    if recruiter is None:
        return True, str(_("Direct recruitment: no recruiter.")), {}
    start = application.job_order.start_date
    facts = {
        "recruiter": recruiter.organisation.name,
        "licence": recruiter.licence_number or "—",
        "valid": f"{recruiter.licence_valid_from or '…'} – {recruiter.licence_valid_to or '…'}",
        "iris": str(IrisStatus(recruiter.iris_status).label),
        "roster": f"{recruiter.roster_source} ({recruiter.roster_date})",
    }
    if not recruiter.licence_number:
        return False, str(_("The recruiter has no licence on the roster.")), facts
    for day in (on, start):
        if recruiter.licence_valid_from and day < recruiter.licence_valid_from:
            return False, str(_("The licence is not yet valid on %(day)s.") % {"day": day}), facts
        if recruiter.licence_valid_to and day > recruiter.licence_valid_to:
            return False, str(_("The licence has expired by %(day)s.") % {"day": day}), facts
    if recruiter.iris_status == IrisStatus.SUSPENDED:
        return False, str(_("The recruiter's IRIS certification is suspended.")), facts
    return True, str(_("Licensed and valid from today to the start date.")), facts


def _fees(application: Application) -> tuple[bool, str, dict[str, str]]:
    open_lines = [
        line
        for line in application.cost_lines.all()
        if line.paid_by == CostLine.Payer.WORKER and line.refunded_amount < line.amount
    ]
    if open_lines:
        facts = {
            str(
                CostLine.Category(line.category).label
            ): f"{line.amount - line.refunded_amount} {line.currency}"
            for line in open_lines
        }
        return False, str(_("Costs borne by the worker are not refunded.")), facts
    return True, str(_("No cost is borne by the worker (or every such cost is refunded).")), {}


def _contract(application: Application, on: date) -> tuple[bool, str, dict[str, str]]:
    contract = application.contracts.order_by("-revision").first()
    if contract is None:
        return False, str(_("No contract is recorded.")), {}
    understood = {
        item["code"] for item in application.worker.languages if int(item["level"]) >= UNDERSTOOD_LEVEL
    }
    facts = {"revision": str(contract.revision), "language": contract.language}
    if contract.language not in understood:
        return False, str(_("The contract is not in a language the worker understands (B1 or above).")), facts
    if contract.given_to_worker_on is None or contract.given_to_worker_on > on:
        return False, str(_("The contract has not been given to the worker.")), facts
    if contract.signed_on is None:
        return False, str(_("The worker has not signed the contract.")), facts
    if contract.is_substitution and contract.substitution_agreed_on is None:
        return (
            False,
            str(_("The contract was changed after signature and the worker has not agreed again.")),
            facts,
        )
    return (
        True,
        str(
            _("Given on %(given)s, signed on %(signed)s.")
            % {"given": contract.given_to_worker_on, "signed": contract.signed_on}
        ),
        facts,
    )


def _documents(application: Application) -> tuple[bool, str, dict[str, str]]:
    latest: dict[str, IdentityDocumentCustody] = {}
    for record in application.worker.document_custody.order_by("document", "-since", "-pk"):
        latest.setdefault(record.document, record)
    if not latest:
        return False, str(_("Nobody recorded who holds the worker's identity documents.")), {}
    facts = {
        str(IdentityDocumentCustody.Document(doc).label): str(IdentityDocumentCustody.Holder(r.held_by).label)
        for doc, r in latest.items()
    }
    if any(record.held_by != IdentityDocumentCustody.Holder.WORKER for record in latest.values()):
        return False, str(_("Someone other than the worker holds an identity document.")), facts
    return True, str(_("The worker holds every identity document.")), facts


def _age_consent(application: Application, on: date) -> tuple[bool, str, dict[str, str]]:
    worker = application.worker
    born = worker.date_of_birth
    first_day = min(on, application.job_order.start_date)
    if born is None or shift_years(born, LEGAL_AGE) > first_day:
        return False, str(_("The worker is under 18.")), {}
    if not worker.consents_to_processing:
        return False, str(_("No consent to the processing of the worker's data.")), {}
    consent = worker.scheme_consents.filter(scheme=application.job_order.scheme).first()
    if consent is None or consent.withdrawn_at is not None:
        return False, str(_("No consent to be shown to this scheme's employers.")), {}
    return (
        True,
        str(
            _("18 or over; consent recorded (%(method)s).")
            % {"method": worker.get_consent_processing_method_display()}
        ),
        {},
    )


def _grievance(application: Application, on: date) -> tuple[bool, str, dict[str, str]]:
    if not application.grievance_channel or application.grievance_channel_given_on is None:
        return False, str(_("No grievance channel was given to the worker.")), {}
    return (
        True,
        str(_("Given on %(day)s.") % {"day": application.grievance_channel_given_on}),
        {"channel": application.grievance_channel},
    )


def _health(application: Application) -> tuple[bool, str, dict[str, str]]:
    isco = application.job_order.isco_code
    residence = application.worker.country_of_residence_id
    if not who_ssl.is_health_occupation(isco):
        return True, str(_("Not a health occupation (ISCO-08 22 or 32).")), {"isco": isco or "—"}
    if not who_ssl.is_listed(residence):
        return True, str(_("The worker's country is not on the WHO list.")), {"country": residence}
    facts = {"isco": isco, "country": residence, "list": who_ssl.EDITION}
    if application.job_order.scheme.health_g2g_agreement:
        return True, str(_("The scheme has a government-to-government agreement.")), facts
    return (
        False,
        str(
            _(
                "Health worker from a WHO safeguards-list country without a government-to-government agreement."
            )
        ),
        facts,
    )


def _orientation(application: Application) -> tuple[bool, str, dict[str, str]]:
    from migdev.labour.orientation import orientation_progress

    certificate = (
        OrientationCertificate.objects.filter(application=application).select_related("curriculum").first()
    )
    if certificate is not None:
        facts = {"certificate": certificate.number, "course": certificate.curriculum.title}
        return (
            True,
            str(_("Completed; certificate issued on %(day)s.") % {"day": certificate.issued_on}),
            facts,
        )
    progress = orientation_progress(application)
    if not progress:
        return False, str(_("The scheme has no orientation course yet.")), {}
    best = progress[0]
    facts = {"course": best.curriculum.title, "missing": ", ".join(module.title for module in best.missing)}
    return False, str(_("The worker has not completed the pre-departure orientation.")), facts


def safeguards_gate(application: Application, *, on: date | None = None) -> Gate:
    on = on or timezone.localdate()
    results = {
        "recruiter": _recruiter(application, on),
        "fees": _fees(application),
        "contract": _contract(application, on),
        "documents": _documents(application),
        "age_consent": _age_consent(application, on),
        "grievance": _grievance(application, on),
        "health_workforce": _health(application),
        "orientation": _orientation(application),
    }
    waivers: dict[str, GateWaiver] = {}
    for waiver in (
        GateWaiver.objects.filter(application=application).select_related("waived_by").order_by("-waived_at")
    ):
        waivers.setdefault(waiver.check_code, waiver)
    checks = []
    for code, (holds, reason, facts) in results.items():
        latest = waivers.get(code)
        if not holds and latest is not None and code in WAIVABLE:
            checks.append(
                Check(
                    code,
                    WAIVED,
                    reason,
                    facts,
                    waived_by=latest.waived_by.get_username(),
                    waived_at=latest.waived_at,
                    waiver_reason=latest.reason,
                )
            )
        else:
            checks.append(Check(code, HOLDS if holds else BLOCKS, reason, facts))
    return Gate(application.pk, on, checks)
