"""Rules every record obeys, whichever way it arrives (a page, the API or an import): the services call
these, so the three paths cannot drift apart. Each raises a ValidationError keyed by the field at fault."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Older dates are typing mistakes in the records migdev keeps (meetings, activities, plans): the
# inter-governmental migration processes and the data sets start after the Second World War.
EARLIEST_DATE = datetime.date(1945, 1, 1)


def required_text(value: str | None, field: str) -> str:
    """``value`` without surrounding space; refused when nothing is left."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: _("This cannot be empty or only spaces.")})
    return text


def checked_date_range(
    start: datetime.date | None,
    end: datetime.date | None,
    *,
    start_field: str = "start_date",
    end_field: str = "end_date",
    longest: datetime.timedelta | None = None,
) -> None:
    """A range that ends on or after it starts, starts no earlier than :data:`EARLIEST_DATE` and, with
    ``longest``, spans no more than that."""
    for value, field in ((start, start_field), (end, end_field)):
        if value is not None and value < EARLIEST_DATE:
            raise ValidationError(
                {
                    field: _("Dates before %(earliest)s are not accepted.")
                    % {"earliest": EARLIEST_DATE.isoformat()}
                }
            )
    if start is None or end is None:
        return
    if end < start:
        raise ValidationError({end_field: _("The end comes before the start.")})
    if longest is not None and end - start > longest:
        raise ValidationError(
            {end_field: _("This spans more than %(days)d days; check the dates.") % {"days": longest.days}}
        )


def normalised_name(value: str | None, field: str = "name") -> str:
    """A name as stored: surrounding space removed, inner runs of space made one. Names are then
    compared without regard to case (the database enforces it with a unique index on ``Lower(name)``)."""
    return " ".join(required_text(value, field).split())
