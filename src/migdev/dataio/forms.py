from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from migdev.dataio.registry import LoadFormat


class ImportForm(forms.Form):
    format = forms.ChoiceField(label=_("What the file contains"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8) or Excel XLSX. The first row must hold the column names."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    replace = forms.BooleanField(
        label=_("Replace the data already stored"),
        required=False,
        help_text=_(
            "Tick this only after a first try showed what the file would change in an edition that is "
            "already loaded; without it such a file is refused and nothing changes."
        ),
    )

    def __init__(self, *args: Any, formats: Iterable[LoadFormat], **kwargs: Any) -> None:
        """``formats``: those the user may import (``migdev.dataio.selectors.formats_for``)."""
        super().__init__(*args, **kwargs)
        choice_field = self.fields["format"]
        assert isinstance(choice_field, forms.ChoiceField)
        choice_field.choices = [(item.name, f"{item.name} — {item.description}") for item in formats]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest accepted is %(limit)s."),
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                },
                code="too_large",
            )
        return upload
