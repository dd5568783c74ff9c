from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migdev.accounts.models import Note, User, UserGroup


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


class NoteForm(forms.Form):
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
            kwargs.setdefault("initial", {"title": note.title, "body": note.body, "group": note.group_id})
        super().__init__(*args, **kwargs)
        groups = UserGroup.objects.filter(members=user)
        if note is not None and note.group_id is not None:
            # Someone editing a note of a group they are not in may keep that group, not pick another.
            groups = groups | UserGroup.objects.filter(pk=note.group_id)
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ModelChoiceField)
        group_field.queryset = groups.distinct()
