"""Trainings: counts only, sex and institution totals agree, all or nothing, re-runnable; the report's totals
equal the sum of its trainings, and SAMPLE trainings stay out unless asked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.law import demo
from migdev.law.models import Training
from migdev.law.trainings import training_report

HEADER = (
    "reference,title,topic,country,starts_on,ends_on,organisers,instruments,women,men,sex_not_recorded,"
    "ministries,agencies,civil_society,other_institutions,pre_test_mean,post_test_mean,sample\n"
)


def _file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "trainings.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.usefixtures("shipped")
def test_the_report_totals_equal_the_sum_of_its_trainings(tmp_path: Path) -> None:
    import_file(
        format_name="law-trainings",
        path=_file(
            tmp_path,
            "T-1,Labour law,labour-mobility,SEN,2023-05-02,2023-05-04,Ministry,ICRMW;C097,10,5,1,8,4,4,0,50,70,no",
            "T-2,Trafficking,trafficking,SEN,2024-01-10,2024-01-11,Agency,TIP2000,3,9,0,2,10,0,0,40,80,no",
            "T-3,Statelessness,protection,PHL,2024-03-01,2024-03-02,Agency,,7,2,0,0,0,9,0,,,no",
        ),
    )
    report = training_report()
    assert (report.total.women, report.total.men, report.total.sex_not_recorded, report.total.total) == (
        20,
        16,
        1,
        37,
    )
    assert report.total.total == sum(t.participants for t in Training.objects.all())
    for breakdown in (report.by_country, report.by_topic, report.by_year):
        assert sum(b.total for b in breakdown.values()) == report.total.total
        assert sum(b.trainings for b in breakdown.values()) == 3
    assert report.by_country["SEN"].total == 28 and report.by_year[2024].total == 21
    assert str(report.mean_gain) == "30.0"  # (20 + 40) / 2; T-3 has no scores
    assert training_report(country="PHL").total.total == 9


@pytest.mark.usefixtures("shipped")
def test_counts_by_sex_and_by_institution_must_agree_and_a_bad_row_saves_nothing(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "T-1,Labour law,labour-mobility,SEN,2023-05-02,2023-05-04,Ministry,ICRMW,10,5,1,8,4,4,0,,,no",
        "T-2,Trafficking,trafficking,Senegal,2024-01-10,2024-01-09,Agency,XYZ,3,9,0,2,10,0,1,40,180,maybe",
    )
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name="law-trainings", path=path)
    where = {(e.row, e.column) for e in caught.value.errors}
    assert where == {
        (3, "country"),
        (3, "ends_on"),
        (3, "other_institutions"),
        (3, "post_test_mean"),
        (3, "instruments"),
        (3, "sample"),
    }
    assert not Training.objects.exists()


@pytest.mark.usefixtures("shipped")
def test_a_training_loaded_again_is_updated_not_duplicated(tmp_path: Path) -> None:
    row = "T-1,Labour law,labour-mobility,SEN,2023-05-02,2023-05-04,Ministry,ICRMW,10,5,1,8,4,4,0,,,no"
    import_file(format_name="law-trainings", path=_file(tmp_path, row))
    result = import_file(
        format_name="law-trainings", path=_file(tmp_path, row.replace(",10,5,1,8", ",11,5,1,9"))
    )
    assert (result.created, result.updated) == (0, 1)
    training = Training.objects.get()
    assert (training.women, training.version) == (11, 2)


@pytest.mark.usefixtures("shipped")
def test_sample_trainings_stay_out_of_the_report_unless_asked_for(client: Client) -> None:
    assert "SAMPLE trainings" in demo.seed()
    assert Training.objects.filter(is_sample=False).count() == 0
    assert training_report().total.total == 0
    with_samples = training_report(samples=True)
    assert with_samples.includes_samples and with_samples.total.total == sum(
        t.participants for t in Training.objects.all()
    )
    page = client.get("/fr/law/trainings/").content.decode()
    assert 'data-testid="people-trained"' not in page and "SAMPLE" in page
    page = client.get("/es/law/trainings/?samples=1").content.decode()
    assert 'data-testid="people-trained"' in page and '<html lang="es"' in page
    api = client.get("/api/v1/law/trainings/report?samples=true").json()
    assert api["includes_sample_data"] is True
    assert api["total"]["total"] == with_samples.total.total
    assert client.get("/api/v1/law/trainings/report").json()["total"]["total"] == 0
    assert demo.seed().endswith("already there")
