"""Small law records for the editing tests: one instrument, one party list with a consent and a statement,
a provision, a training and a request for technical assistance (with its registry activity)."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.utils import timezone

from migdev.accounts.models import Organisation
from migdev.coordination.models import MigrationPolicy, Topic
from migdev.law import services
from migdev.law.models import (
    AssistanceRequest,
    Implementation,
    Instrument,
    PartyAction,
    PartyList,
    Provision,
    Statement,
    StatementKind,
    Training,
)

_numbers = itertools.count(1)


def make_instrument(code: str = "") -> Instrument:
    return Instrument.objects.create(
        code=code or f"T{next(_numbers):03d}",
        body="UN",
        kind="convention",
        binding=True,
        title_en="Test convention",
        source="test",
    )


def make_action(instrument: Instrument | None = None, **values: Any) -> PartyAction:
    instrument = instrument or make_instrument()
    party_list, _ = PartyList.objects.get_or_create(
        instrument=instrument,
        as_of=datetime.date(2014, 1, 27),
        defaults={
            "format_name": "law-parties",
            "file_name": "test.csv",
            "sources": "test",
            "loaded_at": timezone.now(),
        },
    )
    defaults: dict[str, Any] = {
        "participant_code": "SEN",
        "name_as_printed": "Senegal",
        "entity_type": "state",
        "kind": "ratification",
        "date": datetime.date(2003, 10, 27),
        "year": 2003,
        "precision": "day",
        "source": "test",
        "as_of": party_list.as_of,
        "row": 2,
    }
    return PartyAction.objects.create(party_list=party_list, **{**defaults, **values})


def make_statement(action: PartyAction | None = None) -> Statement:
    return Statement.objects.create(
        action=action or make_action(),
        kind=StatementKind.DECLARATION,
        text="Declaration as printed.",
        source="test",
        row=2,
    )


def make_provision(instrument: Instrument | None = None) -> Provision:
    return Provision.objects.create(
        instrument=instrument or make_instrument(),
        reference="Article 22",
        text="Quoted text.",
        source="test",
        loaded_from="test.csv",
    )


def make_training(**values: Any) -> Training:
    defaults: dict[str, Any] = {
        "reference": f"TR-{next(_numbers)}",
        "title": "Workshop on migration law",
        "topic": Topic.objects.order_by("pk").first(),
        "country_iso3": "SEN",
        "starts_on": datetime.date(2024, 3, 4),
        "ends_on": datetime.date(2024, 3, 6),
        "organisers": "Ministry",
        "women": 5,
        "men": 5,
        "sex_not_recorded": 0,
        "ministries": 4,
        "agencies": 4,
        "civil_society": 2,
        "other_institutions": 0,
        "source": "test",
    }
    return Training.objects.create(**{**defaults, **values})


def make_assistance(actor: Any, *, published: bool = True, country: str = "SEN") -> AssistanceRequest:
    organisation = Organisation.objects.get(acronym="IOM")
    return services.assistance_create(
        actor=actor,
        data=services.AssistanceInput(
            country_iso3=country,
            law_title="Draft law on labour migration",
            stage="drafting",
            requested_on=datetime.date(2025, 2, 3),
            requesting_agency="Ministry of labour",
            supporting_agencies="IOM; ILO",
            support_given="Comments on the draft against ICRMW and C097.",
            support_started=datetime.date(2025, 3, 1),
            source="Request letter of 3 Feb 2025 (test)",
            reporting_organisation=organisation,
            is_published=published,
        ),
    )


def make_policy(*, country: str = "SEN", published: bool = True, title: str = "") -> MigrationPolicy:
    number = next(_numbers)
    return MigrationPolicy.objects.create(
        identifier=f"{country}-TEST-{number}",
        country_iso3=country,
        title=title or f"Law on migration no. {number} (test record)",
        year=2011,
        kind=MigrationPolicy.Kind.LAW,
        direction=MigrationPolicy.Direction.BOTH,
        domain="migrant_rights",
        source_name="test",
        is_published=published,
    )


def make_implementation(
    policy: MigrationPolicy | None = None, instrument: Instrument | None = None
) -> Implementation:
    return Implementation.objects.create(
        policy=policy or make_policy(), instrument=instrument or make_instrument(), source="test"
    )
