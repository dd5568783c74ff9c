"""Pages of processes, meetings, the calendar and topics across processes; included by `migdev.coordination.urls` in the `coordination` namespace."""

from django.urls import path

from migdev.coordination.processes import views

urlpatterns = [
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
]
