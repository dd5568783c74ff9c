from django.urls import path

from migdev.trafficking import views

app_name = "trafficking"

urlpatterns = [
    path("", views.home, name="home"),
]
