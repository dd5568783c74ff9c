from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from migdev.accounts import access, selectors
from migdev.accounts.models import Note, Organisation, User, UserGroup
from migdev.accounts.roles import ROLE_DESCRIPTIONS, Role, Scope
from migdev.core.versioning import VersionedForm


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=10,
        help_text=_("Six digits."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ApiTokenCreateForm(forms.Form):
    EXPIRY_CHOICES = [
        ("30", _("In 30 days")),
        ("90", _("In 90 days")),
        ("365", _("In one year")),
        ("", _("Never")),
    ]

    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, such as the script or system that uses it."),
    )
    expires_in_days = forms.ChoiceField(
        label=_("Expires"), choices=EXPIRY_CHOICES, required=False, initial="90"
    )


class NoteForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Never write victim or case details here; they belong in the case record."),
    )
    group = forms.ModelChoiceField(
        label=_("Shared with group"),
        queryset=UserGroup.objects.none(),
        required=False,
        empty_label=_("Not shared with a group"),
    )

    def __init__(self, *args: Any, user: User, note: Note | None = None, **kwargs: Any) -> None:
        if note is not None:
            kwargs.setdefault("initial", note_initial(note))
        super().__init__(*args, **kwargs)
        groups = UserGroup.objects.filter(members=user)
        if note is not None and note.group_id is not None:
            # Someone editing a note of a group they are not in may keep that group, not pick another.
            groups = groups | UserGroup.objects.filter(pk=note.group_id)
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ModelChoiceField)
        group_field.queryset = groups.distinct()


def note_initial(note: Note) -> dict[str, Any]:
    return {"version": note.version, "title": note.title, "body": note.body, "group": note.group_id}


def user_account_initial(user: User) -> dict[str, Any]:
    return {
        "version": user.version,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organisation": user.organisation_id,
        "roles": list(user.roles.values_list("code", flat=True)),
        "groups": list(user.user_groups.values_list("pk", flat=True)),
    }


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Part of a name, user name or email address."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All organisations"),
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active and deactivated")), ("yes", _("Active")), ("no", _("Deactivated"))],
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation_field = self.fields["organisation"]
        assert isinstance(organisation_field, forms.ModelChoiceField)
        organisation_field.queryset = organisations
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [("", _("All roles")), *Role.choices]


class _GroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, UserGroup)
        return f"{obj.name} ({obj.organisation})" if obj.organisation_id else str(obj.name)


class UserAccountForm(VersionedForm):
    """An account as an administrator edits it. Choices offer only what the administrator may grant; the
    service checks again, since a form can be posted with any value."""

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("Letters, digits and @/./+/-/_ only. It cannot be changed later."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False, empty_label=_("None")
    )
    roles = forms.MultipleChoiceField(label=_("Roles"), required=False, widget=forms.CheckboxSelectMultiple)
    groups = _GroupChoiceField(
        label=_("User groups"),
        queryset=UserGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members of a group share the records kept at group scope."),
    )
    send_email = forms.BooleanField(
        label=_("Also email the set-password link to the address above"), required=False
    )

    def __init__(
        self, *args: Any, actor: User, user: User | None = None, email_enabled: bool = False, **kwargs: Any
    ) -> None:
        if user is not None:
            kwargs.setdefault("initial", user_account_initial(user))
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            del self.fields["username"]
        if user is not None or not email_enabled:
            del self.fields["send_email"]

        organisations = Q(pk__in=selectors.organisations_assignable_by(actor).values("pk"))
        if user is not None and user.organisation_id is not None:
            organisations |= Q(pk=user.organisation_id)
        organisation_field = self.fields["organisation"]
        assert isinstance(organisation_field, forms.ModelChoiceField)
        organisation_field.queryset = Organisation.objects.filter(organisations)
        # Only an administrator of every organisation may leave an account without one.
        organisation_field.required = access.scope_for(actor, selectors.USER_MANAGE) != Scope.ALL

        grantable = selectors.roles_grantable_by(actor)
        roles_field = self.fields["roles"]
        assert isinstance(roles_field, forms.MultipleChoiceField)
        roles_field.choices = [
            (role.value, f"{role.label} — {ROLE_DESCRIPTIONS[role]}")
            for role in Role
            if role.value in grantable
        ]

        groups = Q(pk__in=selectors.groups_assignable_by(actor).values("pk"))
        if user is not None:
            groups |= Q(members=user)
        groups_field = self.fields["groups"]
        assert isinstance(groups_field, forms.ModelMultipleChoiceField)
        groups_field.queryset = UserGroup.objects.filter(groups).select_related("organisation").distinct()

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("A user with that user name already exists."))
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("send_email") and not cleaned.get("email"):
            self.add_error("email", _("Give an email address to send the link to."))
        return cleaned
