"""No edit is silently lost: every edit page of every module carries the version the editor started from,
and of two people saving from the same version the second gets the conflict page with their input kept.

The edit pages are discovered from the URL configuration (every route named ``*_edit``), so a new edit
page without a scenario here fails :func:`test_every_edit_page_has_a_lost_update_scenario`, and a record
type without a version fails the scenario itself."""

from __future__ import annotations

import datetime
import html
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from migdev.accounts.models import Organisation, RoleDefinition, User
from migdev.accounts.roles import Role
from migdev.coordination.information import services as information_services
from migdev.coordination.knowledge import services as knowledge_services
from migdev.coordination.models import Meeting, MigrationPolicy
from migdev.coordination.policies import services as policies_services
from migdev.coordination.processes import services as processes_services
from migdev.core.versioning import StaleEdit, VersionedModel, claim_version, versioned_models
from migdev.indicators.models import DevelopmentPlan, Indicator, PlanGoal, PlanTarget
from tests.factories import login_verified, make_note, make_organisation, make_user
from tests.trafficking.factories import make_case


@dataclass
class Scenario:
    user: User
    url: str
    record: VersionedModel
    field: str  # the form field both editors change
    first_value: str
    second_value: str
    two_factor: bool = False

    def client(self) -> Client:
        client = Client()
        if self.two_factor:
            login_verified(client, self.user)
        else:
            client.force_login(self.user)
        return client

    def stored(self) -> str:
        record = type(self.record).objects.get(pk=self.record.pk)
        return str(getattr(record, self.field))


_numbers = itertools.count(1)


def _user_with(*roles: str) -> User:
    user = User.objects.create_user(username=f"versioning-{next(_numbers)}")
    user.roles.set(RoleDefinition.objects.filter(code__in=roles))
    return user


def _meeting() -> Scenario:
    editor = _user_with(Role.EDITOR)
    meeting = processes_services.meeting_create(
        actor=editor,
        data=processes_services.MeetingInput(
            title="Regional consultation",
            kind=Meeting.Kind.values[0],
            start_date=datetime.date(2026, 3, 2),
            end_date=datetime.date(2026, 3, 3),
            source="test",
        ),
    )
    url = reverse("coordination:meeting_edit", args=[meeting.slug])
    return Scenario(editor, url, meeting, "title", "Consultation (first)", "Consultation (second)")


def _practice() -> Scenario:
    submitter = _user_with()
    practice = knowledge_services.practice_create(
        actor=submitter,
        data=knowledge_services.PracticeInput(
            title="Pre-departure orientation",
            what="Five days.",
            who="Ministry of labour",
            results="Fewer disputes.",
            lessons="Involve returnees.",
            area="labour_migration",
            gcm_objective_numbers=[3],
            country_codes=["PHL"],
            topic_codes=[],
        ),
    )
    url = reverse("coordination:practice_edit", args=[practice.pk])
    return Scenario(submitter, url, practice, "title", "Orientation (first)", "Orientation (second)")


def _publication() -> Scenario:
    editor = _user_with(Role.EDITOR)
    publication = knowledge_services.publication_create(
        actor=editor,
        data=knowledge_services.PublicationInput(
            title="Diaspora study", year=2006, kind="study", source="test", authors=["A. Author"]
        ),
    )
    url = reverse("coordination:publication_edit", args=[publication.slug])
    return Scenario(editor, url, publication, "title", "Diaspora study (first)", "Diaspora study (second)")


def _researcher() -> Scenario:
    editor = _user_with(Role.EDITOR)
    researcher = knowledge_services.researcher_save(
        actor=editor, data=knowledge_services.ResearcherInput(name="A. Scholar")
    )
    url = reverse("coordination:researcher_edit", args=[researcher.slug])
    return Scenario(editor, url, researcher, "name", "A. Scholar (first)", "A. Scholar (second)")


def _research_project() -> Scenario:
    editor = _user_with(Role.EDITOR)
    project = knowledge_services.research_project_save(
        actor=editor,
        data=knowledge_services.ResearchProjectInput(
            title="Return study", lead_organisation=Organisation.objects.get(acronym="IOM"), source="test"
        ),
    )
    url = reverse("coordination:research_project_edit", args=[project.slug])
    return Scenario(editor, url, project, "title", "Return study (first)", "Return study (second)")


