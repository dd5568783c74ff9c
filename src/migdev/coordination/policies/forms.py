"""Forms of the migration policy database pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from migdev.coordination.common.forms import DateInput, clean_country, clean_country_list
from migdev.coordination.models import Area, DatePrecision, MigrationPolicy, PolicyDomain, Topic
from migdev.core.versioning import VersionedForm


class PolicyFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Words in the title or summary"))
    country = forms.CharField(required=False, max_length=3, label=_("Country (ISO code)"))
    domain = forms.ChoiceField(
        choices=[("", _("Any domain")), *PolicyDomain.choices], required=False, label=_("SDG 10.7.2 domain")
    )
    kind = forms.ChoiceField(
        choices=[("", _("Any type")), *MigrationPolicy.Kind.choices], required=False, label=_("Type")
    )
    direction = forms.ChoiceField(
        choices=[("", _("Any direction")), *MigrationPolicy.Direction.choices],
        required=False,
        label=_("Direction"),
    )
    area = forms.ChoiceField(choices=[("", _("Any area")), *Area.choices], required=False, label=_("Area"))
    year_from = forms.IntegerField(required=False, min_value=1800, max_value=2200, label=_("From year"))
    year_to = forms.IntegerField(required=False, min_value=1800, max_value=2200, label=_("To year"))

    def clean_country(self) -> str:
        return clean_country(self.cleaned_data["country"])


class PolicyCompareForm(forms.Form):
    countries = forms.CharField(
        max_length=100, label=_("Countries to compare (ISO codes, separated by spaces)")
    )

    def clean_countries(self) -> list[str]:
        codes = clean_country_list(self.cleaned_data["countries"])
        if not 1 <= len(codes) <= 8:
            raise forms.ValidationError(_("Compare between one and eight countries."))
        return codes


class PolicyForm(VersionedForm):
    country = forms.CharField(max_length=3, label=_("Country (ISO code)"))
    title = forms.CharField(max_length=500, label=_("Title"))
    original_title = forms.CharField(
        max_length=500, required=False, label=_("Title in the original language")
    )
    year = forms.IntegerField(min_value=1800, max_value=2200, label=_("Year"))
    adopted_on = forms.DateField(required=False, label=_("Adopted on"), widget=DateInput)
    adopted_precision = forms.ChoiceField(
        choices=DatePrecision.choices, initial=DatePrecision.DAY, label=_("Date precision")
    )
    ended_on = forms.DateField(required=False, label=_("Ended on"), widget=DateInput)
    kind = forms.ChoiceField(choices=MigrationPolicy.Kind.choices, label=_("Type"))
    direction = forms.ChoiceField(choices=MigrationPolicy.Direction.choices, label=_("Direction"))
    domain = forms.ChoiceField(choices=PolicyDomain.choices, label=_("SDG 10.7.2 domain"))
    area = forms.ChoiceField(choices=[("", "—"), *Area.choices], required=False, label=_("Area"))
    status = forms.ChoiceField(choices=MigrationPolicy.Status.choices, label=_("Status"))
    partners = forms.CharField(
        max_length=400, required=False, label=_("Partner states for agreements (ISO codes)")
    )
    summary = forms.CharField(widget=forms.Textarea, required=False, label=_("Summary"))
    development_relevance = forms.CharField(
        widget=forms.Textarea, required=False, label=_("Development relevance")
    )
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Topics"),
        widget=forms.CheckboxSelectMultiple,
    )
    source_name = forms.CharField(max_length=300, label=_("Source"))
    source_url = forms.URLField(max_length=500, required=False, label=_("Source link"), assume_scheme="https")
    source_edition = forms.CharField(max_length=200, required=False, label=_("Source edition"))
    is_published = forms.BooleanField(required=False, label=_("Published"))

    def clean_country(self) -> str:
        return clean_country(self.cleaned_data["country"])

    def clean_partners(self) -> list[str]:
        return clean_country_list(self.cleaned_data["partners"])
