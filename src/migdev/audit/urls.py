from django.urls import path

from migdev.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("export.<str:fmt>", views.event_export, name="export"),
]
