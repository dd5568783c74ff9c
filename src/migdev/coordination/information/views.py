"""Information for migrants: pages per country and subject in the reader's language, with hotlines;
editors write each language, a second person approves it before it is published."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from migdev.coordination import access
from migdev.coordination.common.forms import add_validation_errors
from migdev.coordination.information import selectors, services
from migdev.coordination.information.forms import (
    HotlineForm,
    InformationFilterForm,
    MigrantPageForm,
    TranslationForm,
    TranslationReviewForm,
)
from migdev.coordination.models import MigrantInfoPage, MigrantInfoTranslation
from migdev.core.versioning import StaleEdit, edit_conflict


def _reader_language() -> str:
    return (get_language() or "en").split("-")[0]


@require_GET
def information_home(request: HttpRequest) -> HttpResponse:
    form = InformationFilterForm(request.GET or None, countries=selectors.information_countries(request.user))
    country, subject = "", ""
    if form.is_valid():
        country, subject = form.cleaned_data["country"], form.cleaned_data["subject"]
    return render(
        request,
        "coordination/information/information_home.html",
        {
            "form": form,
            "country": country,
            "pages": selectors.migrant_pages(
                request.user, _reader_language(), country_iso3=country, subject=subject
            ),
            "hotlines": selectors.hotlines_for(request.user, country) if country else None,
            "can_edit": access.can_edit(request.user),
            "awaiting": selectors.translations_awaiting_approval(request.user).count(),
        },
    )


@require_GET
def information_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = access.migrant_page_get_for_user(request.user, slug)
    localised = selectors.migrant_page_localised(page, _reader_language())
    can_edit = access.can_edit(request.user)
    can_approve = access.can_approve_information(request.user)
    if localised is None and not (can_edit or can_approve):
        raise Http404
    translations = list(page.translations.select_related("written_by")) if can_edit or can_approve else []
    return render(
        request,
        "coordination/information/information_page.html",
        {
            "page": page,
            "localised": localised,
            "hotlines": selectors.hotlines_for(request.user, page.country_iso3)
            if page.country_iso3
            else None,
            "can_edit": can_edit,
            "translations": translations,
            "reviewable": [
                t
                for t in translations
                if can_approve
                and t.status == MigrantInfoTranslation.Status.SUBMITTED
                and t.written_by_id != request.user.pk
            ],
            "review_form": TranslationReviewForm() if can_approve else None,
            "missing_languages": [
                code for code, _name in _languages() if code not in {t.language for t in translations}
            ],
        },
    )


def _languages() -> list[tuple[str, str]]:
    from django.conf import settings

    return [(code, str(name)) for code, name in settings.LANGUAGES]


@login_required
@require_http_methods(["GET", "POST"])
def information_page_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    access.require_editor(request.user)
    page = access.migrant_page_get_for_user(request.user, slug) if slug else None
    form = MigrantPageForm(request.POST or None, initial=_page_initial(page) if page else {})
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        topics = [topic.code for topic in data["topics"]]
        try:
            if page is None:
                page = services.migrant_page_create(
                    actor=request.user,
                    subject=data["subject"],
                    country_code=data["country"],
                    topic_codes=topics,
                )
                messages.success(request, _("Page created. Now write its text in one or more languages."))
                return redirect("coordination:translation_edit", slug=page.slug, language="en")
            services.migrant_page_update(
                actor=request.user,
                page=page,
                subject=data["subject"],
                country_code=data["country"],
                topic_codes=topics,
                expected_version=form.expected_version(),
            )
        except StaleEdit as stale:
            assert page is not None
            conflict = edit_conflict(form, stale, _page_initial(MigrantInfoPage.objects.get(pk=page.pk)))
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return redirect("coordination:information_page", slug=page.slug)
    return render(
        request,
        "coordination/information/information_page_form.html",
        {"form": form, "page": page, "conflict": conflict},
        status=409 if conflict else 200,
    )


def _page_initial(page: MigrantInfoPage) -> dict[str, Any]:
    return {
        "version": page.version,
        "subject": page.subject,
        "country": page.country_iso3,
        "topics": page.topics.all(),
    }


def _translation_initial(translation: MigrantInfoTranslation) -> dict[str, Any]:
    return {
        "version": translation.version,
        "title": translation.title,
        "summary": translation.summary,
        "body": translation.body,
    }


@login_required
@require_http_methods(["GET", "POST"])
def translation_edit(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    access.require_editor(request.user)
    page = access.migrant_page_get_for_user(request.user, slug)
    if language not in dict(_languages()):
        raise Http404
    translation = page.translations.filter(language=language).first()
    form = TranslationForm(
        request.POST or None, initial=_translation_initial(translation) if translation else {}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            translation = services.translation_save(
                actor=request.user,
                page=page,
                language=language,
                expected_version=form.expected_version(),
                **form.cleaned_values(),
            )
            if "send_for_approval" in request.POST:
                services.translation_submit(actor=request.user, translation=translation)
                messages.success(
                    request, _("Sent for approval. Another editor approves it before it is published.")
                )
            else:
                messages.success(request, _("Draft saved."))
        except StaleEdit as stale:
            stored = MigrantInfoTranslation.objects.get(page=page, language=language)
            conflict = edit_conflict(form, stale, _translation_initial(stored))
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return redirect("coordination:information_page", slug=page.slug)
    return render(
        request,
        "coordination/information/translation_form.html",
        {
            "form": form,
            "page": page,
            "language": language,
            "language_name": dict(_languages())[language],
            "translation": translation,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


def _translation(request: HttpRequest, slug: str, language: str) -> MigrantInfoTranslation:
    page = access.migrant_page_get_for_user(request.user, slug)
    return get_object_or_404(page.translations, language=language)


@login_required
@require_POST
def translation_submit(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    access.require_editor(request.user)
    translation = _translation(request, slug, language)
    try:
        services.translation_submit(actor=request.user, translation=translation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("coordination:information_page", slug=slug)


@login_required
@require_POST
def translation_review(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    if not access.can_approve_information(request.user):
        raise PermissionDenied
    translation = _translation(request, slug, language)
    form = TranslationReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("coordination:information_page", slug=slug)
    try:
        services.translation_review(
            actor=request.user,
            translation=translation,
            approve=form.cleaned_data["decision"] == "approve",
            comments=form.cleaned_data["comments"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Review recorded."))
    return redirect("coordination:information_page", slug=slug)


@login_required
@require_POST
def translation_withdraw(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    access.require_editor(request.user)
    services.translation_withdraw(actor=request.user, translation=_translation(request, slug, language))
    messages.success(request, _("This language is no longer published."))
    return redirect("coordination:information_page", slug=slug)


@login_required
@require_GET
def approval_queue(request: HttpRequest) -> HttpResponse:
    if not access.can_approve_information(request.user):
        raise PermissionDenied
    return render(
        request,
        "coordination/information/approval_queue.html",
        {"queue": selectors.translations_awaiting_approval(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def hotline_create(request: HttpRequest) -> HttpResponse:
    access.require_editor(request.user)
    form = HotlineForm(request.POST or None, initial={"country": request.GET.get("country", "")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        country = data.pop("country")
        try:
            services.hotline_save(
                actor=request.user,
                data=services.HotlineInput(country_code=country, **data),
                expected_version=None,  # a new hotline: nobody else can have saved it yet
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Hotline saved."))
            return redirect(f"{reverse('coordination:information_home')}?country={country}")
    return render(request, "coordination/information/hotline_form.html", {"form": form})
