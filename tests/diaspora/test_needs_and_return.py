"""Needs and return: priority sectors in the score, editing a request without losing an edit, repeat
assignments of the same expert, and the reintegration plan of a permanent return."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from migdev.audit.models import AuditEvent
from migdev.diaspora import matching, selectors, services
from migdev.diaspora.models import (
    Assignment,
    Expert,
    PrioritySector,
    ReintegrationFollowUp,
    ReintegrationPlan,
    ReintegrationSupport,
    Request,
)
from tests.diaspora.conftest import EPIDEMIOLOGY, PUBLIC_HEALTH, World, prepared, signed_in

pytestmark = pytest.mark.django_db


def _assignment(world: World, expert: Expert, row: Request, *, to_follow_up: bool = True) -> Assignment:
    invitation = services.invitation_send(actor=world.officer, row=row, expert=expert)
    services.invitation_answer(actor=expert.user, invitation=invitation, accept=True)
    host_user = world.host_user if row.host == world.host else world.other_host_user
    services.invitation_select(actor=host_user, invitation=invitation)
    agreement = services.agreement_draft(
        actor=world.officer,
        invitation=invitation,
        values={
            "starts_on": row.starts_on,
            "ends_on": row.ends_on,
            "deliverables": "Workshops",
            "compensation": "per_diem",
            "amount": "90",
        },
    )
    services.agreement_sign(actor=expert.user, agreement=agreement)
    services.agreement_sign(actor=host_user, agreement=agreement)
    assignment = Assignment.objects.get(agreement=agreement)
    if to_follow_up:
        prepared(world, assignment)
        services.assignment_advance(
            actor=world.officer, assignment=assignment, stage="delivery", on=row.starts_on
        )
        services.assignment_advance(
            actor=world.officer, assignment=assignment, stage="reporting", on=row.ends_on
        )
        for author in (expert.user, host_user):
            services.end_report_submit(
                actor=author,
                assignment=assignment,
                values={"people_trained": 10, "documents_produced": 1, "services_delivered": 0, "rating": 5},
            )
        services.assignment_advance(actor=world.officer, assignment=assignment, stage="follow_up")
        assignment.refresh_from_db()
    return assignment


# --- priority sectors ---------------------------------------------------------------------------------------


def test_a_priority_sector_weighs_in_the_score_with_its_weight_shown(world: World, esco: object) -> None:
    expert = world.expert()
    health = world.request_row()
    # The same terms in a sector the government did not name: identical but for the sector.
    governance = world.request_row(title="Same terms, governance", sector="governance")
    before = matching.shortlist(health, Expert.objects.filter(pk=expert.pk)).candidates[0]
    assert before.parts["priority_sector"] == 0.0
    PrioritySector.objects.create(office=world.office, sector="health")
    after = matching.shortlist(health, Expert.objects.filter(pk=expert.pk)).candidates[0]
    assert after.parts["priority_sector"] == 1.0
    assert after.score == pytest.approx(before.score + matching.PRIORITY_WEIGHT, abs=1e-4)
    fitting = matching.requests_for_expert(expert, [governance, health])
    assert [row.pk for row, _c in fitting] == [health.pk, governance.pk]
    # Another country's priorities do not count for a Senegalese request.
    PrioritySector.objects.filter(office=world.office).delete()
    assert (
        matching.shortlist(health, Expert.objects.filter(pk=expert.pk)).candidates[0].parts["priority_sector"]
        == 0.0
    )


def test_the_shortlist_page_and_api_show_the_weights(world: World, esco: object) -> None:
    world.expert()
    row = world.request_row()
    PrioritySector.objects.create(office=world.office, sector="health")
    officer = signed_in(world.officer)
    html = officer.get(f"/en/diaspora/requests/{row.pk}/").content.decode()
    assert "0.1 × priority sector" in html and "priority sector 1.00" in html
    answer = officer.get(f"/api/v1/diaspora/requests/{row.pk}/shortlist").json()
    assert answer["weights"] == {"engine": 0.7, "availability": 0.2, "priority_sector": 0.1}
    assert answer["priority_sector"] is True
    assert answer["candidates"][0]["parts"]["priority_sector"] == 1.0
    french = officer.get(f"/fr/diaspora/requests/{row.pk}/").content.decode()
    assert "secteur prioritaire" in french


# --- editing a request --------------------------------------------------------------------------------------


def _form_data(row: Request, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": row.version,
        "title": row.title,
        "objectives": row.objectives,
        "tasks": row.tasks,
        "occupation": row.occupation_uri,
        "sector": row.sector,
        "modality": row.modality,
        "duration_days": row.duration_days,
        "place": row.place,
        "starts_on": row.starts_on.isoformat(),
        "ends_on": row.ends_on.isoformat(),
        "language": row.language,
        "language_level": row.language_level,
        "years_experience_wanted": row.years_experience_wanted,
        "host_provides": row.host_provides,
        "skill_1": EPIDEMIOLOGY,
        "skill_2": PUBLIC_HEALTH,
    }
    data.update(changes)
    return data


def test_the_host_edits_a_request_and_a_stale_save_loses_nothing(world: World, esco: object) -> None:
    row = world.request_row(approve=False)
    host = signed_in(world.host_user)
    page = host.get(f"/en/diaspora/requests/{row.pk}/edit/")
    assert page.status_code == 200 and row.title in page.content.decode()
    opened = _form_data(row)
    saved = host.post(f"/en/diaspora/requests/{row.pk}/edit/", {**opened, "place": "Thiès"})
    assert saved.status_code == 302
    row.refresh_from_db()
    assert row.place == "Thiès" and row.skill_uris == [EPIDEMIOLOGY, PUBLIC_HEALTH]
    assert AuditEvent.objects.filter(record_type="diaspora.request", detail__step="request_edited").exists()
    # A second window opened before that save: its save is refused and its typed text is kept.
    stale = host.post(f"/en/diaspora/requests/{row.pk}/edit/", {**opened, "tasks": "Three workshops"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Three workshops" in html and "Thiès" in html
    row.refresh_from_db()
    assert row.place == "Thiès" and row.tasks != "Three workshops"


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_edit_page_keeps_its_dates_in_every_language(world: World, esco: object, language: str) -> None:
    """``<input type="date">`` shows nothing unless its value is ISO 8601; a date in the page language's
    format (10/03/2027) left both dates empty, so saving the page failed with "This field is required"."""
    row = world.request_row(approve=False)
    html = signed_in(world.host_user).get(f"/{language}/diaspora/requests/{row.pk}/edit/").content.decode()
    assert 'name="starts_on" value="2027-03-10"' in html
    assert 'name="ends_on" value="2027-04-10"' in html


def test_only_the_host_edits_and_only_before_approval(world: World, esco: object) -> None:
    row = world.request_row(approve=False)
    for user in (world.other_host_user, world.officer, world.office_user):
        assert signed_in(user).get(f"/en/diaspora/requests/{row.pk}/edit/").status_code == 404
    services.request_submit(actor=world.host_user, row=row)
    services.request_approve(actor=world.officer, row=row)
    row.refresh_from_db()
    host = signed_in(world.host_user)
    response = host.post(f"/en/diaspora/requests/{row.pk}/edit/", _form_data(row, place="Elsewhere"))
    assert response.status_code == 200 and "can no longer be edited" in response.content.decode()
    row.refresh_from_db()
    assert row.place == "Dakar"


# --- repeat assignments -------------------------------------------------------------------------------------


def test_the_same_expert_is_invited_again_by_another_institution(world: World, esco: object) -> None:
    expert = world.expert(windows=[(date(2027, 3, 1), date(2027, 12, 31))])
    first_row = world.request_row()
    first = _assignment(world, expert, first_row, to_follow_up=False)
    second_row = world.request_row(
        host=world.other_host,
        title="Bamako: outbreak training",
        starts_on=date(2027, 9, 1),
        ends_on=date(2027, 9, 30),
    )
    with pytest.raises(ValidationError):  # not before the first assignment reached follow-up
        services.assignment_invite_again(actor=world.officer, assignment=first, row=second_row)
    prepared(world, first)
    services.assignment_advance(actor=world.officer, assignment=first, stage="delivery", on=date(2027, 3, 10))
    services.assignment_advance(
        actor=world.officer, assignment=first, stage="reporting", on=date(2027, 4, 10)
    )
    for author in (expert.user, world.host_user):
        services.end_report_submit(
            actor=author,
            assignment=first,
            values={"people_trained": 5, "documents_produced": 1, "services_delivered": 1, "rating": 4},
        )
    services.assignment_advance(actor=world.officer, assignment=first, stage="follow_up")
    for outsider in (world.host_user, world.other_officer, expert.user):
        with pytest.raises(PermissionDenied):
            services.assignment_invite_again(actor=outsider, assignment=first, row=second_row)
    with pytest.raises(ValidationError):
        services.assignment_invite_again(actor=world.officer, assignment=first, row=first_row)
    officer = signed_in(world.officer)
    page = officer.get(f"/en/diaspora/assignments/{first.pk}/").content.decode()
    assert "Invite this expert again" in page and second_row.title in page
    response = officer.post(
        f"/en/diaspora/assignments/{first.pk}/", {"action": "repeat", "repeat-request": second_row.pk}
    )
    assert response.status_code == 302
    invitation = second_row.invitations.get()
    assert invitation.expert_id == expert.pk and invitation.repeat_of_id == first.pk
    services.invitation_answer(actor=expert.user, invitation=invitation, accept=True)
    services.invitation_select(actor=world.other_host_user, invitation=invitation)
    agreement = services.agreement_draft(
        actor=world.officer,
        invitation=invitation,
        values={
            "starts_on": date(2027, 9, 1),
            "ends_on": date(2027, 9, 10),
            "deliverables": "A course",
            "compensation": "none",
        },
    )
    services.agreement_sign(actor=expert.user, agreement=agreement)
    services.agreement_sign(actor=world.other_host_user, agreement=agreement)
    second = Assignment.objects.get(agreement=agreement)
    html = officer.get(f"/en/diaspora/assignments/{second.pk}/").content.decode()
    assert "This assignment repeats" in html and first_row.title in html
    assert second_row.title in officer.get(f"/en/diaspora/assignments/{first.pk}/").content.decode()
    # The second host sees its own assignment but no link into the first institution's one.
    other = signed_in(world.other_host_user).get(f"/en/diaspora/assignments/{second.pk}/").content.decode()
    assert first_row.title not in other
    figures = selectors.report()
    assert figures.repeat_assignments == 1
    assert figures.experts_with_repeats == 1
    assert figures.assignments_total == 2
    # The page says it in the singular (ngettext), not "1 experts".
    page = officer.get("/en/diaspora/reports/").content.decode()
    assert "(1 expert served more than once)" in page


# --- permanent return: the reintegration plan ---------------------------------------------------------------


def _permanent(world: World) -> tuple[Expert, Assignment]:
    expert = world.expert(modalities=["permanent_return"], windows=[(date(2027, 1, 1), date(2028, 12, 31))])
    row = world.request_row(
        modality="permanent_return", duration_days=365, starts_on=date(2027, 6, 1), ends_on=date(2028, 5, 31)
    )
    return expert, _assignment(world, expert, row, to_follow_up=False)


def test_the_reintegration_plan_of_a_permanent_return(world: World, esco: object) -> None:
    expert, assignment = _permanent(world)
    with pytest.raises(PermissionDenied):
        services.reintegration_plan_save(
            actor=world.host_user, assignment=assignment, goals="x", expected_version=None
        )
    plan = services.reintegration_plan_save(
        actor=world.officer,
        assignment=assignment,
        goals="Head of the epidemiology unit; a flat in Dakar; school for two children.",
        expected_version=None,
    )
    support = services.reintegration_support_add(
        actor=world.officer,
        plan=plan,
        values={"kind": "housing", "description": "Three months' rent", "amount": "900", "currency": "xof"},
    )
    assert support.currency == "XOF" and support.status == "planned"
    with pytest.raises(ValidationError):  # given, but when?
        services.reintegration_support_update(
            actor=world.officer, support=support, expected_version=support.version, values={"status": "done"}
        )
    yesterday = timezone.localdate() - timedelta(days=1)
    services.reintegration_support_update(
        actor=world.officer,
        support=support,
        expected_version=support.version,
        values={"status": "done", "done_on": yesterday},
    )
    with pytest.raises(ValidationError):  # a follow-up cannot be recorded ahead of time
        services.reintegration_follow_up_add(
            actor=world.officer,
            plan=plan,
            held_on=timezone.localdate() + timedelta(days=3),
            situation="settled",
        )
    services.reintegration_follow_up_add(
        actor=world.officer, plan=plan, held_on=yesterday, situation="progressing", note="Children at school."
    )
    steps = set(AuditEvent.objects.values_list("detail__step", flat=True))
    assert {
        "reintegration_plan_created",
        "reintegration_support",
        "reintegration_support_done",
        "reintegration_follow_up",
    } <= steps
    officer_page = signed_in(world.officer).get(f"/en/diaspora/assignments/{assignment.pk}/").content.decode()
    assert "school for two children" in officer_page and "Children at school." in officer_page
    expert_page = signed_in(expert.user).get(f"/en/diaspora/assignments/{assignment.pk}/").content.decode()
    assert "school for two children" in expert_page and "Save the plan" not in expert_page
    host_page = signed_in(world.host_user).get(f"/en/diaspora/assignments/{assignment.pk}/").content.decode()
    assert "school for two children" not in host_page and "Three months" not in host_page
    figures = selectors.report()
    assert figures.reintegration_plans == 1
    assert figures.reintegration_support_given == {"housing": 1}
    assert figures.reintegration_latest_situation == {"progressing": 1}


def test_reintegration_plans_only_for_permanent_return(world: World, esco: object) -> None:
    expert = world.expert()
    assignment = _assignment(world, expert, world.request_row(), to_follow_up=False)
    with pytest.raises(ValidationError):
        services.reintegration_plan_save(
            actor=world.officer, assignment=assignment, goals="x", expected_version=None
        )
    page = signed_in(world.officer).get(f"/en/diaspora/assignments/{assignment.pk}/").content.decode()
    assert "Reintegration plan" not in page


def test_a_stale_plan_edit_is_refused_and_the_typed_goals_kept(world: World, esco: object) -> None:
    _expert, assignment = _permanent(world)
    plan = services.reintegration_plan_save(
        actor=world.officer, assignment=assignment, goals="First version", expected_version=None
    )
    opened = plan.version
    services.reintegration_plan_save(
        actor=world.officer, assignment=assignment, goals="Second version", expected_version=opened
    )
    response = signed_in(world.officer).post(
        f"/en/diaspora/assignments/{assignment.pk}/",
        {"action": "plan", "plan-version": opened, "plan-goals": "My late edit"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "My late edit" in html and "Second version" in html
    assert ReintegrationPlan.objects.get().goals == "Second version"


def test_account_deletion_erases_the_reintegration_texts(world: World, esco: object) -> None:
    expert, assignment = _permanent(world)
    plan = services.reintegration_plan_save(
        actor=world.officer, assignment=assignment, goals="A flat near the hospital", expected_version=None
    )
    services.reintegration_support_add(
        actor=world.officer,
        plan=plan,
        values={
            "kind": "business",
            "description": "Clinic start-up grant",
            "provider": "IOM Dakar",
            "amount": 500,
        },
    )
    services.reintegration_follow_up_add(
        actor=world.officer, plan=plan, held_on=timezone.localdate(), situation="settled", note="Doing well"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT goals FROM diaspora_reintegrationplan")
        assert "flat" not in str(cursor.fetchone()[0])  # encrypted at rest
    services.expert_delete_account(actor=expert.user, expert=expert)
    assert ReintegrationPlan.objects.get().goals == ""
    support = ReintegrationSupport.objects.get()
    assert support.description == "" and support.provider == ""
    assert support.kind == "business" and support.amount == Decimal(500)
    follow_up = ReintegrationFollowUp.objects.get()
    assert follow_up.note == "" and follow_up.situation == "settled"


def test_the_preparation_checklist_gates_delivery_on_the_page(world: World, esco: object) -> None:
    expert = world.expert()
    assignment = _assignment(world, expert, world.request_row(), to_follow_up=False)
    officer = signed_in(world.officer)
    url = f"/en/diaspora/assignments/{assignment.pk}/"
    html = officer.get(url).content.decode()
    for label in ("Travel booked", "Visa or entry permit", "Insurance in force", "Briefing held"):
        assert label in html
    officer.post(url, {"action": "advance", "stage": "delivery"})
    assignment.refresh_from_db()
    assert assignment.stage == "preparation"
    officer.post(url, {"action": "prepare", "item": "visa", "not_needed": "on"})
    officer.post(url, {"action": "prepare", "item": "travel"})  # no date, not "not needed": refused
    for item in ("travel", "insurance", "briefing"):
        officer.post(url, {"action": "prepare", "item": item, "done_on": "2027-03-01"})
    # The host cannot tick the officer's checklist.
    assert signed_in(world.host_user).post(url, {"action": "prepare", "item": "travel"}).status_code == 404
    assignment.refresh_from_db()
    assert assignment.preparation == {
        "visa": "not_needed",
        "travel": "2027-03-01",
        "insurance": "2027-03-01",
        "briefing": "2027-03-01",
    }
    officer.post(url, {"action": "advance", "stage": "delivery"})
    assignment.refresh_from_db()
    assert assignment.stage == "delivery"


def test_programme_figures_by_country_sector_and_modality(world: World, esco: object, client) -> None:
    senegal = world.expert(sectors=["health", "digital"], modalities=["on_site", "online"])
    world.expert(country_of_origin="MLI", sectors=["health"], modalities=["online"])
    _assignment(world, senegal, world.request_row())
    answer = client.get("/api/v1/diaspora/reports").json()
    assert answer["experts_by_sector"] == {"digital": 1, "health": 2}
    assert answer["experts_by_modality"] == {"on_site": 1, "online": 2}
    assert answer["institutions_by_country"] == {"SEN": 1}
    assert answer["institutions_by_sector"] == {"health": 1}
    assert answer["includes_sample_data"] is False and answer["sample_assignments"] == 0
    assert answer["method"].startswith("Computed by migdev")
    html = client.get("/en/diaspora/reports/").content.decode()
    assert "Registered experts by sector" in html and "Institutions supported by country" in html
    assert "SAMPLE" not in html
    mali = client.get("/api/v1/diaspora/reports?origin=MLI").json()
    assert mali["experts_registered"] == 1 and mali["assignments_total"] == 0
    Assignment.objects.update(is_sample=True)
    html = client.get("/en/diaspora/reports/").content.decode()
    assert "1 of the 1 assignments is SAMPLE data" in html
