"""The hub's public addresses, pinned as they were before the split into packages (ADR 0009): every URL
name with its route, and every API operation with its path and operation id. A page or endpoint may be
added; none may move, be renamed or vanish without a redirect and an entry here."""

from __future__ import annotations

from typing import Any

from django.urls import URLResolver, get_resolver

from migdev.urls import api

# (URL name in the coordination namespace, route under the language prefix)
PAGES_AT_SPLIT = [
    ("activities_export", "en/coordination/activities/export/"),
    ("activities_iati", "en/coordination/activities/export.xml"),
    ("activities_import", "en/coordination/activities/import/"),
    ("activity_detail", "en/coordination/activities/<int:pk>/"),
    ("activity_list", "en/coordination/activities/"),
    ("agenda_item_add", "en/coordination/meetings/<slug:slug>/agenda/"),
    ("approval_queue", "en/coordination/information/approval/"),
    ("calendar", "en/coordination/meetings/"),
    ("calendar_ics", "en/coordination/meetings/calendar.ics"),
    ("call_create", "en/coordination/calls/new/"),
    ("call_list", "en/coordination/calls/"),
    ("call_publish", "en/coordination/calls/<int:pk>/publish/"),
    ("hld_tracker", "en/coordination/hld-follow-up/"),
    ("home", "en/coordination/"),
    ("hotline_create", "en/coordination/information/hotlines/new/"),
    ("information_home", "en/coordination/information/"),
    ("information_note", "en/coordination/information-note/"),
    ("information_page", "en/coordination/information/<slug:slug>/"),
    ("information_page_create", "en/coordination/information/new/"),
    ("information_page_edit", "en/coordination/information/<slug:slug>/edit/"),
    ("initiative_detail", "en/coordination/initiatives/<slug:code>/"),
    ("library", "en/coordination/library/"),
    ("meeting_create", "en/coordination/meetings/new/"),
    ("meeting_detail", "en/coordination/meetings/<slug:slug>/"),
    ("meeting_document_add", "en/coordination/meetings/<slug:slug>/documents/"),
    ("meeting_document_delete", "en/coordination/meetings/<slug:slug>/documents/<int:pk>/delete/"),
    ("meeting_document_file", "en/coordination/meetings/<slug:slug>/documents/<int:pk>/file/"),
    ("meeting_edit", "en/coordination/meetings/<slug:slug>/edit/"),
    ("policy_compare", "en/coordination/policies/compare/"),
    ("policy_create", "en/coordination/policies/new/"),
    ("policy_detail", "en/coordination/policies/<int:pk>/"),
    ("policy_edit", "en/coordination/policies/<int:pk>/edit/"),
    ("policy_export", "en/coordination/policies/export/"),
    ("policy_list", "en/coordination/policies/"),
    ("policy_publish", "en/coordination/policies/<int:pk>/publish/"),
    ("practice_create", "en/coordination/practices/submit/"),
    ("practice_detail", "en/coordination/practices/<int:pk>/"),
    ("practice_edit", "en/coordination/practices/<int:pk>/edit/"),
    ("practice_list", "en/coordination/practices/"),
    ("practice_review", "en/coordination/practices/<int:pk>/review/"),
    ("practice_submit", "en/coordination/practices/<int:pk>/submit/"),
    ("process_detail", "en/coordination/processes/<slug:code>/"),
    ("process_list", "en/coordination/processes/"),
    ("publication_create", "en/coordination/library/new/"),
    ("publication_delete", "en/coordination/library/<slug:slug>/delete/"),
    ("publication_detail", "en/coordination/library/<slug:slug>/"),
    ("publication_edit", "en/coordination/library/<slug:slug>/edit/"),
    ("publication_file", "en/coordination/library/<slug:slug>/file/"),
    ("publication_publish", "en/coordination/library/<slug:slug>/publish/"),
    ("research_network", "en/coordination/library/network/"),
    ("research_project_create", "en/coordination/library/network/projects/new/"),
    ("research_project_detail", "en/coordination/library/network/projects/<slug:slug>/"),
    ("research_project_edit", "en/coordination/library/network/projects/<slug:slug>/edit/"),
    ("researcher_create", "en/coordination/library/network/researchers/new/"),
    ("researcher_detail", "en/coordination/library/network/researchers/<slug:slug>/"),
    ("researcher_edit", "en/coordination/library/network/researchers/<slug:slug>/edit/"),
    ("review_queue", "en/coordination/practices/review/"),
    ("topics_across", "en/coordination/topics/"),
    ("translation_edit", "en/coordination/information/<slug:slug>/<str:language>/edit/"),
    ("translation_review", "en/coordination/information/<slug:slug>/<str:language>/review/"),
    ("translation_submit", "en/coordination/information/<slug:slug>/<str:language>/submit/"),
    ("translation_withdraw", "en/coordination/information/<slug:slug>/<str:language>/withdraw/"),
]

# (method, path, operation id)
API_AT_SPLIT = [
    ("GET", "/api/v1/coordination/activities", "migdev_coordination_api_list_activities"),
    ("GET", "/api/v1/coordination/gcm-objectives", "migdev_coordination_api_list_gcm_objectives"),
    ("GET", "/api/v1/coordination/hotlines", "migdev_coordination_api_list_hotlines"),
    ("GET", "/api/v1/coordination/meetings", "migdev_coordination_api_list_meetings"),
    ("POST", "/api/v1/coordination/meetings", "migdev_coordination_api_create_meeting"),
    ("GET", "/api/v1/coordination/migrant-information", "migdev_coordination_api_list_migrant_information"),
    (
        "GET",
        "/api/v1/coordination/migrant-information/{slug}",
        "migdev_coordination_api_get_migrant_information",
    ),
    ("GET", "/api/v1/coordination/policies", "migdev_coordination_api_list_policies"),
    ("GET", "/api/v1/coordination/policies/{policy_id}", "migdev_coordination_api_get_policy"),
    ("GET", "/api/v1/coordination/processes", "migdev_coordination_api_list_processes"),
    ("GET", "/api/v1/coordination/processes/{code}", "migdev_coordination_api_get_process"),
    ("GET", "/api/v1/coordination/publications", "migdev_coordination_api_search_publications"),
    ("GET", "/api/v1/coordination/publications/{slug}", "migdev_coordination_api_get_publication"),
    ("GET", "/api/v1/coordination/research-projects", "migdev_coordination_api_list_research_projects"),
    ("GET", "/api/v1/coordination/researchers", "migdev_coordination_api_list_researchers"),
    (
        "GET",
        "/api/v1/coordination/topics-across-processes",
        "migdev_coordination_api_topics_across_processes",
    ),
]


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> dict[str, str]:
    found = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            found |= _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif namespace == "coordination" and pattern.name:
            found[pattern.name] = prefix + str(pattern.pattern)
    return found


def test_every_page_keeps_its_name_and_route() -> None:
    routes = _routes(get_resolver().url_patterns)
    assert routes, "the coordination URLs are not mounted"
    assert [name for name, route in PAGES_AT_SPLIT if routes.get(name) != route] == []


def test_every_api_operation_keeps_its_path_and_operation_id() -> None:
    document = api.get_openapi_schema()
    operations = {
        (method.upper(), path, details["operationId"])
        for path, methods in document["paths"].items()
        for method, details in methods.items()
    }
    missing = [operation for operation in API_AT_SPLIT if operation not in operations]
    assert not missing
