"""The file formats this module loads, and their registration with ``migdev load FORMAT PATH``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migdev.indicators.parsers import others, records, undesa, worldbank
from migdev.indicators.parsers.base import EditionInfo, ParsedFile, ParseError
from migdev.indicators.services import (
    LoadOutcome,
    ObservationsRejected,
    governance_import,
    observations_import,
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


def load_file(format_name: str, path: Path) -> LoadOutcome:
    """Parse and store one file; raises ObservationsRejected naming file, row and column on any problem."""
    if format_name == SDG_CONSTRAINTS_FORMAT:
        try:
            constraints = others.parse_sdg_constraints(path)
        except ParseError as error:
            raise ObservationsRejected(error.issues) from error
        updated = sdg_constraints_apply(constraints=constraints)
        return LoadOutcome(edition="", read=len(constraints), created=0, updated=updated, deleted=0)
    if format_name in RECORD_FORMATS:
        return _load_records(format_name, path)
    spec = FORMATS[format_name]
    try:
        parsed = spec.parse(path)
    except ParseError as error:
        raise ObservationsRejected(error.issues) from error
    return observations_import(
        parsed=parsed, file_name=path.name, file_sha256=file_sha256(path), replace=spec.replace
    )


def _load_records(format_name: str, path: Path) -> LoadOutcome:
    from migdev.indicators.models import Indicator

    try:
        if format_name == "indicators-plan-targets":
            codes = set(Indicator.objects.values_list("code", flat=True))
            return plan_targets_import(records=records.parse_plan_targets(path, indicator_codes=codes))
        if format_name == "mgi-assessments":
            return governance_import(assessments=records.parse_assessments(path))
        return governance_import(scores=records.parse_domain_scores(path))
    except ParseError as error:
        raise ObservationsRejected(error.issues) from error


def _dataio_loader(format_name: str) -> Callable[..., Any]:
    def load(path: Path, *, progress: Any, user: Any) -> Any:
        from migdev.dataio.errors import ImportRejected, RowError
        from migdev.dataio.registry import ImportResult

        progress.start(None)
        try:
            outcome = load_file(format_name, Path(path))
        except ObservationsRejected as error:
            raise ImportRejected(
                [
                    RowError(issue.file, issue.row or None, issue.column or None, issue.reason)
                    for issue in error.issues
                ],
                rejected_rows=len({issue.row for issue in error.issues}),
            ) from error
        else:
            progress.advance(outcome.read)
        finally:
            progress.finish()
        return ImportResult(read=outcome.read, created=outcome.created, updated=outcome.updated, rejected=0)

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
                name=name, description=description, loader=_dataio_loader(name), permissions=permissions
            )
        )
