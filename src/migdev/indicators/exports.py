"""Downloads of computed indicator values: CSV, XLSX and SDMX-CSV (SDG DSD dimensions), with metadata.

Every text cell passes through ``safe_text`` so that a value cannot turn into a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from migdev.dataio.exports import safe_cell
from migdev.indicators.areas import WORLD, is_aggregate_code, iso3_to_m49
from migdev.indicators.computation import ComputedValue
from migdev.indicators.formatting import catalogue_text, served_value
from migdev.indicators.models import TOTAL, Edition, Indicator

NUMBER_TEXT = re.compile(r"-?\d+(\.\d+)?(e[-+]?\d+)?")

# SDMX series codes of indicators that are SDG series; others get a platform code of the same shape.
SDG_SERIES = {"refugees-by-origin-per-100000": "SM_POP_REFG_OR", "remittance-inflows-gdp": "BX_TRF_PWKR"}
UNIT_MEASURES = {100: "PT", 1000: "PER_1000_POP", 100000: "PER_100000_POP"}
# The platform's own dataflow: the SDG DSD's dimensions plus COUNTERPART_AREA (origin or destination
# of bilateral data), described by ``sdmx_structure_xml`` at the address in docs/indicators.md.
SDMX_AGENCY = "MIGDEV"
SDMX_DATAFLOW_ID = "DF_MIGDEV_INDICATORS"
SDMX_DSD_ID = "DSD_MIGDEV_INDICATORS"
SDMX_VERSION = "1.0"
SDMX_DATAFLOW = f"{SDMX_AGENCY}:{SDMX_DATAFLOW_ID}({SDMX_VERSION})"
SDMX_DIMENSIONS = (
    "FREQ",
    "REPORTING_TYPE",
    "SERIES",
    "REF_AREA",
    "COUNTERPART_AREA",
    "SEX",
    "AGE",
    "URBANISATION",
    "INCOME_WEALTH_QUANTILE",
    "EDUCATION_LEV",
    "OCCUPATION",
    "CUST_BREAKDOWN",
    "COMPOSITE_BREAKDOWN",
    "DISABILITY_STATUS",
    "ACTIVITY",
    "PRODUCT",
    "TIME_PERIOD",
)
SDMX_ATTRIBUTES = ("UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "NATURE", "SOURCE_DETAIL", "COMMENT_OBS")


def safe_text(value: object) -> object:
    """Numbers, and text that is a plain decimal number, pass; other text goes through ``safe_cell``
    so that a spreadsheet cannot run it as a formula."""
    if isinstance(value, str) and NUMBER_TEXT.fullmatch(value):
        return value
    return safe_cell(value)


@dataclass(frozen=True)
class ExportRow:
    """One value as downloaded: ``value`` in the indicator's unit (true quantity = value × 10^unit_mult,
    the same representation as the API and the pages); numerator and denominator in base units."""

    area: str
    area_name: str
    is_aggregate: bool
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    coverage: str
    edition: str
    unit_mult: int = 0
    status: str = ""
    sex: str = TOTAL
    age: str = TOTAL
    counterpart: str = TOTAL


def export_rows(
    values: Iterable[ComputedValue],
    *,
    names: dict[str, str],
    edition: Edition | None,
    indicator: Indicator,
    sex: str = TOTAL,
    age: str = TOTAL,
    counterpart: str = TOTAL,
) -> list[ExportRow]:
    rows = []
    for item in sorted(values, key=lambda v: (v.is_aggregate, names.get(v.area, v.area), v.period)):
        rows.append(
            ExportRow(
                area=item.area,
                area_name=names.get(item.area, item.area),
                is_aggregate=item.is_aggregate,
                period=item.period,
                value=served_value(item.value, indicator),
                numerator=item.numerator,
                denominator=item.denominator,
                coverage=f"{item.covered}/{item.members}" if item.is_aggregate and item.members else "",
                edition=edition.code if edition else "",
                unit_mult=indicator.display_mult,
                status=item.status or "A",
                sex=sex,
                age=age,
                counterpart=counterpart,
            )
        )
    return rows


def metadata(
    indicator: Indicator,
    edition: Edition | None,
    denominator_edition: Edition | None,
    *,
    scope: str,
    selection: dict[str, str],
) -> dict[str, object]:
    def describe(item: Edition | None) -> dict[str, object] | None:
        if item is None:
            return None
        return {
            "code": item.code,
            "title": item.title,
            "published": item.published.isoformat(),
            "kind": item.kind,
            "source": item.source.name,
            "publisher": item.source.publisher,
            "licence": item.source.licence,
            "citation": item.source.citation,
            "url": item.source.url,
            "last_loaded": item.loaded_at.isoformat() if item.loaded_at else None,
        }

    return {
        "indicator": indicator.code,
        "name": catalogue_text(indicator.name),
        "definition": catalogue_text(indicator.definition),
        "numerator": catalogue_text(indicator.numerator_description),
        "denominator": catalogue_text(indicator.denominator_description) or None,
        "factor": indicator.factor,
        "unit": catalogue_text(indicator.unit_label),
        "language": get_language() or "en",
        "values_in": _(
            "the indicator's unit: the true quantity is value × 10^unit_mult (numerator and denominator "
            "in base units: persons, US dollars)"
        ),
        "unit_mult": indicator.display_mult,
        "sdg_indicator": indicator.sdg_indicator.code if indicator.sdg_indicator else None,
        "edition": describe(edition),
        "denominator_edition": describe(denominator_edition),
        "aggregates": _(
            "Computed as sum of numerators over sum of denominators of the member countries; World Bank "
            "income groups as of each data year; coverage = members with data / members."
        ),
        "scope": scope,
        "selection": selection,
        "generated": timezone.now().date().isoformat(),
    }


CSV_COLUMNS = (
    "indicator",
    "area",
    "area_name",
    "is_aggregate",
    "period",
    "sex",
    "age",
    "counterpart",
    "value",
    "unit",
    "unit_mult",
    "obs_status",
    "numerator",
    "denominator",
    "coverage",
    "edition",
)


def to_csv(indicator: Indicator, rows: Sequence[ExportRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                safe_text(cell)
                for cell in (
                    indicator.code,
                    row.area,
                    row.area_name,
                    "yes" if row.is_aggregate else "no",
                    row.period,
                    row.sex,
                    row.age,
                    row.counterpart,
                    _number(row.value),
                    catalogue_text(indicator.unit_label),
                    row.unit_mult,
                    row.status,
                    _number(row.numerator),
                    _number(row.denominator),
                    row.coverage,
                    row.edition,
                )
            ]
        )
    return buffer.getvalue()


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return repr(round(value, 10)) if not float(value).is_integer() else str(int(value))


def to_xlsx(indicator: Indicator, rows: Sequence[ExportRow], meta: dict[str, object]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    data = book.create_sheet("Data")
    data.append(list(CSV_COLUMNS))
    for row in rows:
        data.append(
            [
                safe_text(cell)
                for cell in (
                    indicator.code,
                    row.area,
                    row.area_name,
                    "yes" if row.is_aggregate else "no",
                    row.period,
                    row.sex,
                    row.age,
                    row.counterpart,
                    row.value,
                    catalogue_text(indicator.unit_label),
                    row.unit_mult,
                    row.status,
                    row.numerator,
                    row.denominator,
                    row.coverage,
                    row.edition,
                )
            ]
        )
    sheet = book.create_sheet("Metadata")
    for key, value in _flatten(meta):
        sheet.append([safe_text(key), safe_text(value)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _flatten(meta: dict[str, object], prefix: str = "") -> Iterable[tuple[str, str]]:
    for key, value in meta.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", "" if value is None else str(value)


def sdmx_series_code(indicator: Indicator) -> str:
    return SDG_SERIES.get(indicator.code) or "MD_" + indicator.code.upper().replace("-", "_")


def sdmx_unit(indicator: Indicator) -> str:
    if indicator.factor in UNIT_MEASURES:
        return UNIT_MEASURES[indicator.factor]
    return "USD" if indicator.numerator_series.unit == "usd" else "NUMBER"


def sdmx_ref_area(code: str) -> str:
    """M49 numeric codes as the SDG DSD uses them; world 001; other aggregates keep their code."""
    if code == WORLD:
        return "001"
    if code.isdigit():
        return code.zfill(3)
    m49 = iso3_to_m49().get(code)
    return f"{m49:03d}" if m49 is not None and not is_aggregate_code(code) else code


def to_sdmx_csv(indicator: Indicator, rows: Sequence[ExportRow], edition: Edition | None) -> str:
    """SDMX-CSV 2.0: STRUCTURE, STRUCTURE_ID, ACTION, the SDG DSD dimensions, OBS_VALUE, attributes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["STRUCTURE", "STRUCTURE_ID", "ACTION", *SDMX_DIMENSIONS, "OBS_VALUE", *SDMX_ATTRIBUTES])
    series = sdmx_series_code(indicator)
    unit = sdmx_unit(indicator)
    source = edition.title if edition else ""
    for row in rows:
        if row.value is None:
            continue
        dimensions = dict.fromkeys(SDMX_DIMENSIONS, TOTAL)
        dimensions.update(
            {
                "FREQ": "A" if "-Q" not in row.period else "Q",
                "REPORTING_TYPE": "G",
                "SERIES": series,
                "REF_AREA": sdmx_ref_area(row.area),
                "COUNTERPART_AREA": sdmx_ref_area(row.counterpart) if row.counterpart != TOTAL else TOTAL,
                "SEX": row.sex,
                "AGE": row.age,
                "TIME_PERIOD": row.period,
            }
        )
        comment = f"coverage {row.coverage}" if row.coverage else ""
        writer.writerow(
            [
                safe_text(cell)
                for cell in (
                    "dataflow",
                    SDMX_DATAFLOW,
                    "I",
                    *(dimensions[name] for name in SDMX_DIMENSIONS),
                    _number(row.value),
                    unit,
                    str(row.unit_mult),
                    row.status or "A",
                    "C" if not row.is_aggregate else "G",
                    source,
                    comment,
                )
            ]
        )
    return buffer.getvalue()


