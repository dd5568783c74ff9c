"""Forms of the process, meeting and calendar pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migdev.accounts.models import Organisation
from migdev.coordination.common.forms import DateInput, clean_country
from migdev.coordination.models import (
    DatePrecision,
    DocumentLanguage,
    FileAccess,
    Meeting,
    MeetingDocument,
    Process,
    Topic,
)
from migdev.core.versioning import VersionedForm


class CalendarFilterForm(forms.Form):
    process = forms.ModelChoiceField(
        Process.objects.none(), required=False, label=_("Process"), to_field_name="code"
    )
    topic = forms.ModelChoiceField(
        Topic.objects.all(), required=False, label=_("Topic"), to_field_name="code"
    )
    start = forms.DateField(required=False, label=_("From"), widget=DateInput)
    end = forms.DateField(required=False, label=_("Until"), widget=DateInput)

    def __init__(self, *args: Any, processes: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if processes is not None:
            self.fields["process"].queryset = processes  # type: ignore[attr-defined]


class ProcessFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Name or region"))
    kind = forms.ChoiceField(
        choices=[("", _("Any kind")), *Process.Kind.choices], required=False, label=_("Kind")
    )
    country = forms.CharField(required=False, max_length=3, label=_("Member state (ISO code)"))

    def clean_country(self) -> str:
        return clean_country(self.cleaned_data["country"])


class MeetingForm(VersionedForm):
    title = forms.CharField(max_length=300, label=_("Title"))
    process = forms.ModelChoiceField(Process.objects.all(), required=False, label=_("Process"))
    kind = forms.ChoiceField(choices=Meeting.Kind.choices, label=_("Kind"))
    status = forms.ChoiceField(choices=Meeting.Status.choices, label=_("Status"))
    start_date = forms.DateField(label=_("Start date"), widget=DateInput)
    end_date = forms.DateField(label=_("End date"), widget=DateInput)
    date_precision = forms.ChoiceField(
        choices=DatePrecision.choices, initial=DatePrecision.DAY, label=_("Date precision")
    )
    city = forms.CharField(max_length=120, required=False, label=_("City"))
    country = forms.CharField(max_length=3, required=False, label=_("Country (ISO code)"))
    is_virtual = forms.BooleanField(required=False, label=_("Online"))
    host_country = forms.CharField(max_length=3, required=False, label=_("Host state (ISO code)"))
    host_organisation = forms.ModelChoiceField(
        Organisation.objects.all(), required=False, label=_("Host organisation")
    )
    theme = forms.CharField(max_length=300, required=False, label=_("Theme"))
    summary = forms.CharField(widget=forms.Textarea, required=False, label=_("Summary"))
    source = forms.CharField(max_length=400, label=_("Source"))
    is_published = forms.BooleanField(required=False, initial=True, label=_("Published"))

    def clean_country(self) -> str:
        return clean_country(self.cleaned_data["country"])

    def clean_host_country(self) -> str:
        return clean_country(self.cleaned_data["host_country"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The meeting ends before it starts."))
        return data


class AgendaItemForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Agenda item"))
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(), to_field_name="code", label=_("Topics"), widget=forms.CheckboxSelectMultiple
    )


class MeetingDocumentForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Title"))
    kind = forms.ChoiceField(choices=MeetingDocument.Kind.choices, label=_("Kind"))
    language = forms.ChoiceField(choices=DocumentLanguage.choices, label=_("Language"))
    file = forms.FileField(
        required=False, label=_("File (PDF, Word, Excel, PowerPoint, OpenDocument, text; up to 25 MB)")
    )
    url = forms.URLField(max_length=500, required=False, label=_("or a link"), assume_scheme="https")
    file_access = forms.ChoiceField(choices=FileAccess.choices, label=_("Who may download the file"))
