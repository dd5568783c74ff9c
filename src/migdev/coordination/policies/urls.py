"""Pages of the migration policy database; included by `migdev.coordination.urls` in the `coordination` namespace."""

from django.urls import path

from migdev.coordination.policies import views

urlpatterns = [
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/export/", views.policy_export, name="policy_export"),
    path("policies/compare/", views.policy_compare, name="policy_compare"),
    path("policies/new/", views.policy_edit, name="policy_create"),
    path("policies/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("policies/<int:pk>/publish/", views.policy_publish, name="policy_publish"),
]
