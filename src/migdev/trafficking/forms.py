"""Forms of the counter-trafficking pages. They only check input; services do the writing."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from migdev.accounts.models import Organisation, User, UserGroup
from migdev.core.versioning import VersionedForm
from migdev.reference.collation import sorted_by_name
from migdev.reference.models import Country
from migdev.trafficking import htcds, selectors
from migdev.trafficking.models import (
    Case,
    Consent,
    Perpetrator,
    Release,
    ServiceDelivery,
    SupportPlan,
    TraffickingEvent,
)
from migdev.trafficking.services import COUNTRY_FIELDS, EDITABLE_FIELDS, LIST_CHOICES

# A date input only takes ISO dates, whatever the language of the page.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def field_label(name: str) -> str:
    field = cast("models.Field[Any, Any]", Case._meta.get_field(name))
    return str(field.verbose_name).capitalize()


# Fieldsets of the case form, in HTCDS order, with what a phone user needs first.
CASE_SECTIONS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (
        _("Person"),
        (
            "first_name",
            "middle_name",
            "second_name",
            "salutation",
            "birth_date",
            "gender",
            "citizenship",
            "identity_number",
            "primary_language",
            "secondary_language",
            "marital_status",
            "number_of_children",
            "education_level",
            "deceased",
            "title",
        ),
    ),
    (
        _("Contact"),
        (
            "mobile_phone",
            "home_phone",
            "email",
            "mailing_street",
            "mailing_city",
            "mailing_state",
            "mailing_postal_code",
            "mailing_country",
            "mailing_latitude",
            "mailing_longitude",
        ),
    ),
    (
        _("Trafficking situation"),
        (
            "trafficking_status",
            "status_decision_organisation",
            "relationship_to_trafficker",
            "age_when_trafficked",
            "recruitment_methods",
            "recruitment_websites",
            "recruitment_country",
            "recruitment_location",
            "control_methods",
            "exploitation_types",
            "labour_industries",
            "sex_exploitation_types",
            "exploitation_country",
            "exploitation_location",
            "exploitation_websites",
            "vulnerabilities",
            "vulnerability_details",
        ),
    ),
    (_("Case"), ("registered_on",)),
)


def country_choices(blank: bool = True) -> list[tuple[str, str]]:
    """Countries by name in the page's language, in that language's alphabetical order."""
    countries = sorted_by_name(Country.objects.all(), lambda country: country.name)
    choices = [(country.iso2, f"{country.name} ({country.iso2})") for country in countries]
    return ([("", "—")] if blank else []) + choices


class CaseForm(VersionedForm):
    """Every editable HTCDS field of a case; ``version`` carries the version the editor started from."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_fields = fields_for_model(Case, fields=EDITABLE_FIELDS)
        countries = country_choices()
        for name in EDITABLE_FIELDS:
            field = model_fields[name]
            if name in LIST_CHOICES:
                field = forms.MultipleChoiceField(
                    label=field.label,
                    required=False,
                    choices=LIST_CHOICES[name].choices,
                    widget=forms.CheckboxSelectMultiple,
                )
            elif name == "citizenship":
                field = forms.MultipleChoiceField(
                    label=field.label,
                    required=False,
                    choices=countries[1:],
                    widget=forms.SelectMultiple,
                    help_text=_("Hold Ctrl (or long-press on a phone) to choose more than one."),
                )
            elif name in COUNTRY_FIELDS:
                field = forms.ChoiceField(label=field.label, required=False, choices=countries)
            elif name in ("birth_date", "registered_on"):
                field.widget = DATE_INPUT
            elif name in ("mobile_phone", "home_phone"):
                field.widget = forms.TextInput(
                    attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}
                )
                field.help_text = _("International form, for example +221771234567.")
            elif name == "email":
                field.widget = forms.EmailInput(attrs={"autocomplete": "off"})
            if isinstance(field.widget, forms.TextInput):
                field.widget.attrs.setdefault("autocomplete", "off")
            self.fields[name] = field
        self.fields["registered_on"].required = True

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in CASE_SECTIONS]

    def case_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in EDITABLE_FIELDS}


