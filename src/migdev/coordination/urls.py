"""The hub's pages under /coordination/, all in the `coordination` namespace: the home page and each part's
URL list, so every URL name and path is the one it was before the split (ADR 0009)."""

from django.urls import path

from migdev.coordination import views
from migdev.coordination.activities import urls as activities_urls
from migdev.coordination.information import urls as information_urls
from migdev.coordination.knowledge import urls as knowledge_urls
from migdev.coordination.policies import urls as policies_urls
from migdev.coordination.processes import urls as processes_urls

app_name = "coordination"

urlpatterns = [
    path("", views.home, name="home"),
    *processes_urls.urlpatterns,
    *activities_urls.urlpatterns,
    *knowledge_urls.urlpatterns,
    *policies_urls.urlpatterns,
    *information_urls.urlpatterns,
]
