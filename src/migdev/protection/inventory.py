"""Which text columns must be encrypted: the rule of ADR 0007, for every app that holds data about people.

An app holds data about people when one of its models has an encrypted field or its models module declares
``CLEAR_TEXT_FIELDS``. In such an app every text column is free text about a person, or may become one,
and must be an ``Encrypted*Field`` unless it is coded (``choices``) or listed in ``CLEAR_TEXT_FIELDS``
with the reason it describes nobody: ``{"Model.field": reason}``, or ``{"Model.*": reason}`` for a whole
model. ``tests/protection/test_storage.py`` walks every installed app with these functions.
"""

from django.apps import AppConfig, apps
from django.db import models

from migdev.protection.fields import encrypted_fields

FieldKey = tuple[type[models.Model], str]


def clear_text_fields(app_config: AppConfig) -> dict[str, str]:
    """The app's declared clear text columns and why (empty when it declares none)."""
    return dict(getattr(app_config.models_module, "CLEAR_TEXT_FIELDS", None) or {})


def clear_text_reason(model: type[models.Model], field_name: str) -> str | None:
    """Why a text column of ``model`` may stay in clear, or None when it must be encrypted."""
    declared = clear_text_fields(model._meta.app_config)
    return declared.get(f"{model.__name__}.{field_name}") or declared.get(f"{model.__name__}.*")


def holds_personal_data(app_config: AppConfig) -> bool:
    return hasattr(app_config.models_module, "CLEAR_TEXT_FIELDS") or any(
        encrypted_fields(model) for model in app_config.get_models()
    )


def apps_holding_personal_data() -> list[AppConfig]:
    return [app_config for app_config in apps.get_app_configs() if holds_personal_data(app_config)]


def identifying_fields(app_config: AppConfig) -> list[FieldKey]:
    """Every text column of the app's models that may hold something about a person."""
    found = []
    for model in app_config.get_models():
        for field in model._meta.concrete_fields:
            text = isinstance(field, models.CharField | models.TextField)
            if text and not field.choices and clear_text_reason(model, field.name) is None:
                found.append((model, field.name))
    return found
