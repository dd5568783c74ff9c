import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from migdev.accounts.models import User
from migdev.coordination.knowledge import services
from migdev.coordination.models import Practice, PracticeReview

pytestmark = pytest.mark.django_db


def _data(**overrides: object) -> services.PracticeInput:
    values: dict[str, object] = {
        "title": "Pre-departure orientation for domestic workers",
        "what": "Five-day orientation before departure.",
        "who": "Ministry of labour with IOM",
        "results": "Fewer contract disputes reported.",
        "lessons": "Involve returnees as trainers.",
        "area": "labour_migration",
        "gcm_objective_numbers": [3, 6],
        "country_codes": ["PHL"],
        "topic_codes": ["information-for-migrants"],
    }
    values.update(overrides)
    return services.PracticeInput(**values)  # type: ignore[arg-type]


@pytest.fixture
def submitter(db: object) -> User:
    return User.objects.create_user(username="focal-point", password="a long test password 1")


def test_submission_review_publication(client: Client, submitter: User, editor: User) -> None:
    practice = services.practice_create(actor=submitter, data=_data())
    url = f"/en/coordination/practices/{practice.pk}/"
    assert client.get(url).status_code == 404  # a draft does not exist for the public

    services.practice_submit(actor=submitter, practice=practice)
    assert client.get(url).status_code == 404
    assert practice.title not in client.get("/en/coordination/practices/").content.decode()

    services.practice_review(
        actor=editor, practice=practice, decision="approve", comments="Clear and useful."
    )
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED and practice.published_at is not None
    assert client.get(url).status_code == 200
    listing = client.get("/en/coordination/practices/?objective=6").content.decode()
    assert practice.title in listing
    assert practice.title not in client.get("/en/coordination/practices/?objective=9").content.decode()


def test_changes_requested_then_resubmitted(submitter: User, editor: User, second_editor: User) -> None:
    practice = services.practice_create(actor=submitter, data=_data())
    services.practice_submit(actor=submitter, practice=practice)
    services.practice_review(
        actor=editor, practice=practice, decision="request_changes", comments="Add results data."
    )
    assert practice.status == Practice.Status.CHANGES_REQUESTED
    services.practice_update(
        actor=submitter,
        practice=practice,
        data=_data(results="Disputes fell by a third."),
        expected_version=practice.version,
    )
    services.practice_submit(actor=submitter, practice=practice)
    services.practice_review(actor=second_editor, practice=practice, decision="approve", comments="Thanks.")
    assert practice.status == Practice.Status.PUBLISHED
    assert PracticeReview.objects.filter(practice=practice).count() == 2


def test_review_rules(submitter: User, editor: User, analyst: User) -> None:
    own = services.practice_create(actor=editor, data=_data())
    services.practice_submit(actor=editor, practice=own)
    with pytest.raises(PermissionDenied):
        services.practice_review(actor=editor, practice=own, decision="approve", comments="mine")

    practice = services.practice_create(actor=submitter, data=_data())
    with pytest.raises(ValidationError):  # still a draft
        services.practice_review(actor=editor, practice=practice, decision="approve", comments="ok")
    services.practice_submit(actor=submitter, practice=practice)
    with pytest.raises(PermissionDenied):
        services.practice_review(actor=analyst, practice=practice, decision="approve", comments="ok")
    with pytest.raises(ValidationError):
        services.practice_review(actor=editor, practice=practice, decision="approve", comments="  ")
    with pytest.raises(ValidationError):  # published practices cannot be edited by the submitter
        services.practice_review(actor=editor, practice=practice, decision="approve", comments="ok")
        services.practice_update(
            actor=submitter, practice=practice, data=_data(), expected_version=practice.version
        )


def test_a_practice_needs_an_objective_and_real_countries(submitter: User) -> None:
    with pytest.raises(ValidationError):
        services.practice_create(actor=submitter, data=_data(gcm_objective_numbers=[]))
    with pytest.raises(ValidationError):
        services.practice_create(actor=submitter, data=_data(gcm_objective_numbers=[24]))
    with pytest.raises(ValidationError):
        services.practice_create(actor=submitter, data=_data(country_codes=["Philippines"]))
    assert Practice.objects.count() == 0


def test_other_users_cannot_see_or_change_a_draft(
    submitter: User, analyst: User, analyst_client: Client
) -> None:
    practice = services.practice_create(actor=submitter, data=_data())
    assert analyst_client.get(f"/en/coordination/practices/{practice.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.practice_submit(actor=analyst, practice=practice)


def test_workflow_through_the_pages(submitter: User, editor_client: Client) -> None:
    client = Client()
    client.force_login(submitter)
    response = client.post(
        "/en/coordination/practices/submit/",
        {
            "title": "Diaspora mentoring",
            "what": "Mentoring.",
            "countries": "SN ML",
            "who": "Diaspora association",
            "results": "120 mentees.",
            "lessons": "Match by sector.",
            "area": "diaspora",
            "gcm_objectives": ["19"],
            "submit_for_review": "1",
        },
    )
    practice = Practice.objects.get(title="Diaspora mentoring")
    assert response.status_code == 302
    assert practice.status == Practice.Status.SUBMITTED
    assert sorted(practice.countries.values_list("country_iso3", flat=True)) == ["MLI", "SEN"]
    queue = editor_client.get("/en/coordination/practices/review/").content.decode()
    assert "Diaspora mentoring" in queue
    editor_client.post(
        f"/en/coordination/practices/{practice.pk}/review/", {"decision": "approve", "comments": "Good."}
    )
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED
    assert Client().get(f"/en/coordination/practices/{practice.pk}/").status_code == 200


def test_calls_for_partnership_are_published_by_editors(
    submitter: User, editor: User, client: Client
) -> None:
    import datetime

    from migdev.accounts.models import Organisation

    call = services.partnership_call_create(
        actor=submitter,
        title="Partners sought for skills recognition",
        description="Looking for training institutions.",
        organisation=Organisation.objects.get(acronym="IOM"),
        contact_email="focal@example.org",
        open_until=datetime.date(2099, 1, 1),
        gcm_objective_numbers=[18],
    )
    assert call.title not in client.get("/en/coordination/calls/").content.decode()
    with pytest.raises(PermissionDenied):
        services.partnership_call_publish(actor=submitter, call=call)
    services.partnership_call_publish(actor=editor, call=call)
    assert call.title in client.get("/en/coordination/calls/").content.decode()
