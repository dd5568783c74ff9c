"""The indicators part of the demo data set: real published files shipped in data/demo (see its README)."""

from pathlib import Path

from migdev.indicators.loaders import load_file

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"

# Whole files where the demo shows world figures; the refugee and net-migration files are cuts.
DEMO_FILES = [
    ("undesa-ims-2020", "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"),
    ("worldbank-remittance-inflows-2013", "RemittanceData_Inflows_April2013.xls"),
    ("worldbank-wdi", "API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv"),
    ("undesa-wpp-net-migration", "cut_UN_WPP_2024_net_migration.csv"),
    ("unhcr-refugees", "cut_unhcr_2020.csv"),
    ("sdg-series-constraints", "cut_sdg_constraints.csv"),
]


def demo_indicators_load() -> str:
    """Load (or reload: each load replaces its edition) the shipped demo files."""
    observations = 0
    for format_name, file_name in DEMO_FILES:
        outcome = load_file(format_name, DEMO_DIR / file_name)
        observations += outcome.created + outcome.updated
    return f"{len(DEMO_FILES)} published files loaded ({observations} values written)"
