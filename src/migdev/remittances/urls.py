from django.urls import path

from migdev.remittances import views

app_name = "remittances"

urlpatterns = [
    path("", views.compare, name="compare"),
]
