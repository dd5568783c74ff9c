"""The country migration profile's card of international instruments (from the migration-law module): the
instruments the country is party to, each as of its list's date, a pointer to the law country page, and
no ILO instrument read as "not party" while its list is not loaded. A newer list shows without waiting for
the profile cache to expire."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from migdev.dataio.services import import_file
from migdev.law.services import load_reference

NORMLEX_FIXTURE = Path(__file__).resolve().parents[1] / "law" / "fixtures" / "C097_2024-05-01.csv"


def _card(client: Client, path: str) -> str:
    page = client.get(path).content.decode()
    start = page.index('data-testid="law-card"')
    return page[start : page.index("</section>", start)]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_profile_lists_the_instruments_the_country_is_party_to_as_of_their_lists(
    client: Client, language: str
) -> None:
    load_reference()
    card = _card(client, f"/{language}/indicators/countries/MEX/")
    # Mexico: ICRMW 8 Mar 1999, both refugee instruments 2000, Palermo protocols 2003; not the 1961 one.
    for code in ("ICRMW", "CSR1951", "PSR1967", "TIP2000", "SOM2000"):
        assert f'data-code="{code}"' in card, code
    assert 'data-code="CRS1961"' not in card
    assert "1999" in card and "2014" in card  # the ICRMW consent and its list's date
    assert f'href="/{language}/law/countries/MEX/"' in card
    assert "C097" in card and 'data-code="C097"' not in card  # named as not loaded, not as a party


@pytest.mark.django_db
def test_a_loaded_list_reaches_the_cached_profile(client: Client) -> None:
    load_reference()
    before = _card(client, "/en/indicators/countries/DZA/")
    assert 'data-code="C097"' not in before
    with translation.override("en"):
        import_file(format_name="law-normlex", path=NORMLEX_FIXTURE)
    after = _card(client, "/en/indicators/countries/DZA/")
    assert 'data-code="C097"' in after and "1962" in after
