"""The public JSON API and the downloads (CSV, XLSX, SDMX-CSV read back with sdmx1)."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from migdev.indicators import exports
from migdev.indicators.models import AggregateArea

pytestmark = pytest.mark.django_db


def test_api_lists_indicators_with_codes(client, db):
    response = client.get("/api/v1/indicators/")
    assert response.status_code == 200
    codes = {item["code"] for item in response.json()}
    assert "international-migrant-stock" in codes


def test_api_observations_for_a_country_and_the_world(client, ims_2020):
    response = client.get(
        "/api/v1/indicators/international-migrant-stock/observations", {"area": "USA,WLD", "period": "2020"}
    )
    assert response.status_code == 200
    items = {item["area"]: item for item in response.json()["items"]}
    assert items["USA"]["value"] == 50_632_836
    assert items["WLD"]["value"] == 280_598_105 and items["WLD"]["is_aggregate"]
    assert items["WLD"]["edition"] == "undesa-ims-2020"


def test_api_unknown_area_and_indicator(client, ims_2020):
    bad = client.get("/api/v1/indicators/international-migrant-stock/observations", {"area": "QQQ"})
    assert bad.status_code == 422
    assert bad["Content-Type"].startswith("application/problem+json")
    assert client.get("/api/v1/indicators/nope").status_code == 404


def test_api_edition_parameter(client, ims_2020):
    unknown = client.get("/api/v1/indicators/international-migrant-stock/observations", {"edition": "nope"})
    assert unknown.status_code == 404
    detail = client.get("/api/v1/indicators/international-migrant-stock").json()
    assert detail["default_edition"] == "undesa-ims-2020"


def test_csv_download_as_shown(client, ims_2020):
    url = reverse("indicators:download", args=["migrant-share-of-population"])
    response = client.get(url, {"format": "csv", "scope": "shown", "areas": "USA", "agg": "WLD"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["area"] for row in rows} == {"USA", "WLD"}
    world_2020 = next(r for r in rows if r["area"] == "WLD" and r["period"] == "2020")
    assert round(float(world_2020["value"]), 2) == 3.60
    assert world_2020["edition"] == "undesa-ims-2020"


def test_xlsx_download_has_a_metadata_sheet(client, ims_2020):
    url = reverse("indicators:download", args=["international-migrant-stock"])
    response = client.get(url, {"format": "xlsx", "scope": "full"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Data", "Metadata"]
    metadata = {row[0]: row[1] for row in book["Metadata"].iter_rows(values_only=True)}
    assert metadata["edition.licence"] == "CC BY 3.0 IGO"
    assert book["Data"].max_row > 1000


def test_spreadsheet_formula_injection_is_neutralised(client, ims_2020):
    AggregateArea.objects.filter(code="UN947").update(name='=HYPERLINK("http://x")')
    assert exports.safe_text("=1+1") == "'=1+1"
    assert exports.safe_text("-979000") == "-979000"
    assert exports.safe_text(-5) == -5


def _sdg_structure():
    from sdmx.model import common
    from sdmx.model import v30 as model

    structure = model.DataStructureDefinition(
        id="SDG", maintainer=common.Agency(id="IAEG-SDGs"), version="1.8"
    )
    for order, name in enumerate(exports.SDMX_DIMENSIONS):
        kind = model.TimeDimension if name == "TIME_PERIOD" else model.Dimension
        structure.dimensions.append(kind(id=name, order=order))
    structure.measures.append(model.Measure(id="OBS_VALUE"))
    for name in exports.SDMX_ATTRIBUTES:
        structure.attributes.append(model.DataAttribute(id=name))
    return structure


def test_sdmx_csv_reads_back_with_sdmx1(client, ims_2020):
    import sdmx

    url = reverse("indicators:download", args=["international-migrant-stock"])
    response = client.get(url, {"format": "sdmx-csv", "scope": "shown", "areas": "USA,DEU", "agg": "WLD"})
    message = sdmx.read_sdmx(io.BytesIO(response.content), format="csv", structure=_sdg_structure())
    values = {}
    for observation in message.data[0].obs:
        key = observation.key
        values[(key["REF_AREA"].value, key["TIME_PERIOD"].value)] = float(observation.value)
        assert observation.attrib["UNIT_MEASURE"].value == "NUMBER"
    assert values[("840", "2020")] == 50_632_836
    assert values[("001", "2020")] == 280_598_105
    assert values[("276", "2020")] == 15_762_457


def test_metadata_json(client, ims_2020):
    url = reverse("indicators:download", args=["female-share-of-migrants"])
    meta = client.get(url, {"format": "metadata"}).json()
    assert meta["factor"] == 100 and meta["edition"]["code"] == "undesa-ims-2020"


def test_formats_are_registered_with_their_permissions(db):
    from migdev.accounts import access
    from migdev.dataio.registry import get_format
    from tests.factories import make_user

    assert get_format("undesa-ims-2020").permissions == ("indicators.load_observations",)
    assert "indicators.add_developmentplan" in get_format("indicators-plan-targets").permissions
    editor = make_user("editor")
    case_worker = make_user("case_worker")
    assert access.has_permission(editor, "indicators.load_observations")
    assert not access.has_permission(case_worker, "indicators.load_observations")


def test_migdev_load_through_the_import_runner(db):
    from migdev.dataio.models import ImportRun
    from migdev.dataio.services import import_file
    from tests.indicators.conftest import WPP

    result = import_file(format_name="undesa-wpp-net-migration", path=WPP)
    assert result.created == 150 and result.rejected == 0
    assert ImportRun.objects.filter(format_name="undesa-wpp-net-migration").exists()
