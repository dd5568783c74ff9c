"""Edit forms for the law records: each carries the version the editor started from (``VersionedForm``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migdev.accounts.models import Organisation
from migdev.coordination.common.forms import DateInput, clean_country
from migdev.coordination.models import GcmObjective, MigrationPolicy, Publication, Topic
from migdev.core.versioning import VersionedForm
from migdev.law.models import (
    AssistanceStage,
    ConsentPurpose,
    Implementation,
    InstitutionKind,
    Instrument,
    ParticipantSex,
    PartyAction,
    Provision,
    Statement,
    Training,
)
from migdev.law.services import EDITABLE_INSTRUMENT_FIELDS


class _EditForm(forms.ModelForm, VersionedForm):
    """A law record's edit form: it reads the fields; the service checks the record whole, after the
    version is known (so the model's own validation does not run here)."""


def _objectives_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=GcmObjective.objects.order_by("number"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Global Compact objectives"),
    )


class _TaggedEditForm(_EditForm):
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Topics"),
    )
    gcm_objectives = _objectives_field()


class InstrumentForm(_TaggedEditForm):
    class Meta:
        model = Instrument
        fields = [*EDITABLE_INSTRUMENT_FIELDS, "topics", "gcm_objectives"]
        widgets = {"adopted_on": DateInput, "entry_into_force": DateInput}


class PartyActionForm(_EditForm):
    class Meta:
        model = PartyAction
        fields = ["kind", "date", "year", "raw", "note", "source"]
        widgets = {"date": DateInput}


class StatementForm(_EditForm):
    class Meta:
        model = Statement
        fields = ["kind", "made_on", "text", "source"]
        widgets = {"made_on": DateInput}


class ProvisionForm(_TaggedEditForm):
    official_url = forms.URLField(
        label=_("Address of the official text"), max_length=300, required=False, assume_scheme="https"
    )

    class Meta:
        model = Provision
        fields = [
            "reference",
            "title",
            "text",
            "text_kind",
            "quotation",
            "official_url",
            "source",
            "topics",
            "gcm_objectives",
        ]


class ImplementationForm(_EditForm):
    """A link from a national law to an instrument it implements and the Global Compact objectives it serves."""

    gcm_objectives = _objectives_field()

    class Meta:
        model = Implementation
        fields = ["instrument", "gcm_objectives", "note", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instrument = self.fields["instrument"]
        instrument.queryset = Instrument.objects.order_by("code")  # type: ignore[attr-defined]
        instrument.label_from_instance = lambda item: f"{item.code}: {item.title}"  # type: ignore[attr-defined]
        instrument.help_text = _(
            "A law that serves Global Compact objectives without implementing a treaty is linked to GCM."
        )


class DeleteForm(VersionedForm):
    """The confirmation of a removal: it carries the version the editor saw."""


class TrainingForm(_EditForm):
    instruments = forms.ModelMultipleChoiceField(
        queryset=Instrument.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Instruments"),
    )
    materials = forms.ModelMultipleChoiceField(
        queryset=Publication.objects.order_by("title", "slug"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        label=_("Materials (records of the research library)"),
        help_text=_(
            "The library records used or handed out in the training; add a missing one to the library first."
        ),
    )

    class Meta:
        model = Training
        fields = [
            "title",
            "topic",
            "country_iso3",
            "starts_on",
            "ends_on",
            "organisers",
            "organisation",
            "instruments",
            "women",
            "men",
            "sex_not_recorded",
            "ministries",
            "agencies",
            "civil_society",
            "other_institutions",
            "pre_test_mean",
            "post_test_mean",
            "follow_up",
            "materials",
            "source",
            "is_sample",
        ]
        widgets = {"starts_on": DateInput, "ends_on": DateInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("pre_test_mean", "post_test_mean"):
            self.fields[name].required = False

    def clean_country_iso3(self) -> str:
        return clean_country(self.cleaned_data.get("country_iso3", ""))


class AssistanceForm(VersionedForm):
    country_iso3 = forms.CharField(
        label=_("Country"), max_length=3, help_text=_("ISO 3166-1 alpha-3, for example SEN.")
    )
    law_title = forms.CharField(label=_("Law or draft"), max_length=300)
    law = forms.ModelChoiceField(
        queryset=MigrationPolicy.objects.none(),
        required=False,
        label=_("Law in the policy database"),
        help_text=_("Leave empty while the law is a draft that is not in the policy database."),
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=AssistanceStage.choices)
    requested_on = forms.DateField(label=_("Requested on"), widget=DateInput)
    requesting_agency = forms.CharField(label=_("Requesting agency"), max_length=300)
    supporting_agencies = forms.CharField(label=_("Agencies giving support"), max_length=300, required=False)
    support_given = forms.CharField(label=_("Support given"), widget=forms.Textarea, required=False)
    support_started = forms.DateField(label=_("Support started"), required=False, widget=DateInput)
    support_ended = forms.DateField(label=_("Support ended"), required=False, widget=DateInput)
    instruments = forms.ModelMultipleChoiceField(
        queryset=Instrument.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Instruments"),
    )
    reporting_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), label=_("Reported by (registry activity)")
    )
    iati_identifier = forms.CharField(
        label=_("IATI identifier of the activity"),
        max_length=200,
        required=False,
        help_text=_("Empty: migdev makes one from the reporting organisation's IATI code."),
    )
    source = forms.CharField(label=_("Source"), max_length=300)
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args: Any, policies: Any = None, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["law"].queryset = policies if policies is not None else MigrationPolicy.objects.none()  # type: ignore[attr-defined]
        if not creating:
            del self.fields["iati_identifier"]

    def clean_country_iso3(self) -> str:
        return clean_country(self.cleaned_data.get("country_iso3", ""))


class ParticipantForm(forms.Form):
    """Name one participant of a training, with their consent. Without the consent, do not fill this in:
    the participant is counted on the training and that is all."""

    name = forms.CharField(label=_("Name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex (column of the counts)"), choices=ParticipantSex.choices)
    institution_kind = forms.ChoiceField(
        label=_("Kind of institution (column of the counts)"), choices=InstitutionKind.choices
    )
    institution = forms.CharField(label=_("Institution"), max_length=300, required=False)
    position = forms.CharField(label=_("Position or role"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    note = forms.CharField(label=_("Note about the participant"), widget=forms.Textarea, required=False)
    pre_test_score = forms.DecimalField(
        label=_("Their pre-test score (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("This participant's own result, kept encrypted; the training's means are not changed."),
    )
    post_test_score = forms.DecimalField(
        label=_("Their post-test score (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
    )
    consent_given_on = forms.DateField(
        label=_("Consent given on"),
        widget=DateInput,
        help_text=_("The day the participant agreed to be named. No consent: do not name them."),
    )
    consent_purpose = forms.ChoiceField(label=_("What they consented to"), choices=ConsentPurpose.choices)
    consent_confirmed = forms.BooleanField(
        label=_("The participant gave this consent and it is recorded with the training's papers."),
        required=True,
    )


class WithdrawForm(VersionedForm):
    """The confirmation of a withdrawal of consent: it carries the version seen."""
