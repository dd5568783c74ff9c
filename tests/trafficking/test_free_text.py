"""All free text is identifying (issue 13, findings 3 and 6).

The identifying columns are found by walking the models, not from a hand list: every text column of the
module that is neither coded (``choices``) nor declared clear with a reason in ``CLEAR_TEXT_FIELDS``.
Distinctive text is planted in each of them through the pages people use (forms, views, services), and
then looked for in every table of the raw database, a ``migdev backup``, the audit log (the table and
``/api/v1/audit/events``) and the captured logs. It must appear nowhere.
"""

import logging
import re
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, models
from django.test import Client

from migdev.accounts.services import api_token_create
from migdev.audit.models import AuditAction, AuditEvent
from migdev.protection import inventory
from migdev.protection.crypto import looks_encrypted
from migdev.trafficking.models import (
    Case,
    CaseAttachment,
    CaseComment,
    CaseRequest,
    CaseTask,
    Consent,
    DataTransfer,
    Perpetrator,
    Referral,
    ServiceDelivery,
    SupportPlan,
    TraffickingEvent,
)
from tests.trafficking.factories import login_verified, make_group, make_organisation, make_user

FieldKey = tuple[type[models.Model], str]

# Columns filled from another planted value rather than typed, and where their text comes from: they are
# checked in storage like every other identifying column, and their text is searched under its origin.
COPIED_FROM: dict[tuple[str, str], str] = {
    ("Case", "closure_reason"): "the closure request's reason (CaseRequest.reason), copied on approval",
    ("DataTransfer", "recipient"): "the recipient organisation's registered name",
}


def identifying_fields() -> list[FieldKey]:
    """Every text column of the trafficking models that may hold something about a person. That each of
    them is encrypted is checked, for every app, by tests/protection/test_storage.py."""
    return inventory.identifying_fields(apps.get_app_config("trafficking"))


# --- planting -----------------------------------------------------------------------------------------

# Built from pieces so that the test's own source (in tracebacks) does not hold a planted value.
STEM = "Qz" + "vk"


def plant_value(model: type[models.Model], name: str) -> str:
    """A value unique to one column, shaped to pass that column's validation."""
    special = {
        ("Case", "email"): f"{STEM}mail" + "@example.org",
        ("Case", "home_phone"): "+2297" + "1304455",
        ("Case", "mobile_phone"): "+2297" + "1304466",
        ("Case", "mailing_latitude"): "-33.81" + "2731",
        ("Case", "mailing_longitude"): "151.20" + "4417",
        ("Case", "birth_date"): "1987-11" + "-23",
        ("TraffickingEvent", "latitude"): "6.4218" + "77",
        ("TraffickingEvent", "longitude"): "3.3791" + "55",
        ("CaseAttachment", "original_name"): f"{STEM}file José Núñez statement.txt",
    }
    if (model.__name__, name) in special:
        return special[(model.__name__, name)]
    # A searchable stem unique to the column, then a name as people type it.
    value = (
        f"{STEM}{zlib.crc32(f'{model.__name__}.{name}'.encode()):08x} José Núñez told us about the recruiter"
    )
    return value[: model._meta.get_field(name).max_length or None]


class Planter:
    """Fills each form with the planted value of every identifying column its fields land in."""

    def __init__(self) -> None:
        self.planted: dict[tuple[str, str], str] = {}
        self.identifying = {(model.__name__, name) for model, name in identifying_fields()}

    def data(self, targets: dict[str, type[models.Model]], base: dict[str, Any]) -> dict[str, Any]:
        """``targets`` maps a form field to the model its value is stored in."""
        data = dict(base)
        for form_field, model in targets.items():
            model_field = {"note": "decision_note"}.get(form_field, form_field)
            if (model.__name__, model_field) in self.identifying:
                value = plant_value(model, model_field)
                data[form_field] = value
                self.planted[(model.__name__, model_field)] = value
        return data


def form_targets(form_class: type, model: type[models.Model], **extra: type[models.Model]) -> dict:
    targets = dict.fromkeys(form_class.base_fields, model)
    targets.update(extra)
    return targets


def post(client: Client, url: str, data: dict[str, Any]) -> None:
    response = client.post(url, data)
    if response.status_code != 302:
        errors = re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', response.content.decode(), re.S)
        pytest.fail(f"{url}: {response.status_code} {errors}")