def sdmx_structure_xml() -> str:
    """SDMX-ML 2.1 structure message: the concepts, the data structure (DSD) and the dataflow that the
    SDMX-CSV downloads name in STRUCTURE_ID, so a reader (e.g. sdmx1) needs nothing written by hand."""
    concepts = [*SDMX_DIMENSIONS, "OBS_VALUE", *SDMX_ATTRIBUTES]
    ref = f'agencyID="{SDMX_AGENCY}" maintainableParentID="CS_MIGDEV" maintainableParentVersion="1.0"'

    def identity(concept: str) -> str:
        return (
            f'<str:ConceptIdentity><Ref id="{concept}" {ref} package="conceptscheme" '
            f'class="Concept"/></str:ConceptIdentity>'
        )

    lines = [
        "<?xml version='1.0' encoding='utf-8'?>",
        '<mes:Structure xmlns:mes="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
        'xmlns:str="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure" '
        'xmlns:com="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">',
        "<mes:Header><mes:ID>MIGDEV_INDICATORS_STRUCTURE</mes:ID><mes:Test>false</mes:Test>"
        f"<mes:Prepared>{timezone.now().replace(microsecond=0).isoformat()}</mes:Prepared>"
        f'<mes:Sender id="{SDMX_AGENCY}"/></mes:Header>',
        "<mes:Structures>",
        "<str:Concepts>",
        f'<str:ConceptScheme id="CS_MIGDEV" agencyID="{SDMX_AGENCY}" version="1.0">'
        "<com:Name>migdev concepts</com:Name>",
        *(f'<str:Concept id="{c}"><com:Name>{c}</com:Name></str:Concept>' for c in concepts),
        "</str:ConceptScheme>",
        "</str:Concepts>",
        "<str:DataStructures>",
        f'<str:DataStructure id="{SDMX_DSD_ID}" agencyID="{SDMX_AGENCY}" version="{SDMX_VERSION}">'
        "<com:Name>migdev indicators (SDG DSD dimensions and COUNTERPART_AREA)</com:Name>",
        "<str:DataStructureComponents>",
        '<str:DimensionList id="DimensionDescriptor">',
    ]
    for position, name in enumerate(SDMX_DIMENSIONS, start=1):
        tag = "str:TimeDimension" if name == "TIME_PERIOD" else "str:Dimension"
        lines.append(f'<{tag} id="{name}" position="{position}">{identity(name)}</{tag}>')
    lines += ["</str:DimensionList>", '<str:AttributeList id="AttributeDescriptor">']
    for name in SDMX_ATTRIBUTES:
        lines.append(
            f'<str:Attribute id="{name}" assignmentStatus="Conditional">{identity(name)}'
            '<str:AttributeRelationship><str:PrimaryMeasure><Ref id="OBS_VALUE"/></str:PrimaryMeasure>'
            "</str:AttributeRelationship></str:Attribute>"
        )
    lines += [
        "</str:AttributeList>",
        '<str:MeasureList id="MeasureDescriptor">',
        f'<str:PrimaryMeasure id="OBS_VALUE">{identity("OBS_VALUE")}</str:PrimaryMeasure>',
        "</str:MeasureList>",
        "</str:DataStructureComponents>",
        "</str:DataStructure>",
        "</str:DataStructures>",
        "<str:Dataflows>",
        f'<str:Dataflow id="{SDMX_DATAFLOW_ID}" agencyID="{SDMX_AGENCY}" version="{SDMX_VERSION}">'
        "<com:Name>migdev indicators</com:Name>"
        f'<str:Structure><Ref id="{SDMX_DSD_ID}" agencyID="{SDMX_AGENCY}" version="{SDMX_VERSION}" '
        'package="datastructure" class="DataStructure"/></str:Structure>',
        "</str:Dataflow>",
        "</str:Dataflows>",
        "</mes:Structures>",
        "</mes:Structure>",
    ]
    return "\n".join(lines) + "\n"


def metadata_json(meta: dict[str, object]) -> str:
    return json.dumps(meta, ensure_ascii=False, indent=2)
