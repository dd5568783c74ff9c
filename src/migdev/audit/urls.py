from django.urls import path

from migdev.core.views import home

app_name = "audit"

urlpatterns = [path("", home, name="list")]
