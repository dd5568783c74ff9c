"""Pages of the remittances module. Public pages need no sign-in; recording prices and issuing provider tokens
need the matching permission (others get a 404, so the pages do not advertise themselves)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from migdev.accounts.access import permission_required_or_404
from migdev.core.layout import page_with_layout
from migdev.remittances import presentation, selectors, services
from migdev.remittances.aggregates import SDG_CORRIDOR_LIMIT_PCT, SDG_GLOBAL_TARGET_PCT, Measure
from migdev.remittances.cache import SHARED
from migdev.remittances.forms import ComparisonForm, ProviderTokenForm, ServiceCollectionForm
from migdev.remittances.method import (
    ESTIMATED,
    NO_FEE_COSTS_MORE,
    PROMOTIONAL_RATE,
    RATE_NOT_DISCLOSED,
    RankedOffer,
    rank_offers,
)
from migdev.remittances.models import Corridor, CorridorSeriesValue, Provider, ProviderToken
from migdev.remittances.quarters import Quarter, quarter_or_none
from migdev.remittances.vocabulary import AmountTier, FirmType, Origin

PERM_ADD_SERVICE = "remittances.add_service"
PERM_VIEW_TOKENS = "remittances.view_providertoken"
PERM_ADD_TOKEN = "remittances.add_providertoken"  # noqa: S105 - a permission name
PERM_CHANGE_TOKEN = "remittances.change_providertoken"  # noqa: S105 - a permission name
DOWNLOAD_FORMATS = ("csv", "xlsx", "json")
STALE_AFTER_QUARTERS = 4


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    # One query: the comparable corridors (for the menus) and the requested corridor's precomputed offers.
    page = selectors.comparison_page(request.GET.get("sending", ""), request.GET.get("receiving", ""))
    senders, receivers = page.countries()
    menus = None
    if page.version is not None:
        menus = SHARED.local(
            f"menus:{get_language()}",
            lambda: ComparisonForm.menus_for(senders, receivers),
            version=page.version,
        )
    submitted = bool(request.GET)
    form = ComparisonForm(
        request.GET if submitted else None, senders=senders, receivers=receivers, menus=menus
    )
    context: dict[str, Any] = {"form": form, "submitted": submitted, "section": "compare"}
    if submitted and form.is_valid():
        context.update(
            _comparison(
                page,
                form.cleaned_data["sending"],
                form.cleaned_data["receiving"],
                form.cleaned_data["amount"],
            )
        )
    # The page's own parts, rendered here; the layout around them is kept per snapshot version and language
    # for anonymous visitors (migdev.core.layout). The body uses nothing of the request's context.
    sources = context.get("sources")
    holes = {
        "title": _compare_title(context),
        "body": SafeString(render_to_string("remittances/_compare_body.html", context)),
        "sources_footer": SafeString(
            render_to_string("remittances/_sources.html", {"sources": sources}) if sources else ""
        ),
    }
    return page_with_layout(
        request,
        "remittances/compare.html",
        {"section": "compare"},
        holes=holes,
        shared=SHARED,
        name="compare",
        version=page.version,
    )


def _compare_title(context: dict[str, Any]) -> SafeString:
    """The page's title as the template's ``blocktranslate`` and ``translate`` wrote it."""
    if context.get("ranked"):
        return SafeString(
            _("Sending money from %(sending)s to %(receiving)s")
            % {
                "sending": conditional_escape(context["sending_name"]),
                "receiving": conditional_escape(context["receiving_name"]),
            }
        )
    return escape(_("Compare the cost of sending money"))


def _comparison(
    page: selectors.ComparisonPage, sending: str, receiving: str, amount: Decimal
) -> dict[str, Any]:
    comparison = page.comparison
    corridor = comparison.corridor if comparison is not None else None
    names = (
        {sending: corridor.sending_name, receiving: corridor.receiving_name}
        if corridor is not None
        else selectors.country_names([sending, receiving])
    )
    context: dict[str, Any] = {
        "sending_name": names.get(sending, sending),
        "receiving_name": names.get(receiving, receiving),
        "amount": amount,
        "corridor": corridor,
    }
    if comparison is None:
        context["alternatives"] = _alternatives(page, sending)
        return context
    offers = comparison.offers
    survey_quarter = comparison.survey_quarter
    ranked = rank_offers(offers, amount)
    currencies = Counter(offer.send_currency for offer in offers)
    has_real_survey = any(item.offer.origin in selectors.STATISTICAL_ORIGINS for item in ranked)
    corridor_survey = None if has_real_survey else comparison.survey
    context.update(
        {
            "sources": comparison.sources,
            "corridor_survey": corridor_survey,
            "corridor_survey_left": corridor_survey.amount_left(amount) if corridor_survey else None,
            "corridor_survey_is_official": bool(
                corridor_survey
                and corridor_survey.series == CorridorSeriesValue.Series.OFFICIAL_AVERAGE_USD200
            ),
            "has_samples": any(item.offer.is_sample for item in ranked),
            "ranked": ranked,
            "survey_quarter": survey_quarter,
            "survey_is_old": _is_old(survey_quarter),
            "send_currency": currencies.most_common(1)[0][0] if currencies else "",
            "best": ranked[0] if ranked else None,
            "flagged_no_fee": [item for item in ranked if NO_FEE_COSTS_MORE in item.flags],
            "has_provider_quotes": any(item.offer.origin == Origin.PROVIDER_API for item in ranked),
            "quote_max_age_days": services.provider_quote_max_age().days,
            "flags": {
                "no_fee": NO_FEE_COSTS_MORE,
                "promotion": PROMOTIONAL_RATE,
                "not_disclosed": RATE_NOT_DISCLOSED,
                "estimated": ESTIMATED,
            },
            "offer_items": presentation.offer_items(ranked, _offer_templates(page, ranked)),
        }
    )
    if not ranked and corridor_survey is None:
        context["alternatives"] = _alternatives(page, sending)
    return context


def _alternatives(page: selectors.ComparisonPage, sending: str) -> list[Corridor]:
    return [Corridor(sending_country_id=s, receiving_country_id=r) for s, r in page.alternatives(sending)]


def _offer_templates(page: selectors.ComparisonPage, ranked: list[RankedOffer]) -> dict[str, str] | None:
    """The offers' items as far as they do not depend on the amount, written once per snapshot version,
    corridor and language (a survey price that a provider's expired quote hid is added when it shows)."""
    if page.version is None or page.comparison is None:
        return None
    templates: dict[str, str] = SHARED.local(
        f"offers:{page.comparison.corridor.code}:{get_language()}", dict, version=page.version
    )
    missing = [item.offer for item in ranked if item.offer.key not in templates]
    if missing:
        templates.update(presentation.offer_templates(missing))
    return templates


def _is_old(quarter: str | None) -> bool:
    parsed = quarter_or_none(quarter)
    if parsed is None:
        return False
    return Quarter.containing(timezone.localdate()).index - parsed.index >= STALE_AFTER_QUARTERS


@require_GET
def corridor_list(request: HttpRequest) -> HttpResponse:
    quarters = selectors.quarters_with_figures()
    quarter = request.GET.get("quarter") or (quarters[-1] if quarters else "")
    if quarter and quarter not in quarters:
        raise Http404
    rows = selectors.corridor_table(quarter) if quarter else []
    order = request.GET.get("order", "corridor")
    sorters = {
        "corridor": lambda row: (row.corridor.sending_name, row.corridor.receiving_name),
        "average": lambda row: (row.average is None, row.average or 0.0),
        "smart": lambda row: (row.smart is None, row.smart or 0.0),
    }
    rows.sort(key=sorters.get(order, sorters["corridor"]))
    return render(
        request,
        "remittances/corridor_list.html",
        {
            "rows": rows,
            "quarter": quarter,
            "quarters": quarters,
            "order": order,
            "limit": SDG_CORRIDOR_LIMIT_PCT,
            "section": "corridors",
            "sources": selectors.sources_for_quarter(quarter) if quarter else [],
        },
    )


@require_GET
def corridor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    corridor = selectors.corridor_by_slug(slug)
    if corridor.slug != slug:
        return redirect("remittances:corridor", slug=corridor.slug, permanent=True)
    history = selectors.corridor_history(corridor)
    latest = next(
        (row for row in reversed(history) if row.average is not None or row.official is not None), None
    )
    name = f"{corridor.sending_name} → {corridor.receiving_name}"
    latest_value = None
    if latest is not None:
        latest_value = latest.average if latest.average is not None else float(latest.official or 0)
    return render(
        request,
        "remittances/corridor_detail.html",
        {
            "section": "corridors",
            "corridor": corridor,
            "history": history,
            "latest": latest,
            "chart": presentation.corridor_chart(history, corridor_name=name) if history else None,
            "average_status": presentation.target_status(latest_value, SDG_CORRIDOR_LIMIT_PCT),
            "smart_status": presentation.target_status(
                latest.smart if latest else None, SDG_CORRIDOR_LIMIT_PCT
            ),
            "global_target": SDG_GLOBAL_TARGET_PCT,
            "has_prices": bool(history) or corridor.services.exists(),
            "differences": selectors.average_differences(corridor, history),
            "sources": selectors.corridor_sources(corridor),
        },
    )


@require_GET
def country_detail(request: HttpRequest, iso3: str) -> HttpResponse:
    code = iso3.upper()
    if code != iso3:
        return redirect("remittances:country", iso3=code, permanent=True)
    # A country or a World Bank economy without an ISO row (Kosovo): whatever the corridors point at.
    country = selectors.CountryChoice(code, selectors.country_names([code])[code])
    history = selectors.country_history(code)
    outgoing, incoming = selectors.country_corridors(code)
    if not history and not outgoing and not incoming:
        raise Http404
    latest = selectors.latest_corridor_figures(c.code for c in [*outgoing, *incoming])
    return render(
        request,
        "remittances/country_detail.html",
        {
            "section": "corridors",
            "country": country,
            "history": history,
            "chart": presentation.country_chart(history, country_name=country.name) if history else None,
            "outgoing": [(c, latest.get(c.code, {})) for c in outgoing],
            "incoming": [(c, latest.get(c.code, {})) for c in incoming],
            "measures": {"average": Measure.CORRIDOR_AVERAGE, "smart": Measure.CORRIDOR_SMART},
            "sources": selectors.all_price_sources(),
        },
    )


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    tier = request.GET.get("tier", AmountTier.USD200)
    if tier not in (AmountTier.USD200, AmountTier.USD500):
        raise Http404
    quarters = selectors.quarters_with_figures(tier)
    quarter = request.GET.get("quarter") or (quarters[-1] if quarters else "")
    if quarter and quarter not in quarters:
        raise Http404
    figures = selectors.figures_for_quarter(quarter, tier=tier) if quarter else {}

    def global_value(measure: str) -> tuple[float, float] | None:
        return figures.get(measure, {}).get("")

    global_average = global_value(Measure.GLOBAL_AVERAGE)
    regions = selectors.region_names()
    position = quarters.index(quarter) if quarter in quarters else -1
    history = selectors.global_history(tier=tier)
    published = (
        presentation.published_beside(figures, selectors.headlines_for(quarter))
        if tier == AmountTier.USD200
        else []
    )
    return render(
        request,
        "remittances/dashboard.html",
        {
            "section": "dashboard",
            "tier": tier,
            "tier_label": dict(AmountTier.choices)[tier],
            "quarter": quarter,
            "quarters": quarters,
            "previous_quarter": quarters[position - 1] if position > 0 else None,
            "next_quarter": quarters[position + 1] if 0 <= position < len(quarters) - 1 else None,
            "coverage": selectors.coverage_for(quarter, tier=tier) if quarter else None,
            "global_average": global_average,
            "weighted": global_value(Measure.GLOBAL_WEIGHTED_AVERAGE),
            "smart": global_value(Measure.GLOBAL_SMART),
            "below_5": global_value(Measure.SHARE_CORRIDORS_BELOW_5),
            "below_3": global_value(Measure.SHARE_CORRIDORS_BELOW_3),
            "sdg": selectors.sdg_10c1_status(quarter) if quarter and tier == AmountTier.USD200 else None,
            "sdg_global": presentation.target_status(
                global_average[0] if global_average else None, SDG_GLOBAL_TARGET_PCT
            ),
            "regions": sorted(
                (
                    (regions.get(code, code), value)
                    for code, value in figures.get(Measure.REGION_AVERAGE, {}).items()
                ),
                key=lambda item: item[0],
            ),
            "firm_types": [
                (label, figures.get(Measure.FIRM_TYPE_AVERAGE, {}).get(code))
                for code, label in FirmType.choices
                if code in figures.get(Measure.FIRM_TYPE_AVERAGE, {})
            ],
            "published": published,
            "published_sources": sorted({row.published.source for row in published}),
            "chart": presentation.global_chart(history) if history else None,
            "history_rows": [
                (
                    q,
                    *(
                        history.get(m, {}).get(q)
                        for m in (
                            Measure.GLOBAL_AVERAGE,
                            Measure.GLOBAL_WEIGHTED_AVERAGE,
                            Measure.GLOBAL_SMART,
                            Measure.SHARE_CORRIDORS_BELOW_5,
                        )
                    ),
                )
                for q in quarters
            ],
            "targets": {"global": SDG_GLOBAL_TARGET_PCT, "corridor": SDG_CORRIDOR_LIMIT_PCT},
            "sources": selectors.sources_for_quarter(quarter) if quarter else [],
        },
    )


@require_GET
def published_comparison(request: HttpRequest) -> HttpResponse:
    """The World Bank's published global averages beside the ones computed here, and why they differ."""
    rows = selectors.global_averages_beside_published()
    return render(
        request,
        "remittances/published.html",
        {
            "section": "dashboard",
            "rows": rows,
            "published_sources": sorted({row.published.source for row in rows}),
            "sources": selectors.all_price_sources(),
        },
    )


# Downloads ------------------------------------------------------------------------------------

DATASETS = {
    "figures": (
        "remittance-figures",
        [
            ("tier", "tier"),
            ("quarter", "quarter"),
            ("measure", "measure"),
            ("subject", "subject"),
            ("value", "value"),
            ("observations", "observations"),
            ("computed_at", "computed_at"),
        ],
    ),
    "corridor-series": (
        "remittance-corridor-series",
        [
            ("sending_country", "sending_country"),
            ("receiving_country", "receiving_country"),
            ("series", "series"),
            ("quarter", "quarter"),
            ("value", "value"),
            ("services", "services"),
            ("source", "source"),
            ("edition", "edition"),
            ("licence", "licence"),
        ],
    ),
    "quotes": (
        "remittance-quotes",
        [
            (key, key)
            for key in (
                "sample",
                "quarter",
                "sending_country",
                "receiving_country",
                "provider",
                "firm_type",
                "product",
                "payment_instrument",
                "access_point",
                "pickup_method",
                "speed",
                "transparent",
                "currency",
                "tier",
                "amount",
                "fee",
                "offered_rate",
                "interbank_rate",
                "fx_margin_pct",
                "total_cost_pct",
                "collected_on",
                "source",
                "edition",
                "licence",
            )
        ],
    ),
}


@require_GET
def downloads(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "remittances/downloads.html",
        {
            "datasets": list(DATASETS),
            "formats": DOWNLOAD_FORMATS,
            "quarters": selectors.quarters_with_figures(),
            "section": "downloads",
            "sources": selectors.all_price_sources(),
        },
    )


@require_GET
def download(request: HttpRequest, dataset: str, fmt: str) -> HttpResponseBase:
    from migdev.dataio.exports import export_response

    if dataset not in DATASETS or fmt not in DOWNLOAD_FORMATS:
        raise Http404
    filename, columns = DATASETS[dataset]
    quarter = request.GET.get("quarter") or None
    if quarter is not None and quarter_or_none(quarter) is None:
        raise Http404
    if dataset == "figures":
        rows = selectors.figure_rows()
    elif dataset == "corridor-series":
        rows = selectors.series_rows()
    else:
        rows = selectors.quote_rows(quarter=quarter)
        if quarter:
            filename = f"{filename}-{quarter}"
    return export_response(rows, columns, fmt, filename)  # type: ignore[arg-type]


# Researchers and providers -----------------------------------------------------------------------


def _collection_form(data: Any = None) -> ServiceCollectionForm:
    from migdev.reference.models import Currency
    from migdev.reference.selectors import countries

    return ServiceCollectionForm(
        data,
        countries=[(c.iso3, c.name) for c in countries()],
        currencies=[(c.code, f"{c.code} — {c.name}") for c in Currency.objects.order_by("code")],
    )


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required_or_404(PERM_ADD_SERVICE)
def collect(request: HttpRequest) -> HttpResponse:
    form = _collection_form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        quotes = [
            services.QuoteInput(
                send_amount=data["amount_200"],
                fee=data["fee_200"],
                offered_rate=data["rate_200"],
                interbank_rate=data["interbank_rate"],
                tier=AmountTier.USD200,
                usd_amount=Decimal(200),
            )
        ]
        if data.get("amount_500") is not None:
            quotes.append(
                services.QuoteInput(
                    send_amount=data["amount_500"],
                    fee=data["fee_500"],
                    offered_rate=data["rate_500"],
                    interbank_rate=data["interbank_rate"],
                    tier=AmountTier.USD500,
                    usd_amount=Decimal(500),
                )
            )
        try:
            service = services.researcher_service_record(
                user=request.user,  # type: ignore[arg-type]
                request=request,
                provider_name=data["provider_name"],
                firm_type=data["firm_type"],
                sending_country=data["sending_country"],
                receiving_country=data["receiving_country"],
                quarter=data["quarter"],
                collected_on=data["collected_on"],
                send_currency=data["send_currency"],
                receive_currency=data["receive_currency"],
                quotes=quotes,
                product=data["product"],
                payment_instrument=data["payment_instrument"],
                access_point=data["access_point"],
                pickup_method=data["pickup_method"],
                speed=data["speed"],
                transparent=data["transparent"],
                network_coverage=data["network_coverage"],
                note=data["note"],
            )
        except services.ServiceInputError as error:
            field = _FORM_FIELDS.get(error.field, None)
            form.add_error(field, error.message)
        else:
            messages.success(
                request,
                _("Recorded %(provider)s in %(corridor)s for %(quarter)s.")
                % {
                    "provider": service.provider.name,
                    "corridor": service.corridor,
                    "quarter": service.quarter,
                },
            )
            return redirect(reverse("remittances:collect"))
    return render(
        request, "remittances/collect.html", {"form": form, "fieldsets": _fieldsets(), "section": "collect"}
    )


def _fieldsets() -> list[tuple[str, list[str]]]:
    return [
        (
            _("Provider and corridor"),
            ["provider_name", "firm_type", "sending_country", "receiving_country", "quarter", "collected_on"],
        ),
        (
            _("Product"),
            [
                "product",
                "payment_instrument",
                "access_point",
                "pickup_method",
                "speed",
                "transparent",
                "network_coverage",
            ],
        ),
        (
            _("Price"),
            [
                "send_currency",
                "receive_currency",
                "interbank_rate",
                "amount_200",
                "fee_200",
                "rate_200",
                "amount_500",
                "fee_500",
                "rate_500",
            ],
        ),
        (_("Note"), ["note"]),
    ]


_FORM_FIELDS = {
    "quotes.0": "amount_200",
    "quotes.1": "amount_500",
    "product": "product",
    "receiving_country": "receiving_country",
    "speed": "speed",
}


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required_or_404(PERM_VIEW_TOKENS)
def provider_tokens(request: HttpRequest) -> HttpResponse:
    from migdev.accounts.access import has_permission

    can_add = has_permission(request.user, PERM_ADD_TOKEN)
    form = ProviderTokenForm(request.POST if request.method == "POST" else None)
    new_token = None
    if request.method == "POST":
        if not can_add:
            raise Http404
        if form.is_valid():
            token, raw = services.provider_token_create(
                provider=form.cleaned_data["provider"],
                user=request.user,  # type: ignore[arg-type]
                label=form.cleaned_data["label"],
                lifetime_days=form.cleaned_data["lifetime_days"],
            )
            new_token = (token, raw)
            form = ProviderTokenForm()
    tokens = ProviderToken.objects.select_related("provider").order_by("-created_at")[:200]
    response = render(
        request,
        "remittances/provider_tokens.html",
        {
            "section": "tokens",
            "form": form,
            "can_add": can_add,
            "can_revoke": has_permission(request.user, PERM_CHANGE_TOKEN),
            "tokens": tokens,
            "new_token": new_token,
            "now": timezone.now(),
            "providers_exist": Provider.objects.exists(),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@permission_required_or_404(PERM_CHANGE_TOKEN)
def provider_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ProviderToken, pk=pk)
    services.provider_token_revoke(token=token, user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The token %(prefix)s… no longer works.") % {"prefix": token.token_prefix})
    return redirect("remittances:provider_tokens")
