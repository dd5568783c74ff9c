from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from migdev.jobs.selectors import job_for_user, jobs_visible_to

PAGE_SIZE = 50


@require_GET
@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(jobs_visible_to(request.user).select_related("created_by"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "jobs/list.html", {"page": page})


@never_cache
@require_GET
@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_for_user(request.user, job_id)
    return render(request, "jobs/detail.html", {"job": job})


@never_cache
@require_GET
@login_required
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The status block alone, polled by htmx from the job page."""
    job = job_for_user(request.user, job_id)
    return render(request, "jobs/_status.html", {"job": job})
