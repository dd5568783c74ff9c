"""The start-up warm-up leaves nothing for a fresh worker's first request to compile."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import URLResolver, clear_url_caches, get_resolver
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation


def _patterns(resolver: Any) -> list[Any]:
    found = []
    for entry in resolver.url_patterns:
        found.append(entry.pattern)
        if isinstance(entry, URLResolver):
            found.extend(_patterns(entry))
    return found


def _compiled(pattern: Any, language: str) -> bool:
    if isinstance(pattern, LocalePrefixPattern):  # compiles its one-word prefix on each use, by design
        return True
    return "regex" in pattern.__dict__ or language in getattr(pattern, "_regex_dict", {})


def test_every_url_pattern_is_compiled_in_every_language_after_the_warm_up() -> None:
    import migdev.wsgi

    clear_url_caches()  # a resolver nobody has used yet, as in a new process
    try:
        resolver = get_resolver()
        patterns = _patterns(resolver)
        for pattern in patterns:  # as in a process that has imported the URL modules but resolved nothing
            pattern.__dict__.pop("regex", None)
            getattr(pattern, "_regex_dict", {}).clear()
        assert any(not _compiled(pattern, "fr") for pattern in patterns)
        migdev.wsgi._warm_up()
        for code, _name in settings.LANGUAGES:
            assert [p for p in patterns if not _compiled(p, code)] == []
            with translation.override(code):
                assert code in resolver._reverse_dict
    finally:
        clear_url_caches()
