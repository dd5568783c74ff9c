"""Full-text search over the research library, on SQLite (FTS5) and PostgreSQL (tsvector with a GIN index).

One query language for both, parsed here: words must all appear (stemmed, accents ignored),
``"quoted words"`` form a phrase, ``-word`` excludes, ``OR`` between words or phrases offers
alternatives, and ``word*`` matches the beginning of words. The parsed query is written out in each
backend's own syntax, so user input never reaches either query parser unchecked.

The index holds four weighted parts: the title, the people (authors, organisation, topics, countries, and
the record's identifier, so a UN symbol's parts are words: ``HRC`` finds A/HRC/56/54), the abstract and the text extracted from the file. SQLite keeps them in the FTS5 table created by
migration 0005, PostgreSQL in the ``search_vector`` column of the publication table, stored inside the row
(migration 0008: phrase checks and ``ts_rank`` read the vector without a TOAST lookup per row) with a GIN
index that has no pending list. The services call
:func:`index_publication` after every write; nothing is indexed by signals.

**Stemming is done here, in Python, the same for both backends** (Snowball stemmers from the
``snowballstemmer`` package): a record's words are indexed as their stems in the record's own language
(English, French or Spanish; records in other languages keep their words unstemmed), so French text is
never cut by English rules. The database side only splits on spaces (FTS5 ``unicode61`` without porter,
PostgreSQL's ``simple`` configuration). The language of a query is not known, so each query word may
match its English, French or Spanish stem or itself: ``migratoire`` finds ``migratoires``, ``remesa``
finds ``remesas``. A phrase is tried in one language at a time.

Highlighted snippets are cut in Python from the stored text, identically for both backends; the
highlighting approximates the stemming (``migrants`` also lights up ``migrant``).
"""

# The SQL below is assembled only from this module's constants and Django's compiled SQL; every value
# (user queries included) travels as a bound parameter.
# ruff: noqa: S608, S611

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import snowballstemmer
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from migdev.coordination.models import Publication

SQLITE_TABLE = "coordination_publication_fts"
# The words arrive stemmed: the database only lower-cases and splits them.
POSTGRES_CONFIG = "simple"
SQLITE_TOKENIZER = "unicode61 remove_diacritics 2"
STEMMED_LANGUAGES = {"en": "english", "fr": "french", "es": "spanish"}
# Only the beginning of a very long text is indexed: PostgreSQL refuses tsvectors over 1 MB, and the
# first half-million characters of a book carry its vocabulary. Both backends cut at the same place.
MAX_INDEXED_CHARS = 500_000
MAX_TERMS = 16
# SQLite bm25 weights and PostgreSQL setweight labels for title, people, abstract, text.
FIELD_WEIGHTS = (10.0, 4.0, 2.0, 1.0)
POSTGRES_LABELS = ("A", "B", "C", "D")

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def fold(text: str) -> str:
    """Lower case without accents: "Migración" → "migracion"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words_of(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@cache
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(STEMMED_LANGUAGES[language])


def stem(word: str, language: str) -> str:
    """A folded word's Snowball stem in ``language`` (en, fr, es); other languages keep the word."""
    if language not in STEMMED_LANGUAGES:
        return word
    return _cached_stem(word, language)


# Snowball in pure Python takes about 35 µs a word, 8 ms for a publication, and words repeat (a text's
# vocabulary is Zipfian): the stems of the 20,000 most recently used words are kept, about 6 MB.
@lru_cache(maxsize=20_000)
def _cached_stem(word: str, language: str) -> str:
    return str(_stemmer(language).stemWord(word))


def stemmed_words(text: str, language: str) -> str:
    """The text as the index holds it: folded words, each replaced by its stem in ``language``."""
    return " ".join(stem(word, language) for word in words_of(text))


