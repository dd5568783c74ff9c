"""Parameter types every API operation shares, so bad input is refused with a 422 problem before any view
or database sees it (issue 15, finding 4).

Each type carries its bounds in the OpenAPI document too: clients and the schemathesis test see the
same rules the server applies. Use these instead of bare ``int``/``date``/``str`` for pages, years,
record ids, dates, languages and fixed codes.
"""

import datetime
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Annotated, Any, Literal, TypeVar, get_args

from django.conf import settings
from pydantic import BeforeValidator, Field, GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema

# A page number past this is refused rather than turned into a huge OFFSET (SQLite answered
# "datatype mismatch" for 2**63-1); 100,000 pages of the largest page size covers every table we have.
PAGE_MAX = 100_000
PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX: int = settings.API_PAGE_SIZE_MAX
# Record ids are 64-bit on both databases; larger numbers would overflow the driver, not miss the row.
ID_MAX = 2**63 - 1
# Years of data, publications and plans; anything outside is a typo or an attack, never a question.
YEAR_MIN = 1800
YEAR_MAX = 2200

LanguageCode = Literal["en", "fr", "es"]

F = TypeVar("F", bound=Callable[..., Any])


def _blank_as_none(value: Any) -> Any:
    """``?lang=`` (an empty query value) means "not given", as it did before these were enums."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _iso_date_only(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic would otherwise read ``0`` or ``1e9`` as a Unix timestamp."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise ValueError("expected a date as YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError as error:
        raise ValueError("expected a date as YYYY-MM-DD") from error


PageNumber = Annotated[int, Field(ge=1, le=PAGE_MAX, description="Page number, from 1.")]
PageSize = Annotated[int, Field(ge=1, le=PAGE_SIZE_MAX, description="Items per page.")]
RecordId = Annotated[int, Field(ge=1, le=ID_MAX)]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date_only), Field(description="YYYY-MM-DD")]


class OneOf:
    """``Annotated[str | None, OneOf(Process.Kind)]``: a code from a fixed vocabulary (Django choices or
    any ``Enum``), documented as an inline ``enum`` and refused with 422 otherwise.

    Inline rather than a named enum schema: the vocabularies of different models share class names
    (``Process.Kind``, ``MigrationPolicy.Kind``), which would collide in the document. When the
    annotation allows ``None``, an empty query value (``?kind=``) means "any", as it did before.
    """

    def __init__(self, choices: type[Enum] | Iterable[str]) -> None:
        self.values = [str(member.value) if isinstance(member, Enum) else member for member in choices]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        literal = core_schema.literal_schema(self.values)
        if type(None) in get_args(source):
            return core_schema.no_info_before_validator_function(
                _blank_as_none, core_schema.nullable_schema(literal)
            )
        return literal


def answers(*statuses: int) -> Callable[[F], F]:
    """Declare error statuses an operation answers beyond those its shape implies.

    ``build_api`` documents 422 and 429 on every operation, 400 on those with a body, 401/403 on those
    needing authentication and 404 on those with path parameters; an operation that can also answer,
    say, 404 for an unknown filter value or 409 for a stale version says so here. Put it closest to the
    function (below ``@paginate``), so the attribute travels with the wrapped view.
    """

    def mark(view: F) -> F:
        declared: tuple[int, ...] = getattr(view, "problem_statuses", ())
        view.problem_statuses = tuple(sorted({*declared, *statuses}))  # type: ignore[attr-defined]
        return view

    return mark


Language = Annotated[
    str | None,
    OneOf(get_args(LanguageCode)),
    Field(description="Language of the answer: en, fr or es (empty: the default)."),
]
