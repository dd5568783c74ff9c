"""The disclosure audit (trafficking/ledger.py) on the path the DPO uses: release_build then
release_review. Each test performs an attack that works on the tables the per-table check alone lets
through, and finds nothing in what the platform publishes."""

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from migdev.trafficking import ledger, releases, services
from migdev.trafficking.models import AnalyticRecord, AnalyticSource, Release
from tests.trafficking.factories import login_verified, make_organisation, make_user
from tests.trafficking.test_publication import _records

pytestmark = pytest.mark.django_db
THRESHOLD = 11


@pytest.fixture
def people() -> dict:
    organisation = make_organisation()
    return {
        "analyst": make_user("analyst", organisation=organisation),
        "dpo": make_user("data_protection_officer", organisation=organisation),
    }


def _person(citizenship: str, region: str, **more: Any) -> dict[str, Any]:
    return {"citizenship": citizenship, "citizenship_region": region, "gender": "Female", **more}


# Live cases: 4 Cambodians (a count to protect), and Filipinos, Spaniards and Italians.
LIVE = (
    [_person("PHL", "Asia")] * 30
    + [_person("KHM", "Asia")] * 4
    + [_person("ESP", "Europe")] * 12
    + [_person("ITA", "Europe")] * 20
)


def margin_attack(content: dict[str, Any]) -> list[str]:
    """Region total minus the published countries of that region: what the hidden countries of the
    region hold. A single hidden country in a region is recovered exactly."""
    tables = {table["dimension"]: table for table in content["tables"]}
    regions = {
        c["value"]: c["count"] for c in tables["citizenship_region"]["cells"] if c["count"] is not None
    }
    countries = {c["value"]: c["count"] for c in tables["citizenship"]["cells"] if c["count"] is not None}
    region_of = {"PHL": "Asia", "KHM": "Asia", "ESP": "Europe", "ITA": "Europe"}
    found = []
    for region, total in regions.items():
        members = [code for code, r in region_of.items() if r == region]
        hidden = [code for code in members if code not in countries]
        rest = total - sum(countries.get(code, 0) for code in members)
        if len(hidden) == 1 and 0 < rest < THRESHOLD:
            found.append(f"{hidden[0]}: {rest}")
    return found


def test_two_tables_of_one_release_do_not_give_a_hidden_country_away(people: dict) -> None:
    cases = services.cases_source()
    _records(cases, LIVE)
    records = AnalyticRecord.objects.filter(source=cases)
    # The tables as the per-table rule alone protects them: 4 Cambodians = Asia 34 - Philippines 30.
    unaudited = json.loads(releases.build_aggregates(records, threshold=THRESHOLD).content)
    assert margin_attack(unaudited) == ["KHM: 4"]
    release = services.release_build(actor=people["analyst"], kind=Release.Kind.AGGREGATES, title="live")
    content = json.loads(release.content)
    assert margin_attack(content) == []
    audit = release.report["audit"]
    assert audit["failures"] == [] and audit["additionally_suppressed"]
    assert {s["table"] for s in audit["additionally_suppressed"]} == {"citizenship"}
    assert "KHM" not in release.content
    services.release_review(actor=people["dpo"], release=release, approve=True)
    # The DPO's page says what the audit did and why.
    page = (
        login_verified(Client(), people["dpo"])
        .get(f"/en/trafficking/releases/{release.pk}/")
        .content.decode()
    )
    assert "Disclosure audit" in page and "citizenship" in page


