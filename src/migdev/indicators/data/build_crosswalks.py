"""Rebuild the code crosswalks shipped in this folder from the original classification files.

Not used at run time. Run by hand when a source changes its naming::

    python src/migdev/indicators/data/build_crosswalks.py /path/to/shared/data

Some World Bank and UN DESA files identify economies only by name; the importers resolve those
names through these explicit, reviewed tables so that every stored value carries a code.
"""

import csv
import sys
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent

# Areas the ISO list lacks but the sources report separately.
EXTRA_M49 = {"830": "CHI"}  # Channel Islands: UN DESA M49 830, World Bank code CHI

# Older or variant World Bank spellings found in the 2010/2013 files, mapped by hand.
WB_NAME_OVERRIDES = {
    "Bahamas, The": "BHS",
    "Cape Verde": "CPV",
    "Congo, Dem. Rep.": "COD",
    "Congo, Rep.": "COG",
    "Cote d'Ivoire": "CIV",
    "Curacao": "CUW",
    "Egypt, Arab Rep.": "EGY",
    "Gambia, The": "GMB",
    "Hong Kong SAR, China": "HKG",
    "Iran, Islamic Rep.": "IRN",
    "Korea, Dem. Rep.": "PRK",
    "Korea, Dem. People's Rep.": "PRK",
    "Korea, Rep.": "KOR",
    "Kyrgyz Republic": "KGZ",
    "Lao PDR": "LAO",
    "Macao SAR, China": "MAC",
    "Macedonia, FYR": "MKD",
    "Micronesia, Fed. Sts.": "FSM",
    "Sao Tome and Principe": "STP",
    "Slovak Republic": "SVK",
    "St. Kitts and Nevis": "KNA",
    "St. Lucia": "LCA",
    "St. Vincent and the Grenadines": "VCT",
    "St. Martin (French part)": "MAF",
    "Swaziland": "SWZ",
    "Syrian Arab Republic": "SYR",
    "Taiwan, China": "TWN",
    "Turkey": "TUR",
    "Venezuela, RB": "VEN",
    "Virgin Islands (U.S.)": "VIR",
    "West Bank and Gaza": "PSE",
    "Yemen, Rep.": "YEM",
    "Czech Republic": "CZE",
    "Netherlands Antilles": "ANT",
    "Serbia and Montenegro": "SCG",
    "Kosovo": "XKX",
    "Channel Islands": "CHI",
    "Côte d'Ivoire": "CIV",
    "Faeroe Islands": "FRO",
    "São Tomé and Principe": "STP",
    "United States": "USA",
    "Vietnam": "VNM",
    "Hong Kong, China": "HKG",
    "Macao, China": "MAC",
    "Mayotte": "MYT",
}


def m49_table(shared: Path) -> dict[str, str]:
    table = {}
    with (shared / "country-codes" / "country-codes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["M49"] and row["ISO3166-1-Alpha-3"]:
                table[str(int(row["M49"]))] = row["ISO3166-1-Alpha-3"]
    table.update(EXTRA_M49)
    return table


def desa_names(shared: Path, m49: dict[str, str]) -> dict[str, str]:
    names = {}
    book = openpyxl.load_workbook(
        shared / "undesa-ims-2019" / "undesa_pd_2019_migrant_stock_total_dataset.xlsx", read_only=True
    )
    for row in book["Table 1"].iter_rows(min_row=17, values_only=True):
        name, code = row[1], row[3]
        if isinstance(name, str) and isinstance(code, int) and code < 900 and str(code) in m49:
            names[name.strip().rstrip("*").strip()] = m49[str(code)]
    return names


def wb_names(shared: Path) -> dict[str, str]:
    names = dict(WB_NAME_OVERRIDES)
    book = openpyxl.load_workbook(shared / "wb-country-classification" / "CLASS.xlsx", read_only=True)
    for row in book["List of economies"].iter_rows(min_row=2, values_only=True):
        if row[0] and row[1] and row[2]:  # economies have a region; aggregates do not
            names[str(row[0]).strip()] = str(row[1]).strip()
    return names


def write(path: Path, header: tuple[str, str], table: dict[str, str], note: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(f"# {note}\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for key in sorted(table):
            writer.writerow([key, table[key]])


def main(shared: Path) -> None:
    m49 = m49_table(shared)
    write(
        HERE / "m49_iso3.csv",
        ("m49", "iso3"),
        m49,
        "M49 numeric to ISO 3166 alpha-3; from datasets/country-codes (PDDL) plus Channel Islands=CHI",
    )
    write(
        HERE / "desa_names.csv",
        ("name", "iso3"),
        desa_names(shared, m49),
        "UN DESA IMS 2019 country names (asterisks removed) to ISO3, via their M49 codes (CC BY 3.0 IGO)",
    )
    write(
        HERE / "worldbank_names.csv",
        ("name", "iso3"),
        wb_names(shared),
        "World Bank economy names to codes; from CLASS.xlsx FY24 (CC BY 4.0) plus older spellings",
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
