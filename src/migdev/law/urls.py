from django.urls import path

from migdev.law import views

app_name = "law"

urlpatterns = [
    path("", views.home, name="home"),
    path("countries/", views.country_redirect, name="country_redirect"),
    path("countries/<str:iso3>/", views.country, name="country"),
    path("compare/", views.compare, name="compare"),
    path("trainings/", views.trainings, name="trainings"),
    path("instruments/<str:code>/", views.instrument_detail, name="instrument"),
    path("instruments/<str:code>/download/", views.instrument_download, name="instrument_download"),
]
