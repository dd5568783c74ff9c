from django.urls import path

from migdev.coordination import views, views_information, views_library, views_policies

app_name = "coordination"

urlpatterns = [
    path("", views.home, name="home"),
    path("processes/", views.process_list, name="process_list"),
    path("processes/<slug:code>/", views.process_detail, name="process_detail"),
    path("meetings/", views.calendar, name="calendar"),
    path("meetings/calendar.ics", views.calendar_ics, name="calendar_ics"),
    path("meetings/new/", views.meeting_edit, name="meeting_create"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<slug:slug>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<slug:slug>/agenda/", views.agenda_item_add, name="agenda_item_add"),
    path("meetings/<slug:slug>/documents/", views.meeting_document_add, name="meeting_document_add"),
    path(
        "meetings/<slug:slug>/documents/<int:pk>/file/",
        views.meeting_document_file,
        name="meeting_document_file",
    ),
    path(
        "meetings/<slug:slug>/documents/<int:pk>/delete/",
        views.meeting_document_delete,
        name="meeting_document_delete",
    ),
    path("topics/", views.topics_across_processes, name="topics_across"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/export/", views.activities_export, name="activities_export"),
    path("activities/export.xml", views.activities_export_iati, name="activities_iati"),
    path("activities/import/", views.activities_import_iati, name="activities_import"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("information-note/", views.information_note, name="information_note"),
    path("hld-follow-up/", views.hld_tracker, name="hld_tracker"),
    path("initiatives/<slug:code>/", views.initiative_detail, name="initiative_detail"),
    path("practices/", views.practice_list, name="practice_list"),
    path("practices/submit/", views.practice_edit, name="practice_create"),
    path("practices/review/", views.review_queue, name="review_queue"),
    path("practices/<int:pk>/", views.practice_detail, name="practice_detail"),
    path("practices/<int:pk>/edit/", views.practice_edit, name="practice_edit"),
    path("practices/<int:pk>/submit/", views.practice_submit, name="practice_submit"),
    path("practices/<int:pk>/review/", views.practice_review, name="practice_review"),
    path("library/", views_library.library, name="library"),
    path("library/new/", views_library.publication_edit, name="publication_create"),
    path("library/network/", views_library.research_network, name="research_network"),
    path("library/network/researchers/new/", views_library.researcher_edit, name="researcher_create"),
    path(
        "library/network/researchers/<slug:slug>/", views_library.researcher_detail, name="researcher_detail"
    ),
    path(
        "library/network/researchers/<slug:slug>/edit/", views_library.researcher_edit, name="researcher_edit"
    ),
    path(
        "library/network/projects/new/", views_library.research_project_edit, name="research_project_create"
    ),
    path(
        "library/network/projects/<slug:slug>/",
        views_library.research_project_detail,
        name="research_project_detail",
    ),
    path(
        "library/network/projects/<slug:slug>/edit/",
        views_library.research_project_edit,
        name="research_project_edit",
    ),
    path("library/<slug:slug>/", views_library.publication_detail, name="publication_detail"),
    path("library/<slug:slug>/file/", views_library.publication_file, name="publication_file"),
    path("library/<slug:slug>/edit/", views_library.publication_edit, name="publication_edit"),
    path("library/<slug:slug>/publish/", views_library.publication_publish, name="publication_publish"),
    path("library/<slug:slug>/delete/", views_library.publication_delete, name="publication_delete"),
    path("policies/", views_policies.policy_list, name="policy_list"),
    path("policies/export/", views_policies.policy_export, name="policy_export"),
    path("policies/compare/", views_policies.policy_compare, name="policy_compare"),
    path("policies/new/", views_policies.policy_edit, name="policy_create"),
    path("policies/<int:pk>/", views_policies.policy_detail, name="policy_detail"),
    path("policies/<int:pk>/edit/", views_policies.policy_edit, name="policy_edit"),
    path("policies/<int:pk>/publish/", views_policies.policy_publish, name="policy_publish"),
    path("information/", views_information.information_home, name="information_home"),
    path("information/new/", views_information.information_page_edit, name="information_page_create"),
    path("information/approval/", views_information.approval_queue, name="approval_queue"),
    path("information/hotlines/new/", views_information.hotline_create, name="hotline_create"),
    path("information/<slug:slug>/", views_information.information_page, name="information_page"),
    path(
        "information/<slug:slug>/edit/", views_information.information_page_edit, name="information_page_edit"
    ),
    path(
        "information/<slug:slug>/<str:language>/edit/",
        views_information.translation_edit,
        name="translation_edit",
    ),
    path(
        "information/<slug:slug>/<str:language>/submit/",
        views_information.translation_submit,
        name="translation_submit",
    ),
    path(
        "information/<slug:slug>/<str:language>/review/",
        views_information.translation_review,
        name="translation_review",
    ),
    path(
        "information/<slug:slug>/<str:language>/withdraw/",
        views_information.translation_withdraw,
        name="translation_withdraw",
    ),
    path("calls/", views.partnership_call_list, name="call_list"),
    path("calls/new/", views.partnership_call_create, name="call_create"),
    path("calls/<int:pk>/publish/", views.partnership_call_publish, name="call_publish"),
]
