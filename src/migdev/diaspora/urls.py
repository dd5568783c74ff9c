from django.urls import path

from migdev.diaspora import views

app_name = "diaspora"

urlpatterns = [
    path("", views.home, name="home"),
]
