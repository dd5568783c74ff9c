from django.urls import path

from migdev.dataio import views

app_name = "dataio"

urlpatterns = [
    path("", views.import_history, name="list"),
    path("import/", views.import_upload, name="import"),
]