def word_alternatives(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """What a query word, or phrase, may match: itself and its stems in each stemmed language, the
    whole phrase in one language at a time; without repeats, in a fixed order."""
    seen: dict[tuple[str, ...], None] = {words: None}
    for language in STEMMED_LANGUAGES:
        seen.setdefault(tuple(stem(word, language) for word in words), None)
    return list(seen)


# --- The query language ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or several for a phrase
    negated: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    groups: tuple[tuple[Term, ...], ...] = ()  # alternatives (OR) of terms that must all hold (AND)

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def positive_terms(self) -> list[Term]:
        return [term for group in self.groups for term in group if not term.negated]

    def to_fts5(self) -> str:
        rendered = []
        for group in self.groups:
            positive = " AND ".join(_fts5_term(term) for term in group if not term.negated)
            expression = f"({positive})"
            for term in group:
                if term.negated:
                    expression = f"({expression} NOT {_fts5_term(term)})"
            rendered.append(expression)
        return " OR ".join(rendered)

    def to_tsquery(self) -> str:
        rendered = []
        for group in self.groups:
            parts = [("!" if term.negated else "") + _tsquery_term(term) for term in group]
            rendered.append("(" + " & ".join(parts) + ")")
        return " | ".join(rendered)


def _fts5_term(term: Term) -> str:
    # Words are runs of letters and digits only, so they need no escaping inside the quotes.
    if term.prefix:  # a prefix is matched as typed against the stems
        return '"' + " ".join(term.words) + '"*'
    options = ['"' + " ".join(words) + '"' for words in word_alternatives(term.words)]
    return options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")"


def _tsquery_term(term: Term) -> str:
    if term.prefix:
        lexemes = [f"'{word}'" for word in term.words]
        lexemes[-1] += ":*"
        return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"
    options = []
    for words in word_alternatives(term.words):
        lexemes = [f"'{word}'" for word in words]
        options.append(lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")")
    return options[0] if len(options) == 1 else "(" + " | ".join(options) + ")"


def parse_query(text: str) -> ParsedQuery:
    """The query as alternatives of terms; input that holds no searchable word parses to an empty query."""
    groups: list[list[Term]] = [[]]
    count = 0
    for match in _TOKEN.finditer(text or ""):
        negated_phrase, phrase, bare = match.groups()
        if bare == "OR":
            groups.append([])
            continue
        if phrase is not None:
            negated, body, prefix = bool(negated_phrase), phrase, False
        else:
            negated = bare.startswith("-") and len(bare) > 1
            body = bare[1:] if negated else bare
            prefix = body.endswith("*")
        words = tuple(words_of(body))
        if not words or count >= MAX_TERMS:
            continue
        count += 1
        if phrase is None and len(words) > 1:
            # "labour-migration" or "10.7.2" is a phrase of its parts, as the tokenizers see it.
            groups[-1].append(Term(words=words, negated=negated, prefix=prefix))
        else:
            groups[-1].append(Term(words=words, negated=negated, prefix=prefix and len(words) == 1))
    # A group with nothing that must appear would match (almost) everything: drop it.
    kept = tuple(tuple(group) for group in groups if any(not term.negated for term in group))
    return ParsedQuery(groups=kept)


# --- The index -----------------------------------------------------------------------------------------


def backend() -> str:
    """ "fts5", "postgresql" or "scan" (a database without a full-text index)."""
    if connection.vendor == "postgresql":
        return "postgresql"
    if connection.vendor == "sqlite" and _sqlite_table_exists():
        return "fts5"
    return "scan"


def _sqlite_table_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [SQLITE_TABLE])
        return cursor.fetchone() is not None


@dataclass(frozen=True)
class IndexedParts:
    title: str
    people: str
    abstract: str
    body: str

    def as_tuple(self) -> tuple[str, str, str, str]:
        return (self.title, self.people, self.abstract, self.body)


# The publication's columns that indexed_parts reads.
INDEXED_FIELDS = (
    "title",
    "authors",
    "abstract",
    "text",
    "language",
    "identifier",
    "organisation__name",
    "organisation__acronym",
)


def indexed_parts(publication: Publication, *, extra_people: Iterable[str] = ()) -> IndexedParts:
    from migdev.coordination.countries import UnknownCountry, country_entry

    people = [publication.authors]
    if publication.organisation is not None:
        people += [publication.organisation.name, publication.organisation.acronym]
    people += [topic.name for topic in publication.topics.all()]
    for country in publication.countries.all():
        try:
            people += list(country_entry(country.country_iso3).names.values())
        except UnknownCountry:
            people.append(country.country_iso3)
    people += list(extra_people)
    people.append(publication.identifier)
    return IndexedParts(
        title=publication.title,
        people="\n".join(part for part in people if part),
        abstract=publication.abstract,
        body=publication.text[:MAX_INDEXED_CHARS],
    )


