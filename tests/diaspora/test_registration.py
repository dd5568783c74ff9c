"""Self-registration with a verified email: the link proves the address; the account gets the expert role,
a roster profile with dated consent, and nothing else."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from migdev.accounts.models import User
from migdev.diaspora.models import Expert
from tests.diaspora.conftest import World

pytestmark = pytest.mark.django_db


def _link(client) -> str:
    response = client.post("/en/diaspora/register/", {"email": "Awa.Ndiaye@Example.org"})
    assert response.status_code == 200 and "on its way" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["awa.ndiaye@example.org"]
    found = re.search(r"http://testserver(/en/diaspora/register/[^/\s]+/)", mail.outbox[0].body)
    assert found
    return found.group(1)


def test_an_expert_registers_with_a_verified_email(world: World, client) -> None:
    world.expert()  # the programme already holds experts: the newcomer joins it
    link = _link(client)
    form = {
        "username": "awa",
        "password": "a long enough pass phrase 42",
        "given_name": "Awa",
        "family_name": "Ndiaye",
        "country_of_origin": "SEN",
        "country_of_residence": "ESP",
        "modalities": ["online"],
    }
    refused = client.post(link, form)  # no consent: no account
    assert refused.status_code == 200 and not User.objects.filter(username="awa").exists()
    response = client.post(link, {**form, "consent_processing": "on"})
    assert response.status_code == 302 and response["Location"].endswith("/diaspora/profile/")
    user = User.objects.get(username="awa")
    assert set(user.roles.values_list("code", flat=True)) == {"expert"}
    expert = Expert.objects.get(user=user)
    assert expert.email == "awa.ndiaye@example.org" and expert.consent_processing_at is not None
    assert expert.group == world.programme and not expert.on_public_roster
    assert client.get("/en/diaspora/profile/").status_code == 200
    # The link cannot make a second account for the same address.
    assert "already uses this email" in client.get(link).content.decode()


def test_a_forged_or_broken_link_is_refused(client) -> None:
    assert client.get("/en/diaspora/register/not-a-token/").status_code == 404
    assert not mail.outbox


def test_the_page_answers_the_same_for_a_known_address(world: World, client) -> None:
    expert = world.expert()
    response = client.post("/en/diaspora/register/", {"email": "aminata.diallo@example.org"})
    assert "on its way" in response.content.decode()
    assert expert.user is not None
