"""Load formats of the counter-trafficking module (registered from ``AppConfig.ready()``).

* ``ctdc-vp``, ``ctdc-global``, ``ctdc-synthetic``: CTDC public files into analytic records, each kept
  with its source file, checksum and edition. Loading the same file again replaces its records.
* ``htcds-xlsx``: the HTCDS 2.0 Excel toolkit workbook ("Case Sheet") into cases.

All of them are all-or-nothing: every problem is collected with its row and column, and the file is
refused once with all of them (the runner wraps each load in one transaction).
"""

import hashlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from migdev.accounts.access import has_permission
from migdev.accounts.models import Organisation, User
from migdev.dataio.errors import ErrorCollector, ImportRejected, RowError
from migdev.dataio.exports import unescape_cell
from migdev.dataio.progress import Progress
from migdev.dataio.readers import FileKind, Workbook, detect_kind, estimate_data_rows, read_table
from migdev.dataio.registry import ImportResult, LoadFormat
from migdev.trafficking import ctdc, exchange, htcds, services
from migdev.trafficking.countries import country_index
from migdev.trafficking.models import AnalyticRecord, AnalyticSource, Consent, DataTransfer, Referral
from migdev.trafficking.selectors import CASE_ADD, CASE_VIEW, CONSENT_OVERRIDE

if TYPE_CHECKING:
    from migdev.jobs.models import Job  # noqa: F401

BATCH_SIZE = 1000
# Columns CTDC added or dropped between editions of the Global Dataset: accepted, not required.
GLOBAL_OPTIONAL = frozenset(
    {
        "isSlaveryAndPractices",
        "meansOfControlConcatenated",
        "typeOfExploitConcatenated",
        "typeOfLabourConcatenated",
        "typeOfSexConcatenated",
        "RecruiterRelationship",
    }
)
DEFAULT_EDITIONS = {
    "ctdc-vp": "Global Victim-Perpetrator Synthetic Dataset, December 2022",
    "ctdc-global": "Global Dataset (k-anonymised)",
    "ctdc-synthetic": "Global Synthetic Dataset",
}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _load_ctdc(format_name: str, path: Path, progress: Progress, user: User | None) -> ImportResult:
    if user is not None and not has_permission(user, "trafficking.load_analytic_records"):
        raise ImportRejected([RowError(path.name, None, None, _("You may not load CTDC files."))])
    data_format = ctdc.FORMATS[format_name]
    required = set(data_format.columns) - (GLOBAL_OPTIONAL if format_name == "ctdc-global" else set())
    optional = set(data_format.columns) - required
    countries = country_index()
    errors = ErrorCollector(path.name)
    records: list[AnalyticRecord] = []
    progress.start(estimate_data_rows(path))
    read = 0
    for row_number, row in read_table(path, required=required, optional=optional):
        read += 1
        cells = {column: value or "" for column, value in row.items()}
        for column in optional:
            cells.setdefault(column, "")
        try:
            values = data_format.reader(cells, countries.resolve)
        except ctdc.CellError as error:
            errors.add(row_number, error.column, error.reason)
            continue
        if not errors:
            records.append(AnalyticRecord(**values))
        if read % BATCH_SIZE == 0:
            progress.advance(BATCH_SIZE)
    errors.raise_if_any(read=read)
    if not records:
        raise ImportRejected([RowError(path.name, None, None, _("The file has no data rows."))], read=read)
    checksum = _sha256(path)
    previous = AnalyticSource.objects.filter(data_format=format_name, sha256=checksum).first()
    updated = 0
    if previous is not None:
        updated = services.analytic_source_clear(previous)
        source = previous
        source.loaded_at = timezone.now()
        source.loaded_by = user
    else:
        source = AnalyticSource(
            name=path.name,
            data_format=format_name,
            edition=DEFAULT_EDITIONS[format_name],
            file_name=path.name[:255],
            sha256=checksum,
            loaded_by=user,
        )
    source.record_count = len(records)
    source.save()
    for record in records:
        record.organisation = user.organisation if user is not None else None
    services.analytic_records_create(source, records)
    progress.advance(read % BATCH_SIZE)
    replaced = min(updated, len(records))
    return ImportResult(read=read, created=len(records) - replaced, updated=replaced, rejected=0)