def index_publication(publication: Publication) -> None:
    index_publications([publication])


def index_publications(publications: Iterable[Publication]) -> int:
    """(Re)index the publications, in one statement per batch. Prefetch organisation, topics and
    countries when indexing many, or each publication costs queries of its own."""
    kind = backend()
    rows = [
        (
            publication.pk,
            tuple(
                stemmed_words(part, publication.language) for part in indexed_parts(publication).as_tuple()
            ),
        )
        for publication in publications
    ]
    if not rows:
        return 0
    with connection.cursor() as cursor:
        if kind == "fts5":
            cursor.executemany(f"DELETE FROM {SQLITE_TABLE} WHERE rowid = %s", [[pk] for pk, _parts in rows])
            cursor.executemany(
                f"INSERT INTO {SQLITE_TABLE} (rowid, title, people, abstract, body) VALUES (%s, %s, %s, %s, %s)",
                [[pk, *parts] for pk, parts in rows],
            )
        elif kind == "postgresql":
            vector = " || ".join(
                f"setweight(to_tsvector('{POSTGRES_CONFIG}', %s), '{label}')" for label in POSTGRES_LABELS
            )
            cursor.executemany(
                f"UPDATE coordination_publication SET search_vector = {vector} WHERE id = %s",
                [[*parts, pk] for pk, parts in rows],
            )
    return len(rows)


def unindex_publication(publication_id: int) -> None:
    if backend() == "fts5":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SQLITE_TABLE} WHERE rowid = %s", [publication_id])
    # PostgreSQL: the vector goes with the row.


def reindex_all(batch_size: int = 1000) -> int:
    """Rebuild the whole index, for example after restoring a database made on the other backend."""
    if backend() == "fts5":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SQLITE_TABLE}")
    # Only the indexed columns: migrations run this with today's model (0016 does), before later migrations
    # have added the model's newer columns.
    queryset = (
        Publication.objects.select_related("organisation")
        .prefetch_related("topics", "countries")
        .only(*INDEXED_FIELDS)
    )
    count, batch = 0, []
    for publication in queryset.order_by("pk").iterator(chunk_size=batch_size):
        batch.append(publication)
        if len(batch) >= batch_size:
            count += index_publications(batch)
            batch = []
    return count + index_publications(batch)


# --- Searching -----------------------------------------------------------------------------------------

# What a DOI may be typed with: a resolver address or a "doi:" label.
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ISBN_PREFIX = re.compile(r"^isbn(?:-1[03])?:?\s*", re.IGNORECASE)
_ISBN_LIKE = re.compile(r"[0-9][0-9\- ]{8,}[0-9Xx]")


def identifier_matches(candidates: QuerySet[Publication], text: str) -> list[int]:
    """The candidates whose identifier is the query itself: compared without case, an ISBN with or
    without hyphens and spaces, a DOI with or without its https://doi.org/ prefix. Oldest record first."""
    from django.db.models import Value
    from django.db.models.functions import Replace, Upper

    typed = _ISBN_PREFIX.sub("", _DOI_PREFIX.sub("", (text or "").strip())).strip()
    # Every UN symbol, ISBN, ISSN and DOI holds a digit; the identifier column has no index the
    # comparison can use, so a query of words alone must not scan it (bench/hub.py: 100,000 records).
    if not typed or len(typed) > 100 or not any(character.isdigit() for character in typed):
        return []
    condition = Q(identifier__iexact=typed)
    if _ISBN_LIKE.fullmatch(typed):
        digits = typed.replace("-", "").replace(" ", "").upper()
        compact = Upper(Replace(Replace("identifier", Value("-"), Value("")), Value(" "), Value("")))
        candidates = candidates.annotate(_compact_identifier=compact)
        condition |= Q(_compact_identifier=digits)
    return list(
        candidates.exclude(identifier="").filter(condition).order_by("pk").values_list("pk", flat=True)
    )


