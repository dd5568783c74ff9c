"""Every UI string is translated into French and Spanish, and the committed .mo files match the .po files."""

from pathlib import Path

import polib
import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "src" / "migdev"
LANGUAGES = ["fr", "es"]
# The platform's catalogue (src/migdev/locale) and one per module (src/migdev/<module>/locale).
LOCALE_DIRS = sorted(path for path in PACKAGE_DIR.glob("**/locale") if (path / "fr").is_dir())
CATALOGUES = [(locale_dir, language) for locale_dir in LOCALE_DIRS for language in LANGUAGES]
IDS = [f"{locale_dir.parent.name}-{language}" for locale_dir, language in CATALOGUES]


def catalogue(locale_dir: Path, language: str) -> polib.POFile:
    return polib.pofile(str(locale_dir / language / "LC_MESSAGES" / "django.po"))


def test_the_platform_catalogue_exists() -> None:
    assert PACKAGE_DIR / "locale" in LOCALE_DIRS


@pytest.mark.parametrize(("locale_dir", "language"), CATALOGUES, ids=IDS)
def test_every_message_is_translated(locale_dir: Path, language: str) -> None:
    po = catalogue(locale_dir, language)
    assert len(po) > 10
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"{language}: untranslated: {untranslated[:20]}"
    assert not fuzzy, f"{language}: fuzzy: {fuzzy[:20]}"


@pytest.mark.parametrize(("locale_dir", "language"), CATALOGUES, ids=IDS)
def test_compiled_catalogue_is_up_to_date(locale_dir: Path, language: str) -> None:
    po = catalogue(locale_dir, language)
    mo = polib.mofile(str(locale_dir / language / "LC_MESSAGES" / "django.mo"))

    def messages(entries: polib._BaseFile) -> dict[tuple[str, str], object]:
        return {
            (entry.msgctxt or "", entry.msgid): entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
            for entry in entries
            if not entry.obsolete and not getattr(entry, "fuzzy", False)
        }

    assert messages(mo) == messages(po), (
        f"{language}: run `migdev compilemessages` (or polib) and commit the .mo"
    )


@pytest.mark.parametrize(("locale_dir", "language"), CATALOGUES, ids=IDS)
def test_placeholders_survive_translation(locale_dir: Path, language: str) -> None:
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}|%[sd]")
    for entry in catalogue(locale_dir, language).translated_entries():
        assert sorted(placeholder.findall(entry.msgid)) == sorted(
            placeholder.findall(entry.msgstr or "")
        ) or (entry.msgid_plural), f"{language}: placeholders differ in {entry.msgid!r}"
