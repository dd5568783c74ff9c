"""Matching endpoints of the skills module (included by ``migdev.skills.api`` under /api/v1/skills/).

Public like the taxonomy itself (ESCO is published for reuse); the platform's API rate limit applies.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from migdev.core.api_base import problem
from migdev.core.api_params import LanguageCode
from migdev.skills import engine

router = Router(tags=["skills"])

MAX_SKILLS_PER_REQUEST = 500
MAX_RESULTS = 100

METHOD = (
    "Computed by migdev from the ESCO occupation-skill relations: coverage of the occupation's skills "
    "(essential 1, optional 0.3, each times its specificity; related and hierarchically close skills "
    "earn part of a skill's weight) and the share of the given skills the occupation asks for; "
    "score = coverage^0.4 x precision^0.6. See docs/skills.md, 'Matching and placement'."
)

SkillUri = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^\S+$")]


class MatchSkillsIn(Schema):
    skills: list[SkillUri] = Field(
        ..., min_length=1, max_length=MAX_SKILLS_PER_REQUEST, description="ESCO skill URIs the person holds."
    )
    limit: int = Field(10, ge=1, le=MAX_RESULTS, description="How many occupations to answer.")
    lang: LanguageCode = Field("en", description="Language of the labels (English where none exists).")


class MatchLabelledOut(Schema):
    uri: str
    label: str
    language: str = Field(..., description="Language of the label shown (en when the asked one has none).")


class MatchCreditOut(MatchLabelledOut):
    essential: bool
    kind: str = Field(..., description="related | narrower | broader | sibling")
    credit: float = Field(..., description="Share of the skill's weight earned (0 to 1).")
    via: MatchLabelledOut = Field(..., description="The given skill that earned the credit.")


class MatchExplanationOut(Schema):
    coverage: float
    precision: float
    essential_matched: list[MatchLabelledOut]
    essential_missing: list[MatchLabelledOut]
    optional_matched: list[MatchLabelledOut]
    credited: list[MatchCreditOut]


class MatchOccupationOut(Schema):
    uri: str
    isco_code: str
    label: str
    language: str
    score: float
    explanation: MatchExplanationOut


class MatchEditionOut(Schema):
    taxonomy: str
    version: str
    publisher: str
    licence: str


class MatchListOut(Schema):
    items: list[MatchOccupationOut]
    edition: MatchEditionOut
    method: str


def _labelled(item: engine.Labelled) -> dict[str, str]:
    return {"uri": item.uri, "label": item.label, "language": item.language}


@router.post(
    "occupations/match",
    response=MatchListOut,
    auth=None,
    summary="Occupations ranked for a set of ESCO skills, each with its explanation",
)
def match_occupations(request: HttpRequest, payload: MatchSkillsIn) -> Any:
    try:
        answer = engine.match_occupations(payload.skills, lang=payload.lang, limit=payload.limit)
    except engine.NoTaxonomy:
        # Nothing can be recognised without a taxonomy: the URIs are refused like unknown ones (a client
        # error to fix on the server's side, but not a server fault).
        return problem(
            request,
            422,
            "No ESCO edition is loaded, so none of the given skill URIs can be recognised.",
            errors=[
                {"field": f"skills.{i}", "message": f"not an ESCO skill URI of a loaded edition: {uri}"}
                for i, uri in enumerate(payload.skills[:20])
            ],
        )
    except engine.UnknownSkills as error:
        shown = error.uris[:20]
        more = f" (and {len(error.uris) - len(shown)} more)" if len(error.uris) > len(shown) else ""
        return problem(
            request,
            422,
            (
                f"{len(error.uris)} of the given URIs {'is not a skill' if len(error.uris) == 1 else 'are not skills'} "
                f"of the current ESCO edition{more}."
            ),
            errors=[
                {
                    "field": f"skills.{payload.skills.index(uri)}",
                    "message": f"not an ESCO skill URI of this edition: {uri}",
                }
                for uri in shown
            ],
        )
    edition = answer.edition
    items = []
    for item in answer.items:
        items.append(
            {
                "uri": item.uri,
                "isco_code": item.isco_code,
                "label": item.label,
                "language": item.language,
                "score": round(item.score, 6),
                "explanation": {
                    "coverage": round(item.coverage, 6),
                    "precision": round(item.precision, 6),
                    "essential_matched": [_labelled(x) for x in item.essential_matched],
                    "essential_missing": [_labelled(x) for x in item.essential_missing],
                    "optional_matched": [_labelled(x) for x in item.optional_matched],
                    "credited": [
                        {
                            **_labelled(engine.Labelled(c.uri, c.label, c.language)),
                            "essential": c.essential,
                            "kind": c.kind,
                            "credit": c.credit,
                            "via": _labelled(c.via),
                        }
                        for c in item.credited
                    ],
                },
            }
        )
    return {
        "items": items,
        "edition": {
            "taxonomy": edition.taxonomy,
            "version": edition.version,
            "publisher": edition.publisher,
            "licence": edition.licence,
        },
        "method": METHOD,
    }
