"""The one autocomplete for skill and occupation fields, for every module (labour mobility, diaspora, ...).

Usage in a form::

    from migdev.skills.widgets import ConceptField

    class VacancyForm(forms.Form):
        occupation = ConceptField(kind="occupation", label=_("Occupation"))
        skills = ...  # one ConceptField per skill, or a formset of them

``cleaned_data["occupation"]`` is the concept's ESCO URI (what the rest of the platform stores).

How it behaves:

- With JavaScript (htmx): typing in the text box asks ``skills:autocomplete`` for the best matches, shown
  under it as radio buttons; picking one selects its URI. No inline script (CSP).
- Without JavaScript it is a plain search form: the person types, presses "Find" (a submit button), and
  the page comes back with the matches as radio buttons to choose from; a text that is exactly one
  concept's label (any language, accents and case aside) is accepted as it is.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from migdev.skills import search, selectors

KINDS = ("occupation", "skill")
OPTIONS_LIMIT = 8


def concept_options(kind: str, text: str, lang: str, limit: int = OPTIONS_LIMIT) -> list[selectors.SearchHit]:
    if not text.strip():
        return []
    finder = selectors.search_occupations if kind == "occupation" else selectors.search_skills
    return finder(text, lang=lang, limit=limit)


def _language() -> str:
    lang = (get_language() or "en")[:2]
    return lang if lang in selectors.LANGUAGES else "en"


class ConceptAutocompleteWidget(forms.Widget):
    template_name = "skills/widgets/concept_autocomplete.html"

    def __init__(self, kind: str = "occupation", attrs: dict[str, Any] | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        self.kind = kind
        super().__init__(attrs)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str]:
        text = (data.get(f"{name}__q") or "").strip()
        if data.get(f"{name}__find") and text:
            return {"uri": "", "text": text}  # "Find" pressed (no JavaScript): search what was typed
        return {"uri": (data.get(name) or "").strip(), "text": text}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}__q" not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        lang = _language()
        uri, text = "", ""
        if isinstance(value, dict):
            uri, text = value.get("uri", ""), value.get("text", "")
        elif isinstance(value, str):
            uri = value
        chosen = None
        if uri:
            edition = selectors.current_edition()
            model = selectors.Occupation if self.kind == "occupation" else selectors.Skill
            concept = model.objects.filter(edition=edition, uri=uri).first() if edition else None
            if concept is not None:
                chosen = selectors.label_in(concept, lang)
                text = text or chosen.text
        options = concept_options(self.kind, text, lang) if text and not chosen else []
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"].update(
            {
                "kind": self.kind,
                "uri": uri,
                "text": text,
                "chosen": chosen,
                "options": options,
                "options_id": f"{widget_id}-options",
                "text_id": f"{widget_id}",
                "autocomplete_url": reverse("skills:autocomplete") + f"?kind={self.kind}&field={name}",
            }
        )
        return context


class ConceptField(forms.Field):
    """A skill or occupation, chosen by its label in any of the three languages; cleans to its ESCO URI."""

    default_error_messages = {
        "choose": _("Several concepts match “%(text)s”: choose one of them."),
        "none": _("No %(kind)s matches “%(text)s”. Try other words."),
        "unknown": _("This is not a concept of the current ESCO edition."),
    }

    def __init__(self, *, kind: str = "occupation", **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("widget", ConceptAutocompleteWidget(kind=kind))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        if isinstance(value, str):
            value = {"uri": value, "text": ""}
        if not value:
            return ""
        uri, text = value.get("uri", ""), value.get("text", "")
        edition = selectors.current_edition()
        model = selectors.Occupation if self.kind == "occupation" else selectors.Skill
        if uri:
            if edition is None or not model.objects.filter(edition=edition, uri=uri).exists():
                raise ValidationError(self.error_messages["unknown"], code="unknown")
            return str(uri)
        if not text:
            return ""
        options = concept_options(self.kind, text, _language(), limit=OPTIONS_LIMIT)
        wanted = search.tokens(text)
        exact = [
            hit
            for hit in options
            if any(
                search.tokens(form) == wanted
                for form in [*search.label_forms(hit.label), *search.label_forms(hit.matched)]
            )
        ]
        if len({hit.uri for hit in exact}) == 1:
            return exact[0].uri
        if not options:
            kind = _("occupation") if self.kind == "occupation" else _("skill")
            raise ValidationError(
                self.error_messages["none"], code="none", params={"text": text, "kind": kind}
            )
        raise ValidationError(self.error_messages["choose"], code="choose", params={"text": text})
