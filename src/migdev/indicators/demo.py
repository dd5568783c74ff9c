"""The indicators part of the demo data set: real published files shipped in data/demo (see its README)."""

from pathlib import Path

from migdev.dataio.shipped import shipped_file
from migdev.indicators.loaders import load_file
from migdev.remittances.demo import DATA_DIR as REMITTANCES_DATA_DIR

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"

# Whole files where the demo shows world figures; the refugee and net-migration files are cuts. The RPW
# corridor costs are the file the remittances demo loads (shipped once, in that module).
DEMO_FILES = [
    ("undesa-ims-2020", DEMO_DIR / "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"),
    ("undesa-ims-2019", DEMO_DIR / "UN_MigrantStockByOriginAndDestination_2019_clean.csv.gz"),
    ("worldbank-remittance-inflows-2013", DEMO_DIR / "RemittanceData_Inflows_April2013.xls"),
    ("worldbank-wdi", DEMO_DIR / "API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv"),
    ("undesa-wpp-net-migration", DEMO_DIR / "cut_UN_WPP_2024_net_migration.csv"),
    ("unhcr-refugees", DEMO_DIR / "cut_unhcr_2020.csv"),
    (
        "worldbank-rpw-corridors",
        REMITTANCES_DATA_DIR / "wb_databank_rpw_corridor_avg_cost_2011Q1_2020Q3.csv.gz",
    ),
    ("sdg-series-constraints", DEMO_DIR / "cut_sdg_constraints.csv"),
]


def demo_indicators_load() -> str:
    """Load (or reload: each load replaces its edition) the shipped demo files."""
    observations = 0
    for format_name, path in DEMO_FILES:
        with shipped_file(path) as file:
            outcome = load_file(format_name, file)
        observations += outcome.created + outcome.updated
    return f"{len(DEMO_FILES)} published files loaded ({observations} values written)"
