import pytest

from migdev.accounts.demo import demo_username, demo_users_create
from migdev.accounts.models import User
from migdev.accounts.roles import Role
from migdev.audit.models import AuditEvent
from migdev.core.demo import demo_seeders
from migdev.trafficking import selectors
from migdev.trafficking.demo import DEMO_CASES, demo_cases_seed
from migdev.trafficking.models import AnalyticRecord, Case, Consent, DataTransfer, Referral, ServiceDelivery

pytestmark = pytest.mark.django_db


def test_demo_seeder_is_registered() -> None:
    assert "trafficking" in [seeder.name for seeder in demo_seeders()]


def test_demo_cases_belong_to_the_demo_case_worker_and_run_twice_without_duplicates() -> None:
    demo_users_create()
    summary = demo_cases_seed()
    assert f"{len(DEMO_CASES)} new" in summary
    case_worker = User.objects.get(username=demo_username(Role.CASE_WORKER))
    assert set(Case.objects.values_list("owner", flat=True)) == {case_worker.pk}
    assert Case.objects.count() == len(DEMO_CASES)
    assert set(selectors.cases_visible_to(case_worker)) == set(Case.objects.all())
    assert all(case.first_name == "Demo" for case in Case.objects.all())
    assert Consent.objects.filter(purpose=Consent.Purpose.SHARING).count() == 1
    assert Referral.objects.filter(direction=Referral.Direction.OUTGOING).count() == 1
    assert DataTransfer.objects.count() == 1
    assert ServiceDelivery.objects.count() == 1
    assert AnalyticRecord.objects.filter(case__isnull=False).count() == len(DEMO_CASES)
    assert AuditEvent.objects.filter(record_type__icontains="case").exists()

    counts = (Case.objects.count(), Consent.objects.count(), Referral.objects.count())
    assert "(0 new)" in demo_cases_seed()
    assert (Case.objects.count(), Consent.objects.count(), Referral.objects.count()) == counts


def test_demo_cases_skip_without_demo_accounts() -> None:
    assert "skipped" in demo_cases_seed()
    assert not Case.objects.exists()
