"""The ``migration-policies`` load format: CSV and XLSX, all or nothing, keyed on the identifier, and the
policy export loading back unchanged."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook

from migdev.accounts.models import User
from migdev.coordination.models import MigrationPolicy
from migdev.coordination.policies import services
from migdev.coordination.policies.policies_csv import export_header_aliases
from migdev.dataio.errors import ImportRejected
from migdev.dataio.progress import NullProgress
from migdev.dataio.selectors import formats_for
from migdev.dataio.services import import_file

pytestmark = pytest.mark.django_db

HEADER = [
    "identifier",
    "country_iso3",
    "title",
    "year",
    "kind",
    "direction",
    "domain",
    "source_name",
    "adopted_on",
    "adopted_precision",
    "partners",
    "topics",
    "development_relevance",
    "source_url",
]
GOOD_ROWS = [
    [
        "PHL-RA-8042",
        "PH",
        "Migrant Workers and Overseas Filipinos Act of 1995",
        "1995",
        "law",
        "emigration",
        "migrant_rights",
        "Official Gazette",
        "1995-06-07",
        "day",
        "",
        "labour-mobility; migrants-rights",
        "Protects overseas workers; remittances",
        "https://example.org/ra8042",
    ],
    [
        "ESP-ECU-2001",
        "ESP",
        "Spain-Ecuador agreement on migration flows",
        "2001",
        "bilateral_agreement",
        "immigration",
        "cooperation",
        "BOE",
        "2001-05-01",
        "month",
        "ECU",
        "labour-mobility",
        "",
        "",
    ],
]


def _csv(tmp_path: Path, header: list[str], rows: list[list[str]], name: str = "policies.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _load(path: Path, user: User | None = None) -> Any:
    return import_file(format_name="migration-policies", path=path, user=user, progress=NullProgress())


def _rejected(path: Path) -> list[tuple[str, int | None, str | None]]:
    with pytest.raises(ImportRejected) as rejected:
        _load(path)
    assert MigrationPolicy.objects.count() == 0
    return [(error.file, error.row, error.column) for error in rejected.value.errors]


def test_a_good_csv_creates_the_policies(tmp_path: Path) -> None:
    result = _load(_csv(tmp_path, HEADER, GOOD_ROWS))
    assert (result.read, result.created, result.updated) == (2, 2, 0)
    ra8042 = MigrationPolicy.objects.get(identifier="PHL-RA-8042")
    assert (ra8042.country_iso3, ra8042.year, ra8042.is_published) == ("PHL", 1995, False)
    assert sorted(ra8042.topics.values_list("code", flat=True)) == ["labour-mobility", "migrants-rights"]
    agreement = MigrationPolicy.objects.get(identifier="ESP-ECU-2001")
    assert list(agreement.partners.values_list("country_iso3", flat=True)) == ["ECU"]
    assert agreement.adopted_precision == "month"


def test_an_xlsx_file_loads_the_same_way(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER[:8])
    sheet.append([*GOOD_ROWS[0][:3], 1995, *GOOD_ROWS[0][4:8]])
    path = tmp_path / "policies.xlsx"
    book.save(path)
    assert _load(path).created == 1
    assert MigrationPolicy.objects.get().year == 1995


def test_loading_the_same_identifier_again_updates(tmp_path: Path) -> None:
    rows = [GOOD_ROWS[0]]
    _load(_csv(tmp_path, HEADER, rows))
    policy = MigrationPolicy.objects.get()
    policy.is_published = True
    policy.save()
    changed = [[*rows[0][:2], "Republic Act No. 8042", *rows[0][3:]]]
    result = _load(_csv(tmp_path, HEADER, changed, "again.csv"))
    assert (result.created, result.updated) == (0, 1)
    policy.refresh_from_db()
    assert (MigrationPolicy.objects.count(), policy.title) == (1, "Republic Act No. 8042")
    assert policy.is_published, "without a published column an update keeps the publication state"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("country_iso3", "Philippines"),
        ("country_iso3", "XXX"),
        ("partners", "ECU Atlantis"),
        ("kind", "treaty"),
        ("domain", "rights"),
        ("year", "nineteen"),
        ("year", "1700"),
        ("adopted_on", "07/06/1995"),
        ("topics", "no-such-topic"),
        ("source_url", "not a link"),
        ("title", ""),
    ],
)
def test_each_bad_cell_is_refused_naming_file_row_and_column(tmp_path: Path, column: str, value: str) -> None:
    rows = [list(row) for row in GOOD_ROWS]
    rows[1][HEADER.index(column)] = value
    errors = _rejected(_csv(tmp_path, HEADER, rows))
    assert ("policies.csv", 3, column) in errors


def test_an_end_before_adoption_is_refused_on_ended_on(tmp_path: Path) -> None:
    rows = [[*GOOD_ROWS[0], "1990-01-01"]]
    assert ("policies.csv", 2, "ended_on") in _rejected(_csv(tmp_path, [*HEADER, "ended_on"], rows))


def test_an_identifier_twice_in_one_file_is_refused(tmp_path: Path) -> None:
    rows = [GOOD_ROWS[0], [GOOD_ROWS[0][0], *GOOD_ROWS[1][1:]]]
    assert ("policies.csv", 3, "identifier") in _rejected(_csv(tmp_path, HEADER, rows))


def test_a_missing_required_column_refuses_the_file(tmp_path: Path) -> None:
    header = [name for name in HEADER if name != "domain"]
    rows = [[value for name, value in zip(HEADER, row, strict=True) if name != "domain"] for row in GOOD_ROWS]
    with pytest.raises(ImportRejected) as rejected:
        _load(_csv(tmp_path, header, rows))
    assert "domain" in rejected.value.errors[0].reason
    assert MigrationPolicy.objects.count() == 0


def test_one_bad_row_keeps_every_row_out(tmp_path: Path) -> None:
    _load(_csv(tmp_path, HEADER, [GOOD_ROWS[0]]))
    rows = [
        [*GOOD_ROWS[0][:2], "Changed title", *GOOD_ROWS[0][3:]],
        [*GOOD_ROWS[1][:4], "treaty", *GOOD_ROWS[1][5:]],
    ]
    with pytest.raises(ImportRejected):
        _load(_csv(tmp_path, HEADER, rows, "mixed.csv"))
    assert list(MigrationPolicy.objects.values_list("title", flat=True)) == [GOOD_ROWS[0][2]]


def _policies(editor: User) -> None:
    services.policy_create(
        actor=editor,
        data=services.PolicyInput(
            country_code="SEN",
            title='=HYPERLINK("http://x")',
            year=2006,
            kind="policy",
            direction="both",
            domain="cooperation",
            source_name="Journal officiel",
            summary="- starts with a dash",
            partner_codes=["MAR", "ESP"],
            topic_codes=["partnerships"],
            is_published=True,
        ),
    )
    services.policy_create(
        actor=editor,
        data=services.PolicyInput(
            identifier="NPL-FEA-2007",
            country_code="NPL",
            title="Foreign Employment Act",
            original_title="वैदेशिक रोजगार ऐन",
            year=2007,
            kind="law",
            direction="emigration",
            domain="migrant_rights",
            area="labour_migration",
            status="in_force",
            source_name="Nepal Law Commission",
            source_url="https://example.org/fea",
            source_edition="2026-11",
            development_relevance="Recruitment fees, welfare fund",
            is_published=False,
        ),
    )


FIELDS = [
    "identifier",
    "country_iso3",
    "title",
    "original_title",
    "year",
    "adopted_on",
    "adopted_precision",
    "ended_on",
    "kind",
    "direction",
    "domain",
    "area",
    "status",
    "summary",
    "development_relevance",
    "source_name",
    "source_url",
    "source_edition",
]


def _snapshot() -> list[tuple[Any, ...]]:
    return [
        (
            *(getattr(policy, name) for name in FIELDS),
            sorted(policy.partners.values_list("country_iso3", flat=True)),
            sorted(policy.topics.values_list("code", flat=True)),
        )
        for policy in MigrationPolicy.objects.order_by("identifier")
    ]


@pytest.mark.parametrize(("language", "fmt"), [("en", "csv"), ("fr", "csv"), ("es", "xlsx")])
def test_the_export_loads_back_unchanged(
    tmp_path: Path, editor: User, editor_client: Client, language: str, fmt: str
) -> None:
    _policies(editor)
    before = _snapshot()
    response = editor_client.get(f"/{language}/coordination/policies/export/?format={fmt}")
    assert response.status_code == 200
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)  # type: ignore[attr-defined]
    MigrationPolicy.objects.all().delete()
    result = _load(path, editor)
    assert (result.read, result.created) == (2, 2)
    assert _snapshot() == before
    # Loading the same export again updates, never duplicates.
    assert (_load(path, editor).updated, MigrationPolicy.objects.count()) == (2, 2)


def test_export_headers_map_to_one_column_each_in_every_language() -> None:
    aliases = export_header_aliases()
    assert aliases["Identifier"] == "identifier" and aliases["Pays (ISO3)"] == "country_iso3"
    by_column: dict[str, set[str]] = {}
    for header, column in aliases.items():
        by_column.setdefault(column, set()).add(header)
    assert len(by_column) == 20


def test_only_editors_get_the_format_and_the_command_loads_it(
    tmp_path: Path, editor: User, analyst: User
) -> None:
    assert "migration-policies" in {f.name for f in formats_for(editor)}
    assert "migration-policies" not in {f.name for f in formats_for(analyst)}
    out = io.StringIO()
    call_command("load", "migration-policies", str(_csv(tmp_path, HEADER, [GOOD_ROWS[0]])), stdout=out)
    assert MigrationPolicy.objects.filter(identifier="PHL-RA-8042").exists()
    bad = _csv(tmp_path, HEADER, [[*GOOD_ROWS[0][:1], "Narnia", *GOOD_ROWS[0][2:]]], "bad.csv")
    with pytest.raises(CommandError):
        call_command("load", "migration-policies", str(bad), stdout=out)


def test_editors_reach_the_upload_page_from_the_policy_list(editor_client: Client, client: Client) -> None:
    page = editor_client.get("/en/coordination/policies/").content.decode()
    assert 'href="/en/data/import/"' in page
    assert 'href="/en/data/import/"' not in client.get("/en/coordination/policies/").content.decode()
    assert "migration-policies" in editor_client.get("/en/data/import/").content.decode()
