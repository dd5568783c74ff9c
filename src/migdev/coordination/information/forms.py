"""Forms of the information-for-migrants pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migdev.accounts.models import Organisation
from migdev.coordination.common.forms import DateInput, clean_country
from migdev.coordination.countries import country_label
from migdev.coordination.models import Hotline, MigrantInfoSubject, Topic
from migdev.core.versioning import VersionedForm


class InformationFilterForm(forms.Form):
    """Migrants pick a country by name; links may still carry any ISO code (``?country=PH``)."""

    country = forms.CharField(required=False, max_length=3, label=_("Country"))
    subject = forms.ChoiceField(
        choices=[("", _("Any subject")), *MigrantInfoSubject.choices], required=False, label=_("Subject")
    )

    def __init__(self, *args: Any, countries: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        named = sorted(((code, country_label(code)) for code in countries or []), key=lambda item: item[1])
        self.fields["country"].widget = forms.Select(choices=[("", _("All countries")), *named])

    def clean_country(self) -> str:
        return clean_country(self.cleaned_data["country"])


class MigrantPageForm(VersionedForm):
    subject = forms.ChoiceField(choices=MigrantInfoSubject.choices, label=_("Subject"))
    country = forms.CharField(
        required=False,
        max_length=3,
        label=_("Country (ISO code)"),
        help_text=_("Leave empty for a page that applies to everyone."),
    )
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Topics"),
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_country(self) -> str:
        return clean_country(self.cleaned_data["country"])


class TranslationForm(VersionedForm):
    title = forms.CharField(max_length=300, label=_("Title"))
    summary = forms.CharField(max_length=500, required=False, label=_("Summary (one or two sentences)"))
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16}),
        label=_("Text"),
        help_text=_("Plain text. Leave an empty line between paragraphs."),
    )


class TranslationReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve and publish")), ("request_changes", _("Ask for changes"))],
        label=_("Decision"),
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Comments"))


class HotlineForm(forms.Form):
    country = forms.CharField(max_length=3, label=_("Country (ISO code)"))
    name = forms.CharField(max_length=200, label=_("Name"))
    kind = forms.ChoiceField(choices=Hotline.Kind.choices, label=_("Kind"))
    phone = forms.CharField(max_length=40, label=_("Telephone"))
    hours = forms.CharField(max_length=120, required=False, label=_("Hours"))
    languages = forms.CharField(max_length=200, required=False, label=_("Languages spoken"))
    organisation = forms.ModelChoiceField(Organisation.objects.all(), required=False, label=_("Organisation"))
    url = forms.URLField(max_length=500, required=False, label=_("Web page"), assume_scheme="https")
    source = forms.CharField(max_length=400, label=_("Source"))
    verified_on = forms.DateField(required=False, label=_("Last checked"), widget=DateInput)
    is_published = forms.BooleanField(required=False, initial=True, label=_("Published"))

    def clean_country(self) -> str:
        return clean_country(self.cleaned_data["country"])
