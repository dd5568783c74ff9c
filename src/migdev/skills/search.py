"""Free-text search over ESCO occupations and skills: an in-memory token index per process.

The index is built lazily from the database the first time an edition is searched, and rebuilt when that
edition (or the current ISCO-08 edition, whose group labels take part in ranking) changes: its key is the
editions' ids and ``revision`` counters, which every write bumps, so several server processes stay correct
without talking to each other.

Matching, per query token (after case folding, accents removed, punctuation dropped, a final plural "s"
removed):

- exact token (quality 1.0); the last token also as a prefix (0.85), for typing-ahead;
- one typo (0.8): one letter added, dropped, replaced, or two neighbours swapped (optimal string alignment
  distance 1), for tokens of four letters or more;

Every query token must match some token of a label (any order). French and Spanish labels written
"masculine/feminine" are indexed in both forms. A label's score grows with how much of it the query
covers; preferred labels weigh more than alternative ones, and hidden labels least (some name other
occupations, see data/SOURCE.md); labels in the asked language weigh more than English, English more than
the third language. For occupations, a query that also names the occupation's ISCO-08 unit or minor
group lifts it (so "nurse" puts nursing professionals before occupations that merely carry the word);
a small prior (how many skills ESCO lists for the concept) breaks near-ties.
"""

from __future__ import annotations

import bisect
import math
import threading
import unicodedata
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

LANGUAGES = ("en", "fr", "es")
STOPWORDS = frozenset(
    "a an and the of for in on to with at by or "
    "de du des la le les l d et en au aux un une pour sur dans par ou "
    "el los las del y e o u con por para al lo una uno".split()
)
WEIGHT_PREFERRED, WEIGHT_ALTERNATIVE, WEIGHT_HIDDEN = 1.0, 0.92, 0.7
QUALITY_EXACT, QUALITY_PREFIX, QUALITY_TYPO = 1.0, 0.85, 0.8
ISCO_UNIT_BONUS, ISCO_MINOR_BONUS = 0.25, 0.15
PRIOR_WEIGHT = 0.04
MIN_TYPO_LENGTH = 4
MIN_PREFIX_LENGTH = 3
MAX_PREFIX_TOKENS = 300
MAX_QUERY_TOKENS = 12
MAX_QUERY_CHARS = 200
# Weight of a label by its language (rows: the asked language; columns: the label's), en/fr/es order.
LANGUAGE_WEIGHTS = np.array([[1.0, 0.75, 0.75], [0.85, 1.0, 0.75], [0.85, 0.75, 1.0]])
CACHE_SIZE = 4096
ISCO_SIMILAR_CACHE = 50_000
WORD_MATCH_CACHE = 50_000
ALPHABET = {char: column for column, char in enumerate("abcdefghijklmnopqrstuvwxyz0123456789")}
ISCO_STEM_MIN_LENGTH = 5


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _stem(token: str) -> str:
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def tokens(text: str) -> list[str]:
    """Normalised tokens of a label or query: lower case, no accents, no punctuation, no plural "s"."""
    plain = _strip_accents(text.casefold())
    cleaned = "".join(char if char.isalnum() else " " for char in plain)
    words = [_stem(word) for word in cleaned.split() if word not in STOPWORDS]
    return words or [_stem(word) for word in cleaned.split()]


def label_forms(label: str) -> list[str]:
    """ "infirmier/infirmière de soins" -> ["infirmier de soins", "infirmière de soins"] (ESCO writes French
    and Spanish labels masculine/feminine); a label without "/" is its only form."""
    if "/" not in label:
        return [label]
    parts = [part.strip() for part in label.split("/") if part.strip()]
    if len(parts) != 2:
        return parts or [label]
    left, right = parts[0].split(), parts[1].split()
    if len(left) < len(right):  # "infirmier/infirmière de soins"
        return [" ".join(left + right[len(left) :]), parts[1]]
    if len(right) < len(left):  # "directeur technique/directrice"
        return [parts[0], " ".join(right + left[len(right) :])]
    return parts


