"""Pages of information for migrants; included by `migdev.coordination.urls` in the `coordination` namespace."""

from django.urls import path

from migdev.coordination.information import views

urlpatterns = [
    path("information/", views.information_home, name="information_home"),
    path("information/new/", views.information_page_edit, name="information_page_create"),
    path("information/approval/", views.approval_queue, name="approval_queue"),
    path("information/hotlines/new/", views.hotline_create, name="hotline_create"),
    path("information/<slug:slug>/", views.information_page, name="information_page"),
    path("information/<slug:slug>/edit/", views.information_page_edit, name="information_page_edit"),
    path(
        "information/<slug:slug>/<str:language>/edit/",
        views.translation_edit,
        name="translation_edit",
    ),
    path(
        "information/<slug:slug>/<str:language>/submit/",
        views.translation_submit,
        name="translation_submit",
    ),
    path(
        "information/<slug:slug>/<str:language>/review/",
        views.translation_review,
        name="translation_review",
    ),
    path(
        "information/<slug:slug>/<str:language>/withdraw/",
        views.translation_withdraw,
        name="translation_withdraw",
    ),
]
