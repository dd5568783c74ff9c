from django.urls import path

from migdev.skills import views

app_name = "skills"

urlpatterns = [
    path("", views.search, name="search"),
    path("occupation/", views.occupation, name="occupation"),
    path("skill/", views.skill, name="skill"),
    path("autocomplete/", views.autocomplete, name="autocomplete"),
]
