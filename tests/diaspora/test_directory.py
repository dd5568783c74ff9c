"""The directory of diaspora organisations: its pages (filters, detail), its API and its XLSX import."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from openpyxl import Workbook

from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.diaspora.models import DiasporaOrganisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(db: None) -> dict[str, DiasporaOrganisation]:
    rows = {
        "doctors": DiasporaOrganisation.objects.create(
            name="Senegalese Doctors Network",
            countries_of_origin=["SEN"],
            countries_of_residence=["FRA", "ITA"],
            sectors=["health"],
            activities="Mentoring of young doctors; a yearly surgical mission to Kaolack.",
            website="https://example.org/doctors",
            source="test directory",
        ),
        "engineers": DiasporaOrganisation.objects.create(
            name="Malian Engineers Abroad",
            countries_of_origin=["MLI"],
            countries_of_residence=["FRA"],
            sectors=["infrastructure", "digital"],
            activities="Solar training camps.",
        ),
        "teachers": DiasporaOrganisation.objects.create(
            name="Senegalese Teachers in Spain",
            countries_of_origin=["SEN"],
            countries_of_residence=["ESP"],
            sectors=["education"],
            is_sample=True,
        ),
    }
    return rows


def _names(html: str, rows: dict[str, DiasporaOrganisation]) -> set[str]:
    return {key for key, row in rows.items() if row.name in html}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"doctors", "engineers", "teachers"}),
        ("origin=SEN", {"doctors", "teachers"}),
        ("residence=FRA", {"doctors", "engineers"}),
        ("origin=SEN&residence=FRA", {"doctors"}),
        ("sector=digital", {"engineers"}),
        ("origin=SEN&sector=education", {"teachers"}),
        ("q=solar", {"engineers"}),
        ("origin=XXX", {"doctors", "engineers", "teachers"}),  # an unknown code filters nothing
    ],
)
def test_the_directory_filters(directory, client, query: str, expected: set[str]) -> None:
    response = client.get(f"/en/diaspora/organisations/?{query}")
    assert response.status_code == 200
    assert _names(response.content.decode(), directory) == expected
    api_query = query.replace("origin=XXX", "")
    answer = client.get(f"/api/v1/diaspora/organisations?{api_query}")
    assert answer.status_code == 200
    assert {
        key for key, row in directory.items() if row.name in {o["name"] for o in answer.json()}
    } == expected


def test_the_detail_page_and_sample_marking(directory, client) -> None:
    doctors = directory["doctors"]
    html = client.get(f"/en/diaspora/organisations/{doctors.pk}/").content.decode()
    assert "surgical mission to Kaolack" in html and "Italy" in html and "test directory" in html
    assert "SAMPLE" not in html
    teachers = client.get(f"/fr/diaspora/organisations/{directory['teachers'].pk}/").content.decode()
    assert "EXEMPLE" in teachers and 'lang="fr"' in teachers
    assert client.get("/en/diaspora/organisations/999999/").status_code == 404
    assert client.get("/api/v1/diaspora/organisations/999999").status_code == 404
    assert client.get("/api/v1/diaspora/organisations?origin=senegal").status_code == 422
    assert client.get("/api/v1/diaspora/organisations?sector=mining").status_code == 422
    one = client.get(f"/api/v1/diaspora/organisations/{doctors.pk}").json()
    assert one["countries_of_residence"] == ["FRA", "ITA"] and one["sample"] is False


def test_xlsx_import_names_file_row_and_column_and_writes_nothing(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "countries_of_origin", "countries_of_residence", "sectors", "website"])
    sheet.append(["Nigerian Nurses UK", "NGA", "GBR", "health", "https://example.org"])
    sheet.append(["Ghana Diaspora Fund", "GHA", "Germany", "finance", ""])
    path = tmp_path / "directory.xlsx"
    book.save(path)
    with pytest.raises(ImportRejected) as refused:
        import_file(format_name="diaspora-organisations", path=path)
    (error,) = refused.value.errors
    assert (error.file, error.row, error.column) == ("directory.xlsx", 3, "countries_of_residence")
    assert not DiasporaOrganisation.objects.exists()
    sheet.cell(row=3, column=3, value="DEU")
    book.save(path)
    import_file(format_name="diaspora-organisations", path=path)
    assert DiasporaOrganisation.objects.get(name="Ghana Diaspora Fund").countries_of_residence == ["DEU"]


@pytest.mark.parametrize(("before", "after"), [("Côte d’Ivoire", "Czechia"), ("Åland Islands", "Albania")])
def test_the_country_filters_follow_the_page_language_s_alphabet(
    client: Client, before: str, after: str
) -> None:
    page = client.get("/en/diaspora/organisations/").content.decode()
    assert before in page and after in page
    assert page.index(before) < page.index(after)
