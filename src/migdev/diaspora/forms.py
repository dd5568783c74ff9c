"""Forms of the diaspora pages. Skill and occupation fields use the skills module's autocomplete."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migdev.core.versioning import VersionedForm
from migdev.diaspora.models import (
    Agreement,
    EducationLevel,
    Expert,
    LanguageLevel,
    Modality,
    PreparationItem,
    ReintegrationFollowUp,
    ReintegrationSupport,
    Request,
    Sector,
    Sex,
)
from migdev.reference.selectors import countries
from migdev.skills.widgets import ConceptField

SKILL_SLOTS = 6


def iso_date_input() -> forms.DateInput:  # noqa: N802 - used like a widget class
    """A date picker whose value is always ISO 8601: ``<input type="date">`` shows nothing for a value in
    the page language's format (10/03/2027), so an edit page in French or Spanish lost its dates."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


LANGUAGE_SLOTS = 3
WINDOW_SLOTS = 2
LANGUAGE_CHOICES = [
    ("", "—"),
    ("ar", _("Arabic")),
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("so", _("Somali")),
    ("sw", _("Swahili")),
    ("ha", _("Hausa")),
    ("yo", _("Yoruba")),
    ("am", _("Amharic")),
    ("fa", _("Persian")),
    ("ps", _("Pashto")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("nl", _("Dutch")),
]
FIELD_LABELS = {
    "display_name": _("Name (given name and initial)"),
    "country_of_origin": _("Country of origin"),
    "country_of_residence": _("Country of residence"),
    "languages": _("Languages"),
    "education": _("Education"),
    "occupation_uris": _("Occupation"),
    "skill_uris": _("Skills"),
    "sectors": _("Sectors"),
    "years_experience": _("Years of experience"),
    "availability": _("Availability"),
    "modalities": _("Modalities"),
    "biography": _("Biography"),
}


def country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((c.iso3, c.name) for c in countries())]


