from django import forms
from django.utils.translation import gettext_lazy as _

from migdev.audit.models import AuditAction
from migdev.audit.selectors import AuditFilters


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("User name"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *AuditAction.choices]
    )
    record_type = forms.CharField(
        label=_("Record type"), required=False, max_length=100, help_text=_("For example accounts.note")
    )
    record_id = forms.CharField(label=_("Record id"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> AuditFilters:
        """The valid filters; call after ``is_valid()`` (invalid fields are left out)."""
        data = getattr(self, "cleaned_data", {})
        return AuditFilters(
            username=data.get("username") or "",
            action=data.get("action") or "",
            record_type=data.get("record_type") or "",
            record_id=data.get("record_id") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
