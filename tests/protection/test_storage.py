"""Every identifying text column of every installed app is encrypted at rest (ADR 0007, ADR 0010).

The columns are found by walking the models of every installed app, not from a hand list, so a module
that lands later (labour mobility, diaspora) is covered the day it declares its first encrypted field or
its ``CLEAR_TEXT_FIELDS``. What the trafficking pages do with the values (planted text searched in the raw
database, backups, the audit log and the logs) is tested in tests/trafficking/test_free_text.py.
"""

import pytest
from django.apps import AppConfig, apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.test.utils import isolate_apps

from migdev.protection import inventory
from migdev.protection.fields import EncryptedCharField, EncryptedTextField

# Modules whose issues say they hold identifying data: when installed, they must be under the rule.
MODULES_ABOUT_PEOPLE = ("trafficking", "labour", "diaspora")


def stored_in_clear(app_config: AppConfig) -> list[str]:
    return [
        f"{model._meta.label}.{name}"
        for model, name in inventory.identifying_fields(app_config)
        if not isinstance(model._meta.get_field(name), EncryptedTextField)
    ]


def test_every_identifying_field_of_every_app_is_encrypted() -> None:
    walked = inventory.apps_holding_personal_data()
    # The walk must find the known ones, or it is walking nothing.
    found = {
        f"{model._meta.label}.{name}" for app in walked for model, name in inventory.identifying_fields(app)
    }
    assert {
        "trafficking.Case.email",
        "trafficking.Case.first_name",
        "trafficking.DataTransfer.purpose",
        "trafficking.DataTransfer.safeguards",
    } <= found
    clear = [column for app in walked for column in stored_in_clear(app)]
    assert clear == [], f"identifying text stored in clear: {clear}"


@pytest.mark.parametrize("label", MODULES_ABOUT_PEOPLE)
def test_modules_about_people_are_under_the_rule(label: str) -> None:
    if not apps.is_installed(f"migdev.{label}"):
        pytest.skip(f"migdev.{label} is not installed on this branch")
    assert inventory.holds_personal_data(apps.get_app_config(label)), (
        f"{label} holds data about people: encrypt its identifying fields (migdev.protection.fields)"
    )


def test_clear_text_declarations_name_real_text_columns() -> None:
    # A stale entry would excuse a column added later under the same name, unexamined.
    wrong = []
    for app in inventory.apps_holding_personal_data():
        for key in inventory.clear_text_fields(app):
            model_name, _, field_name = key.partition(".")
            try:
                model = app.get_model(model_name)
                if field_name != "*":
                    field = model._meta.get_field(field_name)
                    if not isinstance(field, models.CharField | models.TextField):
                        wrong.append(f"{app.label}: {key} is not a text column")
            except (LookupError, FieldDoesNotExist):
                wrong.append(f"{app.label}: {key} names no column")
    assert wrong == []


def test_a_new_module_with_a_clear_text_column_is_caught() -> None:
    # A module that declares one encrypted field comes under the rule for all its text columns.
    with isolate_apps("tests.protection") as registry:

        class Worker(models.Model):  # noqa: DJ008 (a throwaway model of this test)
            full_name = EncryptedCharField(max_length=200)
            employer_notes = models.TextField(blank=True)
            sector = models.CharField(max_length=20, choices=[("care", "Care")])

            class Meta:
                app_label = "protection"

        class Vacancy(models.Model):  # noqa: DJ008 (a throwaway model of this test)
            title = models.CharField(max_length=200)

            class Meta:
                app_label = "protection"

        app = registry.get_app_config("protection")
        assert inventory.holds_personal_data(app)
        assert sorted(stored_in_clear(app)) == [
            "protection.Vacancy.title",
            "protection.Worker.employer_notes",
        ]
        assert ("Worker", "full_name") in {
            (model.__name__, name) for model, name in inventory.identifying_fields(app)
        }
        assert inventory.clear_text_reason(Worker, "employer_notes") is None


def test_a_module_without_personal_data_is_not_walked() -> None:
    with isolate_apps("tests.protection") as registry:

        class Indicator(models.Model):  # noqa: DJ008 (a throwaway model of this test)
            title = models.CharField(max_length=200)

            class Meta:
                app_label = "protection"

        app = registry.get_app_config("protection")
        assert list(app.get_models()) == [Indicator]
        assert not inventory.holds_personal_data(app)
