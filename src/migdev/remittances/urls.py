from django.urls import path

from migdev.remittances import views

app_name = "remittances"

urlpatterns = [
    path("", views.compare, name="compare"),
    path("corridors/", views.corridor_list, name="corridors"),
    path("corridors/<str:slug>/", views.corridor_detail, name="corridor"),
    path("countries/<str:iso3>/", views.country_detail, name="country"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/published/", views.published_comparison, name="published"),
    path("downloads/", views.downloads, name="downloads"),
    path("downloads/<slug:dataset>.<str:fmt>", views.download, name="download"),
    path("collect/", views.collect, name="collect"),
    path("provider-tokens/", views.provider_tokens, name="provider_tokens"),
    path("provider-tokens/<int:pk>/revoke/", views.provider_token_revoke, name="provider_token_revoke"),
]
