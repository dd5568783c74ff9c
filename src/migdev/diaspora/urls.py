from django.urls import path

from migdev.diaspora import views

app_name = "diaspora"

urlpatterns = [
    path("", views.home, name="home"),
    path("roster/", views.roster, name="roster"),
    path("map/", views.diaspora_map, name="map"),
    path("reports/", views.reports, name="reports"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("register/", views.register, name="register"),
    path("register/<str:token>/", views.register_confirm, name="register_confirm"),
    path("profile/", views.profile, name="profile"),
    path("profile/sharing/", views.profile_sharing, name="profile_sharing"),
    path("profile/delete/", views.profile_delete, name="profile_delete"),
    path("invitations/<int:pk>/answer/", views.invitation_answer, name="invitation_answer"),
    path("invitations/<int:pk>/sign/", views.agreement_sign_expert, name="agreement_sign"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("priorities/", views.priorities, name="priorities"),
    path("assignments/", views.assignment_list, name="assignments"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
]
