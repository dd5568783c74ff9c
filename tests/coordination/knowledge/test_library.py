"""Research library: records, uploads with their text extracted, full-text search on either backend."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migdev.accounts.models import Organisation, User
from migdev.audit.models import AuditEvent
from migdev.coordination.knowledge import search, selectors, services
from migdev.coordination.knowledge.selectors import PublicationFilters, publications_search
from migdev.coordination.models import FileAccess, Publication
from tests.coordination.files import PNG_BYTES, docx_with_text, pdf_with_text

pytestmark = pytest.mark.django_db


def _data(**overrides: Any) -> services.PublicationInput:
    values: dict[str, Any] = {
        "title": "Migration and development study",
        "year": 2006,
        "kind": "study",
        "source": "test",
        "authors": ["A. Author"],
        "abstract": "An abstract about labour mobility.",
        "is_published": True,
    }
    values.update(overrides)
    return services.PublicationInput(**values)


def _pdf(name: str, *lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_with_text(list(lines)), content_type="application/pdf")


def test_search_finds_a_word_inside_an_uploaded_pdf(editor: User) -> None:
    publication = services.publication_create(
        actor=editor,
        data=_data(title="Engaging Diasporas as Development Partners"),
        upload=_pdf(
            "diasporas.pdf",
            "Home and host countries can work with hometown associations.",
            "Xylophonic outreach",
        ),
    )
    assert publication.file_kind == "pdf" and publication.file_name == "diasporas.pdf"
    assert len(publication.file_sha256) == 64 and default_storage.exists(publication.file.name)
    assert "hometown associations" in publication.text

    page = publications_search(None, "xylophonic")
    assert [hit.publication.pk for hit in page.hits] == [publication.pk]
    assert page.total == 1
    assert "<mark>Xylophonic</mark>" in page.hits[0].snippet
    assert publications_search(None, "saxophone").total == 0


def test_word_document_text_is_indexed(editor: User) -> None:
    upload = SimpleUploadedFile("note.docx", docx_with_text(["Quarterly remittance corridors review"]))
    publication = services.publication_create(actor=editor, data=_data(), upload=upload)
    assert publication.file_kind == "docx"
    assert publications_search(None, "corridors").hits[0].publication == publication


def test_title_matches_rank_above_text_matches(editor: User) -> None:
    in_text = services.publication_create(
        actor=editor,
        data=_data(title="Annual report", abstract=""),
        upload=_pdf("a.pdf", "circular migration"),
    )
    in_title = services.publication_create(
        actor=editor, data=_data(title="Circular migration in Asia", abstract="")
    )
    ranked = [hit.publication for hit in publications_search(None, "circular").hits]
    assert ranked == [in_title, in_text]
    scores = [hit.score for hit in publications_search(None, "circular").hits]
    assert scores[0] is not None and scores[1] is not None and scores[0] > scores[1]


def test_query_language(editor: User) -> None:
    a = services.publication_create(actor=editor, data=_data(title="Labour migration handbook", abstract=""))
    b = services.publication_create(
        actor=editor, data=_data(title="Migration of labour statistics", abstract="")
    )
    c = services.publication_create(actor=editor, data=_data(title="Remittance prices", abstract=""))

    def found(query: str) -> set[int]:
        return {hit.publication.pk for hit in publications_search(None, query).hits}

    assert found("labour migration") == {a.pk, b.pk}
    assert found('"labour migration"') == {a.pk}
    assert found("migration -handbook") == {b.pk}
    assert found("handbook OR remittance") == {a.pk, c.pk}
    assert found("remit*") == {c.pk}
    assert found("migrations") == {a.pk, b.pk}  # stemming
    assert found("-migration") == set()  # nothing that must appear: no results rather than everything


def test_accents_are_ignored(editor: User) -> None:
    publication = services.publication_create(
        actor=editor, data=_data(title="Políticas de migración y desarrollo", language="es", abstract="")
    )
    assert publications_search(None, "migracion").hits[0].publication == publication
    hit = publications_search(None, "politicas").hits[0]
    assert "<mark>Políticas</mark>" in hit.title_html


def test_people_topics_and_countries_are_searchable(editor: User, iom: Organisation) -> None:
    publication = services.publication_create(
        actor=editor,
        data=_data(organisation=iom, country_codes=["SN"], topic_codes=["remittances"], abstract=""),
    )
    for query in ("IOM", "Senegal", "Sénégal", "remittances", "Author"):
        assert [hit.publication for hit in publications_search(None, query).hits] == [publication], query


def test_unpublished_records_are_hidden_from_the_public(editor: User, client: Client) -> None:
    draft = services.publication_create(
        actor=editor, data=_data(title="Draft on seasonal work", is_published=False)
    )
    assert publications_search(None, "seasonal").total == 0
    assert publications_search(editor, "seasonal").total == 1
    assert client.get(f"/en/coordination/library/{draft.slug}/").status_code == 404
    services.publication_set_published(actor=editor, publication=draft, published=True)
    assert publications_search(None, "seasonal").total == 1
    assert client.get(f"/en/coordination/library/{draft.slug}/").status_code == 200


def test_filters_combine_with_search(editor: User) -> None:
    senegal = services.publication_create(
        actor=editor,
        data=_data(
            title="Diaspora survey", year=2005, country_codes=["SEN"], topic_codes=["diaspora-engagement"]
        ),
    )
    mexico = services.publication_create(
        actor=editor,
        data=_data(
            title="Diaspora bonds",
            year=2010,
            country_codes=["MEX"],
            language="es",
            gcm_objective_numbers=[19],
        ),
    )

    def found(query: str, **filters: Any) -> list[int]:
        return [
            hit.publication.pk for hit in publications_search(None, query, PublicationFilters(**filters)).hits
        ]

    assert found("diaspora", country_iso3="SEN") == [senegal.pk]
    assert found("diaspora", topic="diaspora-engagement") == [senegal.pk]
    assert found("diaspora", year_from=2008) == [mexico.pk]
    assert found("diaspora", language="es") == [mexico.pk]
    assert found("diaspora", gcm_objective=19) == [mexico.pk]
    assert found("", year_to=2006) == [senegal.pk]
    assert sorted(found("")) == sorted([senegal.pk, mexico.pk])


def test_paging_reports_the_total(editor: User) -> None:
    for number in range(5):
        services.publication_create(actor=editor, data=_data(title=f"Border study {number}"))
    first = publications_search(None, "border", limit=2)
    assert first.total == 5 and len(first.hits) == 2 and first.has_next
    last = publications_search(None, "border", limit=2, offset=4)
    assert len(last.hits) == 1 and not last.has_next
    seen = {
        hit.publication.pk
        for offset in (0, 2, 4)
        for hit in publications_search(None, "border", limit=2, offset=offset).hits
    }
    assert len(seen) == 5


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("picture.pdf", PNG_BYTES, "PNG image"),
        ("report.pdf", docx_with_text(["x"]), "Word document"),
        ("report.exe", b"MZ\x90\x00", "not accepted"),
        ("empty.pdf", b"", "empty"),
        ("broken.pdf", b"%PDF-1.4\nnot really a pdf", "could not be read"),
        ("latin1.txt", "migraci\xf3n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(
    editor: User, name: str, content: bytes, message: str
) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.publication_create(actor=editor, data=_data(), upload=SimpleUploadedFile(name, content))
    assert message in " ".join(refused.value.messages)
    assert Publication.objects.count() == 0
    assert AuditEvent.objects.count() == before
    _dirs, files = (
        default_storage.listdir("coordination/publications")
        if default_storage.exists("coordination/publications")
        else ([], [])
    )
    assert files == []


def test_oversized_upload_is_refused(editor: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "PUBLICATION_MAX_BYTES", 100)
    with pytest.raises(ValidationError, match="limit"):
        services.publication_create(actor=editor, data=_data(), upload=_pdf("big.pdf", "x" * 200))
    assert Publication.objects.count() == 0


def test_replacing_the_file_deletes_the_old_one(
    editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    publication = services.publication_create(
        actor=editor, data=_data(), upload=_pdf("v1.pdf", "first edition")
    )
    old_name = publication.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_update(
            actor=editor,
            publication=publication,
            data=_data(),
            upload=_pdf("v2.pdf", "second edition"),
            expected_version=publication.version,
        )
    assert not default_storage.exists(old_name) and default_storage.exists(publication.file.name)
    assert publications_search(None, "first").total == 0
    assert publications_search(None, "second").total == 1


def test_deleting_removes_it_from_the_index(editor: User) -> None:
    publication = services.publication_create(actor=editor, data=_data(title="Ephemeral paper"))
    services.publication_delete(actor=editor, publication=publication)
    assert publications_search(editor, "ephemeral").total == 0


def test_only_editors_write(analyst: User) -> None:
    with pytest.raises(PermissionDenied):
        services.publication_create(actor=analyst, data=_data())


def test_invalid_metadata_is_refused(editor: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.publication_create(actor=editor, data=_data(year=1066, kind="poem", country_codes=["XXX"]))
    assert {"year", "kind"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError, match="Unknown country"):
        services.publication_create(actor=editor, data=_data(country_codes=["XXX"]))


def test_reindex_all_rebuilds_the_index(editor: User) -> None:
    services.publication_create(actor=editor, data=_data(title="Rebuilt index works"))
    assert search.reindex_all() == 1
    assert publications_search(None, "rebuilt").total == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet=st.sampled_from(list("ab \"-*()ORNTAND:!&|'é\\^~{}")), max_size=30))
def test_any_query_text_is_safe(editor: User, query: str) -> None:
    """Whatever the user types, the backend's query parser never sees a syntax it refuses."""
    if not Publication.objects.exists():
        services.publication_create(actor=editor, data=_data(title="ab ba"))
    page = publications_search(None, query)
    assert page.total >= 0


