"""Skills pages in English, French and Spanish, and the autocomplete widget (with and without htmx)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django import forms
from django.test import Client
from django.utils import translation

from migdev.skills.models import Occupation, TaxonomyEdition
from migdev.skills.widgets import ConceptField
from tests.skills.conftest import COMPUTER_PROGRAMMING, NURSE

pytestmark = pytest.mark.django_db

ATTRIBUTION = "Contains ESCO classification data, © European Union"


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize(
    ("lang", "label", "group"),
    [
        ("en", "nurse responsible for general care", "Nursing professionals"),
        ("fr", "infirmier de soins généraux/infirmière de soins généraux", "Cadres infirmiers"),
        (
            "es",
            "enfermero responsable de cuidados generales/enfermera responsable de cuidados generales",
            "Profesionales de enfermería",
        ),
    ],
)
def test_the_occupation_page_in_three_languages(
    esco: TaxonomyEdition, client: Client, lang: str, label: str, group: str
) -> None:
    html = _page(client, f"/{lang}/skills/occupation/?uri={quote(NURSE, safe='')}")
    assert f'<html lang="{lang}"' in html
    assert f"<h1><span>{label}</span></h1>" in html
    assert group in html  # the ISCO-08 path
    assert "2221.2" in html
    assert ATTRIBUTION in html
    assert quote(COMPUTER_PROGRAMMING, safe="") not in html  # not a nursing skill
    assert html.count("skills/skill/?uri=") > 60  # essential and optional skills link to their pages


def test_an_english_fallback_label_is_marked_with_its_language(esco: TaxonomyEdition, client: Client) -> None:
    occupation = Occupation.objects.filter(edition=esco, label_fr="").order_by("label_en").first()
    assert occupation is not None
    html = _page(client, f"/fr/skills/occupation/?uri={quote(occupation.uri, safe='')}")
    assert f'<h1><span lang="en" class="fallback-label">{occupation.label_en}</span>' in html
    assert "<dd>non</dd>" in html  # ESCO's regulated-profession note, read, not shown as a URI
    nurse = _page(client, f"/fr/skills/occupation/?uri={quote(NURSE, safe='')}")
    assert "<dd>oui, dans au moins un pays de l" in nurse


def test_the_skill_page_shows_hierarchy_occupations_and_related_skills(
    esco: TaxonomyEdition, client: Client
) -> None:
    html = _page(client, f"/es/skills/skill/?uri={quote(COMPUTER_PROGRAMMING, safe='')}")
    assert "<h1><span>programación informática</span></h1>" in html
    assert "Place in the hierarchy" in html or "jerarquía" in html
    assert html.count("skills/occupation/?uri=") > 10
    assert ATTRIBUTION in html


def test_the_search_page_works_without_javascript(esco: TaxonomyEdition, client: Client) -> None:
    html = _page(client, "/fr/skills/?q=infirmiere")
    results = html[html.index('id="skills-results"') :]
    first_three = re.findall(r"skills/occupation/\?uri=([^\"]+)\"", results)[:3]
    assert quote(NURSE, safe="") in first_three
    skills_html = _page(client, "/en/skills/?q=python&kind=skill")
    assert "Python (computer programming)" in skills_html
    assert "13,931 skills" in _page(client, "/en/skills/") or "13,931" in _page(client, "/en/skills/")


def test_the_search_page_answers_htmx_with_the_results_only(esco: TaxonomyEdition, client: Client) -> None:
    response = client.get("/es/skills/?q=enfremera&partial=results", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.startswith('<div id="skills-results"') and "<html" not in html
    assert quote(NURSE, safe="") in html


def test_bad_page_input_is_a_404_not_a_500(esco: TaxonomyEdition, client: Client) -> None:
    assert client.get("/en/skills/occupation/").status_code == 404
    assert client.get("/en/skills/occupation/?uri=" + "x" * 300).status_code == 404
    assert client.get("/en/skills/skill/?uri=nothing").status_code == 404
    assert client.get("/en/skills/autocomplete/?kind=bad&field=x").status_code == 404
    assert client.get("/en/skills/autocomplete/?kind=skill&field=%3Cscript%3E").status_code == 404
    assert client.get("/en/skills/?q=" + "x" * 5000).status_code == 200


class _VacancyForm(forms.Form):
    occupation = ConceptField(kind="occupation", label="Occupation")


def test_the_autocomplete_answers_options_as_radio_buttons(esco: TaxonomyEdition, client: Client) -> None:
    html = _page(client, "/fr/skills/autocomplete/?kind=occupation&field=occupation&occupation__q=infirmiere")
    values = re.findall(r'name="occupation" value="([^"]+)"', html)
    assert NURSE in values[:3]


def test_the_field_accepts_a_uri_an_exact_label_and_asks_to_choose_otherwise(esco: TaxonomyEdition) -> None:
    with translation.override("fr"):
        form = _VacancyForm(data={"occupation": NURSE})
        assert form.is_valid() and form.cleaned_data["occupation"] == NURSE
        exact = _VacancyForm(data={"occupation__q": "infirmière de soins généraux"})
        assert exact.is_valid(), exact.errors
        assert exact.cleaned_data["occupation"] == NURSE
        vague = _VacancyForm(data={"occupation__q": "infirmiere"})
        assert not vague.is_valid()
        rendered = str(vague["occupation"])
        assert f'value="{NURSE}"' in rendered  # the matches come back as choices: no JavaScript needed
        # without JavaScript, "Find" searches the typed text even when an earlier choice is still in the form
        again = _VacancyForm(data={"occupation": NURSE, "occupation__q": "plombier", "occupation__find": "1"})
        assert not again.is_valid() or again.cleaned_data["occupation"] != NURSE
        unknown = _VacancyForm(data={"occupation": "http://data.europa.eu/esco/occupation/nope"})
        assert not unknown.is_valid()
    with translation.override("en"):
        shown = _VacancyForm(initial={"occupation": NURSE})
        html = str(shown["occupation"])
        assert "nurse responsible for general care" in html and 'hx-get="/en/skills/autocomplete/' in html