def initial_for(case: Case) -> dict[str, Any]:
    values = {name: getattr(case, name) for name in EDITABLE_FIELDS}
    values["version"] = case.version
    return values


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("What to do"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_INPUT)
    assigned_to = forms.ModelChoiceField(
        label=_("Assigned to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("The case owner"),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = selectors.case_workers_for(case)  # type: ignore[attr-defined]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG, PNG, text or office document."))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Consent for"), choices=Consent.Purpose.choices)
    given_by = forms.ChoiceField(label=_("Given by"), choices=Consent.GivenBy.choices)
    given_by_name = forms.CharField(
        label=_("Name of the guardian or representative"), required=False, max_length=200
    )
    method = forms.ChoiceField(
        label=_("How it was given"),
        choices=[choice for choice in Consent.Method.choices if choice[0] != Consent.Method.NOT_RECORDED],
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Leave empty if the consent was given without a time limit."),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners it covers (for sharing)"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]


class ReferralOutForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Refer to"), queryset=Organisation.objects.none())
    reason = forms.ChoiceField(label=_("Reason"), choices=htcds.ReferralReason.choices)
    purpose = forms.CharField(label=_("What the partner will use the data for"), max_length=300)
    safeguards = forms.CharField(
        label=_("Safeguards (how the data is sent and protected)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    fields_shared = forms.MultipleChoiceField(
        label=_("Information shared"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    case_worker_name = forms.CharField(label=_("Case worker at the partner"), required=False, max_length=200)
    details = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    override_justification = forms.CharField(
        label=_("Without consent: why (supervisors only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when the person's consent cannot be obtained; the justification is recorded."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        shared = cast(forms.MultipleChoiceField, self.fields["fields_shared"])
        shared.choices = [(name, field_label(name)) for name in EDITABLE_FIELDS]


class ReferralInForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Referring organisation"), queryset=Organisation.objects.none(), required=False
    )
    organisation_name = forms.CharField(
        label=_("…or its name, if not listed"), required=False, max_length=200
    )
    referral_date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    reason = forms.ChoiceField(label=_("Reason"), choices=htcds.ReferralReason.choices)
    case_worker_name = forms.CharField(label=_("Referring case worker"), required=False, max_length=200)
    details = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]


class ClosureForm(forms.Form):
    closure_status = forms.ChoiceField(
        label=_("Close as"),
        choices=[
            (htcds.CaseStatus.CLOSED, htcds.CaseStatus.CLOSED.label),
            (htcds.CaseStatus.CLOSED_REFERRED, htcds.CaseStatus.CLOSED_REFERRED.label),
        ],
    )
    reason = forms.CharField(label=_("Reason for case closure"), widget=forms.Textarea(attrs={"rows": 3}))


class TransferForm(forms.Form):
    new_owner = forms.ModelChoiceField(label=_("New case worker"), queryset=User.objects.none())
    new_group = forms.ModelChoiceField(label=_("New team"), queryset=UserGroup.objects.none(), required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    safeguards = forms.CharField(
        label=_("Safeguards (transfers to another organisation)"), required=False, max_length=500
    )

    def __init__(self, *args: Any, case_workers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_owner"].queryset = case_workers  # type: ignore[attr-defined]
        self.fields["new_group"].queryset = UserGroup.objects.order_by("name")  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Approve")), ("no", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PerpetratorForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles in the process"),
        required=False,
        choices=htcds.PerpetratorRole.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    citizenship = forms.ChoiceField(label=_("Citizenship"), required=False, choices=())

    class Meta:
        model = Perpetrator
        fields = ["name", "gender", "age", "citizenship", "relationship", "roles", "role_details"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["citizenship"].choices = country_choices()  # type: ignore[attr-defined]


class EventForm(forms.ModelForm):
    country = forms.ChoiceField(label=_("Country"), required=False, choices=())

    class Meta:
        model = TraffickingEvent
        fields = [
            "event_type",
            "date",
            "country",
            "state",
            "city",
            "street",
            "postal_code",
            "latitude",
            "longitude",
            "description",
        ]
        widgets = {"date": DATE_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()  # type: ignore[attr-defined]


class SupportPlanForm(forms.ModelForm):
    class Meta:
        model = SupportPlan
        fields = ["plan_type", "objectives", "action_plan", "planned_end_date", "actual_end_date"]
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "action_plan": forms.Textarea(attrs={"rows": 4}),
            "planned_end_date": DATE_INPUT,
            "actual_end_date": DATE_INPUT,
        }


class SupportPlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # A plan's objectives are encrypted free text; its type and start date are enough to choose.
        return _("%(type)s (from %(date)s)") % {
            "type": obj.get_plan_type_display(),
            "date": obj.created_at.date().isoformat(),
        }


class ServiceDeliveryForm(forms.ModelForm):
    """A service delivered, optionally under one of this case's support plans."""

    plan = SupportPlanChoiceField(
        label=_("Under support plan"), queryset=SupportPlan.objects.none(), required=False
    )

    class Meta:
        model = ServiceDelivery
        fields = ["service_type", "delivered_on", "plan", "provider", "notes"]
        widgets = {"delivered_on": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan_field = cast(forms.ModelChoiceField, self.fields["plan"])
        plan_field.queryset = SupportPlan.objects.filter(case=case)
        provider_field = cast(forms.ModelChoiceField, self.fields["provider"])
        provider_field.queryset = Organisation.objects.order_by("name")


class CaseImportForm(forms.Form):
    file = forms.FileField(
        label=_("HTCDS toolkit workbook (XLSX)"),
        help_text=_(
            "The “Case Sheet” of the HTCDS 2.0 Excel toolkit, or a case export with HTCDS field names. "
            "Every row is checked first; if any is wrong, no case is created."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class MergeForm(forms.Form):
    keep = forms.IntegerField(widget=forms.HiddenInput)
    duplicate = forms.IntegerField(widget=forms.HiddenInput)


class PersonSearchForm(forms.Form):
    """Finding a person: always posted, so the terms never reach a URL, a browser history or a log."""

    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=300,
        help_text=_("Any order, with or without accents; spelling variants are found too."),
    )
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE_INPUT)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    identity_number = forms.CharField(label=_("Identity number"), required=False, max_length=100)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in ("name", "birth_date", "phone", "identity_number")):
            raise forms.ValidationError(_("Give a name, a birth date, a phone or an identity number."))
        return data


class DuplicateReviewForm(forms.Form):
    """The reviewer's decision on a proposed pair: merge (with the surviving value of each differing
    field) or "not the same person". Versions guard against merging over someone's edit."""

    decision = forms.ChoiceField(choices=[("merge", "merge"), ("not_same", "not_same")])
    keep = forms.IntegerField()
    first_version = forms.IntegerField(min_value=1)
    second_version = forms.IntegerField(min_value=1)


class ReleaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    sources = forms.MultipleChoiceField(
        label=_("Sources"),
        help_text=_(
            "A release draws on one source. Tick several only to combine them on purpose; the choice is "
            "recorded in the release."
        ),
        widget=forms.CheckboxSelectMultiple,
        required=False,  # with one source loaded, that one; with several, release_build asks
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Release.Kind.choices, widget=forms.RadioSelect)
    k = forms.IntegerField(label=_("k (k-anonymity and smallest published count)"), min_value=2, initial=11)
    search = forms.BooleanField(
        label=_("Generalise age bands, years and countries to suppress fewer records"), required=False
    )
    max_suppression = forms.FloatField(
        label=_("Largest share of records that may be suppressed (0–1)"),
        min_value=0,
        max_value=1,
        initial=1.0,
    )
    epsilon = forms.FloatField(
        label=_("Privacy budget ε (synthetic data)"), min_value=0.1, max_value=20, initial=4.0
    )
    reporting_length = forms.IntegerField(
        label=_("Reporting length (synthetic data)"), min_value=1, max_value=5, initial=3
    )

    def __init__(self, *args: Any, sources: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(source.pk), f"{source} ({source.get_data_format_display()})") for source in sources]
        cast(forms.MultipleChoiceField, self.fields["sources"]).choices = choices
        if len(choices) == 1:
            self.fields["sources"].initial = [choices[0][0]]


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Approve and publish")), ("no", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
