"""Import errors and the validation report users see when a file is refused.

An import is all-or-nothing: loaders collect every problem they find as a :class:`RowError` and raise
:class:`ImportRejected` once, so one round trip shows the user everything to fix.
"""

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

REPORT_DISPLAY_LIMIT = 100
# Keeps memory bounded when every row of a huge file is wrong; the total is still counted.
ERRORS_KEPT_LIMIT = 1000


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file. ``row`` counts like a spreadsheet: the header is row 1.

    ``row`` is None for problems with the whole file; ``column`` is None when no single column is at fault.
    """

    file: str
    row: int | None
    column: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        return f"{', '.join(where)}: {self.reason}"


class ImportRejected(Exception):
    """The whole file is refused; nothing it contained was saved.

    ``total`` is the number of errors found, which can exceed ``len(errors)`` when a loader stopped keeping
    them; ``rejected_rows`` is how many distinct rows were at fault and ``read`` how many rows were read
    (None when the file was refused before its rows were read). The runner sets ``run_id`` to the
    :class:`~migdev.dataio.models.ImportRun` that records the refusal.
    """

    def __init__(
        self,
        errors: Sequence[RowError],
        *,
        total: int | None = None,
        rejected_rows: int | None = None,
        read: int | None = None,
    ) -> None:
        if not errors:
            raise ValueError("ImportRejected needs at least one error.")
        self.errors = list(errors)
        self.total = max(total or 0, len(self.errors))
        self.rejected_rows = (
            rejected_rows
            if rejected_rows is not None
            else len({(error.file, error.row) for error in self.errors if error.row is not None})
        )
        self.read = read
        self.run_id: int | None = None
        # What the load would have changed, when it was refused for want of confirmation.
        self.changes: Any = None
        super().__init__(
            str(self.errors[0]) if self.total == 1 else _("%(count)d errors") % {"count": self.total}
        )


class ErrorCollector:
    """Gathers a loader's errors so it can keep validating after the first one and reject once at the end."""

    def __init__(self, file: str, *, keep: int = ERRORS_KEPT_LIMIT) -> None:
        self.file = file
        self.keep = keep
        self.errors: list[RowError] = []
        self.total = 0
        self._rows: set[int] = set()

    def add(self, row: int | None, column: str | None, reason: str) -> None:
        self.total += 1
        if row is not None:
            self._rows.add(row)
        if len(self.errors) < self.keep:
            self.errors.append(RowError(self.file, row, column, reason))

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def rejected_rows(self) -> int:
        return len(self._rows)

    def row_has_errors(self, row: int) -> bool:
        return row in self._rows

    def raise_if_any(self, *, read: int | None = None) -> None:
        if self.total:
            raise ImportRejected(self.errors, total=self.total, rejected_rows=self.rejected_rows, read=read)


def report_json(rejection: ImportRejected, *, limit: int = REPORT_DISPLAY_LIMIT) -> dict[str, Any]:
    """The report as JSON-ready data: the first ``limit`` errors plus how many there were in all."""
    shown = rejection.errors[:limit]
    report = {
        "read": rejection.read,
        "total": rejection.total,
        "shown": len(shown),
        "rejected_rows": rejection.rejected_rows,
        "errors": [error.as_dict() for error in shown],
    }
    if rejection.changes is not None:
        report["changes"] = rejection.changes.as_dict()
    return report


def report_text(rejection: ImportRejected, *, limit: int = REPORT_DISPLAY_LIMIT) -> str:
    lines = [str(error) for error in rejection.errors[:limit]]
    if rejection.changes is not None:
        lines.extend(f"  {example}" for example in rejection.changes.examples)
    hidden = rejection.total - len(lines)
    if hidden > 0:
        lines.append(_("… and %(count)d more errors not shown.") % {"count": hidden})
    return "\n".join(lines)


def report_rows(report: dict[str, Any]) -> Iterable[RowError]:
    """Errors back from a stored :func:`report_json` report, for templates."""
    for item in report.get("errors", []):
        yield RowError(item.get("file", ""), item.get("row"), item.get("column"), item.get("reason", ""))