def _policy() -> Scenario:
    editor = _user_with(Role.EDITOR)
    policy = policies_services.policy_create(
        actor=editor,
        data=policies_services.PolicyInput(
            country_code="PH",
            title="Overseas workers act",
            year=1995,
            kind="law",
            direction="emigration",
            domain="migrant_rights",
            source_name="Official gazette",
            is_published=True,
        ),
    )
    url = reverse("coordination:policy_edit", args=[policy.pk])
    return Scenario(editor, url, policy, "title", "Workers act (first)", "Workers act (second)")


def _information_page() -> Scenario:
    editor = _user_with(Role.EDITOR)
    page = information_services.migrant_page_create(actor=editor, subject="safe_migration", country_code="NP")
    url = reverse("coordination:information_page_edit", args=[page.slug])
    scenario = Scenario(editor, url, page, "country_iso3", "IND", "BGD")
    scenario.form_field = "country"  # type: ignore[attr-defined]
    return scenario


def _translation() -> Scenario:
    editor = _user_with(Role.EDITOR)
    page = information_services.migrant_page_create(actor=editor, subject="safe_migration", country_code="NP")
    text = information_services.translation_save(
        actor=editor, page=page, language="en", title="Migrate safely", body="B"
    )
    url = reverse("coordination:translation_edit", args=[page.slug, "en"])
    return Scenario(editor, url, text, "title", "Migrate safely (first)", "Migrate safely (second)")


def _plan_records() -> tuple[User, DevelopmentPlan, PlanGoal, PlanTarget]:
    editor = _user_with(Role.EDITOR)
    plan = DevelopmentPlan.objects.create(
        country="SEN", title="Plan", kind="nds", start_year=2019, end_year=2030
    )
    goal = PlanGoal.objects.create(plan=plan, title="Goal")
    indicator = Indicator.objects.order_by("pk").first()
    assert indicator is not None
    target = PlanTarget.objects.create(
        goal=goal, indicator=indicator, baseline_year=2010, target_year=2025, target_value=2
    )
    return editor, plan, goal, target


def _plan() -> Scenario:
    editor, plan, _goal, _target = _plan_records()
    url = reverse("indicators:plan_edit", args=[plan.pk])
    return Scenario(editor, url, plan, "title", "Plan (first)", "Plan (second)")


def _goal() -> Scenario:
    editor, plan, goal, _target = _plan_records()
    url = reverse("indicators:goal_edit", args=[plan.pk, goal.pk])
    return Scenario(editor, url, goal, "title", "Goal (first)", "Goal (second)")


def _target() -> Scenario:
    editor, plan, _goal, target = _plan_records()
    url = reverse("indicators:target_edit", args=[plan.pk, target.pk])
    return Scenario(editor, url, target, "notes", "Notes (first)", "Notes (second)")


def _user_account() -> Scenario:
    organisation = make_organisation()
    administrator = make_user(Role.ADMINISTRATOR, organisation=organisation)
    account = make_user(Role.CASE_WORKER, organisation=organisation, first_name="Amal")
    url = reverse("accounts:user_edit", args=[account.pk])
    return Scenario(
        administrator, url, account, "first_name", "Amal (first)", "Amal (second)", two_factor=True
    )


def _note() -> Scenario:
    owner = make_user(Role.CASE_WORKER, organisation=make_organisation())
    note = make_note(owner)
    url = reverse("accounts:note_edit", args=[note.pk])
    return Scenario(owner, url, note, "title", "Handover (first)", "Handover (second)", two_factor=True)


def _case() -> Scenario:
    worker = make_user(Role.CASE_WORKER, organisation=make_organisation())
    case = make_case(worker, mailing_city="Bamako")
    url = reverse("trafficking:case_edit", args=[case.pk])
    return Scenario(worker, url, case, "mailing_city", "Kayes", "Sikasso", two_factor=True)


