"""The file formats this module loads, and their registration with ``migdev load FORMAT PATH``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from migdev.dataio.registry import Changes
from migdev.indicators.parsers import others, records, undesa, worldbank
from migdev.indicators.parsers.base import EditionInfo, ParsedFile, ParseError
from migdev.indicators.services import (
    LoadOutcome,
    ObservationsRejected,
    governance_import,
    observations_prepare,
    plan_targets_import,
    sdg_constraints_apply,
)


@dataclass(frozen=True)
class IndicatorFormat:
    name: str
    description: str
    parse: Callable[[Path], ParsedFile]
    replace: bool = True


def _ims_2019(path: Path) -> ParsedFile:
    if path.suffix.lower() == ".csv":
        return undesa.parse_ims_2019_matrix(path)
    return undesa.parse_ims_2019_totals(path)


def _long_csv(path: Path) -> ParsedFile:
    from migdev.indicators.models import Edition

    editions = {
        edition.code: EditionInfo(
            source=edition.source.code,
            code=edition.code,
            title=edition.title,
            published=edition.published,
            kind=edition.kind,
            notes=edition.notes,
        )
        for edition in Edition.objects.select_related("source")
    }
    return others.parse_long_csv(path, editions=editions)


FORMATS: dict[str, IndicatorFormat] = {
    spec.name: spec
    for spec in (
        IndicatorFormat(
            "undesa-ims-2020",
            "UN DESA International Migrant Stock 2020, by sex and destination (XLSX)",
            undesa.parse_ims_2020_destination,
        ),
        IndicatorFormat(
            "undesa-ims-2020-derived",
            "IMS 2020 tidy extracts stock_totals_2020.csv / pop_totals_2020.csv",
            undesa.parse_ims_2020_derived,
            replace=False,
        ),
        IndicatorFormat(
            "undesa-ims-2019",
            "UN DESA International Migrant Stock 2019: totals workbook (XLSX) or "
            "origin × destination matrix (CSV)",
            _ims_2019,
            replace=False,
        ),
        IndicatorFormat(
            "undesa-wpp-net-migration",
            "UN World Population Prospects 2024 net migration (CSV)",
            others.parse_wpp_net_migration,
        ),
        IndicatorFormat(
            "national-net-migration",
            "Net migration from national statistical offices (CSV)",
            others.parse_national_net_migration,
        ),
        IndicatorFormat(
            "unhcr-refugees",
            "UNHCR refugees and asylum-seekers by origin and asylum (CSV)",
            others.parse_unhcr_bilateral,
        ),
        IndicatorFormat(
            "worldbank-remittance-inflows-2013",
            "World Bank remittance inflows, April 2013 (XLS)",
            worldbank.parse_remittance_inflows_2013,
        ),
        IndicatorFormat(
            "worldbank-wdi",
            "World Bank WDI bulk CSV (remittances paid/received, % of GDP, GDP)",
            worldbank.parse_wdi_bulk_csv,
            replace=False,
        ),
        IndicatorFormat(
            "worldbank-bilateral-migration",
            "World Bank bilateral migration matrix 2010 (XLS) or 2013 (XLSX)",
            worldbank.parse_bilateral_matrix,
        ),
        IndicatorFormat(
            "worldbank-rpw-corridors",
            "World Bank RPW corridor average costs, DataBank export (CSV)",
            others.parse_rpw_corridors,
        ),
        IndicatorFormat(
            "indicators-observations",
            "Observations in migdev's long CSV format (series, edition, area, "
            "period, value, …) into an existing edition",
            _long_csv,
            replace=False,
        ),
        IndicatorFormat(
            "indicators-edition",
            "Observations in migdev's long CSV format replacing an existing edition's values for the "
            "series in the file (values the file no longer holds are removed)",
            _long_csv,
        ),
    )
}
SDG_CONSTRAINTS_FORMAT = "sdg-series-constraints"
RECORD_FORMATS = {
    "indicators-plan-targets": "Development plans, goals and targets (CSV, one row per target)",
    "mgi-assessments": "Migration Governance Indicators findings per country and domain (CSV)",
    "sdg-1072-domain-scores": "SDG 10.7.2 policy-domain scores 1–4 per country (CSV)",
}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_file(format_name: str, path: Path, *, confirm: Confirm | None = None) -> LoadOutcome:
    """Parse and store one file; raises ObservationsRejected naming file, row and column on any problem.

    ``confirm`` (see :func:`prepare_file`); without it an existing edition is changed unasked, which suits
    the demo data and benchmarks, never a person's upload (the dataio runner always passes one).
    """
    _read, write = prepare_file(format_name, path, confirm=confirm)
    with transaction.atomic():
        return write()


Confirm = Callable[[Changes], None]


def prepare_file(
    format_name: str, path: Path, *, confirm: Confirm | None = None
) -> tuple[int | None, Callable[[], LoadOutcome]]:
    """Read and validate the file now (outside any transaction); return its data rows (None when they
    are only counted as it is written) and the write, to run inside one short transaction.

    ``confirm`` is shown what the load would change in an edition that already holds values, before
    anything is written, and raises to stop the load.
    """
    try:
        if format_name == SDG_CONSTRAINTS_FORMAT:
            constraints = others.parse_sdg_constraints(path)

            def write_constraints() -> LoadOutcome:
                updated = sdg_constraints_apply(constraints=constraints)
                return LoadOutcome(edition="", read=len(constraints), created=0, updated=updated, deleted=0)

            return len(constraints), write_constraints
        if format_name in RECORD_FORMATS:
            return _prepare_records(format_name, path)
        spec = FORMATS[format_name]
        parsed = spec.parse(path)
    except ParseError as error:
        raise ObservationsRejected(error.issues) from error
    write = observations_prepare(
        parsed=parsed,
        file_name=path.name,
        file_sha256=file_sha256(path),
        replace=spec.replace,
        confirm=confirm,
    )
    read = None if parsed.rows is not None or parsed.stream is not None else parsed.rows_read
    return read, write


def _prepare_records(format_name: str, path: Path) -> tuple[int, Callable[[], LoadOutcome]]:
    from migdev.indicators.models import Indicator

    if format_name == "indicators-plan-targets":
        codes = set(Indicator.objects.values_list("code", flat=True))
        targets = records.parse_plan_targets(path, indicator_codes=codes)
        return len(targets), lambda: plan_targets_import(records=targets)
    if format_name == "mgi-assessments":
        assessments = records.parse_assessments(path)
        return len(assessments), lambda: governance_import(assessments=assessments)
    scores = records.parse_domain_scores(path)
    return len(scores), lambda: governance_import(scores=scores)


def _rejection(error: ObservationsRejected) -> Any:
    from migdev.dataio.errors import ImportRejected, RowError

    return ImportRejected(
        [
            RowError(issue.file, issue.row or None, issue.column or None, issue.reason)
            for issue in error.issues
        ],
        rejected_rows=len({issue.row for issue in error.issues}),
    )


def _dataio_prepare(format_name: str) -> Callable[..., Any]:
    def prepare(path: Path, *, progress: Any, user: Any, options: Any) -> Any:
        from migdev.dataio.registry import ImportResult, PreparedLoad
        from migdev.dataio.services import confirm_changes

        path = Path(path)
        progress.start(None)

        seen: list[Changes] = []

        def confirm(changes: Changes) -> None:
            seen.append(changes)
            confirm_changes(path, changes, options)

        try:
            read, write = prepare_file(format_name, path, confirm=confirm)
        except ObservationsRejected as error:
            raise _rejection(error) from error

        def write_result() -> ImportResult:
            try:
                outcome = write()
            except ObservationsRejected as error:
                raise _rejection(error) from error
            progress.advance(outcome.read)
            return ImportResult(
                read=outcome.read,
                created=outcome.created,
                updated=outcome.updated,
                rejected=0,
                changes=seen[-1] if seen else None,
            )

        return PreparedLoad(read=read, write=write_result)

    return prepare


def _dataio_loader(format_name: str) -> Callable[..., Any]:
    """The one-step loader, for callers outside the runner: prepare and write, refusing unconfirmed
    changes to an existing edition."""
    prepare = _dataio_prepare(format_name)

    def load(path: Path, *, progress: Any, user: Any) -> Any:
        from migdev.dataio.registry import LoadOptions

        prepared = prepare(path, progress=progress, user=user, options=LoadOptions())
        with transaction.atomic():
            return prepared.write()

    return load


LOAD_PERMISSION = "indicators.load_observations"
RECORD_PERMISSIONS = {
    "indicators-plan-targets": ("indicators.add_developmentplan", "indicators.change_developmentplan"),
    "mgi-assessments": ("indicators.add_governanceassessment", "indicators.delete_governanceassessment"),
    "sdg-1072-domain-scores": ("indicators.add_policydomainscore", "indicators.change_policydomainscore"),
}


def register_formats() -> None:
    """Offer every format to ``migdev load`` and the import page (with the permissions each needs)."""
    from migdev.dataio.registry import LoadFormat, register_format

    descriptions = {name: spec.description for name, spec in FORMATS.items()}
    descriptions[SDG_CONSTRAINTS_FORMAT] = (
        "SDG global SDMX content constraints (series, units, breakdowns) CSV"
    )
    descriptions.update(RECORD_FORMATS)
    for name, description in descriptions.items():
        permissions = RECORD_PERMISSIONS.get(name, (LOAD_PERMISSION,))
        register_format(
            LoadFormat(
                name=name,
                description=description,
                loader=_dataio_loader(name),
                prepare=_dataio_prepare(name),
                permissions=permissions,
            )
        )
