from django.urls import path

from migdev.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.home, name="home"),
    path("countries/", views.country_redirect, name="country_redirect"),
    path("countries/<str:iso3>/", views.country_profile, name="country"),
    path("countries/<str:iso3>/partners/", views.country_partners, name="country_partners"),
    path("countries/<str:iso3>/print/", views.country_profile_print, name="country_print"),
    path("sdg/", views.sdg_catalogue, name="sdg"),
    path("sources/", views.editions, name="editions"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/goals/new/", views.goal_new, name="goal_new"),
    path("plans/<int:plan_id>/goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("plans/<int:plan_id>/goals/<int:goal_id>/targets/new/", views.target_new, name="target_new"),
    path("plans/<int:plan_id>/targets/<int:target_id>/edit/", views.target_edit, name="target_edit"),
    path("governance/assessments/new/", views.assessment_new, name="assessment_new"),
    path("governance/scores/new/", views.score_new, name="score_new"),
    path("sdmx/structure/", views.sdmx_structure, name="sdmx_structure"),
    path("<slug:code>/", views.indicator_page, name="indicator"),
    path("<slug:code>/download/", views.indicator_download, name="download"),
]
