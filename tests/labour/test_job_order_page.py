"""The job order page says truthfully how many workers passed the filters and why the table shows the
rows it shows (the browser tour read "5 workers ... were ranked" above a table of one row)."""

from __future__ import annotations

from django.test import Client

from tests.factories import login_verified
from tests.labour.conftest import COOKING, World, make_worker


def test_the_sentence_and_the_shortlist_table_agree(client: Client, world: World) -> None:
    make_worker(world, "Ranked")
    make_worker(world, "Weak", languages=[{"code": "fra", "level": 2}])  # the job order asks fra 4
    make_worker(world, "Cook", skill_uris=[COOKING])  # none of the job order's skills
    login_verified(client, world.officer)
    page = client.get(f"/en/labour/job-orders/{world.job_order.pk}/").content.decode()
    shortlist = page[page.index("Ranked candidates") :]
    shortlist = shortlist[: shortlist.index("</table>")]
    rows = shortlist.count("<tr>") - 1  # the header row
    assert rows == 1
    assert "3 workers passed the consent, scheme, origin-country and legal-age filters." in page
    assert "1 of them holds at least one of the job order's skills and meets its hard requirements" in page
    assert "were ranked" not in page