def test_parse_query_shapes() -> None:
    parsed = search.parse_query('labour "skills circulation" -brain OR remit* 10.7.2')
    # Each word or phrase as typed, then its English, French and Spanish stems where they differ.
    assert parsed.to_fts5() == (
        '(("labour" AND ("skills circulation" OR "skill circul")) NOT "brain") OR ("remit"* AND "10 7 2")'
    )
    assert parsed.to_tsquery() == (
        "('labour' & (('skills' <-> 'circulation') | ('skill' <-> 'circul')) & !'brain') "
        "| ('remit':* & ('10' <-> '7' <-> '2'))"
    )
    assert not search.parse_query('  - "" OR ')


def test_snippet_escapes_html() -> None:
    pattern = search.highlight_pattern(search.parse_query("script"))
    html = search.snippet(["<script>alert(1)</script> script"], pattern)
    assert "<script>" not in html and "&lt;<mark>script</mark>&gt;" in html


def test_library_pages(client: Client, editor: User, editor_client: Client) -> None:
    publication = services.publication_create(
        actor=editor,
        data=_data(title="Engaging Diasporas as Development Partners"),
        upload=_pdf("d.pdf", "hometown"),
    )
    html = client.get("/en/coordination/library/?q=hometown").content.decode()
    assert "Engaging Diasporas" in html and "<mark>hometown</mark>" in html
    detail = client.get(f"/en/coordination/library/{publication.slug}/")
    assert detail.status_code == 200 and b"d.pdf" in detail.content
    assert client.get("/en/coordination/library/new/").status_code == 302
    assert editor_client.get("/en/coordination/library/new/").status_code == 200