def _diaspora_request() -> Scenario:
    from migdev.accounts.models import Organisation
    from migdev.diaspora.models import HostInstitution, Request
    from migdev.skills.models import Skill, TaxonomyEdition

    edition = TaxonomyEdition.objects.create(taxonomy="esco", version="versioning", is_current=True)
    skill = Skill.objects.create(
        edition=edition, uri="http://data.europa.eu/esco/skill/v", label_en="surveillance"
    )
    organisation = Organisation.objects.create(name="Host (versioning)", kind=Organisation.Kind.GOVERNMENT)
    host = HostInstitution.objects.create(organisation=organisation, country="SEN", sector="health")
    user = make_user("host_institution", organisation=organisation)
    row = Request.objects.create(
        host=host,
        created_by=user,
        title="Surveillance",
        objectives="Train",
        skill_uris=[skill.uri],
        sector="health",
        modality="on_site",
        duration_days=10,
        place="Dakar",
        language="fr",
        starts_on=datetime.date(2027, 3, 1),
        ends_on=datetime.date(2027, 3, 20),
    )
    url = reverse("diaspora:request_edit", args=[row.pk])
    return Scenario(user, url, row, "place", "Thiès", "Ziguinchor", two_factor=True)


def _labour_scheme_and_officer() -> tuple[Any, User]:
    from migdev.labour.models import Scheme

    organisation = make_organisation("Scheme authority (versioning)")
    officer = make_user("scheme_officer", organisation=organisation)
    scheme = Scheme.objects.create(
        title="Care partnership",
        kind="skills_partnership",
        destination_country_id="BEL",
        start_date=datetime.date(2026, 1, 1),
        organisation=organisation,
    )
    return scheme, officer


def _labour_scheme() -> Scenario:
    scheme, officer = _labour_scheme_and_officer()
    url = reverse("labour:scheme_edit", args=[scheme.pk])
    return Scenario(officer, url, scheme, "conditions", "Two-year contracts", "Seasonal", two_factor=True)


def _labour_employer() -> Scenario:
    from migdev.labour.models import Employer

    scheme, officer = _labour_scheme_and_officer()
    employer = Employer.objects.create(
        organisation=make_organisation("Clinique (versioning)"), country_id="BEL"
    )
    url = reverse("labour:employer_edit", args=[scheme.pk, employer.pk])
    return Scenario(
        officer, url, employer, "verification_note", "Crossroads Bank", "Chamber of commerce", two_factor=True
    )


def _law_instrument() -> Scenario:
    from tests.law.factories import make_instrument

    editor = _user_with(Role.EDITOR)
    instrument = make_instrument()
    url = reverse("law:instrument_edit", args=[instrument.code])
    return Scenario(editor, url, instrument, "depositary", "Secretary-General", "Director-General")


def _law_action() -> Scenario:
    from tests.law.factories import make_action

    editor = _user_with(Role.EDITOR)
    action = make_action()
    url = reverse("law:action_edit", args=[action.pk])
    return Scenario(editor, url, action, "note", "Checked against UNTC", "Checked against OHCHR")


def _law_statement() -> Scenario:
    from tests.law.factories import make_statement

    editor = _user_with(Role.EDITOR)
    statement = make_statement()
    url = reverse("law:statement_edit", args=[statement.pk])
    return Scenario(editor, url, statement, "text", "Reservation (first)", "Reservation (second)")


def _law_provision() -> Scenario:
    from tests.law.factories import make_provision

    editor = _user_with(Role.EDITOR)
    provision = make_provision()
    url = reverse("law:provision_edit", args=[provision.pk])
    return Scenario(editor, url, provision, "reference", "Article 22(1)", "Article 22(2)")


def _law_training() -> Scenario:
    from tests.law.factories import make_training

    editor = _user_with(Role.EDITOR)
    training = make_training()
    url = reverse("law:training_edit", args=[training.pk])
    return Scenario(editor, url, training, "organisers", "Ministry and IOM", "Ministry and ILO")


