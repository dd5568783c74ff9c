"""Blind-index tokens for finding a person and for spotting duplicate cases without decrypting every case.

Each case gets a set of keyed hashes (HMAC-SHA256 with ``MIGDEV_BLIND_INDEX_KEY``, cut to 64 bits) of
normalised pieces of who the person is:

==================  ==========================================================================  ======
kind                what is hashed                                                             weight
==================  ==========================================================================  ======
``NAME``            each name part without accents, case or punctuation ("núñez" → "nunez")         4
``PHONETIC``        the Metaphone code of each part ("Nunes" and "Núñez" → "NNS")                   3
``NAME_EDIT``       each part and each part with one letter left out (parts of 4+ letters):        1
                    two spellings one typo apart always share one of these
``BIRTH``           the birth date                                                                  6
``BIRTH_UNORDERED`` year plus {day, month} as a set: a date with day and month transposed matches   3
``PHONE``           the last 8 digits of each phone number                                          8
``IDENTITY``        the identity number, letters and digits only, upper case                        8
``NAME_DATE``       a part's phonetic code with the unordered birth date (pairing key)              5
``NAME_PAIR``       two parts' phonetic codes as a set (pairing key)                                4
``NAME_PAIR_EDIT``  one part's phonetic code with another part or one of its one-letter           3
                    deletions: two names that agree on one part and are one typo apart on
                    another share one, however common each part is on its own
==================  ==========================================================================  ======

The kind is part of the hashed message, so equal values of different kinds never collide. A search
turns its terms into the same tokens; the database returns the cases sharing the most weight (within
the searcher's scope), and only those are decrypted and scored (:mod:`migdev.trafficking.linkage`).
How :mod:`migdev.trafficking.search` weighs a token by how rare it is: see ADR 0008.

What the table gives away without the key: which cases share a token (so, to someone who also knows one
person's name, who else has that name) and how common each token is. It does not give names, dates or
numbers. Changing the key means rebuilding the table (``blind_indexes_rebuild``).
"""

import hmac
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

import jellyfish

from migdev.protection.crypto import blind_index_key

PHONE_DIGITS = 8
MIN_EDIT_LENGTH = 4
MAX_PAIRED_PARTS = 6


class TokenKind(IntEnum):
    NAME = 1
    PHONETIC = 2
    NAME_EDIT = 3
    BIRTH = 4
    BIRTH_UNORDERED = 5
    PHONE = 6
    IDENTITY = 7
    NAME_DATE = 8
    NAME_PAIR = 9
    NAME_PAIR_EDIT = 10


TOKEN_WEIGHTS: dict[TokenKind, int] = {
    TokenKind.NAME: 4,
    TokenKind.PHONETIC: 3,
    TokenKind.NAME_EDIT: 1,
    TokenKind.BIRTH: 6,
    TokenKind.BIRTH_UNORDERED: 3,
    TokenKind.PHONE: 8,
    TokenKind.IDENTITY: 8,
    TokenKind.NAME_DATE: 5,
    TokenKind.NAME_PAIR: 4,
    TokenKind.NAME_PAIR_EDIT: 3,
}
# Kinds specific enough to propose a pair of cases for comparison on their own (blocking keys).
PAIRING_KINDS = (
    TokenKind.NAME_DATE,
    TokenKind.NAME_PAIR,
    TokenKind.PHONE,
    TokenKind.IDENTITY,
)

_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


def name_parts(*names: str) -> list[str]:
    """Name parts without accents, case or punctuation, in the order given ("José-María" → jose, maria)."""
    decomposed = unicodedata.normalize("NFKD", " ".join(names))
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    # Letters that do not decompose (ø, ł, đ, ß, æ) get their usual Latin spelling.
    letters = letters.translate(_FOLD)
    cleaned = "".join(c if c.isalnum() else " " for c in letters)
    return list(dict.fromkeys(cleaned.split()))


_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"})


def phonetic(part: str) -> str:
    return jellyfish.metaphone(part) or part


def one_letter_edits(part: str) -> set[str]:
    if len(part) < MIN_EDIT_LENGTH:
        return set()
    return {part} | {part[:i] + part[i + 1 :] for i in range(len(part))}


def phone_key(number: str) -> str:
    digits = "".join(c for c in number if c.isdigit())
    return digits[-PHONE_DIGITS:] if len(digits) >= PHONE_DIGITS - 1 else ""


def identity_key(number: str) -> str:
    return _NOT_ALNUM.sub("", number).upper()


def unordered_date(value: date) -> str:
    low, high = sorted((value.day, value.month))
    return f"{value.year:04d}-{low:02d}-{high:02d}"


def transposed(value: date) -> date | None:
    """The date with day and month swapped, when that is a different valid date."""
    if value.day > 12 or value.day == value.month:
        return None
    return date(value.year, value.day, value.month)


