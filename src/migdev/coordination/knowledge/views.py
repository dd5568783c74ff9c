"""Knowledge pages: the research library (search, a publication, its file, the editor's form), the research
network, practices with their peer review, and calls for partnership."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from migdev.coordination import access
from migdev.coordination.common.forms import add_validation_errors
from migdev.coordination.common.views import current_date
from migdev.coordination.downloads import file_response
from migdev.coordination.knowledge import search, selectors, services
from migdev.coordination.knowledge.forms import (
    LibrarySearchForm,
    NetworkFilterForm,
    PartnershipCallForm,
    PracticeFilterForm,
    PracticeForm,
    PublicationForm,
    ResearcherForm,
    ResearchProjectForm,
    ReviewForm,
)
from migdev.coordination.models import (
    FileAccess,
    Licence,
    PartnershipCall,
    Practice,
    Publication,
    Researcher,
    ResearchProject,
)
from migdev.core.versioning import StaleEdit, edit_conflict

PAGE_SIZE = 20


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 500))
    except ValueError:
        return 1


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    form = LibrarySearchForm(request.GET or None)
    query, filters = "", selectors.PublicationFilters()
    if form.is_valid():
        data = form.cleaned_data
        query = data["q"]
        filters = selectors.PublicationFilters(
            year_from=data["year_from"],
            year_to=data["year_to"],
            language=data["language"],
            kind=data["kind"],
            topic=data["topic"].code if data["topic"] else "",
            country_iso3=data["country"],
            gcm_objective=data["objective"].number if data["objective"] else None,
        )
    number = _page_number(request)
    results = selectors.publications_search(
        request.user, query, filters, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "coordination/knowledge/library.html",
        {
            "form": form,
            "results": results,
            "page_number": number,
            "page_count": max(1, -(-results.total // PAGE_SIZE)),
            "query_string": params.urlencode(),
            "searched": bool(search.parse_query(query)),
            "can_edit": access.can_edit(request.user),
        },
    )


@require_GET
def publication_detail(request: HttpRequest, slug: str) -> HttpResponse:
    publication = access.publication_get_for_user(request.user, slug)
    return render(
        request,
        "coordination/knowledge/publication_detail.html",
        {
            "publication": publication,
            "may_download": publication.has_file
            and access.may_download(request.user, publication.file_access),
            "can_edit": access.can_edit(request.user),
        },
    )


@require_GET
def publication_file(request: HttpRequest, slug: str) -> HttpResponseBase:
    return file_response(request, access.publication_get_for_user(request.user, slug))


def _publication_input(data: dict[str, Any]) -> services.PublicationInput:
    return services.PublicationInput(
        title=data["title"],
        authors=data["authors"].splitlines(),
        organisation=data["organisation"],
        year=data["year"],
        language=data["language"],
        kind=data["kind"],
        abstract=data["abstract"],
        country_codes=data["countries"],
        topic_codes=[topic.code for topic in data["topics"]],
        gcm_objective_numbers=[objective.number for objective in data["gcm_objectives"]],
        licence=data["licence"],
        url=data["url"],
        identifier=data["identifier"],
        identifier_source=data["identifier_source"],
        file_access=data["file_access"],
        source=data["source"],
        is_published=data["is_published"],
    )


def _initial(publication: Publication | None) -> dict[str, Any]:
    if publication is None:
        return {"licence": Licence.UNKNOWN, "file_access": FileAccess.PUBLIC, "language": "en"}
    return {
        "version": publication.version,
        "title": publication.title,
        "authors": publication.authors,
        "organisation": publication.organisation,
        "year": publication.year,
        "language": publication.language,
        "kind": publication.kind,
        "abstract": publication.abstract,
        "countries": " ".join(country.country_iso3 for country in publication.countries.all()),
        "topics": publication.topics.all(),
        "gcm_objectives": publication.gcm_objectives.all(),
        "licence": publication.licence,
        "url": publication.url,
        "identifier": publication.identifier,
        "identifier_source": publication.identifier_source,
        "file_access": publication.file_access,
        "source": publication.source,
        "is_published": publication.is_published,
    }


@login_required
@require_http_methods(["GET", "POST"])
def publication_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    access.require_editor(request.user)
    publication = access.publication_get_for_user(request.user, slug) if slug else None
    form = PublicationForm(request.POST or None, request.FILES or None, initial=_initial(publication))
    if publication is None or not publication.has_file:
        del form.fields["remove_file"]
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = _publication_input(form.cleaned_data)
        upload = form.cleaned_data["file"]
        try:
            if publication is None:
                publication = services.publication_create(actor=request.user, data=data, upload=upload)
            else:
                publication = services.publication_update(
                    actor=request.user,
                    publication=publication,
                    data=data,
                    upload=upload,
                    remove_file=form.cleaned_data.get("remove_file", False),
                    expected_version=form.expected_version(),
                )
        except StaleEdit as stale:
            assert publication is not None
            stored = _initial(Publication.objects.get(pk=publication.pk))
            conflict = edit_conflict(form, stale, stored, skip=["remove_file"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Publication saved."))
            return redirect("coordination:publication_detail", slug=publication.slug)
    return render(
        request,
        "coordination/knowledge/publication_form.html",
        {"form": form, "publication": publication, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def publication_publish(request: HttpRequest, slug: str) -> HttpResponse:
    access.require_editor(request.user)
    publication = access.publication_get_for_user(request.user, slug)
    services.publication_set_published(
        actor=request.user, publication=publication, published=request.POST.get("published") == "1"
    )
    return redirect("coordination:publication_detail", slug=publication.slug)


@login_required
@require_POST
def publication_delete(request: HttpRequest, slug: str) -> HttpResponse:
    access.require_editor(request.user)
    publication = access.publication_get_for_user(request.user, slug)
    services.publication_delete(actor=request.user, publication=publication)
    return redirect("coordination:library")


# --- Research network -----------------------------------------------------------------------------------------


@require_GET
def research_network(request: HttpRequest) -> HttpResponse:
    form = NetworkFilterForm(request.GET or None)
    topic, country = "", ""
    if form.is_valid():
        topic = form.cleaned_data["topic"].code if form.cleaned_data["topic"] else ""
        country = form.cleaned_data["country"]
    return render(
        request,
        "coordination/knowledge/research_network.html",
        {
            "form": form,
            "network": selectors.research_network(request.user, topic=topic, country_iso3=country),
            "can_edit": access.can_edit(request.user),
        },
    )


@require_GET
def researcher_detail(request: HttpRequest, slug: str) -> HttpResponse:
    researcher = access.researcher_get_for_user(request.user, slug)
    return render(
        request,
        "coordination/knowledge/researcher_detail.html",
        {
            "researcher": researcher,
            "publications": access.publications_visible_to(request.user).filter(researchers=researcher),
            "projects": access.research_projects_visible_to(request.user).filter(researchers=researcher),
            "can_edit": access.can_edit(request.user),
        },
    )


@require_GET
def research_project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = access.research_project_get_for_user(request.user, slug)
    return render(
        request,
        "coordination/knowledge/research_project_detail.html",
        {
            "project": project,
            "researchers": access.researchers_visible_to(request.user).filter(projects=project),
            "publications": access.publications_visible_to(request.user).filter(projects=project),
            "can_edit": access.can_edit(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def researcher_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    access.require_editor(request.user)
    researcher = access.researcher_get_for_user(request.user, slug) if slug else None
    form = ResearcherForm(request.POST or None, initial=_researcher_initial(researcher) if researcher else {})
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            researcher = services.researcher_save(
                actor=request.user,
                researcher=researcher,
                expected_version=form.expected_version(),
                data=services.ResearcherInput(
                    name=data["name"],
                    organisation=data["organisation"],
                    position=data["position"],
                    orcid=data["orcid"],
                    url=data["url"],
                    country_codes=data["countries"],
                    topic_codes=[t.code for t in data["topics"]],
                    publication_slugs=[p.slug for p in data["publications"]],
                    is_published=data["is_published"],
                ),
            )
        except StaleEdit as stale:
            assert researcher is not None
            conflict = edit_conflict(
                form, stale, _researcher_initial(Researcher.objects.get(pk=researcher.pk))
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return redirect("coordination:researcher_detail", slug=researcher.slug)
    return render(
        request,
        "coordination/knowledge/network_form.html",
        {"form": form, "heading": _("Researcher"), "conflict": conflict},
        status=409 if conflict else 200,
    )


def _researcher_initial(researcher: Researcher) -> dict[str, Any]:
    return {
        "version": researcher.version,
        "name": researcher.name,
        "organisation": researcher.organisation,
        "position": researcher.position,
        "orcid": researcher.orcid,
        "url": researcher.url,
        "countries": " ".join(c.country_iso3 for c in researcher.countries.all()),
        "topics": researcher.topics.all(),
        "publications": researcher.publications.all(),
        "is_published": researcher.is_published,
    }


@login_required
@require_http_methods(["GET", "POST"])
def research_project_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    access.require_editor(request.user)
    project = access.research_project_get_for_user(request.user, slug) if slug else None
    form = ResearchProjectForm(request.POST or None, initial=_project_initial(project) if project else {})
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.research_project_save(
                actor=request.user,
                project=project,
                expected_version=form.expected_version(),
                data=services.ResearchProjectInput(
                    title=data["title"],
                    summary=data["summary"],
                    lead_organisation=data["lead_organisation"],
                    partners=list(data["partners"]),
                    researcher_slugs=[r.slug for r in data["researchers"]],
                    country_codes=data["countries"],
                    topic_codes=[t.code for t in data["topics"]],
                    publication_slugs=[p.slug for p in data["publications"]],
                    start_year=data["start_year"],
                    end_year=data["end_year"],
                    url=data["url"],
                    source=data["source"],
                    is_published=data["is_published"],
                ),
            )
        except StaleEdit as stale:
            assert project is not None
            conflict = edit_conflict(
                form, stale, _project_initial(ResearchProject.objects.get(pk=project.pk))
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return redirect("coordination:research_project_detail", slug=project.slug)
    return render(
        request,
        "coordination/knowledge/network_form.html",
        {"form": form, "heading": _("Research project"), "conflict": conflict},
        status=409 if conflict else 200,
    )


def _project_initial(project: ResearchProject) -> dict[str, Any]:
    return {
        "version": project.version,
        "title": project.title,
        "summary": project.summary,
        "lead_organisation": project.lead_organisation,
        "partners": project.partners.all(),
        "researchers": project.researchers.all(),
        "countries": " ".join(c.country_iso3 for c in project.countries.all()),
        "topics": project.topics.all(),
        "publications": project.publications.all(),
        "start_year": project.start_year,
        "end_year": project.end_year,
        "url": project.url,
        "source": project.source,
        "is_published": project.is_published,
    }


# --- Practices ------------------------------------------------------------------------------------------


@require_GET
def practice_list(request: HttpRequest) -> HttpResponse:
    form = PracticeFilterForm(request.GET or None)
    practices = Practice.objects.filter(status=Practice.Status.PUBLISHED)
    if form.is_valid():
        if form.cleaned_data["objective"]:
            practices = practices.filter(gcm_objectives=form.cleaned_data["objective"])
        if form.cleaned_data["area"]:
            practices = practices.filter(area=form.cleaned_data["area"])
        if form.cleaned_data["country"]:
            practices = practices.filter(countries__country_iso3=form.cleaned_data["country"])
    practices = practices.distinct().prefetch_related("gcm_objectives", "countries")
    mine = None
    if request.user.is_authenticated:
        mine = Practice.objects.filter(submitted_by=request.user).exclude(status=Practice.Status.PUBLISHED)
    return render(
        request,
        "coordination/knowledge/practice_list.html",
        {
            "form": form,
            "practices": practices,
            "mine": mine,
            "can_review": access.can_review(request.user),
            "calls": access.partnership_calls_visible_to(None).filter(open_until__gte=current_date())[:5],
        },
    )


@require_GET
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = access.practice_get_for_user(request.user, pk)
    can_review = access.can_review(request.user) and practice.submitted_by_id != request.user.pk
    return render(
        request,
        "coordination/knowledge/practice_detail.html",
        {
            "practice": practice,
            "is_submitter": practice.submitted_by_id == request.user.pk,
            "reviews": practice.reviews.select_related("reviewer")
            if practice.submitted_by_id == request.user.pk or access.can_review(request.user)
            else None,
            "review_form": ReviewForm()
            if can_review and practice.status == Practice.Status.SUBMITTED
            else None,
            "calls": practice.partnership_calls.filter(is_published=True),
        },
    )


def _practice_input(data: dict[str, Any]) -> services.PracticeInput:
    return services.PracticeInput(
        title=data["title"],
        what=data["what"],
        who=data["who"],
        results=data["results"],
        lessons=data["lessons"],
        pitfalls=data["pitfalls"],
        area=data["area"],
        gcm_objective_numbers=[objective.number for objective in data["gcm_objectives"]],
        country_codes=data["countries"],
        topic_codes=[topic.code for topic in data["topics"]],
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    practice = access.practice_get_for_user(request.user, pk) if pk else None
    if practice is not None and practice.submitted_by_id != request.user.pk:
        raise PermissionDenied
    initial = _practice_initial(practice) if practice is not None else {}
    form = PracticeForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            data = _practice_input(form.cleaned_data)
            if practice is None:
                practice = services.practice_create(actor=request.user, data=data)
            else:
                practice = services.practice_update(
                    actor=request.user, practice=practice, data=data, expected_version=form.expected_version()
                )
            if "submit_for_review" in request.POST:
                services.practice_submit(actor=request.user, practice=practice)
                messages.success(
                    request, _("Sent for peer review. It will be published once a reviewer approves it.")
                )
            else:
                messages.success(request, _("Draft saved."))
        except StaleEdit as stale:
            assert practice is not None
            conflict = edit_conflict(form, stale, _practice_initial(Practice.objects.get(pk=practice.pk)))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("coordination:practice_detail", pk=practice.pk)
    return render(
        request,
        "coordination/knowledge/practice_form.html",
        {"form": form, "practice": practice, "conflict": conflict},
        status=409 if conflict else 200,
    )


def _practice_initial(practice: Practice) -> dict[str, Any]:
    return {
        "version": practice.version,
        "title": practice.title,
        "what": practice.what,
        "who": practice.who,
        "results": practice.results,
        "lessons": practice.lessons,
        "pitfalls": practice.pitfalls,
        "area": practice.area,
        "gcm_objectives": practice.gcm_objectives.all(),
        "topics": practice.topics.all(),
        "countries": " ".join(c.country_iso3 for c in practice.countries.all()),
    }


@login_required
@require_POST
def practice_submit(request: HttpRequest, pk: int) -> HttpResponse:
    practice = access.practice_get_for_user(request.user, pk)
    try:
        services.practice_submit(actor=request.user, practice=practice)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Sent for peer review."))
    return redirect("coordination:practice_detail", pk=practice.pk)


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    if not access.can_review(request.user):
        raise PermissionDenied
    queue = Practice.objects.filter(status=Practice.Status.SUBMITTED).exclude(submitted_by_id=request.user.pk)
    return render(
        request, "coordination/knowledge/review_queue.html", {"queue": queue.order_by("submitted_at")}
    )


@login_required
@require_POST
def practice_review(request: HttpRequest, pk: int) -> HttpResponse:
    practice = access.practice_get_for_user(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and explain it."))
        return redirect("coordination:practice_detail", pk=practice.pk)
    try:
        services.practice_review(actor=request.user, practice=practice, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Review recorded."))
    return redirect("coordination:practice_detail", pk=practice.pk)


@require_GET
def partnership_call_list(request: HttpRequest) -> HttpResponse:
    calls = access.partnership_calls_visible_to(request.user).select_related("organisation", "practice")
    return render(
        request,
        "coordination/knowledge/call_list.html",
        {
            "open_calls": calls.filter(open_until__gte=current_date()),
            "can_edit": access.can_edit(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_call_create(request: HttpRequest) -> HttpResponse:
    form = PartnershipCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        objectives = data.pop("gcm_objectives")
        try:
            services.partnership_call_create(
                actor=request.user, gcm_objective_numbers=[o.number for o in objectives], **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Call saved. An editor publishes it after checking it."))
            return redirect("coordination:call_list")
    return render(request, "coordination/knowledge/call_form.html", {"form": form})


@login_required
@require_POST
def partnership_call_publish(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_editor(request.user)
    call = get_object_or_404(PartnershipCall, pk=pk)
    services.partnership_call_publish(actor=request.user, call=call)
    messages.success(request, _("Call published."))
    return redirect("coordination:call_list")
