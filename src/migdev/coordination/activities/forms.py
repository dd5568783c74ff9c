"""Forms of the activity registry, the information note and the HLD follow-up pages."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migdev.accounts.models import Organisation
from migdev.coordination.common.forms import DateInput, clean_country
from migdev.coordination.models import Area, ConsultationPosition, InformationField, InitiativeStatus, Process


class ActivityFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    area = forms.ChoiceField(choices=[("", _("Any area")), *Area.choices], required=False, label=_("Area"))
    country = forms.CharField(required=False, max_length=3, label=_("Country (ISO code)"))
    organisation = forms.ModelChoiceField(Organisation.objects.all(), required=False, label=_("Organisation"))

    def clean_country(self) -> str:
        return clean_country(self.cleaned_data["country"])


class IatiUploadForm(forms.Form):
    file = forms.FileField(label=_("IATI activity file (XML, version 2.03)"))


class InformationNoteForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=DateInput)
    period_end = forms.DateField(label=_("Until"), widget=DateInput)
    process = forms.ModelChoiceField(
        Process.objects.filter(kind=Process.Kind.INTER_AGENCY_GROUP),
        required=False,
        to_field_name="code",
        label=_("Members of"),
        empty_label=_("All organisations"),
    )
    information_fields = forms.MultipleChoiceField(
        choices=InformationField.choices,
        required=False,
        label=_("Fields"),
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class InitiativeStatusForm(forms.Form):
    status = forms.ChoiceField(choices=InitiativeStatus.choices, label=_("Status"))
    as_of = forms.DateField(label=_("As of"), widget=DateInput, initial=datetime.date.today)
    note = forms.CharField(max_length=500, required=False, label=_("Note"))


class PositionForm(forms.Form):
    organisation = forms.ModelChoiceField(Organisation.objects.all(), label=_("Organisation"))
    part = forms.ChoiceField(choices=ConsultationPosition.Part.choices, label=_("Part"))
    position = forms.ChoiceField(choices=ConsultationPosition.Position.choices, label=_("Position"))
    as_of = forms.DateField(label=_("As of"), widget=DateInput, initial=datetime.date.today)
    note = forms.CharField(max_length=500, required=False, label=_("Note"))


MONEY_DIMENSIONS = [
    ("country", _("Recipient country or region")),
    ("sector", _("Sector (DAC 5-digit)")),
    ("sector_group", _("Sector group (DAC 3-digit)")),
    ("organisation", _("Reporting organisation")),
    ("provider", _("Provider organisation")),
    ("year", _("Year")),
]


class MoneyFilterForm(forms.Form):
    by = forms.ChoiceField(choices=MONEY_DIMENSIONS, required=False, label=_("By"))
    currency = forms.ChoiceField(choices=[], required=False, label=_("Currency"))
    year_from = forms.IntegerField(required=False, min_value=1960, max_value=2100, label=_("From year"))
    year_to = forms.IntegerField(required=False, min_value=1960, max_value=2100, label=_("To year"))
    country = forms.CharField(required=False, max_length=3, label=_("Country (ISO code)"))
    sector = forms.RegexField(
        regex=r"^\d{3}(\d{2})?$", required=False, label=_("Sector (DAC code)"), max_length=5
    )
    organisation = forms.ModelChoiceField(
        Organisation.objects.filter(reported_activities__isnull=False).distinct(),
        required=False,
        label=_("Reporting organisation"),
    )
    samples = forms.BooleanField(required=False, label=_("Include sample records (fictional)"))

    def __init__(self, *args: Any, currencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        currency = self.fields["currency"]
        assert isinstance(currency, forms.ChoiceField)
        currency.choices = [(code, code) for code in currencies]

    def clean_country(self) -> str:
        return clean_country(self.cleaned_data["country"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from and year_to and year_to < year_from:
            self.add_error("year_to", _("The last year comes before the first."))
        return cleaned