@dataclass(frozen=True)
class PersonKeys:
    """The normalised values a person is found by (plain text: never stored, never logged)."""

    parts: tuple[str, ...] = ()
    birth_date: date | None = None
    phones: tuple[str, ...] = ()
    identity: str = ""

    @classmethod
    def build(
        cls,
        *,
        names: Sequence[str] = (),
        birth_date: date | None = None,
        phones: Iterable[str] = (),
        identity_number: str = "",
    ) -> "PersonKeys":
        return cls(
            parts=tuple(name_parts(*names)),
            birth_date=birth_date,
            phones=tuple(dict.fromkeys(key for key in (phone_key(p or "") for p in phones) if key)),
            identity=identity_key(identity_number or ""),
        )

    def is_empty(self) -> bool:
        return not (self.parts or self.birth_date or self.phones or self.identity)


@dataclass(frozen=True)
class Piece:
    """One normalised piece of a person and, for pieces of a single name part, that part."""

    kind: TokenKind
    value: str
    part: str = ""


def _pieces(keys: PersonKeys, *, dates: Sequence[date]) -> set[Piece]:
    pieces: set[Piece] = set()
    codes = sorted({phonetic(part) for part in keys.parts})
    for part in keys.parts:
        pieces.add(Piece(TokenKind.NAME, part, part))
        pieces.add(Piece(TokenKind.PHONETIC, phonetic(part), part))
        pieces.update(Piece(TokenKind.NAME_EDIT, edit, part) for edit in one_letter_edits(part))
    for position, first in enumerate(codes):
        for second in codes[position + 1 :]:
            pieces.add(Piece(TokenKind.NAME_PAIR, f"{first} {second}"))
    # Quadratic in the parts and linear in their length: a name is seldom longer than six parts, and
    # free text typed into a name field must not make thousands of tokens.
    paired = keys.parts[:MAX_PAIRED_PARTS]
    for part in paired:
        for other in paired:
            if other != part:
                pieces.update(
                    Piece(TokenKind.NAME_PAIR_EDIT, f"{phonetic(part)} {edit}")
                    for edit in one_letter_edits(other)
                )
    for value in dates:
        pieces.add(Piece(TokenKind.BIRTH, value.isoformat()))
        pieces.add(Piece(TokenKind.BIRTH_UNORDERED, unordered_date(value)))
        pieces.update(Piece(TokenKind.NAME_DATE, f"{code} {unordered_date(value)}") for code in codes)
    pieces.update(Piece(TokenKind.PHONE, phone) for phone in keys.phones)
    if keys.identity:
        pieces.add(Piece(TokenKind.IDENTITY, keys.identity))
    return pieces


def token_value(kind: TokenKind, piece: str, key: bytes) -> int:
    digest = hmac.digest(key, f"{int(kind)}\x1f{piece}".encode(), "sha256")
    return int.from_bytes(digest[:8], "big", signed=True)


def stored_tokens(keys: PersonKeys, key: bytes | None = None) -> set[tuple[int, int]]:
    """(kind, token) pairs to store for a person."""
    key = key or blind_index_key()
    dates = [keys.birth_date] if keys.birth_date else []
    return {
        (int(piece.kind), token_value(piece.kind, piece.value, key)) for piece in _pieces(keys, dates=dates)
    }


@dataclass(frozen=True)
class QueryToken:
    """A token a search looks for: its kind's weight, and the name part it stands for (if one)."""

    token: int
    kind: TokenKind
    weight: int
    parts: frozenset[str]


def search_tokens(keys: PersonKeys, key: bytes | None = None) -> list[QueryToken]:
    """The tokens of a search: the stored tokens, plus the birth date with day and month swapped."""
    key = key or blind_index_key()
    dates = [keys.birth_date] if keys.birth_date else []
    swapped = transposed(keys.birth_date) if keys.birth_date else None
    if swapped:
        dates.append(swapped)
    found: dict[int, QueryToken] = {}
    for piece in _pieces(keys, dates=dates):
        token = token_value(piece.kind, piece.value, key)
        earlier = found.get(token)
        parts = frozenset({piece.part} if piece.part else ())
        if earlier is not None:
            parts |= earlier.parts
            if earlier.weight > TOKEN_WEIGHTS[piece.kind]:
                found[token] = QueryToken(token, earlier.kind, earlier.weight, parts)
                continue
        found[token] = QueryToken(token, piece.kind, TOKEN_WEIGHTS[piece.kind], parts)
    return list(found.values())


def query_tokens(keys: PersonKeys, key: bytes | None = None) -> dict[int, int]:
    """token → weight for a search."""
    return {item.token: item.weight for item in search_tokens(keys, key)}
