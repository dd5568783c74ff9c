"""The counter-trafficking part of the demo data set: a few fictional cases for the demo case worker.

Every person here is invented ("Demo Person 1" …). Cases are written through the services, so they are
encrypted, audited and have their analytic records like any other. Running it again adds nothing: a case
is recognised by its blind index (name, birth date, citizenship), the only way to find an encrypted name.
No CTDC file ships with the application (the cut in ``tests/`` is test data), so none is loaded here.
"""

from datetime import date
from typing import Any

from django.db import transaction

from migdev.accounts.demo import demo_username
from migdev.accounts.models import Organisation, User
from migdev.accounts.roles import Role
from migdev.trafficking import htcds, services
from migdev.trafficking.models import Case, Consent

DEMO_PARTNER_NAME = "Demo partner shelter"
DEMO_PARTNER_ACRONYM = "DEMOSHELTER"

# Fictional people, with coded values spread so the statistics pages have something to show.
DEMO_CASES: tuple[dict[str, Any], ...] = (
    {
        "first_name": "Demo",
        "second_name": "Person 1",
        "birth_date": date(1994, 5, 1),
        "gender": htcds.Gender.FEMININE,
        "citizenship": ["NG"],
        "trafficking_status": htcds.TraffickingStatus.ACTUAL_VICTIM_OF_TRAFFICKING,
        "exploitation_types": [htcds.ExploitationType.SEXUAL_EXPLOITATION],
        "control_methods": [htcds.ControlMethod.DEBT_BONDAGE],
        "exploitation_country": "IT",
        "registered_on": date(2025, 2, 3),
    },
    {
        "first_name": "Demo",
        "second_name": "Person 2",
        "birth_date": date(1988, 9, 12),
        "gender": htcds.Gender.MASCULINE,
        "citizenship": ["BD"],
        "trafficking_status": htcds.TraffickingStatus.ACTUAL_VICTIM_OF_TRAFFICKING,
        "exploitation_types": [htcds.ExploitationType.FORCED_LABOUR],
        "control_methods": [htcds.ControlMethod.PHYSICAL_THREATS],
        "exploitation_country": "MY",
        "registered_on": date(2025, 6, 17),
    },
    {
        "first_name": "Demo",
        "second_name": "Person 3",
        "birth_date": date(2008, 1, 20),
        "gender": htcds.Gender.FEMININE,
        "citizenship": ["HT"],
        "trafficking_status": htcds.TraffickingStatus.POSSIBLE_VICTIM_OF_TRAFFICKING,
        "exploitation_types": [htcds.ExploitationType.CHILD_LABOUR],
        "exploitation_country": "DO",
        "registered_on": date(2026, 1, 9),
    },
    {
        "first_name": "Demo",
        "second_name": "Person 4",
        "birth_date": date(1979, 11, 30),
        "gender": htcds.Gender.MASCULINE,
        "citizenship": ["UA"],
        "trafficking_status": htcds.TraffickingStatus.ACTUAL_VICTIM_OF_TRAFFICKING,
        "exploitation_types": [htcds.ExploitationType.FORCED_LABOUR],
        "exploitation_country": "PL",
        "registered_on": date(2026, 3, 2),
    },
)


def _demo_case_exists(values: dict[str, Any]) -> bool:
    probe = Case(
        first_name=values["first_name"],
        second_name=values["second_name"],
        birth_date=values["birth_date"],
        citizenship=values["citizenship"],
    )
    key = services._case_blind_index(probe)
    return Case.objects.filter(blind_index=key, merged_into__isnull=True).exists()


def demo_cases_seed() -> str:
    """Ensure the demo cases exist (with consent, a referral and support on the first). Safe to run again."""
    try:
        case_worker = User.objects.get(username=demo_username(Role.CASE_WORKER))
    except User.DoesNotExist:
        return "skipped (no demo case worker; the accounts seeder runs first)"
    created = 0
    with transaction.atomic():
        partner, _new = Organisation.objects.get_or_create(
            name=DEMO_PARTNER_NAME,
            defaults={"acronym": DEMO_PARTNER_ACRONYM, "kind": Organisation.Kind.NGO},
        )
        for number, values in enumerate(DEMO_CASES):
            if _demo_case_exists(values):
                continue
            case = services.case_create(actor=case_worker, values=values).case
            created += 1
            services.consent_record(actor=case_worker, case=case, purpose=Consent.Purpose.ASSISTANCE)
            if number == 0:
                services.consent_record(
                    actor=case_worker, case=case, purpose=Consent.Purpose.SHARING, partners=[partner]
                )
                services.referral_make_outgoing(
                    actor=case_worker,
                    case=case,
                    organisation=partner,
                    reason=htcds.ReferralReason.ADDITIONAL_SERVICES_REQUIRED,
                    purpose="Safe accommodation (demo)",
                    safeguards="Handed over in person (demo)",
                    fields_shared=["first_name", "second_name"],
                )
                plan = services.support_plan_add(
                    actor=case_worker,
                    case=case,
                    values={"plan_type": htcds.SupportPlanType.HEALTH, "objectives": "Medical check (demo)"},
                )
                services.service_record(
                    actor=case_worker,
                    case=case,
                    values={"service_type": htcds.SupportPlanType.HEALTH, "plan": plan, "provider": partner},
                )
    total = sum(_demo_case_exists(values) for values in DEMO_CASES)
    return f"{total} demo cases for {case_worker.get_username()} ({created} new)"