def _law_implementation() -> Scenario:
    from tests.law.factories import make_implementation

    editor = _user_with(Role.EDITOR)
    link = make_implementation()
    url = reverse("law:implementation_edit", args=[link.pk])
    return Scenario(editor, url, link, "note", "Transposes Article 21", "Transposes Articles 21 and 22")


def _law_assistance() -> Scenario:
    from tests.law.factories import make_assistance

    editor = _user_with(Role.EDITOR)
    assistance = make_assistance(editor)
    url = reverse("law:assistance_edit", args=[assistance.pk])
    return Scenario(editor, url, assistance, "law_title", "Labour migration bill", "Migration code")


SCENARIOS: dict[str, Callable[[], Scenario]] = {
    "law:instrument_edit": _law_instrument,
    "law:action_edit": _law_action,
    "law:statement_edit": _law_statement,
    "law:provision_edit": _law_provision,
    "law:training_edit": _law_training,
    "law:assistance_edit": _law_assistance,
    "law:implementation_edit": _law_implementation,
    "labour:scheme_edit": _labour_scheme,
    "labour:employer_edit": _labour_employer,
    "coordination:meeting_edit": _meeting,
    "coordination:practice_edit": _practice,
    "coordination:publication_edit": _publication,
    "coordination:researcher_edit": _researcher,
    "coordination:research_project_edit": _research_project,
    "coordination:policy_edit": _policy,
    "coordination:information_page_edit": _information_page,
    "coordination:translation_edit": _translation,
    "indicators:plan_edit": _plan,
    "indicators:goal_edit": _goal,
    "indicators:target_edit": _target,
    "accounts:user_edit": _user_account,
    "accounts:note_edit": _note,
    "trafficking:case_edit": _case,
    "diaspora:request_edit": _diaspora_request,
}


def _edit_route_names(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            )
            yield from _edit_route_names(pattern, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.name.endswith("_edit"):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def _post_data(form: forms.BaseForm) -> dict[str, Any]:
    """What a browser would send for ``form`` as it is shown (initial values, or the kept input)."""
    data: dict[str, Any] = {}
    for bound in form:
        field, value = bound.field, bound.value()
        if isinstance(field, forms.FileField):
            continue
        if isinstance(field, forms.BooleanField):
            if value and value not in ("False", "false", "0"):
                data[bound.html_name] = "on"
            continue
        if isinstance(value, dict) and "uri" in value:  # the skills autocomplete: hidden URI, typed text
            data[bound.html_name] = value["uri"]
            data[f"{bound.html_name}__q"] = value.get("text", "")
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif isinstance(value, datetime.date):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = "" if value is None else str(value)
    return data


def test_every_edit_page_has_a_lost_update_scenario() -> None:
    assert set(_edit_route_names(get_resolver())) == set(SCENARIOS)


# Records that track their last change but that nobody edits in a form or through the API.
NOT_EDITED = {
    "jobs.Job": "a background job's state, written only by the job worker",
    "remittances.Service": "a survey price is replaced whole by its provider's feed, or refused as a duplicate",
}


def test_every_record_that_tracks_edits_carries_a_version() -> None:
    tracked = {
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("migdev.") and any(f.name == "updated_at" for f in model._meta.fields)
    }
    versioned = {model._meta.label for model in versioned_models()}
    assert tracked - versioned == set(NOT_EDITED)


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(SCENARIOS))
def test_second_stale_save_gets_the_conflict_page_and_the_first_save_stays(route: str) -> None:
    scenario = SCENARIOS[route]()
    assert isinstance(scenario.record, VersionedModel), (
        f"{route}: {type(scenario.record).__name__} has no version"
    )
    field = getattr(scenario, "form_field", scenario.field)
    first, second = scenario.client(), scenario.client()
    first_page, second_page = first.get(scenario.url), second.get(scenario.url)
    assert first_page.status_code == second_page.status_code == 200
    first_data = _post_data(first_page.context["form"])
    second_data = _post_data(second_page.context["form"])
    assert first_data["version"] == str(scenario.record.version)

    saved = first.post(scenario.url, {**first_data, field: scenario.first_value})
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    assert scenario.stored() == scenario.first_value

    stale = second.post(scenario.url, {**second_data, field: scenario.second_value})
    assert stale.status_code == 409
    page = html.unescape(stale.content.decode())
    assert "Someone else saved this record while you were editing" in page
    kept = re.search(
        rf'value="{re.escape(scenario.second_value)}"|>\s*{re.escape(scenario.second_value)}</', page
    )
    assert kept, "the second editor's input must still be in the form"
    assert scenario.stored() == scenario.first_value  # the first editor's change is not lost

    # Having compared, the second editor saves again: a deliberate overwrite of the version now stored.
    again = second.post(scenario.url, _post_data(stale.context["form"]))
    assert again.status_code == 302
    assert scenario.stored() == scenario.second_value


