"""Rebuild ``htcds_value_lists.json`` from the HTCDS 2.0 field standard and Excel toolkit.

Run by hand when IOM publishes a new edition; the application reads only the JSON file::

    python -m migdev.trafficking.data.extract_htcds "HTCDS Field Standards 2.0.ods" \
        "HTCDS Excel Spreadsheet single select with validation v2.0.xlsx" > htcds_value_lists.json

The toolkit's "validation" sheet spells some labels differently from the standard (case, trailing
spaces); those spellings are kept as ``aliases`` so a filled-in toolkit workbook maps onto the names.
"""

import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree  # noqa: S405 - the input is a trusted, pinned IOM file

import openpyxl

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"

# Toolkit column headers (validation sheet) -> field of the standard they constrain.
_TOOLKIT_LISTS = {
    "Gender": "prs_Gender",
    "Method of Recruitment": "vic_MethodOfRecruitment",
    "Methods of Control": "vic_MethodsOfControl",
    "Type of Exploitation": "vic_TypeOfExploitation",
    "Forced Labour Industry": "vic_ForcedLabourIndustry",
    "Type of Sex Exploitation": "vic_TypeOfSexExploitation",
    "Vulnerabilities": "vic_Vulnerabilities",
    "Status": "cas_Status",
    "Reason for Incoming Referral": "cas_ReasonForIncomingReferral",
    "Reason for Outgoing Referral": "cas_ReasonForOutgoingReferral",
    "Trafficking Status": "vic_TraffickingStatus",
    "Trafficking Status Decision Making Organization": "vic_TraffickingStatusDecisionMakingOrg",
}


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def _ods_rows(path: Path) -> list[list[str]]:
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314
    rows: list[list[str]] = []
    for row in root.iter(f"{_TABLE}table-row"):
        cells: list[str] = []
        for cell in row:
            if cell.tag not in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                continue
            repeat = min(int(cell.get(f"{_TABLE}number-columns-repeated", "1")), 20)
            text = "\n".join("".join(p.itertext()) for p in cell.iter(f"{_TEXT}p"))
            cells.extend([text] * repeat)
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append(cells)
    return rows


def extract(standard: Path, toolkit: Path) -> dict[str, Any]:
    rows = _ods_rows(standard)
    header = rows[0]
    fields: list[dict[str, Any]] = []
    value_lists: dict[str, list[dict[str, Any]]] = {}
    section = ""
    for raw in rows[1:]:
        cells = raw + [""] * (len(header) - len(raw))
        if cells[0] and not cells[3]:
            section = _clean(cells[0].replace("-\n", "- "))
            continue
        name = cells[6].strip()
        if (
            not name
            or name == "N/A"
            or not cells[3].startswith(
                ("org_", "prs_", "vic_", "per_", "cas_", "cco_", "hte_", "spl_", "con_")
            )
        ):
            continue
        value_names = [v.strip() for v in cells[9].split("\n") if v.strip()]
        value_labels = [_clean(v) for v in cells[10].split("\n") if _clean(v)]
        has_list = (
            cells[7] in {"Picklist", "Multiselect Picklist", "Picklist or Text"}
            and bool(value_names)
            and len(value_names) == len(value_labels)
            and not value_names[0].startswith("Use ISO")
        )
        fields.append(
            {
                "section": section,
                "status": cells[1],
                "core": cells[2] == "Core",
                "name": name,
                "label": _clean(cells[5]),
                "type": cells[7],
                "value_list": name if has_list else None,
                "description": _clean(cells[11]),
                "notes": _clean(cells[12]),
            }
        )
        if has_list:
            value_lists[name] = [
                {"name": value, "label": label, "aliases": []}
                for value, label in zip(value_names, value_labels, strict=True)
            ]
    workbook = openpyxl.load_workbook(toolkit, read_only=True, data_only=True)
    sheet = workbook["validation"]
    columns = list(zip(*sheet.iter_rows(values_only=True), strict=False))
    # The toolkit's citizenship drop-down offers country names; its own code table maps them to ISO codes.
    code_column = next(c for c in columns if "Country Code" in c)
    name_column = columns[columns.index(code_column) + 1]
    toolkit_countries = {
        str(name).strip(): str(code).strip()
        for code, name in zip(code_column, name_column, strict=True)
        if code and name and code != "Country Code"
    }
    for column in columns:
        values = [v for v in column if v is not None]
        if not values or values[0] not in _TOOLKIT_LISTS:
            continue
        entries = value_lists[_TOOLKIT_LISTS[str(values[0])]]
        for position, spelled in enumerate(values[1:]):
            spelling = str(spelled)
            entry = entries[position]
            if spelling in (entry["name"], entry["label"]):
                continue
            if _clean(spelling).casefold() == entry["label"].casefold():
                entry["aliases"].append(spelling)
            elif _clean(spelling).casefold() != entry["label"].casefold():
                raise ValueError(f"toolkit value {spelling!r} does not match {entry['label']!r}")
    return {
        "source": {
            "title": "Human Trafficking Case Data Standard (HTCDS) 2.0",
            "publisher": "International Organization for Migration (IOM)",
            "url": "https://github.com/UNMigration/HTCDS",
            "commit": "3c2f653",
            "files": [standard.name, toolkit.name],
            "licence": "CC BY 4.0",
            "attribution": "Human Trafficking Case Data Standard (HTCDS), IOM, CC BY 4.0",
            "changes": "Field names, labels and value lists extracted to JSON; label whitespace normalised; "
            "toolkit spellings kept as aliases. No endorsement by IOM is implied.",
        },
        "fields": fields,
        "value_lists": value_lists,
        "toolkit_countries": toolkit_countries,
    }


if __name__ == "__main__":
    sys.stdout.write(
        json.dumps(extract(Path(sys.argv[1]), Path(sys.argv[2])), ensure_ascii=False, indent=1) + "\n"
    )