# Matches are counted up to this many; past it, pages say "more than …".
COUNT_CAP = 1000
# Ranking by relevance scores every match, so it is done only while there are at most this many; broader
# searches list the most recently added matches first and say so. Both keep a search over 100,000
# publications well under 50 ms (bench/hub.py).
RANK_LIMIT = COUNT_CAP


@dataclass
class Matches:
    total: int
    ranked: Sequence[tuple[int, float | None]] = field(default_factory=list)  # (publication id, score)
    capped: bool = False  # more than COUNT_CAP matches: `total` is COUNT_CAP + 1
    by_relevance: bool = True


def search(candidates: QuerySet[Publication], query: ParsedQuery, *, limit: int, offset: int) -> Matches:
    """The candidates matching the query, best first. Candidates carry the caller's visibility and filters."""
    if not query:
        return Matches(total=0)
    kind = backend()
    if kind == "fts5":
        return _search_fts5(candidates, query, limit=limit, offset=offset)
    if kind == "postgresql":
        return _search_postgres(candidates, query, limit=limit, offset=offset)
    return _search_scan(candidates, query, limit=limit, offset=offset)


def _candidate_condition(candidates: QuerySet[Publication]) -> tuple[str, list[Any]] | None:
    """The candidates' WHERE clause over the publication table alone, or None when the candidate query
    joins other tables (then it is used as an IN subquery instead)."""
    query = candidates.query
    compiler = query.get_compiler(using=candidates.db)
    try:
        sql, params = compiler.compile(query.where)
    except FullResultSet:
        return "1 = 1", []
    tables = {alias for alias, joined in query.alias_map.items() if query.alias_refcount.get(alias)}
    if len(tables) > 1:
        return None
    return (sql or "1 = 1"), list(params)


