"""National laws beside the instruments: a published law of the policy database linked to the instrument it
implements shows on the country page; an unpublished one stays hidden; links load all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from migdev.coordination.models import MigrationPolicy
from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.law.models import Implementation


def _policy(identifier: str, title: str, published: bool) -> MigrationPolicy:
    return MigrationPolicy.objects.create(
        identifier=identifier,
        country_iso3="MEX",
        title=title,
        year=2011,
        kind=MigrationPolicy.Kind.LAW,
        direction=MigrationPolicy.Direction.BOTH,
        domain="migrant_rights",
        source_name="test",
        is_published=published,
    )


@pytest.mark.usefixtures("shipped")
def test_a_linked_law_shows_beside_the_instruments_and_an_unpublished_one_does_not(
    client: Client, tmp_path: Path
) -> None:
    _policy("MEX-LM-2011", "Ley de Migración (test record)", published=True)
    _policy("MEX-DRAFT", "Draft bill (test record)", published=False)
    path = tmp_path / "links.csv"
    path.write_text("policy,instrument,note\nMEX-LM-2011,icrmw,\nMEX-LM-2011,TIP2000,\n", encoding="utf-8")
    import_file(format_name="law-implementations", path=path)
    page = client.get("/en/law/countries/MEX/").content.decode()
    row = page[page.index('data-policy="MEX-LM-2011"') :]
    row = row[: row.index("</tr>")]
    assert ">ICRMW</a>" in row and ">TIP2000</a>" in row
    assert "Draft bill" not in page
    bad = tmp_path / "bad.csv"
    bad.write_text("policy,instrument\nMEX-LM-2011,CSR1951\nNOPE,ICRMW\nMEX-LM-2011,XYZ\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name="law-implementations", path=bad)
    assert {(e.row, e.column) for e in caught.value.errors} == {(3, "policy"), (4, "instrument")}
    assert Implementation.objects.count() == 2
