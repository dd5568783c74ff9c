"""Pages of the activity registry, the information note and the HLD follow-up; included by `migdev.coordination.urls` in the `coordination` namespace."""

from django.urls import path

from migdev.coordination.activities import views

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/export/", views.activities_export, name="activities_export"),
    path("activities/export.xml", views.activities_export_iati, name="activities_iati"),
    path("activities/import/", views.activities_import_iati, name="activities_import"),
    path("activities/money/", views.activity_money, name="activity_money"),
    path("activities/money/export/", views.activity_money_export, name="activity_money_export"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("information-note/", views.information_note, name="information_note"),
    path("hld-follow-up/", views.hld_tracker, name="hld_tracker"),
    path("initiatives/<slug:code>/", views.initiative_detail, name="initiative_detail"),
]
