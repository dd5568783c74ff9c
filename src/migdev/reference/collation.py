"""Sorting names the way a reader of the page's language expects (Unicode Collation Algorithm).

Python's default order puts "Åland" after "Zambia" and "Côte d'Ivoire" after "Czechia", because it
compares code points. The UCA (pyuca, with the Unicode default table) compares letters first, then
accents, then case, which is the CLDR order for English and French. Spanish adds one tailoring: "ñ" is a
letter of its own, after "n" (CLDR ``es``: ``&N<ñ<<<Ñ``).
"""

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from pyuca import Collator  # type: ignore[import-untyped]

from migdev.reference.models import name_language

T = TypeVar("T")

# A code point above every letter: "n" followed by it sorts after every "n…" and before "o".
_AFTER_N = "n\U000effff"


@lru_cache(maxsize=1)
def _collator() -> Collator:
    return Collator()


@lru_cache(maxsize=4096)
def _key(text: str, language: str) -> tuple[int, ...]:
    if language == "es":
        text = text.replace("ñ", _AFTER_N).replace("Ñ", _AFTER_N.upper())
    return tuple(_collator().sort_key(text))


def collation_key(text: str, language: str | None = None) -> tuple[int, ...]:
    """Sort key of ``text`` in ``language`` (default: the active language)."""
    return _key(text, language or name_language())


def sorted_by_name(items: Iterable[T], name: Callable[[T], str], language: str | None = None) -> list[T]:
    language = language or name_language()
    return sorted(items, key=lambda item: _key(name(item), language))
