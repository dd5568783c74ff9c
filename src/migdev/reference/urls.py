from django.urls import path

from migdev.reference import views

app_name = "reference"

urlpatterns = [
    path("countries/", views.country_list, name="countries"),
]