def test_subtracting_a_microdata_release_finds_no_new_case(people: dict) -> None:
    cases = services.cases_source()
    _records(cases, [{"gender": "Female"}] * 20 + [{"gender": "Male"}] * 20)
    microdata = services.release_build(
        actor=people["analyst"],
        kind=Release.Kind.K_ANONYMISED,
        title="rows",
        parameters={"quasi_identifiers": ["gender"], "k": THRESHOLD},
    )
    assert microdata.audit_basis["kind"] == "microdata" and len(microdata.audit_basis["records"]) == 40
    services.release_review(actor=people["dpo"], release=microdata, approve=True)
    rows = [line.split(",") for line in microdata.content.splitlines()]
    column = rows[0].index("gender")
    published_males = sum(1 for row in rows[1:] if row[column] == "Male")
    assert published_males == 20
    # Three more men: tables alone (no ledger of microdata) publish Male 23 and give them away.
    _records(cases, [{"gender": "Male"}] * 3)
    records = AnalyticRecord.objects.filter(source=cases)
    unaudited = json.loads(releases.build_aggregates(records, threshold=THRESHOLD).content)
    gender = next(t for t in unaudited["tables"] if t["dimension"] == "gender")
    assert {c["value"]: c["count"] for c in gender["cells"]}["Male"] - published_males == 3
    with pytest.raises(ValidationError, match="cannot be published safely.*new since release"):
        services.release_build(actor=people["analyst"], kind=Release.Kind.AGGREGATES, title="tables")


def test_approval_audits_against_publications_approved_after_the_build(people: dict) -> None:
    cases = services.cases_source()
    _records(cases, [{"gender": "Female"}] * 20 + [{"gender": "Male"}] * 20)
    microdata = services.release_build(
        actor=people["analyst"],
        kind=Release.Kind.K_ANONYMISED,
        title="rows",
        parameters={"quasi_identifiers": ["gender"], "k": THRESHOLD},
    )
    _records(cases, [{"gender": "Male"}] * 3)
    # Built while the microdata is still a draft: nothing in the ledger yet, the tables pass.
    tables = services.release_build(actor=people["analyst"], kind=Release.Kind.AGGREGATES, title="tables")
    assert tables.report["audit"]["considered"] == []
    services.release_review(actor=people["dpo"], release=microdata, approve=True)
    audited = services.release_audit(tables)
    assert audited is not None and audited.failures
    assert [c["release"] for c in audited.considered] == [microdata.pk]
    with pytest.raises(ValidationError, match="could be recovered"):
        services.release_review(actor=people["dpo"], release=tables, approve=True)


def test_each_small_count_gets_an_interval_reaching_zero_and_the_threshold() -> None:
    """The rule on its own: two hidden cells adding up to 15 protect a 4; adding up to 8, they do not."""
    records = {pk: ledger.record_keys({"gender": "Female" if pk < 4 else "Male"}) for pk in range(15)}
    content = {
        "threshold": THRESHOLD,
        "tables": [
            {
                "dimension": "gender",
                "total": 15,
                "additive": True,
                "cells": [{"value": "*", "count": None, "suppressed": "primary", "hidden_cells": 2}],
            }
        ],
    }
    result = ledger.audit(ledger.aggregates_basis(content, records), [], ledger.audit_tables(content))
    assert result.failures == [] and result.checked == 1
    small = {pk: keys for pk, keys in records.items() if pk < 8}
    content["tables"][0]["total"] = 8
    result = ledger.audit(ledger.aggregates_basis(content, small), [], ledger.audit_tables(content))
    assert [(f.label, f.value, f.low, f.high) for f in result.failures] == [
        ('"Female"', 4, 0, 8),
        ('"Male"', 4, 0, 8),
    ]
    # The sum of the hidden cells pinned by an earlier table of the same records: recovered exactly.
    earlier = ledger.aggregates_basis(
        {
            "threshold": THRESHOLD,
            "tables": [
                {
                    "dimension": "gender",
                    "total": 15,
                    "additive": True,
                    "cells": [
                        {"value": "Male", "count": 11},
                        {"value": "*", "count": None, "hidden_cells": 1},
                    ],
                }
            ],
        },
        records,
    )
    content["tables"][0]["total"] = 15
    result = ledger.audit(ledger.aggregates_basis(content, records), [earlier], ledger.audit_tables(content))
    assert [(f.value, f.low, f.high) for f in result.failures] == [(4, 4, 4)]


def test_a_public_source_alone_is_not_audited(people: dict) -> None:
    source = AnalyticSource.objects.create(name="public file", data_format="ctdc-vp")
    assert source.is_public
    _records(source, LIVE)
    release = services.release_build(actor=people["analyst"], kind=Release.Kind.AGGREGATES, title="file")
    assert "audit" not in release.report and release.audit_basis == {}
