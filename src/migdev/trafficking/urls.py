from django.urls import path

from migdev.trafficking import views

app_name = "trafficking"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("releases/<int:pk>/download/", views.release_download, name="release_download"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/find/", views.person_find, name="person_find"),
    path("cases/export/", views.case_export, name="case_export"),
    path("cases/import/", views.case_import, name="case_import"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/comment/", views.case_comment, name="case_comment"),
    path("cases/<int:pk>/tasks/", views.case_task_add, name="case_task_add"),
    path("cases/<int:pk>/tasks/<int:task_pk>/done/", views.case_task_done, name="case_task_done"),
    path("cases/<int:pk>/attachments/", views.case_attachment_add, name="case_attachment_add"),
    path(
        "cases/<int:pk>/attachments/<int:attachment_pk>/",
        views.case_attachment_download,
        name="case_attachment_download",
    ),
    path(
        "cases/<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.case_attachment_delete,
        name="case_attachment_delete",
    ),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("cases/<int:pk>/consent/", views.case_consent, name="case_consent"),
    path(
        "cases/<int:pk>/consent/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"
    ),
    path("cases/<int:pk>/refer/", views.referral_out, name="referral_out"),
    path("cases/<int:pk>/referred-in/", views.referral_in, name="referral_in"),
    path("cases/<int:pk>/perpetrator/", views.perpetrator_add, name="perpetrator_add"),
    path("cases/<int:pk>/event/", views.event_add, name="event_add"),
    path("cases/<int:pk>/support-plan/", views.support_plan_add, name="support_plan_add"),
    path("cases/<int:pk>/service/", views.service_add, name="service_add"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cases/<int:pk>/transfer/", views.case_transfer, name="case_transfer"),
    path("cases/<int:pk>/requests/<int:request_pk>/decide/", views.request_decide, name="request_decide"),
    path("approvals/", views.approvals, name="approvals"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/merge/", views.case_merge, name="case_merge"),
    path("duplicates/<int:first>/<int:second>/", views.duplicate_review, name="duplicate_review"),
    path("statistics/", views.statistics, name="statistics"),
    path("releases/", views.release_list, name="release_list"),
    path("releases/new/", views.release_create, name="release_create"),
    path("releases/<int:pk>/", views.release_detail, name="release_detail"),
]
