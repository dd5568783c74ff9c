from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from migdev.reference import selectors
from migdev.reference.forms import CountryFilterForm
from migdev.reference.models import IncomeGroup


@require_GET
def country_list(request: HttpRequest) -> HttpResponse:
    """Public list of countries with UN M49, LDC/LLDC/SIDS and World Bank income-group filters."""
    form = CountryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    data_year = filters.get("year")
    countries = selectors.country_list(
        m49_area=filters.get("region") or None,
        is_ldc=True if filters.get("ldc") else None,
        is_lldc=True if filters.get("lldc") else None,
        is_sids=True if filters.get("sids") else None,
        income_group=filters.get("income_group") or None,
        data_year=data_year,
    ).select_related("m49_region", "m49_sub_region", "m49_intermediate_region")
    income = selectors.income_groups_for_year(data_year)
    labels = dict(IncomeGroup.choices)
    rows = [(country, labels.get(income.get(country.iso3, ""), "")) for country in countries]
    return render(
        request,
        "reference/country_list.html",
        {"form": form, "rows": rows, "data_year": data_year},
    )