def _search_fts5(
    candidates: QuerySet[Publication], query: ParsedQuery, *, limit: int, offset: int
) -> Matches:
    # CROSS JOIN keeps the full-text index as the outer loop: SQLite would otherwise probe the index once
    # per candidate row, which costs a full-text query per publication.
    table = Publication._meta.db_table
    try:
        condition = _candidate_condition(candidates)
    except EmptyResultSet:
        return Matches(total=0)
    if condition is None:
        candidate_sql, candidate_params = candidates.order_by().values("pk").query.sql_with_params()
        condition = (f'"{table}"."id" IN ({candidate_sql})', list(candidate_params))
    where_sql, where_params = condition
    source = (
        f'{SQLITE_TABLE} CROSS JOIN "{table}" ON "{table}"."id" = {SQLITE_TABLE}.rowid '
        f"WHERE {SQLITE_TABLE} MATCH %s AND ({where_sql})"
    )
    params = [query.to_fts5(), *where_params]
    weights = ", ".join(str(weight) for weight in FIELD_WEIGHTS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {source} LIMIT %s)", [*params, COUNT_CAP + 1])
        total = cursor.fetchone()[0]
        if not total or offset >= total:
            return Matches(total=total, capped=total > COUNT_CAP)
        if total <= RANK_LIMIT:
            cursor.execute(
                f"SELECT {SQLITE_TABLE}.rowid, bm25({SQLITE_TABLE}, {weights}) AS rank FROM {source} "
                f"ORDER BY rank, {SQLITE_TABLE}.rowid LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            # bm25 is lower for better matches; scores are shown higher-is-better.
            return Matches(total=total, ranked=[(row[0], -float(row[1])) for row in cursor.fetchall()])
        cursor.execute(
            f"SELECT {SQLITE_TABLE}.rowid FROM {source} ORDER BY {SQLITE_TABLE}.rowid DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return Matches(
            total=total,
            capped=True,
            by_relevance=False,
            ranked=[(row[0], None) for row in cursor.fetchall()],
        )


def _search_postgres(
    candidates: QuerySet[Publication], query: ParsedQuery, *, limit: int, offset: int
) -> Matches:
    tsquery = query.to_tsquery()
    table = Publication._meta.db_table
    matching = candidates.filter(
        RawSQL(
            f'"{table}"."search_vector" @@ to_tsquery(\'{POSTGRES_CONFIG}\', %s)',
            [tsquery],
            output_field=BooleanField(),
        )
    ).order_by()
    total = matching.values("pk")[: COUNT_CAP + 1].count()
    if not total or offset >= total:
        return Matches(total=total, capped=total > COUNT_CAP)
    if total > RANK_LIMIT:
        newest = matching.order_by("-pk").values_list("pk", flat=True)[offset : offset + limit]
        return Matches(total=total, capped=True, by_relevance=False, ranked=[(pk, None) for pk in newest])
    ranked = (
        matching.annotate(
            score=RawSQL(
                f'ts_rank("{table}"."search_vector", to_tsquery(\'{POSTGRES_CONFIG}\', %s))',
                [tsquery],
                output_field=FloatField(),
            )
        )
        .order_by("-score", "pk")
        .values_list("pk", "score")[offset : offset + limit]
    )
    return Matches(total=total, ranked=[(pk, float(score)) for pk, score in ranked])


def _search_scan(
    candidates: QuerySet[Publication], query: ParsedQuery, *, limit: int, offset: int
) -> Matches:
    """Without a full-text index: every positive word somewhere in the record, unranked."""
    condition = Q(pk__in=[])
    for group in query.groups:
        group_condition = Q()
        for term in group:
            phrase = " ".join(term.words)
            found = (
                Q(title__icontains=phrase)
                | Q(authors__icontains=phrase)
                | Q(abstract__icontains=phrase)
                | Q(text__icontains=phrase)
            )
            group_condition &= ~found if term.negated else found
        condition |= group_condition
    matching = candidates.filter(condition).order_by("-pk")
    total = matching.values("pk")[: COUNT_CAP + 1].count()
    return Matches(
        total=total,
        capped=total > COUNT_CAP,
        by_relevance=False,
        ranked=[(pk, None) for pk in matching.values_list("pk", flat=True)[offset : offset + limit]],
    )


# --- Snippets ------------------------------------------------------------------------------------------

SNIPPET_CHARS = 260
_ENGLISH_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ers", "es", "er", "ed", "s")


@lru_cache(maxsize=1)
def _accented_variants() -> dict[str, str]:
    """Each unaccented Latin letter with its accented forms, so a pattern can match text as written."""
    variants: dict[str, list[str]] = {}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        base = fold(char)
        if len(base) == 1 and base.isalpha() and base != char.casefold():
            variants.setdefault(base, []).append(char)
    return {base: "".join(chars) for base, chars in variants.items()}


def _word_pattern(word: str, *, whole: bool) -> str:
    stem = word
    if not whole:
        for suffix in _ENGLISH_SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 4:
                stem = stem[: -len(suffix)]
                break
    variants = _accented_variants()
    pattern = "".join(
        "[" + re.escape(ch + variants.get(ch, "")) + "]" if ch.isalpha() else re.escape(ch) for ch in stem
    )
    return pattern if whole else pattern + r"\w*"


def highlight_pattern(query: ParsedQuery) -> re.Pattern[str] | None:
    alternatives = []
    for term in query.positive_terms:
        if len(term.words) == 1:
            alternatives.append(_word_pattern(term.words[0], whole=False))
        else:
            alternatives.append(r"\W+".join(_word_pattern(word, whole=False) for word in term.words))
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def highlighted(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    """The text, escaped, with every match wrapped in <mark>."""
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 - escaped just now
    pieces: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append("<mark>" + escape(match.group(0)) + "</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped


def snippet(
    texts: Iterable[str], pattern: re.Pattern[str] | None, *, length: int = SNIPPET_CHARS
) -> SafeString:
    """A window of about ``length`` characters around the first match in the first text that has one
    (or the beginning of the first non-empty text), with the matches highlighted."""
    candidates = [text for text in texts if text]
    if not candidates:
        return mark_safe("")  # noqa: S308 - empty
    chosen, start = candidates[0], 0
    if pattern is not None:
        for text in candidates:
            match = pattern.search(text)
            if match is not None:
                chosen, start = text, max(0, match.start() - length // 3)
                break
    if start > 0:
        space = chosen.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = min(len(chosen), start + length)
    if end < len(chosen):
        space = chosen.rfind(" ", start, end)
        end = space if space > start + length // 2 else end
    window = " ".join(chosen[start:end].split())
    body = highlighted(window, pattern)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(chosen) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308 - body is escaped
