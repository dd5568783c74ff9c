"""Migration policy database pages: filtered list with exports, one policy, country comparison, editing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from migdev.coordination import access, audit
from migdev.coordination.common.forms import add_validation_errors
from migdev.coordination.models import DatePrecision, MigrationPolicy
from migdev.coordination.policies import selectors, services
from migdev.coordination.policies.exports import POLICY_COLUMNS, policy_rows
from migdev.coordination.policies.forms import PolicyCompareForm, PolicyFilterForm, PolicyForm
from migdev.core.versioning import StaleEdit, edit_conflict
from migdev.dataio.exports import export_response


def _filters(request: HttpRequest) -> tuple[PolicyFilterForm, selectors.PolicyFilters]:
    form = PolicyFilterForm(request.GET or None)
    if not form.is_valid():
        return form, selectors.PolicyFilters()
    data = form.cleaned_data
    return form, selectors.PolicyFilters(
        country_iso3=data["country"],
        kind=data["kind"],
        direction=data["direction"],
        domain=data["domain"],
        area=data["area"],
        year_from=data["year_from"],
        year_to=data["year_to"],
        query=data["q"],
    )


@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    policies = selectors.policies_list(request.user, filters)
    page = Paginator(policies, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "coordination/policies/policy_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "countries": selectors.policy_countries(request.user)[:12],
            "can_edit": access.can_edit(request.user),
        },
    )


@require_GET
def policy_export(request: HttpRequest) -> HttpResponseBase:
    _form, filters = _filters(request)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx", "json"):
        raise Http404
    audit.record(
        action="export",
        actor=request.user,
        detail={"format": fmt, "record_type": "coordination.migrationpolicy"},
    )
    policies = selectors.policies_list(request.user, filters)
    return export_response(
        policy_rows(policies.iterator(chunk_size=500)),
        POLICY_COLUMNS,
        fmt,  # type: ignore[arg-type]
        "migdev-migration-policies",
    )


@require_GET
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = access.policy_get_for_user(request.user, pk)
    return render(
        request,
        "coordination/policies/policy_detail.html",
        {"policy": policy, "can_edit": access.can_edit(request.user), "law_links": _law_links(policy)},
    )


def _law_links(policy: MigrationPolicy) -> list[Any] | None:
    """The instruments the law implements (the migration-law module's links), where that module is installed."""
    from django.apps import apps

    if not apps.is_installed("migdev.law"):
        return None
    from migdev.law.selectors import policy_links

    return policy_links(policy.pk)


@require_GET
def policy_compare(request: HttpRequest) -> HttpResponse:
    initial_codes = " ".join(code for code, _count in selectors.policy_countries(request.user)[:3])
    form = PolicyCompareForm(request.GET or None, initial={"countries": initial_codes})
    comparison = None
    if form.is_valid():
        comparison = selectors.policy_comparison(request.user, form.cleaned_data["countries"])
    return render(
        request, "coordination/policies/policy_compare.html", {"form": form, "comparison": comparison}
    )


def _policy_input(data: dict[str, Any]) -> services.PolicyInput:
    return services.PolicyInput(
        country_code=data["country"],
        title=data["title"],
        original_title=data["original_title"],
        year=data["year"],
        adopted_on=data["adopted_on"],
        adopted_precision=data["adopted_precision"],
        ended_on=data["ended_on"],
        kind=data["kind"],
        direction=data["direction"],
        domain=data["domain"],
        area=data["area"],
        status=data["status"],
        partner_codes=data["partners"],
        summary=data["summary"],
        development_relevance=data["development_relevance"],
        topic_codes=[topic.code for topic in data["topics"]],
        source_name=data["source_name"],
        source_url=data["source_url"],
        source_edition=data["source_edition"],
        is_published=data["is_published"],
    )


def _initial(policy: MigrationPolicy | None) -> dict[str, Any]:
    if policy is None:
        return {"adopted_precision": DatePrecision.DAY, "status": MigrationPolicy.Status.IN_FORCE}
    return {
        "version": policy.version,
        "country": policy.country_iso3,
        "title": policy.title,
        "original_title": policy.original_title,
        "year": policy.year,
        "adopted_on": policy.adopted_on,
        "adopted_precision": policy.adopted_precision,
        "ended_on": policy.ended_on,
        "kind": policy.kind,
        "direction": policy.direction,
        "domain": policy.domain,
        "area": policy.area,
        "status": policy.status,
        "partners": " ".join(partner.country_iso3 for partner in policy.partners.all()),
        "summary": policy.summary,
        "development_relevance": policy.development_relevance,
        "topics": policy.topics.all(),
        "source_name": policy.source_name,
        "source_url": policy.source_url,
        "source_edition": policy.source_edition,
        "is_published": policy.is_published,
    }


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access.require_editor(request.user)
    policy = access.policy_get_for_user(request.user, pk) if pk else None
    form = PolicyForm(request.POST or None, initial=_initial(policy))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            data = _policy_input(form.cleaned_data)
            if policy is None:
                policy = services.policy_create(actor=request.user, data=data)
            else:
                policy = services.policy_update(
                    actor=request.user, policy=policy, data=data, expected_version=form.expected_version()
                )
        except StaleEdit as stale:
            assert policy is not None
            conflict = edit_conflict(form, stale, _initial(MigrationPolicy.objects.get(pk=policy.pk)))
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Policy saved."))
            return redirect("coordination:policy_detail", pk=policy.pk)
    return render(
        request,
        "coordination/policies/policy_form.html",
        {"form": form, "policy": policy, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def policy_publish(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_editor(request.user)
    policy = access.policy_get_for_user(request.user, pk)
    services.policy_set_published(
        actor=request.user, policy=policy, published=request.POST.get("published") == "1"
    )
    return redirect("coordination:policy_detail", pk=policy.pk)
