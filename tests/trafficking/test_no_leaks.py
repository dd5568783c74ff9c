"""A planted name must not appear in clear in the database file, a backup, the logs or an error page."""

import logging
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.views.decorators.debug import sensitive_variables

from migdev.trafficking import services
from tests.trafficking.factories import login_verified, make_case, make_group, make_organisation, make_user

# Built from pieces so that the test's own source lines (shown in tracebacks) never hold the values.
FIRST, SECOND = "Xochi" + "quetzal", "Wawr" + "zyniak"
PHONE, DOCUMENT = "+2299" + "1234567", "Q7Z3" + "X9P1"
PLANTED = f"{FIRST} {SECOND}"
PLANTED_PARTS = (FIRST, SECOND, PHONE, DOCUMENT)


@pytest.fixture
def worker() -> object:
    organisation = make_organisation()
    group = make_group(organisation)
    return make_user("case_worker", organisation=organisation, groups=(group,))


def plant(worker: object, countries: bool = True) -> object:
    where = {} if countries else {"citizenship": [], "exploitation_country": ""}
    case = make_case(
        worker,
        first_name=FIRST,
        second_name=SECOND,
        mobile_phone=PHONE,  # type: ignore[arg-type]
        identity_number=DOCUMENT,
        **where,
    )
    services.case_comment_add(actor=worker, case=case, body=f"{PLANTED} said the recruiter took her passport")  # type: ignore[arg-type]
    return case


# Committed, as a backup of a live database would see it.
@pytest.mark.django_db(transaction=True)
def test_database_dump_and_backup_hold_no_clear_identifying_value(seeded_roles: None, tmp_path: Path) -> None:
    organisation = make_organisation()
    worker = make_user("case_worker", organisation=organisation, groups=(make_group(organisation),))
    plant(worker, countries=False)
    # Every text column of every table, as the database stores it.
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            dump = str(cursor.fetchall())
            for part in PLANTED_PARTS:
                assert part not in dump, f"{part} in clear in {table}"
    if connection.vendor == "sqlite":
        target = tmp_path / "backup.sqlite3"
        call_command("backup", str(target))
        raw = target.read_bytes()
        for part in PLANTED_PARTS:
            assert part.encode() not in raw and part.encode("utf-16-le") not in raw
    # dumpdata (what a JSON backup would use) writes the encrypted form
    out = tmp_path / "dump.json"
    call_command("dumpdata", "trafficking", output=str(out))
    assert all(part not in out.read_text() for part in PLANTED_PARTS)


@pytest.mark.django_db
def test_logs_hold_no_identifying_value(
    worker: object, caplog: pytest.LogCaptureFixture, settings: object
) -> None:
    with caplog.at_level(logging.DEBUG):
        case = plant(worker)
        client = login_verified(Client(), worker)  # type: ignore[arg-type]
        client.get(f"/en/trafficking/cases/{case.pk}/")  # type: ignore[attr-defined]
        client.get("/en/trafficking/cases/")
        client.post(
            f"/en/trafficking/cases/{case.pk}/edit/",  # type: ignore[attr-defined]
            {"first_name": FIRST, "version": 99, "registered_on": "2025-01-01"},
        )
    text = "\n".join(record.getMessage() + str(record.args) for record in caplog.records)
    for part in PLANTED_PARTS:
        assert part not in text


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_error_pages_hold_no_identifying_value(
    worker: object, settings: object, monkeypatch: pytest.MonkeyPatch, debug: bool
) -> None:
    settings.DEBUG = debug  # type: ignore[attr-defined]
    # Django hides sensitive variables only with DEBUG off unless this filter (see reporting.py) is set.
    settings.DEFAULT_EXCEPTION_REPORTER_FILTER = (  # type: ignore[attr-defined]
        "migdev.trafficking.reporting.AlwaysSafeExceptionReporterFilter"
    )

    @sensitive_variables()
    def broken(**kwargs: object) -> None:
        raise RuntimeError("storage failed")

    monkeypatch.setattr(services, "case_insert", broken)
    client = login_verified(Client(raise_request_exception=False), worker)  # type: ignore[arg-type]
    response = client.post(
        "/en/trafficking/cases/new/",
        {
            "first_name": FIRST,
            "second_name": SECOND,
            "mobile_phone": PHONE,
            "identity_number": DOCUMENT,
            "registered_on": "2025-01-01",
        },
    )
    assert response.status_code == 500
    body = response.content.decode(errors="replace")
    for part in PLANTED_PARTS:
        assert part not in body
