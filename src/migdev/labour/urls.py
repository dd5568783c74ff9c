from django.urls import path

from migdev.labour import views, views_import, views_scheme

app_name = "labour"

urlpatterns = [
    path("", views.scheme_list, name="schemes"),
    path("me/", views.me, name="me"),
    path("job-orders/<int:pk>/", views.job_order_detail, name="job_order"),
    path("job-orders/<int:pk>/keep/", views.job_order_keep, name="job_order_keep"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/step/", views.application_step, name="application_step"),
    path("applications/<int:pk>/gate/", views.application_gate, name="application_gate"),
    path("applications/<int:pk>/waive/", views.application_waive, name="application_waive"),
    path("applications/<int:pk>/deploy/", views.application_deploy, name="application_deploy"),
    path("schemes/<int:pk>/orientation/", views.scheme_orientation, name="scheme_orientation"),
    path("orientation/sessions/<int:pk>/", views.orientation_session, name="orientation_session"),
    path("applications/<int:pk>/passage/", views.application_passage, name="application_passage"),
    path("applications/<int:pk>/certificate/", views.orientation_certificate, name="orientation_certificate"),
    path("check-ins/", views.check_in_alerts, name="check_in_alerts"),
    path("title-mappings/", views.title_mappings, name="title_mappings"),
    path("job-orders/import/", views_import.job_order_import, name="job_order_import"),
    path("schemes/<int:pk>/edit/", views_scheme.scheme_edit, name="scheme_edit"),
    path(
        "schemes/<int:scheme_pk>/employers/<int:pk>/edit/", views_scheme.employer_edit, name="employer_edit"
    ),
    path(
        "schemes/<int:pk>/sdg1071/publish/",
        views_scheme.scheme_publish_sdg1071,
        name="scheme_publish_sdg1071",
    ),
    path("dashboard/", views.scheme_dashboard, name="dashboard"),
    path("dashboard/brain-drain/", views.brain_drain, name="brain_drain"),
]
