"""Forms for editors: development plans, goals, targets, MGI assessments and SDG 10.7.2 scores.
They only check input; the services write and audit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migdev.core.versioning import VersionedForm
from migdev.indicators.formatting import catalogue_text
from migdev.indicators.models import (
    DevelopmentPlan,
    Edition,
    GovernanceAssessment,
    Indicator,
    PlanGoal,
    PlanTarget,
    PolicyDomainScore,
)
from migdev.reference.selectors import countries


def _country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((c.iso3, f"{c.name} ({c.iso3})") for c in countries())]


class _CountryMixin(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Countries are chosen by code from the reference list so a name never stands in for a code.
        self.fields["country"] = forms.ChoiceField(label=_("Country"), choices=_country_choices())
        if self.instance.pk:
            self.initial["country"] = self.instance.country


def _url_field(label: Any) -> forms.URLField:
    # Addresses typed without a scheme are read as https, as browsers now do.
    return forms.URLField(label=label, required=False, assume_scheme="https")


class PlanForm(_CountryMixin, VersionedForm):
    url = _url_field(_("document"))

    class Meta:
        model = DevelopmentPlan
        fields = ["country", "title", "kind", "start_year", "end_year", "adopted_on", "url", "summary"]
        widgets = {"adopted_on": forms.DateInput(attrs={"type": "date"})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", _("The last year cannot come before the first year."))
        return data


class GoalForm(forms.ModelForm, VersionedForm):
    class Meta:
        model = PlanGoal
        fields = ["reference", "title", "description"]


class IndicatorChoiceField(forms.ModelChoiceField):
    """Indicators by their name in the active language."""

    def label_from_instance(self, obj: Indicator) -> str:
        return catalogue_text(obj.name)


class TargetForm(forms.ModelForm, VersionedForm):
    indicator = IndicatorChoiceField(
        queryset=Indicator.objects.order_by("sort_order", "name"), label=_("Indicator")
    )
    edition = forms.ModelChoiceField(
        queryset=Edition.objects.order_by("-published"),
        required=False,
        label=_("Edition"),
        help_text=_("Empty: the newest edition."),
    )

    class Meta:
        model = PlanTarget
        fields = [
            "indicator",
            "baseline_year",
            "baseline_value",
            "target_year",
            "target_value",
            "edition",
            "notes",
        ]

    def _post_clean(self) -> None:
        # The check constraint is reported as a field error below rather than a generic one.
        pass

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        baseline, target = data.get("baseline_year"), data.get("target_year")
        if baseline is not None and target is not None and target <= baseline:
            self.add_error("target_year", _("The target year must come after the baseline year."))
        return data


class AssessmentForm(_CountryMixin):
    source_url = _url_field(_("source web page"))

    class Meta:
        model = GovernanceAssessment
        fields = ["country", "domain", "year", "finding", "text", "source", "source_url"]


class ScoreForm(_CountryMixin):
    class Meta:
        model = PolicyDomainScore
        fields = ["country", "domain", "year", "score", "source"]

    def _post_clean(self) -> None:
        # A score for the same country, domain and year corrects the earlier one, so the
        # uniqueness check of the model form must not reject it.
        pass
