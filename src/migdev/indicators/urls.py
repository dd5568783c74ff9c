from django.urls import path

from migdev.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.home, name="home"),
    path("countries/", views.country_redirect, name="country_redirect"),
    path("countries/<str:iso3>/", views.country_profile, name="country"),
    path("countries/<str:iso3>/print/", views.country_profile_print, name="country_print"),
    path("sdg/", views.sdg_catalogue, name="sdg"),
    path("sources/", views.editions, name="editions"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("<slug:code>/", views.indicator_page, name="indicator"),
    path("<slug:code>/download/", views.indicator_download, name="download"),
]
