from django.urls import path

from migdev.coordination import views, views_library

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
    path("library/<slug:slug>/", views_library.publication_detail, name="publication_detail"),
    path("library/<slug:slug>/file/", views_library.publication_file, name="publication_file"),
    path("library/<slug:slug>/edit/", views_library.publication_edit, name="publication_edit"),
    path("library/<slug:slug>/publish/", views_library.publication_publish, name="publication_publish"),
    path("library/<slug:slug>/delete/", views_library.publication_delete, name="publication_delete"),
    path("calls/", views.partnership_call_list, name="call_list"),
    path("calls/new/", views.partnership_call_create, name="call_create"),
    path("calls/<int:pk>/publish/", views.partnership_call_publish, name="call_publish"),
]
