from django.urls import path

from migdev.skills import views

app_name = "skills"

urlpatterns = [
    path("", views.search, name="search"),
]
