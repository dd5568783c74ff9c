from django.urls import path

from migdev.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.home, name="home"),
]