@dataclass
class _Index:
    uris: list[str] = field(default_factory=list)
    labels: list[dict[str, str]] = field(default_factory=list)
    isco_codes: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    priors: list[float] = field(default_factory=list)
    # entries: one per (concept, language, label form)
    entry_concept: list[int] = field(default_factory=list)
    entry_weight: list[float] = field(default_factory=list)
    entry_language: list[str] = field(default_factory=list)
    entry_length: list[int] = field(default_factory=list)
    entry_text: list[str] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    sorted_vocabulary: list[str] = field(default_factory=list)
    # a word, or the word with one letter deleted -> the vocabulary words giving it (typo look-up)
    typo_deletions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # ISCO-08 groups: language -> normalised group tokens, per code
    isco_tokens: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    isco_vocabulary: list[str] = field(default_factory=list)
    # language -> ISCO word -> codes whose label has it
    isco_words: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    isco_code_ids: dict[str, int] = field(default_factory=dict)
    isco_by_length: dict[int, list[str]] = field(default_factory=dict)
    isco_similar: dict[str, frozenset[str]] = field(default_factory=dict)
    isco_windows: dict[int, list[str]] = field(default_factory=dict)
    # per window: its words' letter counts and lengths, to rule out most words before the exact ratio
    isco_window_counts: dict[int, tuple[Any, Any]] = field(default_factory=dict)
    word_matches: dict[tuple[str, bool], dict[str, float]] = field(default_factory=dict)
    unit_code_id: Any = None  # per concept: position of its unit group in isco_code_ids (or the last: none)
    minor_code_id: Any = None
    arrays: dict[str, Any] = field(default_factory=dict)
    posting_arrays: dict[str, Any] = field(default_factory=dict)

    def add(self, concept: int, language: str, text: str, weight: float, seen: dict[Any, int]) -> None:
        for form in label_forms(text):
            words = tokens(form)
            if not words:
                continue
            key = (concept, language, tuple(words))
            known = seen.get(key)
            if known is not None:
                if self.entry_weight[known] < weight:
                    self.entry_weight[known] = weight
                    self.entry_text[known] = text
                continue
            entry = len(self.entry_concept)
            seen[key] = entry
            self.entry_concept.append(concept)
            self.entry_weight.append(weight)
            self.entry_language.append(language)
            self.entry_length.append(len(set(words)))
            self.entry_text.append(text)
            for word in set(words):
                self.postings[word].append(entry)

    def finish(self) -> None:
        self.postings = dict(self.postings)
        self.arrays = {
            "concept": np.asarray(self.entry_concept, dtype=np.int32),
            "weight": np.asarray(self.entry_weight, dtype=np.float64),
            "language": np.asarray([LANGUAGES.index(code) for code in self.entry_language], dtype=np.int8),
            "length": np.asarray(self.entry_length, dtype=np.float64),
            "prior": np.asarray(self.priors, dtype=np.float64),
        }
        self.posting_arrays = {word: np.asarray(ids, dtype=np.int32) for word, ids in self.postings.items()}
        self.sorted_vocabulary = sorted(self.postings)
        deletions: dict[str, list[str]] = defaultdict(list)
        for word in self.sorted_vocabulary:
            if len(word) >= MIN_TYPO_LENGTH - 1:
                for variant in _one_letter_deleted(word):
                    deletions[variant].append(word)
        self.typo_deletions = {variant: tuple(words) for variant, words in deletions.items()}


def _one_letter_deleted(word: str) -> set[str]:
    """The word itself and every form of it with one letter deleted."""
    return {word, *(word[:position] + word[position + 1 :] for position in range(len(word)))}


