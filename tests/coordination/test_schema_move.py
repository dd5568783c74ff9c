"""A database filled before the hub was split into packages keeps working after it (ADR 0009).

The test migrates to the last coordination migration written before the split, fills every part of the
hub through the historical models of that state (what a database in production holds), migrates to the
head, and reads the rows back through the packages' models, selectors and access functions. The tables
are pinned by name: a move that renamed or dropped one, even with a migration that carried the rows
along, fails here, because raw SQL (`coordination_publication` in the search index), the audit log's
``coordination.<model>`` labels, content types and permissions all name them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as current_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from migdev.audit.models import AuditEvent
from migdev.coordination import access
from migdev.coordination.activities import selectors as activities_selectors
from migdev.coordination.activities.models import Activity, Initiative
from migdev.coordination.common.models import Topic
from migdev.coordination.information import selectors as information_selectors
from migdev.coordination.information.models import Hotline, MigrantInfoPage
from migdev.coordination.knowledge import search
from migdev.coordination.knowledge import selectors as knowledge_selectors
from migdev.coordination.knowledge.models import (
    PartnershipCall,
    Practice,
    Publication,
    Researcher,
    ResearchProject,
)
from migdev.coordination.policies import selectors as policies_selectors
from migdev.coordination.policies.models import MigrationPolicy
from migdev.coordination.processes import selectors as processes_selectors
from migdev.coordination.processes.models import Chair, Meeting, MeetingDocument, Process

BEFORE_SPLIT = ("coordination", "0013_record_versions_and_checks")

# Every table of the hub at the split, models and many-to-many links.
TABLES_AT_SPLIT = {
    "coordination_activity",
    "coordination_activity_topics",
    "coordination_activitybudget",
    "coordination_activitycountry",
    "coordination_activityparticipant",
    "coordination_agendaitem",
    "coordination_agendaitem_topics",
    "coordination_chair",
    "coordination_consultationposition",
    "coordination_gcmobjective",
    "coordination_hotline",
    "coordination_initiative",
    "coordination_initiative_activities",
    "coordination_initiative_meetings",
    "coordination_initiative_processes",
    "coordination_initiativestatuschange",
    "coordination_meeting",
    "coordination_meetingdocument",
    "coordination_meetingparticipant",
    "coordination_migrantinfopage",
    "coordination_migrantinfopage_topics",
    "coordination_migrantinfotranslation",
    "coordination_migrationpolicy",
    "coordination_migrationpolicy_topics",
    "coordination_organisationcode",
    "coordination_organisationmembership",
    "coordination_partnershipcall",
    "coordination_partnershipcall_gcm_objectives",
    "coordination_policypartner",
    "coordination_practice",
    "coordination_practice_gcm_objectives",
    "coordination_practice_organisations",
    "coordination_practice_topics",
    "coordination_practicecountry",
    "coordination_practicereview",
    "coordination_process",
    "coordination_publication",
    "coordination_publication_gcm_objectives",
    "coordination_publication_topics",
    "coordination_publicationcountry",
    "coordination_researchproject",
    "coordination_researchproject_partners",
    "coordination_researchproject_publications",
    "coordination_researchproject_researchers",
    "coordination_researchproject_topics",
    "coordination_researchprojectcountry",
    "coordination_researcher",
    "coordination_researcher_publications",
    "coordination_researcher_topics",
    "coordination_researchercountry",
    "coordination_statemembership",
    "coordination_topic",
}

DAY = datetime.date(2024, 6, 3)
PUBLISHED_AT = datetime.datetime(2024, 6, 4, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def executor() -> Iterator[MigrationExecutor]:
    """A migration executor on the test database, which is back at the head afterwards."""
    executor = MigrationExecutor(connection)
    yield executor
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _fill_before_split(old: Any) -> dict[str, Any]:
    """One record or more of every part, written through the historical models of the pre-split state."""
    # get_or_create: a transactional test that ran before this one may have flushed the seeded rows.
    organisation, _ = old.get_model("accounts", "Organisation").objects.get_or_create(
        acronym="IOM", defaults={"name": "International Organization for Migration", "kind": "un_agency"}
    )
    user = old.get_model("accounts", "User").objects.create(username="before-the-split")
    topic = old.get_model("coordination", "Topic").objects.create(code="schema-move", name="Schema move")
    objective, _ = old.get_model("coordination", "GcmObjective").objects.get_or_create(
        number=10, defaults={"title": "Prevent, combat and eradicate trafficking in persons"}
    )
    ids: dict[str, Any] = {}

    # Processes: a process with a member and a chair, a meeting with agenda, participant and document.
    process = old.get_model("coordination", "Process").objects.create(
        code="split-rcp", name="Split Regional Process", kind="rcp", source="before"
    )
    old.get_model("coordination", "StateMembership").objects.create(
        process=process, country_iso3="MEX", status="member", start_year=2001
    )
    old.get_model("coordination", "Chair").objects.create(
        process=process, country_iso3="CAN", start_date=DAY, source="before"
    )
    meeting = old.get_model("coordination", "Meeting").objects.create(
        slug="split-plenary",
        title="Split plenary",
        process=process,
        kind="plenary",
        start_date=DAY,
        end_date=DAY,
        source="before",
    )
    item = old.get_model("coordination", "AgendaItem").objects.create(
        meeting=meeting, position=1, title="Item"
    )
    item.topics.add(topic)
    old.get_model("coordination", "MeetingParticipant").objects.create(meeting=meeting, country_iso3="MEX")
    old.get_model("coordination", "MeetingDocument").objects.create(
        meeting=meeting, title="Report", kind="report", url="https://example.org/report.pdf"
    )
    ids["process"], ids["meeting"] = process.pk, meeting.pk

    # Activities: an activity with a country and budget, an initiative linked to process, meeting, activity.
    activity = old.get_model("coordination", "Activity").objects.create(
        iati_identifier="XM-SPLIT-1",
        reporting_organisation=organisation,
        title="Split activity",
        area="remittances",
        status="2",
        planned_start=DAY,
        source="before",
    )
    activity.topics.add(topic)
    old.get_model("coordination", "ActivityCountry").objects.create(activity=activity, country_iso3="MEX")
    old.get_model("coordination", "ActivityBudget").objects.create(
        activity=activity,
        period_start=DAY,
        period_end=DAY,
        amount=Decimal("1200.50"),
        currency="USD",
        value_date=DAY,
    )
    initiative = old.get_model("coordination", "Initiative").objects.create(
        code="split-initiative",
        name="Split initiative",
        kind="proposal",
        hld_priority="2",
        proposer=organisation,
        source="before",
    )
    initiative.processes.add(process)
    initiative.meetings.add(meeting)
    initiative.activities.add(activity)
    old.get_model("coordination", "InitiativeStatusChange").objects.create(
        initiative=initiative, status="agreed", as_of=DAY
    )
    old.get_model("coordination", "ConsultationPosition").objects.create(
        initiative=initiative, organisation=organisation, part="partner", position="supports", as_of=DAY
    )
    ids["activity"], ids["initiative"] = activity.pk, initiative.pk

    # Knowledge: a published practice with a review, a call, a publication, a researcher and a project.
    practice = old.get_model("coordination", "Practice").objects.create(
        title="Split practice",
        what="w",
        who="w",
        results="r",
        lessons="l",
        area="diaspora",
        status="published",
        submitted_by=user,
        published_at=PUBLISHED_AT,
    )
    practice.gcm_objectives.add(objective)
    old.get_model("coordination", "PracticeReview").objects.create(
        practice=practice, reviewer=user, decision="approve", comments="fine"
    )
    call = old.get_model("coordination", "PartnershipCall").objects.create(
        title="Split call",
        description="d",
        organisation=organisation,
        practice=practice,
        contact_email="c@example.org",
        open_until=DAY,
        is_published=True,
        created_by=user,
    )
    publication = old.get_model("coordination", "Publication").objects.create(
        slug="split-remittance-study",
        title="Remittance corridors before the split",
        year=2023,
        kind="study",
        abstract="Corridors and costs.",
        source="before",
        is_published=True,
    )
    publication.topics.add(topic)
    researcher = old.get_model("coordination", "Researcher").objects.create(
        slug="split-researcher", name="A. Before", organisation=organisation, is_published=True
    )
    researcher.publications.add(publication)
    researcher.topics.add(topic)
    project = old.get_model("coordination", "ResearchProject").objects.create(
        slug="split-project",
        title="Split project",
        lead_organisation=organisation,
        source="before",
        is_published=True,
    )
    project.researchers.add(researcher)
    ids |= {"practice": practice.pk, "call": call.pk, "publication": publication.pk}
    ids |= {"researcher": researcher.pk, "project": project.pk}

    # The migration policy database.
    policy = old.get_model("coordination", "MigrationPolicy").objects.create(
        identifier="split-law",
        country_iso3="MEX",
        title="Split migration law",
        year=2011,
        kind="law",
        direction="both",
        domain="migrant_rights",
        source_name="before",
        is_published=True,
    )
    old.get_model("coordination", "PolicyPartner").objects.create(policy=policy, country_iso3="USA")
    ids["policy"] = policy.pk

    # Information for migrants: a page with an approved translation, and a hotline.
    page = old.get_model("coordination", "MigrantInfoPage").objects.create(
        slug="split-page", subject="safe_migration", country_iso3="NPL"
    )
    old.get_model("coordination", "MigrantInfoTranslation").objects.create(
        page=page,
        language="en",
        title="Before you go",
        body="b",
        status="approved",
        published_title="Before you go",
        published_body="Read this first.",
        published_at=PUBLISHED_AT,
    )
    hotline = old.get_model("coordination", "Hotline").objects.create(
        country_iso3="NPL", name="Split line", kind="migrant_support", phone="1145", source="before"
    )
    ids["page"], ids["hotline"] = page.pk, hotline.pk

    # The audit log names records by label; its rows are never rewritten.
    content_type = old.get_model("contenttypes", "ContentType").objects.get(
        app_label="coordination", model="meeting"
    )
    ids["meeting_content_type"] = content_type.pk
    old.get_model("audit", "AuditEvent").objects.create(
        action="create", record_type="coordination.publication", record_id=str(publication.pk)
    )
    return ids


# Tables that migrations after the split added (new models, not moved ones).
TABLES_ADDED_SINCE = {
    "coordination_activityplanneddisbursement",  # 0015_iati_money
    "coordination_activityregion",
    "coordination_activitysector",
    "coordination_activitytransaction",
    "coordination_organisationname",  # 0018_hub5_organisation_names
}


# Transactional (migrations run outside a test transaction). No serialized rollback: pytest-django runs
# transactional tests after all others, and one that ran before this may have flushed the database, whose
# post_migrate then recreated the content types that a serialized copy would insert again.
@pytest.mark.django_db(transaction=True)
def test_a_database_filled_before_the_split_reads_through_the_packages(executor: MigrationExecutor) -> None:
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != BEFORE_SPLIT[0]]
    old = executor.migrate([*others, BEFORE_SPLIT]).apps
    ids = _fill_before_split(old)

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    # The tables are the ones the pre-split schema made, and the models still use them.
    tables = set(connection.introspection.table_names())
    assert tables >= TABLES_AT_SPLIT
    models = list(current_apps.get_app_config("coordination").get_models())
    in_use = {model._meta.db_table for model in models}
    in_use |= {field.m2m_db_table() for model in models for field in model._meta.local_many_to_many}
    assert in_use == TABLES_AT_SPLIT | TABLES_ADDED_SINCE

    # Processes.
    meeting = processes_selectors.meetings_between(None, start=DAY, end=DAY).get(pk=ids["meeting"])
    assert meeting.process_id == ids["process"] and meeting.title == "Split plenary"
    assert [t.code for t in processes_selectors.meeting_topics(meeting)] == ["schema-move"]
    process = access.process_get_for_user(None, "split-rcp")
    assert list(processes_selectors.memberships_on(process, DAY).values_list("country_iso3", flat=True)) == [
        "MEX"
    ]
    assert [c.country_iso3 for c in processes_selectors.chairs_on(process, DAY)] == ["CAN"]
    assert MeetingDocument.objects.get(meeting=meeting).url == "https://example.org/report.pdf"
    assert Chair.objects.filter(process=process).count() == 1

    # Activities and the HLD follow-up.
    activity = activities_selectors.activities_list(None, country_iso3="MEX").get(pk=ids["activity"])
    assert activity.budgets.get().amount == Decimal("1200.50")
    initiative = access.initiative_get_for_user(None, "split-initiative")
    assert list(initiative.activities.all()) == [activity]
    assert list(initiative.meetings.all()) == [meeting]
    assert activities_selectors.current_status(initiative).status == "agreed"  # type: ignore[union-attr]
    assert [p.position for p in activities_selectors.latest_positions(initiative)] == ["supports"]

    # Knowledge: the publication is indexed by the raw SQL that names coordination_publication.
    publication = Publication.objects.get(pk=ids["publication"])
    search.index_publication(publication)
    page = knowledge_selectors.publications_search(None, "corridors")
    assert [hit.publication.pk for hit in page.hits] == [ids["publication"]]
    network = knowledge_selectors.research_network(None, topic="schema-move")
    assert [r.pk for r in network.researchers] == [ids["researcher"]]
    assert ResearchProject.objects.get(pk=ids["project"]).researchers.get().pk == ids["researcher"]
    practice = access.practice_get_for_user(None, ids["practice"])
    assert practice.reviews.get().decision == "approve"
    assert [o.number for o in practice.gcm_objectives.all()] == [10]
    assert PartnershipCall.objects.get(pk=ids["call"]).practice == practice

    # The migration policy database.
    policy = policies_selectors.policies_list(None).get(pk=ids["policy"])
    assert list(policy.partners.values_list("country_iso3", flat=True)) == ["USA"]

    # Information for migrants.
    page_record = access.migrant_page_get_for_user(None, "split-page")
    localised = information_selectors.migrant_page_localised(page_record, "en")
    assert localised is not None and localised.body == "Read this first."
    assert list(information_selectors.hotlines_for(None, "NPL").values_list("pk", flat=True)) == [
        ids["hotline"]
    ]

    # Labels, content types and permissions: the audit history and grants still point at these models.
    assert AuditEvent.objects.filter(
        record_type=Publication._meta.label_lower, record_id=str(ids["publication"])
    ).exists()
    assert ContentType.objects.get_for_model(Meeting).pk == ids["meeting_content_type"]
    labels = {model._meta.label_lower for model in (Process, Meeting, Activity, Initiative, Practice, Topic)}
    labels |= {model._meta.label_lower for model in (Researcher, MigrationPolicy, MigrantInfoPage, Hotline)}
    assert all(label.startswith("coordination.") for label in labels)
    assert ContentType.objects.get_for_model(Process).permission_set.filter(codename="edit_content").exists()
