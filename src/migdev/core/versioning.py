"""Optimistic locking for every editable record, so no edit is silently lost.

Every record people edit inherits :class:`VersionedModel`. An edit form carries the version the editor
started from (:class:`VersionedForm`); the service claims that version with :func:`claim_version` inside
its transaction, one conditional UPDATE, so of two editors who started from the same version exactly one
wins and the other gets :class:`StaleEdit`. Pages answer it with the conflict page that keeps the
editor's input (:func:`edit_conflict` and ``core/_edit_conflict.html``); the API answers 409.

Imports and workflow steps that rewrite a record pass ``expected_version=None``: they do not check, but
they still move the version on, so a form opened before them cannot overwrite what they wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models, transaction
from django.db.models import F


class VersionedModel(models.Model):
    """A record people edit: ``version`` grows by one with every saved change."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class StaleEdit(Exception):
    """Someone saved the record after the editor read it; nothing was written."""

    def __init__(self, record: models.Model, current_version: int, expected_version: int | None) -> None:
        label = record._meta.label
        super().__init__(f"{label} {record.pk} is now at version {current_version}, not {expected_version}")
        self.record_label = label
        self.record_pk = record.pk
        self.current_version = current_version
        self.expected_version = expected_version


def claim_version(record: VersionedModel, expected_version: int | None) -> None:
    """Move the stored ``record`` from ``expected_version`` to the next version, or raise :class:`StaleEdit`.

    Call it inside the transaction that writes the record and before anything else is written: the
    conditional UPDATE holds the row until the transaction ends, so a concurrent editor waits and then
    finds the version moved (PostgreSQL) or cannot start writing at all (SQLite). A new record (no
    primary key) has nothing to claim. ``expected_version=None`` moves the version without checking
    (imports, workflow steps)."""
    if record.pk is None:
        return
    if not transaction.get_connection(record._state.db or "default").in_atomic_block:
        raise RuntimeError("claim_version must run inside the transaction that writes the record")
    rows = type(record)._default_manager.filter(pk=record.pk)
    checked = rows if expected_version is None else rows.filter(version=expected_version)
    if checked.update(version=F("version") + 1) != 1:
        current = rows.values_list("version", flat=True).first()
        raise StaleEdit(record, current or 0, expected_version)
    record.version = rows.values_list("version", flat=True).get()


def versioned_models() -> list[type[models.Model]]:
    """Every concrete model that carries a version (used by the checks and the tests)."""
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, VersionedModel)]


class VersionedForm(forms.Form):
    """Mix into an edit form (also a ModelForm): a hidden ``version`` the editor started from.

    Left empty it counts as version 0, which never matches: a save that does not say which version it
    changes is treated as stale rather than allowed to overwrite."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if isinstance(instance, VersionedModel) and instance.pk is not None:
            self.initial.setdefault("version", instance.version)

    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or 0

    def cleaned_values(self) -> dict[str, Any]:
        """The cleaned data without ``version`` (which the service takes as ``expected_version``)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


@dataclass(frozen=True)
class EditConflict:
    """What the conflict page shows: the version now stored and the fields where it differs from the form."""

    version: int
    differences: list[tuple[str, str]]


def _shown(field: forms.Field, value: Any) -> str:
    if value in (None, "", [], ()):
        return ""
    choices = dict(getattr(field, "choices", None) or [])
    values = list(value) if isinstance(value, list | tuple | set | models.QuerySet) else [value]
    shown = []
    for item in values:
        key = item.pk if isinstance(item, models.Model) else item
        label = choices.get(key, choices.get(str(key), item))
        shown.append(str(label))
    return ", ".join(shown)


def edit_conflict(
    form: forms.BaseForm, stale: StaleEdit, stored: Mapping[str, Any], *, skip: Iterable[str] = ()
) -> EditConflict:
    """Turn a stale save into the conflict page's content and keep every value the editor typed.

    ``stored`` is the form's initial data for the record as it is now saved. The form is moved to the
    stored version, so saving it again (after comparing) is a deliberate overwrite of that version."""
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict or a dict, both copy
    data[form.add_prefix("version")] = str(stale.current_version)
    form.data = data
    ignored = {"version", *skip}
    differences = [
        (str(form[name].label), _shown(field, stored.get(name)))
        for name, field in form.fields.items()
        if name not in ignored
        and not isinstance(field, forms.FileField)
        and field.has_changed(stored.get(name), form[name].data)
    ]
    return EditConflict(version=stale.current_version, differences=differences)