@pytest.fixture
def world(seeded_roles: None) -> dict[str, Any]:
    # An earlier transactional test may have emptied the grants; the DPO reads the audit API below.
    import importlib

    from migdev.accounts.migration_helpers import grant_role_permissions

    grant_role_permissions(apps, importlib.import_module("migdev.audit.migrations.0003_grant_roles").GRANTS)
    organisation = make_organisation()
    partner_org = make_organisation()
    team = make_group(organisation)
    return {
        "partner_org": partner_org,
        "other_org": make_organisation(),
        "worker": make_user("case_worker", organisation=organisation, groups=(team,)),
        "supervisor": make_user("supervisor", organisation=organisation, groups=(team,)),
        "partner_worker": make_user(
            "case_worker", organisation=partner_org, groups=(make_group(partner_org),)
        ),
        "dpo": make_user("data_protection_officer", organisation=organisation),
    }


def plant_everything(world: dict[str, Any]) -> Planter:
    """Every page that writes free text, in the order a case goes through them."""
    from migdev.trafficking import forms

    planter = Planter()
    worker = login_verified(Client(), world["worker"])
    supervisor = login_verified(Client(), world["supervisor"])
    partner_org, other_org = world["partner_org"], world["other_org"]

    case_fields = dict.fromkeys(forms.CaseForm().fields, Case)
    for url_case in range(2):
        data = planter.data(case_fields, {"registered_on": "2025-01-01"})
        if url_case:
            data["first_name"] = STEM + "Second"
            planter.planted[("Case", "first_name#2")] = data["first_name"]
        post(worker, "/en/trafficking/cases/new/", data)
    case, second = Case.objects.order_by("pk")
    base = f"/en/trafficking/cases/{case.pk}"

    post(worker, f"{base}/comment/", planter.data(form_targets(forms.CommentForm, CaseComment), {}))
    consent = {
        "purpose": "sharing",
        "given_by": "guardian",
        "method": "written",
        "partners": [partner_org.pk],
    }
    post(worker, f"{base}/consent/", planter.data(form_targets(forms.ConsentForm, Consent), consent))
    referral_targets = form_targets(
        forms.ReferralOutForm, Referral, purpose=DataTransfer, safeguards=DataTransfer
    )
    referral = {"organisation": partner_org.pk, "reason": "Other", "fields_shared": ["first_name"]}
    post(worker, f"{base}/refer/", planter.data(referral_targets, referral))
    # A supervisor's referral without consent carries the justification.
    override = planter.data(referral_targets, {**referral, "organisation": other_org.pk})
    post(supervisor, f"{base}/refer/", override)
    post(
        worker,
        f"{base}/referred-in/",
        planter.data(
            form_targets(forms.ReferralInForm, Referral), {"referral_date": "2025-01-02", "reason": "Other"}
        ),
    )
    post(
        worker,
        f"{base}/perpetrator/",
        planter.data(form_targets(forms.PerpetratorForm, Perpetrator), {"gender": "Masculine"}),
    )
    post(
        worker,
        f"{base}/event/",
        planter.data(form_targets(forms.EventForm, TraffickingEvent), {"event_type": "Exploitation"}),
    )
    post(
        worker,
        f"{base}/support-plan/",
        planter.data(form_targets(forms.SupportPlanForm, SupportPlan), {"plan_type": "Health"}),
    )
    post(
        worker,
        f"{base}/service/",
        planter.data(
            form_targets(forms.ServiceDeliveryForm, ServiceDelivery, plan=SupportPlan),
            {"service_type": "Health", "delivered_on": "2025-02-01"},
        ),
    )
    post(worker, f"{base}/tasks/", planter.data(form_targets(forms.TaskForm, CaseTask), {}))
    attachment = planter.data(form_targets(forms.AttachmentForm, CaseAttachment), {})
    file_name = plant_value(CaseAttachment, "original_name")
    planter.planted[("CaseAttachment", "original_name")] = file_name
    post(
        worker, f"{base}/attachments/", {**attachment, "file": SimpleUploadedFile(file_name, b"Intake note")}
    )
    # Closure: asked by the worker, approved by the supervisor (the reason becomes the case's).
    post(
        worker,
        f"{base}/close/",
        planter.data(form_targets(forms.ClosureForm, CaseRequest), {"closure_status": "Closed"}),
    )
    closure = CaseRequest.objects.get(case=case)
    post(
        supervisor,
        f"{base}/requests/{closure.pk}/decide/",
        planter.data(form_targets(forms.DecisionForm, CaseRequest), {"approve": "yes"}),
    )
    # Transfer of the second case to the partner's case worker: safeguards, then the data transfer.
    Consent.objects.create(case=second, purpose=Consent.Purpose.SHARING, created_by=world["worker"])
    Consent.objects.get(case=second).partners.set([partner_org])
    transfer = {"new_owner": world["partner_worker"].pk, "reason": "Moved"}
    post(
        worker,
        f"/en/trafficking/cases/{second.pk}/transfer/",
        planter.data(form_targets(forms.TransferForm, CaseRequest), transfer),
    )
    item = CaseRequest.objects.get(case=second)
    post(supervisor, f"/en/trafficking/cases/{second.pk}/requests/{item.pk}/decide/", {"approve": "yes"})
    return planter


