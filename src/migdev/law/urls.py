from django.urls import path

from migdev.law import edit_views, views

app_name = "law"

urlpatterns = [
    path("", views.home, name="home"),
    path("countries/", views.country_redirect, name="country_redirect"),
    path("countries/<str:iso3>/", views.country, name="country"),
    path("compare/", views.compare, name="compare"),
    path("trainings/", views.trainings, name="trainings"),
    path("instruments/<str:code>/", views.instrument_detail, name="instrument"),
    path("instruments/<str:code>/download/", views.instrument_download, name="instrument_download"),
    path("instruments/<str:code>/edit/", edit_views.instrument_edit, name="instrument_edit"),
    path("actions/<int:pk>/edit/", edit_views.action_edit, name="action_edit"),
    path("statements/<int:pk>/edit/", edit_views.statement_edit, name="statement_edit"),
    path("provisions/<int:pk>/edit/", edit_views.provision_edit, name="provision_edit"),
    path("trainings/<int:pk>/", views.training_detail, name="training"),
    path("trainings/<int:pk>/edit/", edit_views.training_edit, name="training_edit"),
    path("trainings/<int:pk>/participants/new/", edit_views.participant_new, name="participant_new"),
    path("participants/<int:pk>/withdraw/", edit_views.participant_withdraw, name="participant_withdraw"),
    path("policies/<int:policy_pk>/links/new/", edit_views.implementation_new, name="implementation_new"),
    path("links/<int:pk>/edit/", edit_views.implementation_edit, name="implementation_edit"),
    path("links/<int:pk>/delete/", edit_views.implementation_delete, name="implementation_delete"),
    path("assistance/new/", edit_views.assistance_new, name="assistance_new"),
    path("assistance/<int:pk>/", edit_views.assistance_detail, name="assistance"),
    path("assistance/<int:pk>/edit/", edit_views.assistance_edit, name="assistance_edit"),
]