def test_file_downloads_follow_the_access_level(
    client: Client, editor: User, editor_client: Client, analyst_client: Client
) -> None:
    public = services.publication_create(
        actor=editor, data=_data(title="Open"), upload=_pdf("open.pdf", "open")
    )
    members = services.publication_create(
        actor=editor,
        data=_data(title="Members", file_access=FileAccess.SIGNED_IN),
        upload=_pdf("m.pdf", "members"),
    )
    internal = services.publication_create(
        actor=editor,
        data=_data(title="Internal", file_access=FileAccess.EDITORS),
        upload=_pdf("i.pdf", "internal"),
    )
    draft = services.publication_create(
        actor=editor, data=_data(title="Draft", is_published=False), upload=_pdf("x.pdf", "draft")
    )

    def download(who: Client, publication: Publication) -> int:
        return who.get(f"/en/coordination/library/{publication.slug}/file/").status_code

    response = client.get(f"/en/coordination/library/{public.slug}/file/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert "open.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert download(client, members) == 302  # sign in first
    assert download(analyst_client, members) == 200
    assert download(analyst_client, internal) == 404
    assert download(editor_client, internal) == 200
    assert download(client, draft) == 404
    assert download(editor_client, draft) == 200


def test_selector_page_without_query_lists_newest_first(editor: User) -> None:
    old = services.publication_create(actor=editor, data=_data(title="Old", year=2001))
    new = services.publication_create(actor=editor, data=_data(title="New", year=2007))
    page = selectors.publications_search(None, "")
    assert [hit.publication for hit in page.hits] == [new, old]


def test_demo_items_and_the_api(client: Client, editor: User) -> None:
    from migdev.coordination.demo import seed_demo

    seed_demo()
    seed_demo()  # idempotent
    body = client.get("/api/v1/coordination/publications?q=diasporas+non-financial").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["publication"]["slug"] == "engaging-diasporas-as-development-partners-2006"
    assert "<mark>Diasporas</mark>" in item["title_html"] and item["publication"]["organisation"]
    assert client.get("/api/v1/coordination/publications?q=World+Bank").json()["count"] >= 1
    assert client.get("/api/v1/coordination/publications?country=ZZZ").status_code == 422
    draft = services.publication_create(actor=editor, data=_data(title="Unreleased", is_published=False))
    assert client.get(f"/api/v1/coordination/publications/{draft.slug}").status_code == 404
    assert client.get("/api/v1/coordination/publications?q=unreleased").json()["count"] == 0
    detail = client.get(
        "/api/v1/coordination/publications/gmg-information-note-policy-research-data-publications-2006"
    )
    assert detail.status_code == 200 and detail.json()["organisation"].startswith(
        "Office of the United Nations"
    )


def test_broad_searches_are_capped_and_listed_newest_first(
    editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    made = [
        services.publication_create(actor=editor, data=_data(title=f"Return study {n}")) for n in range(5)
    ]
    page = publications_search(None, "return", limit=2)
    assert page.capped and not page.by_relevance and page.total == 3
    assert [hit.publication for hit in page.hits] == [made[4], made[3]]
    assert page.has_next
    narrow = publications_search(None, "return", PublicationFilters(year_to=2006), limit=2)
    assert narrow.capped  # all five are from 2006
    services.publication_update(
        actor=editor,
        publication=made[0],
        data=_data(title="Return study 0", year=1999),
        expected_version=made[0].version,
    )
    ranked = publications_search(None, "return", PublicationFilters(year_to=2000))
    assert ranked.by_relevance and not ranked.capped and ranked.total == 1


def test_reindex_command(editor: User, capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    services.publication_create(actor=editor, data=_data(title="Command rebuilt"))
    call_command("reindex_publications")
    assert "indexed 1 publications" in capsys.readouterr().out
    assert publications_search(None, "rebuilt").total == 1


def test_postgres_keeps_search_vectors_in_the_row_and_no_pending_list(editor: User) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL storage settings")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'coordination_publication'::regclass "
            "AND attname = 'search_vector'"
        )
        assert cursor.fetchone()[0] == "m"
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'coordination_publication_search_gin'"
        )
        assert "fastupdate=off" in cursor.fetchone()[0]


def test_phrases_match_only_adjacent_words_in_short_and_very_long_texts(editor: User) -> None:
    # The long text's vector (~3,000 distinct words) cannot stay inside the row on PostgreSQL; phrase checks
    # must still read it. (PostgreSQL keeps positions up to 16,383 and 256 per word: the text stays within.)
    filler = " ".join(f"word{n}" for n in range(3_000)) + " labour markets and mobility"
    adjacent = services.publication_create(
        actor=editor, data=_data(title="Short", abstract="Support for labour mobility schemes.")
    )
    apart = services.publication_create(
        actor=editor, data=_data(title="Apart", abstract="Labour markets and the mobility of people.")
    )
    long_apart = services.publication_create(actor=editor, data=_data(title="Long apart", abstract=filler))
    long_adjacent = services.publication_create(
        actor=editor, data=_data(title="Long adjacent", abstract=filler + " then labour mobility at the end")
    )

    def found(query: str) -> set[int]:
        return {hit.publication.pk for hit in publications_search(None, query).hits}

    assert found('"labour mobility"') == {adjacent.pk, long_adjacent.pk}
    assert found("labour mobility") == {adjacent.pk, apart.pk, long_apart.pk, long_adjacent.pk}
    hit = next(h for h in publications_search(None, '"labour mobility"').hits if h.publication == adjacent)
    assert "<mark>labour mobility</mark>" in hit.snippet


def test_a_record_is_found_by_its_identifier_first(editor: User) -> None:
    """Researchers search by UN symbol, ISBN and DOI: the record carrying the identifier comes first, whatever
    the case, an ISBN with or without hyphens, a DOI with or without its resolver prefix."""
    report = services.publication_create(
        actor=editor, data=_data(title="Report of the Special Rapporteur", identifier="A/HRC/56/54")
    )
    citing = services.publication_create(
        actor=editor,
        data=_data(title="A/HRC/56/54 cited", abstract="Follows up on A/HRC/56/54 and HRC resolution 56/54."),
    )
    book = services.publication_create(
        actor=editor, data=_data(title="World Migration Report 2010", identifier="978-92-9068-590-6")
    )
    article = services.publication_create(
        actor=editor, data=_data(title="Remittances article", identifier="10.1111/imig.12345")
    )

    def ids(query: str) -> list[int]:
        return [hit.publication.pk for hit in publications_search(None, query).hits]

    assert ids("A/HRC/56/54") == [report.pk, citing.pk]
    assert ids("a/hrc/56/54")[0] == report.pk
    assert publications_search(None, "A/HRC/56/54").total == 2
    assert set(ids("HRC")) == {report.pk, citing.pk}  # the symbol's parts are words of the index
    for query in ("978-92-9068-590-6", "9789290685906", "ISBN 978 92 9068 590 6"):
        assert ids(query) == [book.pk], query
    for query in ("10.1111/imig.12345", "https://doi.org/10.1111/IMIG.12345", "doi:10.1111/imig.12345"):
        assert ids(query) == [article.pk], query
    # Paging past the identifier's record continues with the full-text matches, each once.
    page = publications_search(None, "A/HRC/56/54", limit=1, offset=1)
    assert [hit.publication.pk for hit in page.hits] == [citing.pk] and page.total == 2
    # Filters still apply to the identifier's record.
    assert publications_search(None, "A/HRC/56/54", PublicationFilters(year_from=2030)).total == 0


def test_a_query_of_words_alone_does_not_look_up_identifiers(
    editor: User, django_assert_num_queries: Any
) -> None:
    """The identifier column has no index the case-blind comparison can use: every search paid a scan of it
    (76 ms at p95 over 100,000 records in bench/hub.py). Identifiers all hold a digit; words skip the look-up."""
    report = services.publication_create(
        actor=editor, data=_data(title="Report of the Special Rapporteur", identifier="A/HRC/56/54")
    )
    with django_assert_num_queries(0):
        assert search.identifier_matches(Publication.objects.all(), "remittances -return") == []
        assert search.identifier_matches(Publication.objects.all(), "HRC") == []
    with django_assert_num_queries(1):
        assert search.identifier_matches(Publication.objects.all(), "a/hrc/56/54") == [report.pk]
