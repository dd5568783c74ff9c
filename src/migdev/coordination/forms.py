from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from migdev.accounts.models import Organisation
from migdev.coordination.countries import UnknownCountry, country_label, normalise_country_code
from migdev.coordination.models import (
    Area,
    ConsultationPosition,
    DatePrecision,
    DocumentLanguage,
    FileAccess,
    GcmObjective,
    Hotline,
    InformationField,
    InitiativeStatus,
    Licence,
    Meeting,
    MeetingDocument,
    MigrantInfoSubject,
    MigrationPolicy,
    PolicyDomain,
    PracticeReview,
    Process,
    Publication,
    PublicationKind,
    Researcher,
    Topic,
)
from migdev.core.versioning import VersionedForm


class DateInput(forms.DateInput):
    input_type = "date"


def clean_country(value: str) -> str:
    if not value:
        return ""
    try:
        return normalise_country_code(value)
    except UnknownCountry as error:
        raise forms.ValidationError(_("Unknown country code: %(code)s"), params={"code": value}) from error


class ObjectiveFilterField(forms.ModelChoiceField):
    """A Global Compact objective in a filter: the hub's short label ("10 – Eradicate trafficking") in the
    reader's language; forms that tag a record list the full titles instead."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.short_label)


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


class PracticeForm(VersionedForm):
    title = forms.CharField(max_length=300, label=_("Title"))
    what = forms.CharField(widget=forms.Textarea, label=_("What was done"))
    countries = forms.CharField(
        max_length=400, required=False, label=_("Where (ISO country codes, separated by spaces)")
    )
    who = forms.CharField(widget=forms.Textarea, label=_("Who did it"))
    results = forms.CharField(widget=forms.Textarea, label=_("Results"))
    lessons = forms.CharField(widget=forms.Textarea, label=_("Lessons learned"))
    pitfalls = forms.CharField(widget=forms.Textarea, required=False, label=_("Potential pitfalls"))
    area = forms.ChoiceField(choices=Area.choices, label=_("Area"))
    gcm_objectives = forms.ModelMultipleChoiceField(
        GcmObjective.objects.all(),
        to_field_name="number",
        label=_("Global Compact objectives"),
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Topics"),
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_countries(self) -> list[str]:
        codes = self.cleaned_data["countries"].replace(",", " ").split()
        return [clean_country(code) for code in codes]


class PracticeFilterForm(forms.Form):
    objective = ObjectiveFilterField(
        GcmObjective.objects.all(),
        to_field_name="number",
        required=False,
        label=_("Global Compact objective"),
    )
    area = forms.ChoiceField(choices=[("", _("Any area")), *Area.choices], required=False, label=_("Area"))
    country = forms.CharField(required=False, max_length=3, label=_("Country (ISO code)"))

    def clean_country(self) -> str:
        return clean_country(self.cleaned_data["country"])


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=PracticeReview.Decision.choices, label=_("Decision"), widget=forms.RadioSelect
    )
    comments = forms.CharField(widget=forms.Textarea, label=_("Comments to the submitter"))


class PartnershipCallForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Title"))
    description = forms.CharField(widget=forms.Textarea, label=_("What is sought"))
    organisation = forms.ModelChoiceField(Organisation.objects.all(), label=_("Calling organisation"))
    contact_email = forms.EmailField(label=_("Contact email"))
    open_until = forms.DateField(label=_("Open until"), widget=DateInput)
    gcm_objectives = forms.ModelMultipleChoiceField(
        GcmObjective.objects.all(),
        to_field_name="number",
        required=False,
        label=_("Global Compact objectives"),
        widget=forms.CheckboxSelectMultiple,
    )


def add_validation_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error)


def clean_country_list(value: str) -> list[str]:
    return [clean_country(code) for code in value.replace(",", " ").split()]


class LibrarySearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label=_("Search words"),
        help_text=_(
            'All words must appear. "Quoted words" form a phrase, -word excludes, OR offers a choice.'
        ),
    )
    kind = forms.ChoiceField(
        choices=[("", _("Any type")), *PublicationKind.choices], required=False, label=_("Type")
    )
    language = forms.ChoiceField(
        choices=[("", _("Any language")), *DocumentLanguage.choices], required=False, label=_("Language")
    )
    topic = forms.ModelChoiceField(
        Topic.objects.all(),
        required=False,
        label=_("Topic"),
        to_field_name="code",
        empty_label=_("Any topic"),
    )
    country = forms.CharField(required=False, max_length=3, label=_("Country (ISO code)"))
    objective = ObjectiveFilterField(
        GcmObjective.objects.all(),
        to_field_name="number",
        required=False,
        label=_("Global Compact objective"),
        empty_label=_("Any objective"),
    )
    year_from = forms.IntegerField(required=False, min_value=1800, max_value=2200, label=_("From year"))
    year_to = forms.IntegerField(required=False, min_value=1800, max_value=2200, label=_("To year"))

    def clean_country(self) -> str:
        return clean_country(self.cleaned_data["country"])


class PublicationForm(VersionedForm):
    title = forms.CharField(max_length=500, label=_("Title"))
    authors = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Authors (one per line)")
    )
    organisation = forms.ModelChoiceField(Organisation.objects.all(), required=False, label=_("Organisation"))
    year = forms.IntegerField(min_value=1800, max_value=2200, label=_("Year"))
    language = forms.ChoiceField(choices=DocumentLanguage.choices, label=_("Language"))
    kind = forms.ChoiceField(choices=PublicationKind.choices, label=_("Type"))
    abstract = forms.CharField(widget=forms.Textarea, required=False, label=_("Abstract"))
    countries = forms.CharField(
        max_length=400, required=False, label=_("Countries (ISO codes, separated by spaces)")
    )
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Topics"),
        widget=forms.CheckboxSelectMultiple,
    )
    gcm_objectives = forms.ModelMultipleChoiceField(
        GcmObjective.objects.all(),
        to_field_name="number",
        required=False,
        label=_("Global Compact objectives"),
        widget=forms.CheckboxSelectMultiple,
    )
    licence = forms.ChoiceField(choices=Licence.choices, label=_("Licence"))
    url = forms.URLField(max_length=500, required=False, label=_("Link"), assume_scheme="https")
    identifier = forms.CharField(max_length=100, required=False, label=_("ISBN or DOI"))
    file = forms.FileField(
        required=False,
        label=_("File (PDF, Word, OpenDocument or plain text; up to 50 MB)"),
        help_text=_("Its text is extracted and searchable."),
    )
    remove_file = forms.BooleanField(required=False, label=_("Remove the current file"))
    file_access = forms.ChoiceField(choices=FileAccess.choices, label=_("Who may download the file"))
    source = forms.CharField(max_length=400, label=_("Source of this record"))
    is_published = forms.BooleanField(required=False, label=_("Published"))

    def clean_countries(self) -> list[str]:
        return clean_country_list(self.cleaned_data["countries"])


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


class MeetingDocumentForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Title"))
    kind = forms.ChoiceField(choices=MeetingDocument.Kind.choices, label=_("Kind"))
    language = forms.ChoiceField(choices=DocumentLanguage.choices, label=_("Language"))
    file = forms.FileField(
        required=False, label=_("File (PDF, Word, Excel, PowerPoint, OpenDocument, text; up to 25 MB)")
    )
    url = forms.URLField(max_length=500, required=False, label=_("or a link"), assume_scheme="https")
    file_access = forms.ChoiceField(choices=FileAccess.choices, label=_("Who may download the file"))


class NetworkFilterForm(forms.Form):
    topic = forms.ModelChoiceField(
        Topic.objects.all(),
        required=False,
        label=_("Topic"),
        to_field_name="code",
        empty_label=_("Any topic"),
    )
    country = forms.CharField(required=False, max_length=3, label=_("Country (ISO code)"))

    def clean_country(self) -> str:
        return clean_country(self.cleaned_data["country"])


class ResearcherForm(VersionedForm):
    name = forms.CharField(max_length=200, label=_("Name"))
    organisation = forms.ModelChoiceField(Organisation.objects.all(), required=False, label=_("Institution"))
    position = forms.CharField(max_length=200, required=False, label=_("Position"))
    orcid = forms.CharField(max_length=19, required=False, label=_("ORCID iD"))
    url = forms.URLField(max_length=500, required=False, label=_("Web page"), assume_scheme="https")
    countries = forms.CharField(max_length=400, required=False, label=_("Countries of expertise (ISO codes)"))
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Expertise"),
        widget=forms.CheckboxSelectMultiple,
    )
    publications = forms.ModelMultipleChoiceField(
        Publication.objects.all(), to_field_name="slug", required=False, label=_("Publications")
    )
    is_published = forms.BooleanField(required=False, label=_("Published"))

    def clean_countries(self) -> list[str]:
        return clean_country_list(self.cleaned_data["countries"])


class ResearchProjectForm(VersionedForm):
    title = forms.CharField(max_length=300, label=_("Title"))
    summary = forms.CharField(widget=forms.Textarea, required=False, label=_("Summary"))
    lead_organisation = forms.ModelChoiceField(Organisation.objects.all(), label=_("Lead institution"))
    partners = forms.ModelMultipleChoiceField(
        Organisation.objects.all(), required=False, label=_("Partner institutions")
    )
    researchers = forms.ModelMultipleChoiceField(
        Researcher.objects.all(), to_field_name="slug", required=False, label=_("Researchers")
    )
    countries = forms.CharField(max_length=400, required=False, label=_("Countries (ISO codes)"))
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Topics"),
        widget=forms.CheckboxSelectMultiple,
    )
    publications = forms.ModelMultipleChoiceField(
        Publication.objects.all(), to_field_name="slug", required=False, label=_("Publications")
    )
    start_year = forms.IntegerField(required=False, min_value=1900, max_value=2200, label=_("From (year)"))
    end_year = forms.IntegerField(required=False, min_value=1900, max_value=2200, label=_("Until (year)"))
    url = forms.URLField(max_length=500, required=False, label=_("Web page"), assume_scheme="https")
    source = forms.CharField(max_length=400, label=_("Source"))
    is_published = forms.BooleanField(required=False, label=_("Published"))

    def clean_countries(self) -> list[str]:
        return clean_country_list(self.cleaned_data["countries"])