def every_table_as_text() -> dict[str, str]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        dumps = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dumps[table] = str(cursor.fetchall())
    return dumps


def stored_values(model: type[models.Model], name: str) -> list[str]:
    column = model._meta.get_field(name).column  # type: ignore[union-attr]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(model._meta.db_table)}")  # noqa: S608
        return [row[0] for row in cursor.fetchall() if row[0] not in (None, "")]


# Committed, as a backup of a live database sees it.
@pytest.mark.django_db(transaction=True)
def test_planted_free_text_appears_nowhere(
    world: dict[str, Any], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        planter = plant_everything(world)
        # The reads people do afterwards, logged too.
        case = Case.objects.order_by("pk").first()
        assert case is not None
        worker = login_verified(Client(), world["worker"])
        for url in (
            f"/en/trafficking/cases/{case.pk}/",
            "/en/trafficking/cases/",
            "/api/v1/trafficking/referrals",
        ):
            assert worker.get(url).status_code == 200

    # Every identifying column got its planted text (or is filled from one that did) ...
    missing = sorted(
        f"{model}.{name}"
        for model, name in planter.identifying
        if (model, name) not in planter.planted and (model, name) not in COPIED_FROM
    )
    assert missing == [], f"no user path planted text in: {missing}"
    # ... and it arrived: otherwise looking for it below would prove nothing.
    for (model_name, name), value in planter.planted.items():
        model = apps.get_model("trafficking", model_name)
        name = name.partition("#")[0]
        expected = date.fromisoformat(value) if name == "birth_date" else value
        assert any(getattr(row, name) == expected for row in model._default_manager.all()), (model_name, name)
    for model_name, name in planter.identifying:
        # Stored encrypted, each one, the copied ones included; and not vacuously (some row has a value).
        values = stored_values(apps.get_model("trafficking", model_name), name)
        assert values, f"{model_name}.{name} holds no value to check"
        assert all(looks_encrypted(value) for value in values), f"{model_name}.{name} in clear"

    # The referral's transfer was audited, with references only.
    export = AuditEvent.objects.filter(action=AuditAction.EXPORT, record_type="trafficking.referral").first()
    assert export is not None and export.detail["fields_shared"] == ["first_name"]

    # Only the distinctive stem of free text is looked for, so a reformatted copy is caught too.
    needles = [value.split(" ")[0] for value in planter.planted.values()]

    for table, text in every_table_as_text().items():
        found = [needle for needle in needles if needle in text]
        assert found == [], f"in clear in table {table}: {found}"

    if connection.vendor == "sqlite":
        target = tmp_path / "backup.sqlite3"
        call_command("backup", str(target))
        raw = target.read_bytes()
        found = [n for n in needles if n.encode() in raw or n.encode("utf-16-le") in raw]
        assert found == [], f"in the backup: {found}"
    out = tmp_path / "dump.json"
    call_command("dumpdata", "trafficking", "audit", output=str(out))
    dumped = out.read_text()
    assert [n for n in needles if n in dumped] == [], "case content in clear in dumpdata"

    _token, raw_token = api_token_create(user=world["dpo"], name="search")
    api = Client()
    page, listed = 1, []
    while True:
        response = api.get(
            "/api/v1/audit/events", {"page": page, "page_size": 100}, HTTP_AUTHORIZATION=f"Bearer {raw_token}"
        )
        assert response.status_code == 200
        body = response.json()
        listed += body["items"]
        if len(listed) >= body["count"] or not body["items"]:
            break
        page += 1
    assert len(listed) > 20  # the planting above wrote that many events at least
    text = str(listed)
    assert [n for n in needles if n in text] == [], "case content in /api/v1/audit/events"

    logs = "\n".join(
        f"{record.getMessage()} {record.args} {record.exc_text or ''}" for record in caplog.records
    )
    assert [n for n in needles if n in logs] == [], "case content in the logs"