class ExpertProfileForm(VersionedForm):
    given_name = forms.CharField(label=_("Given name"), max_length=150)
    family_name = forms.CharField(label=_("Family name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    sex = forms.ChoiceField(label=_("Sex (for anonymous statistics)"), choices=Sex.choices, required=False)
    country_of_origin = forms.ChoiceField(label=_("Country of origin"))
    origin_basis = forms.ChoiceField(label=_("Tie to that country"), choices=Expert.OriginBasis.choices)
    country_of_residence = forms.ChoiceField(label=_("Country of residence"))
    occupation = ConceptField(kind="occupation", label=_("Occupation"), required=False)
    education_level = forms.ChoiceField(
        label=_("Highest education"), choices=[("", "—"), *EducationLevel.choices], required=False
    )
    education_field = forms.CharField(label=_("Field of study"), max_length=120, required=False)
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), choices=Sector.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    years_experience = forms.IntegerField(label=_("Years of experience"), min_value=0, max_value=70)
    days_on_site_per_year = forms.IntegerField(label=_("Days a year on site"), min_value=0, max_value=366)
    hours_online_per_week = forms.IntegerField(label=_("Hours a week online"), min_value=0, max_value=80)
    modalities = forms.MultipleChoiceField(
        label=_("Assignments you accept"), choices=Modality.choices, widget=forms.CheckboxSelectMultiple
    )
    biography = forms.CharField(
        label=_("Biography"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = country_choices()
        for name in ("country_of_origin", "country_of_residence"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
        for i in range(1, SKILL_SLOTS + 1):
            self.fields[f"skill_{i}"] = ConceptField(
                kind="skill", label=_("Skill %(n)d") % {"n": i}, required=False
            )
        for i in range(1, LANGUAGE_SLOTS + 1):
            self.fields[f"language_{i}"] = forms.ChoiceField(
                label=_("Language %(n)d") % {"n": i}, choices=LANGUAGE_CHOICES, required=False
            )
            self.fields[f"level_{i}"] = forms.ChoiceField(
                label=_("Level of language %(n)d") % {"n": i},
                choices=[("", "—"), *LanguageLevel.choices],
                required=False,
            )
        for i in range(1, WINDOW_SLOTS + 1):
            self.fields[f"window_{i}_from"] = forms.DateField(
                label=_("Available from (%(n)d)") % {"n": i},
                required=False,
                widget=iso_date_input(),
            )
            self.fields[f"window_{i}_to"] = forms.DateField(
                label=_("Available to (%(n)d)") % {"n": i},
                required=False,
                widget=iso_date_input(),
            )

    @staticmethod
    def initial_for(expert: Expert) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(expert, name)
            for name in (
                "given_name",
                "family_name",
                "email",
                "phone",
                "sex",
                "country_of_origin",
                "origin_basis",
                "country_of_residence",
                "sectors",
                "years_experience",
                "days_on_site_per_year",
                "hours_online_per_week",
                "modalities",
                "biography",
            )
        }
        initial["version"] = expert.version
        initial["occupation"] = (expert.occupation_uris or [""])[0]
        for i, uri in enumerate(expert.skill_uris[:SKILL_SLOTS], start=1):
            initial[f"skill_{i}"] = uri
        for i, item in enumerate(expert.languages[:LANGUAGE_SLOTS], start=1):
            initial[f"language_{i}"], initial[f"level_{i}"] = item.get("code", ""), item.get("level", "")
        if expert.education:
            initial["education_level"] = expert.education[0].get("level", "")
            initial["education_field"] = expert.education[0].get("field", "")
        for i, window in enumerate(list(expert.windows.all())[:WINDOW_SLOTS], start=1):
            initial[f"window_{i}_from"], initial[f"window_{i}_to"] = window.starts_on, window.ends_on
        return initial

    def clean(self) -> dict[str, Any]:
        """A language chosen in two slots is refused on the second slot (one level per language)."""
        data = super().clean() or self.cleaned_data
        seen: set[str] = set()
        for i in range(1, LANGUAGE_SLOTS + 1):
            code = data.get(f"language_{i}")
            if code and code in seen:
                self.add_error(
                    f"language_{i}", _("This language is already listed above; give each language once.")
                )
            elif code:
                seen.add(code)
        return data

    def service_values(self) -> tuple[dict[str, Any], list[tuple[Any, Any]]]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            name: data[name]
            for name in (
                "given_name",
                "family_name",
                "email",
                "phone",
                "sex",
                "country_of_origin",
                "origin_basis",
                "country_of_residence",
                "sectors",
                "years_experience",
                "days_on_site_per_year",
                "hours_online_per_week",
                "modalities",
                "biography",
            )
        }
        values["occupation_uris"] = [data["occupation"]] if data.get("occupation") else []
        values["skill_uris"] = [
            data[f"skill_{i}"] for i in range(1, SKILL_SLOTS + 1) if data.get(f"skill_{i}")
        ]
        values["languages"] = [
            {"code": data[f"language_{i}"], "level": data[f"level_{i}"]}
            for i in range(1, LANGUAGE_SLOTS + 1)
            if data.get(f"language_{i}") and data.get(f"level_{i}")
        ]
        values["education"] = (
            [{"level": data["education_level"], "field": data.get("education_field", "")}]
            if data.get("education_level")
            else []
        )
        windows = [
            (data[f"window_{i}_from"], data[f"window_{i}_to"])
            for i in range(1, WINDOW_SLOTS + 1)
            if data.get(f"window_{i}_from") and data.get(f"window_{i}_to")
        ]
        return values, windows


class SharingForm(VersionedForm):
    public_entry = forms.BooleanField(label=_("Show me on the public roster"), required=False)
    public_fields = forms.MultipleChoiceField(
        label=_("Fields shown on the public roster"),
        choices=list(FIELD_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    host_fields = forms.MultipleChoiceField(
        label=_("Fields an inviting institution sees before you both sign an agreement"),
        choices=list(FIELD_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type DELETE to delete your account"),
        max_length=10,
        help_text=_("Your name, contact details and texts are erased; anonymous statistics are kept."),
    )

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value.upper() != "DELETE":
            raise forms.ValidationError(_("Type DELETE to confirm."))
        return value


REQUEST_FORM_FIELDS = (
    "title",
    "objectives",
    "tasks",
    "sector",
    "modality",
    "duration_days",
    "place",
    "starts_on",
    "ends_on",
    "language",
    "language_level",
    "years_experience_wanted",
    "host_provides",
)


class RequestForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    objectives = forms.CharField(label=_("Objectives"), widget=forms.Textarea(attrs={"rows": 3}))
    tasks = forms.CharField(label=_("Tasks"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    occupation = ConceptField(kind="occupation", label=_("Occupation sought"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)
    duration_days = forms.IntegerField(label=_("Duration in days"), min_value=1, max_value=366)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("Start"), widget=iso_date_input())
    ends_on = forms.DateField(label=_("End"), widget=iso_date_input())
    language = forms.ChoiceField(label=_("Working language"), choices=LANGUAGE_CHOICES[1:])
    language_level = forms.ChoiceField(label=_("Minimum level"), choices=LanguageLevel.choices, initial="B2")
    years_experience_wanted = forms.IntegerField(
        label=_("Years of experience wanted"), min_value=0, max_value=50, initial=0
    )
    host_provides = forms.CharField(
        label=_("What the host provides"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, SKILL_SLOTS + 1):
            self.fields[f"skill_{i}"] = ConceptField(
                kind="skill", label=_("Required skill %(n)d") % {"n": i}, required=(i == 1)
            )

    @staticmethod
    def initial_for(row: Request) -> dict[str, Any]:
        """The form's values for ``row`` as it is saved (the edit page; the conflict page compares with it)."""
        initial: dict[str, Any] = {name: getattr(row, name) for name in REQUEST_FORM_FIELDS}
        initial["version"] = row.version
        initial["occupation"] = row.occupation_uri
        for i, uri in enumerate((row.skill_uris or [])[:SKILL_SLOTS], start=1):
            initial[f"skill_{i}"] = uri
        return initial

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data[name] for name in REQUEST_FORM_FIELDS}
        values["occupation_uri"] = data.get("occupation") or ""
        values["skill_uris"] = [
            data[f"skill_{i}"] for i in range(1, SKILL_SLOTS + 1) if data.get(f"skill_{i}")
        ]
        return values


class AgreementForm(forms.Form):
    starts_on = forms.DateField(label=_("Start"), widget=iso_date_input())
    ends_on = forms.DateField(label=_("End"), widget=iso_date_input())
    deliverables = forms.CharField(label=_("Deliverables"), widget=forms.Textarea(attrs={"rows": 3}))
    travel = forms.CharField(label=_("Travel"), required=False, max_length=500)
    compensation = forms.ChoiceField(label=_("Compensation"), choices=Agreement.Compensation.choices)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=10, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    insurance = forms.CharField(label=_("Insurance"), required=False, max_length=200)


class HoursForm(forms.Form):
    worked_on = forms.DateField(label=_("Date"), widget=iso_date_input())
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_value=24, decimal_places=1)


class EndReportForm(forms.Form):
    people_trained = forms.IntegerField(label=_("People trained"), min_value=0, max_value=1_000_000)
    documents_produced = forms.IntegerField(label=_("Documents produced"), min_value=0, max_value=1_000_000)
    services_delivered = forms.IntegerField(label=_("Services delivered"), min_value=0, max_value=1_000_000)
    rating = forms.TypedChoiceField(label=_("Rating"), choices=[(i, str(i)) for i in range(1, 6)], coerce=int)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReintegrationPlanForm(VersionedForm):
    goals = forms.CharField(
        label=_("Goals of the return (work, housing, family, qualifications)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )


class ReintegrationSupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Support"), choices=ReintegrationSupport.Kind.choices)
    description = forms.CharField(label=_("Description"), max_length=5000, required=False)
    provider = forms.CharField(label=_("Given by"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("Amount"), min_value=0, max_digits=10, decimal_places=2, required=False, initial=0
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    due_on = forms.DateField(label=_("Due"), required=False, widget=iso_date_input())


class SupportGivenForm(VersionedForm):
    done_on = forms.DateField(label=_("Given on"), widget=iso_date_input())


class ReintegrationFollowUpForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=iso_date_input())
    situation = forms.ChoiceField(label=_("Situation"), choices=ReintegrationFollowUp.Situation.choices)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )


class PreparationForm(forms.Form):
    item = forms.ChoiceField(choices=PreparationItem.choices)
    done_on = forms.DateField(label=_("Done on"), required=False)
    not_needed = forms.BooleanField(label=_("Not needed"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("not_needed") and not data.get("done_on"):
            raise forms.ValidationError(_("Give the date it was done, or mark it not needed."))
        return data


class RepeatForm(forms.Form):
    request = forms.TypedChoiceField(label=_("Request"), coerce=int, choices=[])


class RegistrationEmailForm(forms.Form):
    email = forms.EmailField(label=_("Your email"))


class RegistrationForm(forms.Form):
    """The second step, reached from the link sent to the email address (so the address is verified)."""

    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("Letters, digits and @ . + - _"),
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=12)
    given_name = forms.CharField(label=_("Given name"), max_length=150)
    family_name = forms.CharField(label=_("Family name"), max_length=150)
    country_of_origin = forms.ChoiceField(label=_("Country of origin"))
    country_of_residence = forms.ChoiceField(label=_("Country of residence"))
    modalities = forms.MultipleChoiceField(
        label=_("Assignments you accept"), choices=Modality.choices, widget=forms.CheckboxSelectMultiple
    )
    consent_processing = forms.BooleanField(
        label=_(
            "I agree that the programme keeps and processes my profile to match me with requests; I can "
            "withdraw this consent and delete my account at any time."
        )
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = country_choices()
        for name in ("country_of_origin", "country_of_residence"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices

    def clean_username(self) -> str:
        from migdev.accounts.models import User

        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username

    def clean_password(self) -> str:
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class PriorityForm(forms.Form):
    sectors = forms.MultipleChoiceField(
        label=_("Priority sectors"),
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