def load_ctdc_vp(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    return _load_ctdc("ctdc-vp", path, progress, user)


def load_ctdc_global(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    return _load_ctdc("ctdc-global", path, progress, user)


def load_ctdc_synthetic(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    return _load_ctdc("ctdc-synthetic", path, progress, user)


# --- HTCDS Excel toolkit --------------------------------------------------------------------------------

CASE_SHEET = "Case Sheet"
# The toolkit's header row spells one name wrongly and leaves one out; both are recognised (the missing
# one by its label in the second header row).
TOOLKIT_ALIASES = {"vic_TraffickinStatusDecisionMakingOrg": "vic_TraffickingStatusDecisionMakingOrg"}
TOOLKIT_LABELS = {"Reason for Outgoing Referral": "cas_ReasonForOutgoingReferral"}
TOOLKIT_OTHER = {
    "cas_CaseOwner",
    "con_Consent",
    "cas_Status",
    "cas_ReferringOrganisation",
    "cas_IncomingReferralDate",
    "cas_ReferringPrimaryCaseWorker",
    "cas_ReasonForIncomingReferral",
    "cas_IncomingReferralDetails",
    "cas_ReferredOrganisation",
    "cas_ReferredPrimaryCaseWorker",
    "cas_ReasonForOutgoingReferral",
    "cas_OutgoingReferralDate",
    "cas_OutgoingReferralDetails",
    "cas_ReasonForCaseClosure",
}
# A case export with HTCDS field names (trafficking.exchange) writes every case field; the toolkit's own
# sheet holds a subset of them. Both load.
CASE_COLUMNS = exchange.field_for_column()
KNOWN_COLUMNS = set(CASE_COLUMNS) | TOOLKIT_OTHER
COUNTRY_COLUMNS = {"prs_MailingCountry", "mdv_RecruitmentCountry", "mdv_ExploitationCountry"}
DATE_COLUMNS = {"prs_Birthdate", "mdv_RegisteredOn"}
CHECKBOX_COLUMNS = {"prs_Deceased"}
# The HTCDS value list behind each coded toolkit column.
TOOLKIT_LISTS = {
    "prs_Gender": "prs_Gender",
    "vic_TraffickingStatus": "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg": "vic_TraffickingStatusDecisionMakingOrg",
    "vic_MethodOfRecruitment": "vic_MethodOfRecruitment",
    "vic_MethodsOfControl": "vic_MethodsOfControl",
    "vic_TypeOfExploitation": "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry": "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation": "vic_TypeOfSexExploitation",
    "prs_MaritalStatus": "prs_MaritalStatus",
    "prs_HighestLevelOfEducation": "prs_HighestLevelOfEducation",
    "vic_RelationshipToTrafficker": "vic_RelationshipToTrafficker",
    "vic_RecruitmentWebsitesAndApps": "vic_RecruitmentWebsitesAndApps",
    "vic_ExploitationWebsitesAndApps": "vic_ExploitationWebsitesAndApps",
    "vic_Vulnerabilities": "vic_Vulnerabilities",
    "cas_Status": "cas_Status",
    "cas_ReasonForIncomingReferral": "cas_ReasonForIncomingReferral",
    "cas_ReasonForOutgoingReferral": "cas_ReasonForOutgoingReferral",
}
MULTI_VALUED = {
    "vic_MethodOfRecruitment",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "vic_RecruitmentWebsitesAndApps",
    "vic_ExploitationWebsitesAndApps",
    "vic_Vulnerabilities",
    "prs_Citizenship",
}
YES = {"true", "yes", "y", "1", "x", "✓", "oui", "sí", "si"}
NO = {"false", "no", "n", "0", "non"}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # A platform export quotes text that a spreadsheet could take for a formula ("+234…" phone numbers).
    return unescape_cell(" ".join(str(value).split()))


def _toolkit_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of the Case Sheet as {toolkit column: text}; row numbers as in Excel."""
    if detect_kind(path) is not FileKind.XLSX:
        raise ImportRejected([RowError(path.name, None, None, _("The HTCDS toolkit is an XLSX workbook."))])
    # The shared reader: a damaged or oversized workbook is refused with a clear error, not a traceback.
    with Workbook(path, checked=True) as workbook:
        if CASE_SHEET not in workbook.sheetnames:
            raise ImportRejected(
                [
                    RowError(
                        path.name,
                        None,
                        None,
                        _("The workbook has no “%(sheet)s” sheet.") % {"sheet": CASE_SHEET},
                    )
                ]
            )
        rows = (values for _number, values in workbook.rows(CASE_SHEET))
        names = [_cell(value) for value in next(rows, ())]
        labels = [_cell(value) for value in next(rows, ())]
        columns: dict[int, str] = {}
        unknown = []
        for index, name in enumerate(names):
            name = TOOLKIT_ALIASES.get(name, name) or TOOLKIT_LABELS.get(
                labels[index] if index < len(labels) else "", ""
            )
            if not name:
                continue
            if name not in KNOWN_COLUMNS:
                unknown.append(name)
            columns[index] = name
        if unknown or "prs_FirstName" not in columns.values():
            reason = (
                _("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)}
                if unknown
                else _("This does not look like the HTCDS toolkit's Case Sheet (no prs_FirstName column).")
            )
            raise ImportRejected([RowError(path.name, 1, None, reason)])
        for number, values in enumerate(rows, start=3):
            row = {
                name: _cell(values[index]) if index < len(values) else "" for index, name in columns.items()
            }
            if any(row.values()):
                yield number, row


def _coded(list_name: str, text: str, many: bool, *, quote: bool = True) -> list[str]:
    """HTCDS value names for a cell. ``quote=False`` keeps the cell's text out of the error, for files
    about people (an error report is kept in the import history)."""
    # A label may itself hold a semicolon ("Water supply; sewerage, ..."): try the whole cell first.
    whole = htcds.value_for(list_name, text)
    if whole is not None:
        return [whole]
    parts = [part.strip() for part in text.split(";")] if many else [text]
    result = []
    for part in parts:
        if not part:
            continue
        value = htcds.value_for(list_name, part)
        if value is None:
            if not quote:
                raise ValidationError(_("A value is not on the HTCDS list."))
            raise ValidationError(_("“%(value)s” is not on the HTCDS list.") % {"value": part})
        result.append(value)
    return result


def _country_code(text: str, index: Any, *, quote: bool = True) -> str:
    """ISO alpha-2 from a code or from the toolkit's own country list (its drop-down offers names)."""
    candidate = text.strip()
    code = htcds.standard()["toolkit_countries"].get(candidate, candidate).upper()
    if len(code) != 2 or not index.is_country(code):
        if not quote:
            raise ValidationError(_("Neither an ISO alpha-2 code nor a country of the toolkit's list."))
        raise ValidationError(
            _("“%(value)s” is neither an ISO alpha-2 code nor a country of the toolkit's list.")
            % {"value": text}
        )
    return str(code)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        # The cell is not quoted: in a case file it may be a birth date.
        raise ValidationError(_("Not a date (YYYY-MM-DD).")) from None


def _checkbox(text: str) -> bool:
    answer = text.casefold()
    if answer in YES | NO:
        return answer in YES
    raise ValidationError(_("Write TRUE or FALSE."))


def _organisation(text: str) -> Organisation | None:
    return Organisation.objects.filter(Q(name__iexact=text) | Q(acronym__iexact=text)).first()


class _RowCheck:
    """Errors of one row: it is written only if it has none (and the file only if no row has any)."""

    def __init__(self, errors: ErrorCollector, row: int) -> None:
        self.errors = errors
        self.row = row
        self.ok = True

    def fail(self, column: str, reason: str) -> None:
        self.ok = False
        self.errors.add(self.row, column, reason)


def load_htcds_workbook(path: Path, *, progress: Progress, user: User | None) -> ImportResult:
    """Cases from the HTCDS 2.0 Excel toolkit. ``cas_CaseOwner`` names the owner by username (the importer
    by default). Outgoing referrals recorded in the workbook predate the system's consent gate, so they
    are kept as overrides by the importer, who must be allowed to override consent."""
    if user is not None and not has_permission(user, CASE_ADD):
        raise ImportRejected([RowError(path.name, None, None, _("You may not open cases."))])
    errors = ErrorCollector(path.name)
    index = country_index()
    owners: dict[str, User | None] = {}
    progress.start(None)
    read = created = 0
    for row_number, row in _toolkit_rows(path):
        read += 1
        values: dict[str, Any] = {}
        check = _RowCheck(errors, row_number)
        fail = check.fail
        for column, field in CASE_COLUMNS.items():
            text = row.get(column, "")
            if not text:
                continue
            try:
                if column == "prs_Citizenship":
                    values[field] = [
                        _country_code(part, index, quote=False) for part in text.split(";") if part.strip()
                    ]
                elif column in COUNTRY_COLUMNS:
                    values[field] = _country_code(text, index, quote=False)
                elif column in TOOLKIT_LISTS:
                    codes = _coded(TOOLKIT_LISTS[column], text, column in MULTI_VALUED, quote=False)
                    values[field] = codes if column in MULTI_VALUED else codes[0]
                elif column in DATE_COLUMNS:
                    values[field] = _date(text)
                elif column in CHECKBOX_COLUMNS:
                    values[field] = _checkbox(text)
                else:
                    values[field] = text
            except ValidationError as error:
                fail(column, " ".join(error.messages))
        try:
            values = services.clean_case_values(values)
        except ValidationError as error:
            reverse = {field: column for column, field in CASE_COLUMNS.items()}
            for field, messages in error.message_dict.items():
                fail(reverse.get(field, field), " ".join(messages))

        owner_name = row.get("cas_CaseOwner", "")
        if owner_name not in owners:
            owners[owner_name] = (
                User.objects.filter(username=owner_name, is_active=True).first() if owner_name else user
            )
        owner = owners[owner_name]
        if owner is None:
            fail("cas_CaseOwner", _("Name the case owner by user name (or load the file as a case worker)."))
        elif not has_permission(owner, CASE_VIEW) or owner.organisation_id is None:
            fail("cas_CaseOwner", _("%(user)s cannot hold cases.") % {"user": owner.get_username()})

        status = htcds.CaseStatus.ACTIVE.value
        consent = row.get("con_Consent", "").casefold()
        if consent and consent not in YES | NO:
            fail("con_Consent", _("Write TRUE or FALSE."))
        for column in ("cas_Status", "cas_ReasonForIncomingReferral", "cas_ReasonForOutgoingReferral"):
            if row.get(column):
                try:
                    coded = _coded(TOOLKIT_LISTS[column], row[column], False)[0]
                    if column == "cas_Status":
                        status = coded
                except ValidationError as error:
                    fail(column, " ".join(error.messages))
        incoming_date = outgoing_date = None
        for column in ("cas_IncomingReferralDate", "cas_OutgoingReferralDate"):
            if row.get(column):
                try:
                    parsed = _date(row[column])
                    if column == "cas_IncomingReferralDate":
                        incoming_date = parsed
                    else:
                        outgoing_date = parsed
                except ValidationError as error:
                    fail(column, " ".join(error.messages))
        incoming = any(
            row.get(c)
            for c in (
                "cas_ReferringOrganisation",
                "cas_IncomingReferralDate",
                "cas_ReasonForIncomingReferral",
                "cas_IncomingReferralDetails",
            )
        )
        if incoming and not row.get("cas_ReferringOrganisation"):
            fail("cas_ReferringOrganisation", _("An incoming referral needs the referring organisation."))
        outgoing = any(
            row.get(c)
            for c in (
                "cas_ReferredOrganisation",
                "cas_OutgoingReferralDate",
                "cas_ReasonForOutgoingReferral",
                "cas_OutgoingReferralDetails",
            )
        )
        referred_to = None
        if outgoing:
            referred_to = _organisation(row.get("cas_ReferredOrganisation", ""))
            if referred_to is None:
                fail("cas_ReferredOrganisation", _("Name an organisation registered in the system."))
            if user is None or not has_permission(user, CONSENT_OVERRIDE):
                fail(
                    "cas_ReferredOrganisation",
                    _(
                        "Past outgoing referrals are recorded as consent overrides: load the file as a supervisor."
                    ),
                )
        if check.ok and not errors and owner is not None:
            groups = list(owner.user_groups.all()[:2])
            case = services.case_insert(
                owner=owner,
                group=groups[0] if len(groups) == 1 else None,
                values=values,
                created_by=user,
                status=status,
                closure_reason=row.get("cas_ReasonForCaseClosure", ""),
                audit_detail={"imported_from": path.name, "row": row_number},
            )
            created += 1
            if consent in YES:
                Consent.objects.create(case=case, created_by=user, purpose=Consent.Purpose.ASSISTANCE)
            if incoming:
                Referral.objects.create(
                    case=case,
                    created_by=user,
                    direction=Referral.Direction.INCOMING,
                    organisation=_organisation(row["cas_ReferringOrganisation"]),
                    organisation_name=row["cas_ReferringOrganisation"][:200],
                    case_worker_name=row.get("cas_ReferringPrimaryCaseWorker", "")[:200],
                    referral_date=incoming_date or case.registered_on,
                    reason=_coded(
                        "cas_ReasonForIncomingReferral",
                        row.get("cas_ReasonForIncomingReferral") or "Other",
                        False,
                    )[0],
                    details=row.get("cas_IncomingReferralDetails", ""),
                )
            if outgoing and referred_to is not None and user is not None:
                referral = Referral.objects.create(
                    case=case,
                    created_by=user,
                    direction=Referral.Direction.OUTGOING,
                    organisation=referred_to,
                    case_worker_name=row.get("cas_ReferredPrimaryCaseWorker", "")[:200],
                    referral_date=outgoing_date or case.registered_on,
                    reason=_coded(
                        "cas_ReasonForOutgoingReferral",
                        row.get("cas_ReasonForOutgoingReferral") or "Other",
                        False,
                    )[0],
                    details=row.get("cas_OutgoingReferralDetails", ""),
                    override_by=user,
                    override_justification=_(
                        "Referral made before the case was recorded here; imported from %(file)s"
                    )
                    % {"file": path.name},
                )
                DataTransfer.objects.create(
                    case=case,
                    created_by=user,
                    referral=referral,
                    recipient=str(referred_to)[:200],
                    purpose=_("Referral recorded in the HTCDS toolkit before import")[:300],
                    safeguards=_("Not recorded in the toolkit")[:500],
                )
        progress.advance(1)
    errors.raise_if_any(read=read)
    if read == 0:
        raise ImportRejected(
            [RowError(path.name, None, None, _("The Case Sheet has no filled-in rows."))], read=0
        )
    return ImportResult(read=read, created=created, updated=0, rejected=0)


FORMATS = (
    LoadFormat(
        name="ctdc-vp",
        description=gettext_lazy(
            "CTDC Global Victim-Perpetrator Synthetic Dataset (CSV) into analytic records"
        ),
        loader=load_ctdc_vp,
    ),
    LoadFormat(
        name="ctdc-global",
        description=gettext_lazy(
            "CTDC k-anonymised Global Dataset (CSV, -99 missing, ISO-2) into analytic records"
        ),
        loader=load_ctdc_global,
    ),
    LoadFormat(
        name="ctdc-synthetic",
        description=gettext_lazy(
            "CTDC Global Synthetic Dataset (CSV, blank missing, ISO-3) into analytic records"
        ),
        loader=load_ctdc_synthetic,
    ),
    LoadFormat(
        name="htcds-xlsx",
        description=gettext_lazy("HTCDS 2.0 Excel toolkit workbook (Case Sheet) into cases"),
        loader=load_htcds_workbook,
    ),
)
