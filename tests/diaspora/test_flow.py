"""The flow by role, through the services: request → approval → shortlist → invitation → answer →
selection → agreement → signatures → assignment → delivery → end reports → follow-up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from migdev.audit.models import AuditEvent
from migdev.diaspora import access, matching, selectors, services
from migdev.diaspora.models import Assignment, Request
from tests.diaspora.conftest import EPIDEMIOLOGY, PROGRAMMING, World, prepared

pytestmark = pytest.mark.django_db


def test_shortlist_ranks_explains_and_excludes(world: World, esco: object) -> None:
    fit = world.expert()
    partial = world.expert(skill_uris=[PROGRAMMING], occupation_uris=[], years_experience=3)
    wrong_modality = world.expert(modalities=["online"])
    weak_french = world.expert(languages=[{"code": "fr", "level": "B1"}])
    unavailable = world.expert(windows=[(date(2026, 1, 1), date(2026, 2, 1))])
    too_few_days = world.expert(days_on_site_per_year=10)
    row = world.request_row()
    result = matching.shortlist(row, access.experts_visible_to(world.officer))
    ranked = [c.expert.pk for c in result.candidates]
    assert ranked[0] == fit.pk
    assert partial.pk in ranked and ranked.index(partial.pk) > 0
    first = result.candidates[0]
    assert set(first.parts) >= {"skills", "occupation", "languages", "experience", "availability"}
    assert first.parts["skills"] > result.candidates[ranked.index(partial.pk)].parts["skills"]
    assert EPIDEMIOLOGY in first.matched_skills
    left_out = {wrong_modality.pk, weak_french.pk, unavailable.pk, too_few_days.pk}
    assert not left_out & set(ranked)
    assert result.considered == 6
    assert result.excluded_total == 4
    assert result.excluded == {"modality": 1, "language": 1, "availability": 1, "days_on_site": 1}
    assert matching.hard_failures(wrong_modality, row)[0] == ["modality"]
    assert matching.hard_failures(weak_french, row)[0] == ["language"]
    assert matching.hard_failures(unavailable, row)[0] == ["availability"]
    assert matching.hard_failures(too_few_days, row)[0] == ["days_on_site"]
    assert result.edition_version == "test-1.2.0"


def test_requests_that_fit_an_expert(world: World, esco: object) -> None:
    expert = world.expert()
    fits = world.request_row()
    world.request_row(modality="permanent_return")
    world.request_row(language="en", language_level="C2", title="English C2")
    found = matching.requests_for_expert(expert, list(Request.objects.filter(status="approved")))
    assert [r.pk for r, _c in found] == [fits.pk]


def test_the_whole_flow_by_role(world: World, esco: object) -> None:
    expert = world.expert()
    row = world.request_row(approve=False)
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=world.host_user, row=Request.objects.get(pk=row.pk))
    services.request_submit(actor=world.host_user, row=row)
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=world.other_officer, row=row)
    services.request_approve(actor=world.officer, row=row)
    with pytest.raises(PermissionDenied):
        services.invitation_send(actor=world.host_user, row=row, expert=expert)
    invitation = services.invitation_send(actor=world.officer, row=row, expert=expert, score=0.9)
    with pytest.raises(ValidationError):
        services.invitation_select(actor=world.host_user, invitation=invitation)  # not answered yet
    with pytest.raises(PermissionDenied):
        services.invitation_answer(actor=world.host_user, invitation=invitation, accept=True)
    services.invitation_answer(actor=expert.user, invitation=invitation, accept=True)
    with pytest.raises(PermissionDenied):
        services.invitation_select(actor=world.other_host_user, invitation=invitation)
    services.invitation_select(actor=world.host_user, invitation=invitation)
    agreement = services.agreement_draft(
        actor=world.officer,
        invitation=invitation,
        values={
            "starts_on": date(2027, 3, 10),
            "ends_on": date(2027, 3, 30),
            "deliverables": "Two workshops and a revised reporting form.",
            "compensation": "per_diem",
            "amount": "95.00",
            "insurance": "Travel and health insurance by IOM",
        },
    )
    assert "email" not in selectors.view_for_host(invitation)
    services.agreement_sign(actor=expert.user, agreement=agreement)
    assert "email" not in selectors.view_for_host(invitation)
    assert not Assignment.objects.exists()
    services.agreement_sign(actor=world.host_user, agreement=agreement)
    assert selectors.view_for_host(invitation)["email"] == "aminata.diallo@example.org"
    assignment = Assignment.objects.get()
    assert assignment.stage == "preparation"
    assert Request.objects.get(pk=row.pk).status == "filled"
    with pytest.raises(ValidationError):
        services.assignment_advance(actor=world.officer, assignment=assignment, stage="reporting")
    with pytest.raises(ValidationError):  # travel, visa, insurance and briefing first
        services.assignment_advance(actor=world.officer, assignment=assignment, stage="delivery")
    with pytest.raises(PermissionDenied):
        services.assignment_prepare(
            actor=world.host_user, assignment=assignment, item="travel", done_on=date(2027, 3, 1)
        )
    prepared(world, assignment)
    assert assignment.preparation["visa"] == "not_needed"
    services.assignment_advance(
        actor=world.officer, assignment=assignment, stage="delivery", on=date(2027, 3, 10)
    )
    services.assignment_advance(
        actor=world.officer, assignment=assignment, stage="reporting", on=date(2027, 3, 30)
    )
    services.end_report_submit(
        actor=expert.user,
        assignment=assignment,
        values={"people_trained": 40, "documents_produced": 2, "services_delivered": 1, "rating": 5},
    )
    with pytest.raises(ValidationError):
        services.assignment_advance(actor=world.officer, assignment=assignment, stage="follow_up")
    services.end_report_submit(
        actor=world.host_user,
        assignment=assignment,
        values={"people_trained": 38, "documents_produced": 2, "services_delivered": 1, "rating": 4},
    )
    services.assignment_advance(actor=world.officer, assignment=assignment, stage="follow_up")
    steps = list(
        AuditEvent.objects.filter(record_type__startswith="diaspora.").values_list("detail__step", flat=True)
    )
    for step in (
        "request_drafted",
        "request_submitted",
        "request_approved",
        "invited",
        "answer_accepted",
        "selected",
        "agreement_drafted",
        "signed_by_expert",
        "signed_by_host",
        "assignment_opened",
        "stage_delivery",
        "stage_reporting",
        "end_report_expert",
        "end_report_host",
        "stage_follow_up",
    ):
        assert step in steps, step
    figures = selectors.report()
    assert figures.assignments_total == 1
    assert figures.person_days_total == Decimal(21)
    assert figures.outputs == {"people_trained": 38, "documents_produced": 2, "services_delivered": 1}
    assert figures.institutions_supported == 1
    assert figures.share_filled == 1.0
    assert figures.by_sex.rows() == [("F", 1, Decimal(21))]


def test_online_person_days_come_from_hours_logged(world: World, esco: object) -> None:
    expert = world.expert()
    row = world.request_row(modality="online")
    invitation = services.invitation_send(actor=world.officer, row=row, expert=expert)
    services.invitation_answer(actor=expert.user, invitation=invitation, accept=True)
    services.invitation_select(actor=world.host_user, invitation=invitation)
    agreement = services.agreement_draft(
        actor=world.officer,
        invitation=invitation,
        values={
            "starts_on": date(2027, 3, 10),
            "ends_on": date(2027, 6, 10),
            "deliverables": "Mentoring",
            "compensation": "stipend",
            "amount": "500",
        },
    )
    services.agreement_sign(actor=expert.user, agreement=agreement)
    services.agreement_sign(actor=world.host_user, agreement=agreement)
    assignment = Assignment.objects.get()
    with pytest.raises(ValidationError):
        services.hours_log(
            actor=expert.user, assignment=assignment, worked_on=date(2027, 3, 11), hours=Decimal(4)
        )
    with pytest.raises(ValidationError):  # an online assignment prepares its tools, not a visa
        services.assignment_prepare(actor=world.officer, assignment=assignment, item="visa", done_on=None)
    prepared(world, assignment)
    services.assignment_advance(actor=world.officer, assignment=assignment, stage="delivery")
    for day, hours in ((11, "4"), (12, "6"), (13, "6")):
        services.hours_log(
            actor=expert.user, assignment=assignment, worked_on=date(2027, 3, day), hours=Decimal(hours)
        )
    with pytest.raises(PermissionDenied):
        services.hours_log(
            actor=world.host_user, assignment=assignment, worked_on=date(2027, 3, 14), hours=Decimal(2)
        )
    assert selectors.report().person_days_total == Decimal("2.0")


def test_overlapping_windows_count_each_day_once(world: World) -> None:
    expert = world.expert(
        windows=[
            (date(2027, 3, 1), date(2027, 3, 20)),
            (date(2027, 3, 15), date(2027, 4, 5)),
            (date(2027, 4, 20), date(2027, 4, 30)),
        ]
    )
    # 10 March to 25 April: 10-31 March (22 days) + 1-5 April (5) + 20-25 April (6).
    assert matching._overlap_days(expert, date(2027, 3, 10), date(2027, 4, 25)) == 33
    loaded = matching.profile_of(expert)
    assert matching._overlap_days(loaded, date(2027, 3, 10), date(2027, 4, 25)) == 33
    assert matching._overlap_days(loaded, date(2027, 5, 1), date(2027, 5, 9)) == 0
    row = world.request_row(starts_on=date(2027, 3, 10), ends_on=date(2027, 4, 25), duration_days=14)
    (candidate,) = matching.shortlist(row, access.experts_visible_to(world.officer)).candidates
    assert candidate.overlap_days == 33
