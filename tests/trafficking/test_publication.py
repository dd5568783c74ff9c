"""Publication: sources named and never mixed silently, a ledger of everything published, no disclosure by
subtraction, honest k (checked with pyCANON), CTDC's denominator on the path that publishes, the
threshold boundary, and charts that agree with their tables."""

import csv
import io
import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template.loader import render_to_string
from django.test import Client
from pycanon import anonymity

from migdev.dataio.services import import_file
from migdev.trafficking import ctdc, services
from migdev.trafficking.models import AnalyticRecord, AnalyticSource, PublicationLedgerEntry, Release
from migdev.trafficking.views import charted_tables
from tests.trafficking.factories import login_verified, make_case, make_group, make_organisation, make_user

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "data" / "ctdc_vp_sample.csv"
THRESHOLD = 11


@pytest.fixture
def people() -> dict:
    organisation = make_organisation()
    return {
        "analyst": make_user("analyst", organisation=organisation),
        "dpo": make_user("data_protection_officer", organisation=organisation),
        "worker": make_user("case_worker", organisation=organisation, groups=(make_group(organisation),)),
    }


def live_cases(worker: Any, specs: list[dict[str, Any]]) -> None:
    for spec in specs:
        make_case(worker, **spec)


# The issue's live cases: one minor, two women, three men, one more citizen of Asia than the file has.
ISSUE_CASES: list[dict[str, Any]] = [
    {"gender": "Feminine", "citizenship": ["NG"], "exploitation_country": "IT"},
    {"gender": "Feminine", "citizenship": ["NG"], "exploitation_country": "IT"},
    {"gender": "Masculine", "citizenship": ["KH"], "exploitation_country": "TH"},
    {
        "gender": "Masculine",
        "citizenship": ["NG"],
        "exploitation_country": "IT",
        "birth_date": date(2014, 1, 2),
    },
    {"gender": "Masculine", "citizenship": ["NG"], "exploitation_country": "IT"},
]


def file_counts() -> dict[str, Counter[Any]]:
    """What anyone counts in the public CTDC file, per published dimension (blank: not recorded)."""
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = {
        "gender": "gender",
        "majority_status": "majorityStatus",
        "citizenship_region": "UN_COO_Region",
        "exploitation_region": "UN_COE_Region",
        "registration_period": "yearRegister",
    }
    counts: dict[str, Counter[Any]] = {
        dimension: Counter(row[column] or None for row in rows) for dimension, column in columns.items()
    }
    counts["type_of_exploit"] = Counter(
        {
            "is_forced_labour": sum(row["isForcedLabour"] == "1" for row in rows),
            "is_sexual_exploit": sum(row["isSexualExploit"] == "1" for row in rows),
        }
    )
    counts["__persons__"] = Counter({"all": len(rows)})
    return counts


def subtraction_attack(content: dict[str, Any]) -> list[str]:
    """Subtract the public file's counts from published tables; every small difference is a disclosure
    of live cases (a count of 1 to 10 of them)."""
    public = file_counts()
    persons = public["__persons__"]["all"]
    found = []
    for table in content["tables"]:
        dimension = table["dimension"]
        if dimension not in public:
            continue
        derived = {}
        for cell in table["cells"]:
            if cell["count"] is not None:
                derived[cell["value"]] = cell["count"] - public[dimension].get(cell["value"], 0)
        if table["total"] is not None and table["additive"]:
            derived["(total)"] = table["total"] - persons
            if any(cell["count"] is None for cell in table["cells"]):
                derived["(hidden cells)"] = derived["(total)"] - sum(
                    n for value, n in derived.items() if value != "(total)"
                )
        found += [f"{dimension}={value}: {n}" for value, n in derived.items() if 0 < abs(n) < THRESHOLD]
    return found


def test_sources_are_chosen_never_mixed_silently(people: dict, tmp_path: Path) -> None:
    import_file(format_name="ctdc-vp", path=SAMPLE)
    live_cases(people["worker"], ISSUE_CASES[:2])
    vp = AnalyticSource.objects.get(data_format="ctdc-vp")
    with pytest.raises(ValidationError, match="ctdc_vp_sample.csv.*Cases"):
        services.release_build(actor=people["analyst"], kind=Release.Kind.AGGREGATES, title="all")
    out = tmp_path / "release.csv"
    with pytest.raises(CommandError, match="several sources.*ctdc_vp_sample.csv.*Cases live"):
        call_command("ctdc", "release", "--k", "11", "--out", str(out), stdout=io.StringIO())
    call_command(
        "ctdc", "release", "--k", "11", "--source", str(vp.pk), "--out", str(out), stdout=io.StringIO()
    )
    assert out.read_text().splitlines()[0] == ",".join(ctdc.VP_COLUMNS)  # the source's own format
    release = services.release_build(
        actor=people["analyst"], kind=Release.Kind.AGGREGATES, title="vp", parameters={"sources": [vp.pk]}
    )
    assert release.parameters["sources"] == [vp.pk] and not release.parameters["combined"]
    assert release.parameters["source_details"][0]["edition"] == vp.edition
    # the release page offers the choice
    page = login_verified(Client(), people["analyst"]).get("/en/trafficking/releases/new/").content.decode()
    assert 'name="sources"' in page and "Cases live" in page