def _typo_neighbours(index: _Index, word: str) -> list[str]:
    """Vocabulary words one edit (OSA) away that share the first or the second letter (a typo in both of the
    first two letters is not caught) and are at least three letters long.

    Two words one edit apart (a letter added, dropped, replaced, or two neighbours swapped) always share a
    form with at most one letter deleted from each, so the candidates are the words filed under the query
    word's own deleted forms (symmetric deletion, as SymSpell does): a few dictionary look-ups instead of a
    scan, each candidate then checked with the exact distance."""
    if len(word) < MIN_TYPO_LENGTH:
        return []
    candidates: set[str] = set()
    for variant in _one_letter_deleted(word):
        candidates.update(index.typo_deletions.get(variant, ()))
    candidates.discard(word)
    return sorted(
        candidate
        for candidate in candidates
        if (candidate[0] == word[0] or candidate[1] == word[1])
        and OSA.distance(word, candidate, score_cutoff=1) <= 1
    )


def _prefix_words(vocabulary: list[str], prefix: str) -> list[str]:
    start = bisect.bisect_left(vocabulary, prefix)
    words = []
    for position in range(start, min(len(vocabulary), start + MAX_PREFIX_TOKENS)):
        word = vocabulary[position]
        if not word.startswith(prefix):
            break
        if word != prefix:
            words.append(word)
    return words


def _word_matches(index: _Index, word: str, *, last: bool) -> dict[str, float]:
    """Vocabulary words a query word stands for, with the quality of each match (remembered per word)."""
    key = (word, last)
    known = index.word_matches.get(key)
    if known is not None:
        return known
    matches = _find_word_matches(index, word, last=last)
    if len(index.word_matches) < WORD_MATCH_CACHE:
        index.word_matches[key] = matches
    return matches


def _find_word_matches(index: _Index, word: str, *, last: bool) -> dict[str, float]:
    matches: dict[str, float] = {}
    if word in index.postings:
        matches[word] = QUALITY_EXACT
    for neighbour in _typo_neighbours(index, word):
        matches.setdefault(neighbour, QUALITY_TYPO)
    if last and len(word) >= MIN_PREFIX_LENGTH:
        for longer in _prefix_words(index.sorted_vocabulary, word):
            if matches.get(longer, 0.0) < QUALITY_PREFIX:
                matches[longer] = QUALITY_PREFIX
    return matches


def _isco_similar(index: _Index, word: str) -> frozenset[str]:
    """ISCO label words nearly equal to ``word`` (normalised similarity >= 80), remembered per word."""
    found = index.isco_similar.get(word)
    if found is not None:
        return found
    if len(word) < MIN_TYPO_LENGTH:
        found = frozenset({word})
    else:
        # similarity >= 80 needs lengths within a quarter of each other: only those words are compared
        candidates = index.isco_windows.get(len(word))
        if candidates is None:  # longer than any group word: built once here
            candidates = _isco_window(index, len(word))
            index.isco_windows[len(word)] = candidates
        candidates = _may_reach_similarity(index, word, candidates)
        matches = process.extract(word, candidates, scorer=fuzz.ratio, score_cutoff=80, limit=None)
        found = frozenset(match for match, _score, _key in matches) | _isco_same_stem(index, word)
    if len(index.isco_similar) < ISCO_SIMILAR_CACHE:
        index.isco_similar[word] = found
    return found


