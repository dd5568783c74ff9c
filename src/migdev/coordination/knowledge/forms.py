"""Forms of the practices, calls for partnership, research library and research network pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from migdev.accounts.models import Organisation
from migdev.coordination.common.forms import (
    DateInput,
    ObjectiveFilterField,
    clean_country,
    clean_country_list,
)
from migdev.coordination.models import (
    Area,
    DocumentLanguage,
    FileAccess,
    GcmObjective,
    Licence,
    PracticeReview,
    Publication,
    PublicationKind,
    Researcher,
    Topic,
)
from migdev.core.versioning import VersionedForm


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
    identifier_source = forms.URLField(
        max_length=500,
        required=False,
        label=_("Page where the ISBN or DOI was read"),
        assume_scheme="https",
    )
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