def test_subtraction_attack_on_published_aggregates_finds_nothing(people: dict) -> None:
    import_file(format_name="ctdc-vp", path=SAMPLE)
    vp = AnalyticSource.objects.get(data_format="ctdc-vp")
    live_cases(people["worker"], ISSUE_CASES)
    cases = AnalyticSource.objects.get(data_format="cases")
    both = {"sources": [vp.pk, cases.pk]}
    # Five live cases combined with the public file: any table would give them away.
    with pytest.raises(ValidationError, match="only 5 non-public records"):
        services.release_build(
            actor=people["analyst"], kind=Release.Kind.AGGREGATES, title="x", parameters=both
        )
    alone = services.release_build(
        actor=people["analyst"], kind=Release.Kind.AGGREGATES, title="file", parameters={"sources": [vp.pk]}
    )
    services.release_review(actor=people["dpo"], release=alone, approve=True)
    assert subtraction_attack(json.loads(alone.content)) == []
    # Eleven more live cases: combined on purpose, the tables are protected against the file's counts.
    live_cases(people["worker"], [{"gender": "Feminine", "citizenship": ["NG"]}] * 11)
    combined = services.release_build(
        actor=people["analyst"], kind=Release.Kind.AGGREGATES, title="combined", parameters=both
    )
    assert combined.parameters["combined"] and combined.parameters["source_choice"] == "explicit"
    services.release_review(actor=people["dpo"], release=combined, approve=True)
    content = json.loads(Client().get(f"/en/trafficking/releases/{combined.pk}/download/").content)
    assert subtraction_attack(content) == []
    # Hidden cells name no value: nothing says a live case is Cambodian or was exploited in Thailand.
    assert "KHM" not in combined.content and "THA" not in combined.content
    for table in content["tables"]:
        assert all(cell["value"] == "*" for cell in table["cells"] if cell["count"] is None)
    # The dashboard shows each source set on its own, naming its sources.
    page = Client().get("/en/trafficking/dashboard/").content.decode()
    assert page.count('<section aria-labelledby="release-') == 2
    assert "combined by an explicit choice" in page
    assert set(PublicationLedgerEntry.objects.values_list("release_id", "source_id")) == {
        (alone.pk, vp.pk),
        (combined.pk, vp.pk),
        (combined.pk, cases.pk),
    }


def _records(source: AnalyticSource, specs: list[dict[str, Any]]) -> None:
    rows = []
    for spec in specs:
        record = ctdc.empty_record()
        record.update({"year_of_registration": 2020, **spec})
        rows.append(AnalyticRecord(**ctdc.complete(record)))
    services.analytic_records_create(source, rows)


def test_the_ledger_stops_a_republication_that_differs_by_a_few_cases(people: dict) -> None:
    cases = services.cases_source()
    _records(cases, [{"gender": "Female"}] * 20 + [{"gender": "Male"}] * 20)
    first = services.release_build(actor=people["analyst"], kind=Release.Kind.AGGREGATES, title="first")
    _records(cases, [{"gender": "Male"}] * 3)
    # Built before the first one is approved: only the check before approval can see the difference.
    second = services.release_build(actor=people["analyst"], kind=Release.Kind.AGGREGATES, title="second")
    services.release_review(actor=people["dpo"], release=first, approve=True)
    assert PublicationLedgerEntry.objects.get(release=first).derived["gender"]["cells"]['"Male"'] == 20
    with pytest.raises(ValidationError, match="Small cells"):
        services.release_review(actor=people["dpo"], release=second, approve=True)
    # And a new build refuses outright: three more persons than were published.
    with pytest.raises(ValidationError, match="cannot be published safely"):
        services.release_build(actor=people["analyst"], kind=Release.Kind.AGGREGATES, title="third")
    # Withdrawal does not erase what was public.
    services.release_withdraw(actor=people["dpo"], release=first, note="old")
    assert PublicationLedgerEntry.objects.filter(release=first).exists()


