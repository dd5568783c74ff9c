from pathlib import Path

import pytest

from migdev.indicators import regions
from migdev.indicators.cache import clear_local
from migdev.indicators.loaders import load_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
IMS_2020 = FIXTURES / "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"
IMS_2019_TOTALS = FIXTURES / "ims2019_totals_cut.xlsx"
IMS_2019_MATRIX = FIXTURES / "ims2019_matrix_cut.csv"
INFLOWS_2013 = FIXTURES / "RemittanceData_Inflows_April2013.xls"
WDI_PAID = FIXTURES / "API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv"
WPP = FIXTURES / "cut_UN_WPP_2024_net_migration.csv"
NATIONAL_NET = FIXTURES / "cut_Net_migration_national_statistics.csv"
UNHCR = FIXTURES / "cut_unhcr_2020.csv"
MIG_2013 = FIXTURES / "mig2013_cut.xlsx"
RPW = FIXTURES / "cut_rpw_corridors.csv"
SDG = FIXTURES / "cut_sdg_constraints.csv"
STOCK_TOTALS = FIXTURES / "cut_stock_totals_2020.csv"
POP_TOTALS = FIXTURES / "cut_pop_totals_2020.csv"


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    regions.clear_caches()
    clear_local()


@pytest.fixture
def ims_2020(db: None) -> None:
    load_file("undesa-ims-2020", IMS_2020)


@pytest.fixture
def all_sources(db: None) -> None:
    for name, path in [
        ("undesa-ims-2020", IMS_2020),
        ("undesa-ims-2019", IMS_2019_TOTALS),
        ("undesa-ims-2019", IMS_2019_MATRIX),
        ("worldbank-remittance-inflows-2013", INFLOWS_2013),
        ("worldbank-wdi", WDI_PAID),
        ("undesa-wpp-net-migration", WPP),
        ("unhcr-refugees", UNHCR),
        ("worldbank-rpw-corridors", RPW),
    ]:
        load_file(name, path)