@pytest.mark.django_db
def test_a_save_that_does_not_say_its_version_is_treated_as_stale() -> None:
    scenario = _policy()
    client = scenario.client()
    data = _post_data(client.get(scenario.url).context["form"])
    del data["version"]
    response = client.post(scenario.url, {**data, "title": "Overwritten blindly"})
    assert response.status_code == 409
    assert MigrationPolicy.objects.get(pk=scenario.record.pk).title == "Overseas workers act"


@pytest.mark.django_db
def test_claiming_a_version_moves_it_once_and_refuses_the_stale_one() -> None:
    scenario = _policy()
    policy = scenario.record
    with transaction.atomic():
        claim_version(policy, 1)
    assert MigrationPolicy.objects.get(pk=policy.pk).version == policy.version == 2
    with pytest.raises(StaleEdit) as raised, transaction.atomic():
        claim_version(policy, 1)
    assert raised.value.current_version == 2
    with transaction.atomic():
        claim_version(policy, None)  # imports do not check, but still move the version on
    assert MigrationPolicy.objects.get(pk=policy.pk).version == 3


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_api_write_to_an_existing_record_says_which_version_it_changes() -> None:
    from migdev.api import api

    document = api.get_openapi_schema()
    updates = [
        (path, method, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method in ("put", "patch")
    ]
    assert updates, "the case update at least"
    for path, method, operation in updates:
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert "version" in _resolve(document, body).get("properties", {}), f"{method.upper()} {path}"


@pytest.mark.django_db
def test_the_api_shows_the_version_an_edit_starts_from() -> None:
    scenario = _meeting()
    listed = Client().get("/api/v1/coordination/meetings").json()["items"]
    assert [item["version"] for item in listed if item["slug"] == scenario.record.slug] == [1]
    policies = _policy()
    answer = policies.client().get(f"/api/v1/coordination/policies/{policies.record.pk}")
    assert answer.json()["version"] == policies.record.version


@pytest.mark.django_db
def test_unpublishing_while_someone_edits_is_not_undone_by_their_save() -> None:
    scenario = _policy()
    editor = scenario.client()
    data = _post_data(editor.get(scenario.url).context["form"])
    publisher = scenario.client()
    publisher.post(reverse("coordination:policy_publish", args=[scenario.record.pk]), {"published": "0"})
    assert not MigrationPolicy.objects.get(pk=scenario.record.pk).is_published
    response = editor.post(scenario.url, {**data, "is_published": "on", "title": "Edited meanwhile"})
    assert response.status_code == 409
    assert not MigrationPolicy.objects.get(pk=scenario.record.pk).is_published


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_at_the_same_moment_cannot_both_win(role_grants_restored: None) -> None:
    """Real threads with their own connections claim the same version at once: exactly one wins."""
    from django.db import connection, connections

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("in-memory SQLite shares one connection cache between threads")
    import threading

    policy = _policy().record
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save() -> None:
        try:
            record = MigrationPolicy.objects.get(pk=policy.pk)
            barrier.wait(timeout=10)
            with transaction.atomic():
                claim_version(record, 1)
            outcomes.append("saved")
        except StaleEdit:
            outcomes.append("stale")
        except Exception as error:  # SQLite may refuse the second writer outright: also not a lost update
            outcomes.append(f"refused: {type(error).__name__}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 2 and outcomes.count("saved") == 1, outcomes
    assert MigrationPolicy.objects.get(pk=policy.pk).version == 2