# Codebook v2024 section 6, times 11: of 55 persons, 44 have a type of exploitation recorded.
DENOMINATOR_PEOPLE: list[dict[str, Any]] = (
    [{"is_forced_labour": True, "gender": "Female"}] * 22
    + [{"is_sexual_exploit": True, "gender": "Female"}] * 11
    + [{"is_sexual_exploit": True, "is_other_exploit": True, "gender": "Male"}] * 11
    + [{"is_forced_labour": False, "gender": "Female"}] * 11
)


def test_published_shares_use_ctdc_denominator_and_a_count_of_exactly_the_threshold_is_published(
    people: dict,
) -> None:
    source = AnalyticSource.objects.create(name="Synthetic", data_format="ctdc-synthetic", edition="test")
    _records(source, DENOMINATOR_PEOPLE)
    release = services.release_build(actor=people["analyst"], kind=Release.Kind.AGGREGATES, title="shares")
    tables = {table["dimension"]: table for table in json.loads(release.content)["tables"]}
    exploit = tables["type_of_exploit"]
    shares = {cell["value"]: cell["share"] for cell in exploit["cells"] if cell["count"]}
    assert exploit["denominator"] == 44  # not 55: persons with no type recorded do not count
    assert shares == {"is_forced_labour": 50.0, "is_sexual_exploit": 50.0, "is_other_exploit": 25.0}
    # 11 is the threshold: published, in a multi-valued group and in a one-way table alike.
    assert {c["value"]: c["count"] for c in exploit["cells"]}["is_other_exploit"] == 11
    assert {c["value"]: c["count"] for c in tables["gender"]["cells"]} == {"Female": 44, "Male": 11}
    assert "type_of_sex" not in tables  # nobody has a value in the group: no shares at all


def test_reported_k_is_pycanon_k_for_every_attacker_knowledge(people: dict) -> None:
    import_file(format_name="ctdc-vp", path=SAMPLE)
    release = services.release_build(
        actor=people["analyst"], kind=Release.Kind.K_ANONYMISED, title="k", parameters={"k": 2}
    )
    frame = pd.read_csv(io.StringIO(release.content), dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(ctdc.VP_COLUMNS)
    assert len(frame) > 0
    report = release.report
    assert sorted(report["quasi_identifier_columns"]) == sorted(ctdc.VP_COLUMNS)  # all of them describe
    assert report["smallest_class"] == anonymity.k_anonymity(frame, report["quasi_identifier_columns"]) >= 2
    demographics = ["yearRegister", "gender", "majorityStatus", "UN_COO_Region", "UN_COE_Region"]
    exploitation = [*demographics, "isForcedLabour", "isSexualExploit"]
    assert report["k_by_knowledge"] == {
        "demographics": anonymity.k_anonymity(frame, demographics),
        "exploitation": anonymity.k_anonymity(frame, exploitation),
        "perpetrators": anonymity.k_anonymity(frame, list(ctdc.VP_COLUMNS)),
    }
    page = login_verified(Client(), people["dpo"]).get(f"/en/trafficking/releases/{release.pk}/")
    html = page.content.decode()
    assert "Demographics and types of exploitation" in html
    # The DPO reads settings and report as text, not as Python prints lists, dicts and booleans.
    for python_repr in ("[&#x27;", "{&#x27;", ">False<", ">True<", ">[]<"):
        assert python_repr not in html, python_repr


def test_chart_and_table_agree_on_zero() -> None:
    tables = charted_tables(
        [
            {
                "dimension": "type_of_exploit",
                "total": 40,
                "denominator": 40,
                "additive": False,
                "cells": [
                    {"value": "is_forced_labour", "count": 40, "share": 100.0, "suppressed": ""},
                    {"value": "is_organ_removal", "count": 0, "share": 0.0, "suppressed": ""},
                ],
            }
        ]
    )
    html = render_to_string("trafficking/_chart.html", {"table": tables[0]})
    assert "suppressed" not in html.split("<table>")[0]  # the chart shows the 0 the table shows


def test_statistics_page_threshold(people: dict) -> None:
    import_file(format_name="ctdc-vp", path=SAMPLE)
    client = login_verified(Client(), people["analyst"])
    low = client.get("/en/trafficking/statistics/?threshold=5")
    assert low.status_code == 400 and "at least 11" in low.content.decode()
    assert client.get("/en/trafficking/statistics/?threshold=12").status_code == 200


def test_release_values_read_as_text() -> None:
    from migdev.trafficking.templatetags.trafficking import plain_value

    assert plain_value(["gender", "age"]) == "gender, age"
    assert plain_value({"gender": 3, "region": [1, 2]}) == "gender: 3; region: 1, 2"
    assert plain_value(False) == "No" and plain_value(True) == "Yes"
    assert plain_value([]) == "—" and plain_value(None) == "—"
    assert plain_value(0.732391) == "0.7324"