def _isco_window(index: _Index, length: int) -> list[str]:
    """The group words whose length lets them reach similarity 80 with a word of ``length`` letters."""
    return [
        other
        for size in range(max(1, (length * 2) // 3), (length * 3) // 2 + 2)
        for other in index.isco_by_length.get(size, ())
    ]


def _letter_counts(words: list[str]) -> Any:
    """Per word, how many times each letter or digit occurs (any other character counted in one column)."""
    counts = np.zeros((len(words), len(ALPHABET) + 1), dtype=np.uint8)
    for row, word in enumerate(words):
        for char in word:
            counts[row, ALPHABET.get(char, len(ALPHABET))] += 1
    return counts


def _may_reach_similarity(index: _Index, word: str, candidates: list[str]) -> list[str]:
    """The candidates that can reach similarity 80 with ``word``. The similarity is 200 × LCS / (sum of the
    lengths), and a longest common subsequence cannot hold more of a letter than both words have: the
    shared letter counts bound it from above, so a word they rule out can never pass the exact test."""
    window = index.isco_window_counts.get(len(word))
    if window is None or len(window[0]) != len(candidates):
        window = (_letter_counts(candidates), np.fromiter(map(len, candidates), dtype=np.int32))
        index.isco_window_counts[len(word)] = window
    counts, lengths = window
    shared = np.minimum(counts, _letter_counts([word])[0]).sum(axis=1, dtype=np.int32)
    possible = np.flatnonzero(200 * shared >= 80 * (lengths + len(word)) - 1)
    return [candidates[position] for position in possible]


def _isco_same_stem(index: _Index, word: str) -> frozenset[str]:
    """Group words sharing the query word's stem ("nurse" and "nursing", "teacher" and "teaching"): a common
    beginning of all but the query word's last two letters, and at least four letters."""
    if len(word) < ISCO_STEM_MIN_LENGTH:
        return frozenset()
    stem = word[: max(4, len(word) - 2)]
    return frozenset(_prefix_words(index.isco_vocabulary, stem)) | (
        frozenset({stem}) if stem in index.isco_by_length.get(len(stem), ()) else frozenset()
    )


def _isco_bonus(index: _Index, words: list[str], lang: str) -> dict[str, float]:
    """ISCO-08 codes (unit and minor groups) whose label, in the asked language or English, matches every
    query word (a word matches a group word when they are nearly equal: normalised similarity >= 80)."""
    if not index.isco_tokens or not words:
        return {}
    similar = [_isco_similar(index, word) for word in words]
    bonus: dict[str, float] = {}
    for language in {lang, "en"}:
        words_to_codes = index.isco_words.get(language, {})
        codes: set[str] | None = None
        for options in similar:
            having = set().union(*(words_to_codes.get(option, set()) for option in options))
            codes = having if codes is None else codes & having
            if not codes:
                break
        for code in codes or ():
            value = ISCO_UNIT_BONUS if len(code) == 4 else ISCO_MINOR_BONUS
            bonus[code] = max(bonus.get(code, 0.0), value)
    return bonus


@dataclass(frozen=True)
class RawHit:
    position: int
    score: float
    matched: str
    matched_language: str


def _word_entries(index: _Index, matches: dict[str, float]) -> tuple[Any, Any]:
    """The entries holding any of the words a query word stands for (sorted, once each) and the best match
    quality of each: sparse, so a search costs what its posting lists hold, not the index's size."""
    if len(matches) == 1:
        [(token, quality)] = matches.items()
        ids = index.posting_arrays[token]  # built in entry order: sorted, unique
        return ids, np.full(ids.size, quality)
    ids = np.concatenate([index.posting_arrays[token] for token in matches])
    qualities = np.concatenate(
        [np.full(index.posting_arrays[token].size, quality) for token, quality in matches.items()]
    )
    order = np.lexsort((-qualities, ids))  # by entry, best quality first
    ids, qualities = ids[order], qualities[order]
    first = np.ones(ids.size, dtype=bool)
    first[1:] = ids[1:] != ids[:-1]
    return ids[first], qualities[first]


def search_index(index: _Index, query: str, *, lang: str, limit: int) -> list[RawHit]:
    words = tokens(query[:MAX_QUERY_CHARS])[:MAX_QUERY_TOKENS]
    if not words or not index.entry_concept:
        return []
    arrays = index.arrays
    entries: Any = None
    total: Any = None
    for position, word in enumerate(words):
        matches = _word_matches(index, word, last=position == len(words) - 1)
        if not matches:
            return []
        ids, qualities = _word_entries(index, matches)
        if entries is None:
            entries, total = ids, qualities
        else:
            # every word must match: keep the entries both have, adding up the match qualities
            entries, kept, found = np.intersect1d(entries, ids, assume_unique=True, return_indices=True)
            total = total[kept] + qualities[found]
        if entries.size == 0:
            return []
    count = len(words)
    coverage = np.minimum(1.0, count / arrays["length"][entries])
    language_weight = LANGUAGE_WEIGHTS[LANGUAGES.index(lang) if lang in LANGUAGES else 0][
        arrays["language"][entries]
    ]
    scores = (total / count) * (0.7 + 0.3 * coverage) * arrays["weight"][entries] * language_weight
    concepts = arrays["concept"][entries]
    order = np.lexsort((-scores, concepts))  # by concept, best entry first
    first = np.ones(order.size, dtype=bool)
    first[1:] = concepts[order][1:] != concepts[order][:-1]
    best_entries = order[first]
    concept_ids = concepts[best_entries]
    final = scores[best_entries] + PRIOR_WEIGHT * arrays["prior"][concept_ids]
    if index.isco_code_ids:
        bonus = _isco_bonus(index, words, lang)
        if bonus:
            lifts = np.zeros(len(index.isco_code_ids) + 1, dtype=np.float64)
            for code, value in bonus.items():
                lifts[index.isco_code_ids[code]] = value
            final = final + np.maximum(
                lifts[index.unit_code_id[concept_ids]], lifts[index.minor_code_id[concept_ids]]
            )
    keep = min(limit, final.size)
    top = np.argpartition(-final, keep - 1)[:keep] if final.size > keep else np.arange(final.size)
    chosen = sorted(top.tolist(), key=lambda i: (-final[i], index.labels[concept_ids[i]]["en"]))
    hits = []
    for i in chosen:
        entry = int(entries[best_entries[i]])
        hits.append(
            RawHit(int(concept_ids[i]), float(final[i]), index.entry_text[entry], index.entry_language[entry])
        )
    return hits


# Building and caching ------------------------------------------------------------------------------------


def _prior(skill_count: int) -> float:
    return min(1.0, math.log1p(skill_count) / math.log1p(200))


def build_occupation_index(edition_id: int, isco_edition_id: int | None) -> _Index:
    from django.db.models import Count

    from migdev.skills.models import IscoGroup, Occupation

    index = _Index()
    seen: dict[Any, int] = {}
    rows = (
        Occupation.objects.filter(edition_id=edition_id)
        .annotate(skill_count=Count("skill_links"))
        .values_list(
            "uri",
            "label_en",
            "label_fr",
            "label_es",
            "alt_labels",
            "hidden_labels",
            "isco_code",
            "skill_count",
        )
        .order_by("pk")
    )
    for uri, label_en, label_fr, label_es, alt, hidden, isco_code, skill_count in rows:
        concept = len(index.uris)
        index.uris.append(uri)
        labels = {"en": label_en, "fr": label_fr, "es": label_es}
        index.labels.append(labels)
        index.isco_codes.append(isco_code)
        index.kinds.append("occupation")
        index.priors.append(_prior(skill_count))
        for language in LANGUAGES:
            if labels[language]:
                index.add(concept, language, labels[language], WEIGHT_PREFERRED, seen)
            for text in (alt or {}).get(language, []):
                index.add(concept, language, text, WEIGHT_ALTERNATIVE, seen)
            for text in (hidden or {}).get(language, []):
                index.add(concept, language, text, WEIGHT_HIDDEN, seen)
    index.finish()
    if isco_edition_id is not None:
        vocabulary: set[str] = set()
        per_language: dict[str, dict[str, set[str]]] = {language: {} for language in LANGUAGES}
        groups = IscoGroup.objects.filter(edition_id=isco_edition_id, level__gte=3).values_list(
            "code", "label_en", "label_fr", "label_es"
        )
        for code, *group_labels in groups:
            for language, text in zip(LANGUAGES, group_labels, strict=True):
                if text:
                    words = set(tokens(text))
                    per_language[language][code] = words
                    vocabulary.update(words)
        index.isco_tokens = per_language
        index.isco_vocabulary = sorted(vocabulary)
        by_length: dict[int, list[str]] = defaultdict(list)
        for word in index.isco_vocabulary:
            by_length[len(word)].append(word)
        index.isco_by_length = dict(by_length)
        # built here, before gunicorn forks its workers, so that no worker pays for them on a live search
        index.isco_windows = {
            length: _isco_window(index, length)
            for length in range(MIN_TYPO_LENGTH, max(by_length, default=0) + 2)
        }
        index.isco_window_counts = {
            length: (_letter_counts(words), np.fromiter(map(len, words), dtype=np.int32))
            for length, words in index.isco_windows.items()
        }
        words_to_codes: dict[str, dict[str, set[str]]] = {
            language: defaultdict(set) for language in LANGUAGES
        }
        for language, by_code in per_language.items():
            for code, group_words in by_code.items():
                for word in group_words:
                    words_to_codes[language][word].add(code)
        index.isco_words = {language: dict(found) for language, found in words_to_codes.items()}
        codes = sorted({code for by_code in per_language.values() for code in by_code})
        index.isco_code_ids = {code: position for position, code in enumerate(codes)}
        missing = len(codes)
        index.unit_code_id = np.asarray(
            [index.isco_code_ids.get(code, missing) for code in index.isco_codes], dtype=np.int32
        )
        index.minor_code_id = np.asarray(
            [index.isco_code_ids.get(code[:3], missing) if code else missing for code in index.isco_codes],
            dtype=np.int32,
        )
    return index


def build_skill_index(edition_id: int) -> _Index:
    from django.db.models import Count

    from migdev.skills.models import Skill

    index = _Index()
    seen: dict[Any, int] = {}
    rows = (
        Skill.objects.filter(edition_id=edition_id)
        .annotate(occupation_count=Count("occupation_links"))
        .values_list("uri", "label_en", "label_fr", "label_es", "alt_labels", "kind", "occupation_count")
        .order_by("pk")
    )
    for uri, label_en, label_fr, label_es, alt, kind, occupation_count in rows:
        concept = len(index.uris)
        index.uris.append(uri)
        labels = {"en": label_en, "fr": label_fr, "es": label_es}
        index.labels.append(labels)
        index.isco_codes.append("")
        index.kinds.append(kind)
        index.priors.append(_prior(occupation_count))
        for language in LANGUAGES:
            if labels[language]:
                index.add(concept, language, labels[language], WEIGHT_PREFERRED, seen)
            for text in (alt or {}).get(language, []):
                index.add(concept, language, text, WEIGHT_ALTERNATIVE, seen)
    index.finish()
    return index


class IndexCache:
    """Per-process indexes keyed by (kind, edition id, revision, ISCO edition id, revision); only the newest
    key per kind and edition is kept."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._indexes: dict[tuple[Any, ...], _Index] = {}
        self._results: OrderedDict[tuple[Any, ...], list[RawHit]] = OrderedDict()

    def index(self, key: tuple[Any, ...], build: Any) -> _Index:
        found = self._indexes.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._indexes.get(key)
            if found is None:
                found = build()
                stale = [other for other in self._indexes if other[:2] == key[:2]]
                for other in stale:
                    del self._indexes[other]
                self._indexes[key] = found
            return found

    def cached(self, key: tuple[Any, ...]) -> list[RawHit] | None:
        with self._lock:
            hits = self._results.get(key)
            if hits is not None:
                self._results.move_to_end(key)
            return hits

    def remember(self, key: tuple[Any, ...], hits: list[RawHit]) -> None:
        with self._lock:
            self._results[key] = hits
            while len(self._results) > CACHE_SIZE:
                self._results.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._indexes.clear()
            self._results.clear()


CACHE = IndexCache()
