"""Pages of practices, calls for partnership, the library and the research network; included by `migdev.coordination.urls` in the `coordination` namespace."""

from django.urls import path

from migdev.coordination.knowledge import views

urlpatterns = [
    path("practices/", views.practice_list, name="practice_list"),
    path("practices/submit/", views.practice_edit, name="practice_create"),
    path("practices/review/", views.review_queue, name="review_queue"),
    path("practices/<int:pk>/", views.practice_detail, name="practice_detail"),
    path("practices/<int:pk>/edit/", views.practice_edit, name="practice_edit"),
    path("practices/<int:pk>/submit/", views.practice_submit, name="practice_submit"),
    path("practices/<int:pk>/review/", views.practice_review, name="practice_review"),
    path("library/", views.library, name="library"),
    path("library/new/", views.publication_edit, name="publication_create"),
    path("library/network/", views.research_network, name="research_network"),
    path("library/network/researchers/new/", views.researcher_edit, name="researcher_create"),
    path("library/network/researchers/<slug:slug>/", views.researcher_detail, name="researcher_detail"),
    path("library/network/researchers/<slug:slug>/edit/", views.researcher_edit, name="researcher_edit"),
    path("library/network/projects/new/", views.research_project_edit, name="research_project_create"),
    path(
        "library/network/projects/<slug:slug>/",
        views.research_project_detail,
        name="research_project_detail",
    ),
    path(
        "library/network/projects/<slug:slug>/edit/",
        views.research_project_edit,
        name="research_project_edit",
    ),
    path("library/<slug:slug>/", views.publication_detail, name="publication_detail"),
    path("library/<slug:slug>/file/", views.publication_file, name="publication_file"),
    path("library/<slug:slug>/edit/", views.publication_edit, name="publication_edit"),
    path("library/<slug:slug>/publish/", views.publication_publish, name="publication_publish"),
    path("library/<slug:slug>/delete/", views.publication_delete, name="publication_delete"),
    path("calls/", views.partnership_call_list, name="call_list"),
    path("calls/new/", views.partnership_call_create, name="call_create"),
    path("calls/<int:pk>/publish/", views.partnership_call_publish, name="call_publish"),
]
