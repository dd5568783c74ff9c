from django.urls import path

from migdev.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("modules/<slug:slug>/", views.module_placeholder, name="module_placeholder"),
]
