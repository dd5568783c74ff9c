"""``organisations-csv``: partner organisations from a CSV or XLSX file, matched (upserted) on name.

Columns: ``name`` (required), ``kind`` (required: one of the Organisation kinds, by code), ``acronym``
(optional). A name may appear once per file; rows are written in batches as they are read, inside the
runner's transaction, so a problem anywhere in the file still leaves nothing behind.
"""

from pathlib import Path
from typing import TYPE_CHECKING

from django.db.models import F
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from migdev.accounts.models import Organisation
from migdev.dataio.errors import ErrorCollector
from migdev.dataio.progress import Progress
from migdev.dataio.readers import Row, estimate_data_rows, read_table
from migdev.dataio.registry import ImportResult, LoadFormat

if TYPE_CHECKING:
    from migdev.accounts.models import User

BATCH_SIZE = 500
NAME_MAX = Organisation._meta.get_field("name").max_length or 200
ACRONYM_MAX = Organisation._meta.get_field("acronym").max_length or 30


def load_organisations(path: Path, *, progress: Progress, user: "User | None") -> ImportResult:
    errors = ErrorCollector(path.name)
    first_row_by_name: dict[str, int] = {}
    batch: dict[str, tuple[str, str]] = {}
    read = created = updated = reported = 0
    progress.start(estimate_data_rows(path))
    for row_number, row in read_table(path, required={"name", "kind"}, optional={"acronym"}):
        read += 1
        cleaned = _clean(row_number, row, errors)
        name = cleaned[0] if cleaned else _normalised_name(row)
        # Names are compared without regard to case, as the database's unique index does.
        key = name.lower()
        if name and key in first_row_by_name:
            errors.add(
                row_number,
                "name",
                _("“%(name)s” is also on row %(first)d; a name may appear only once per file.")
                % {"name": name, "first": first_row_by_name[key]},
            )
        elif name:
            first_row_by_name[key] = row_number
            if cleaned is not None:
                batch[name] = cleaned[1:]
        if read - reported >= BATCH_SIZE:
            batch_created, batch_updated = _write(batch, skip=bool(errors))
            created, updated = created + batch_created, updated + batch_updated
            batch = {}
            progress.advance(read - reported)
            reported = read
    errors.raise_if_any(read=read)
    batch_created, batch_updated = _write(batch, skip=False)
    progress.advance(read - reported)
    return ImportResult(
        read=read, created=created + batch_created, updated=updated + batch_updated, rejected=0
    )


def _normalised_name(row: Row) -> str:
    return " ".join((row["name"] or "").split())


def _clean(row_number: int, row: Row, errors: ErrorCollector) -> tuple[str, str, str] | None:
    """(name, acronym, kind) when the row is valid on its own; otherwise its errors are collected."""
    name = _normalised_name(row)
    acronym = row.get("acronym") or ""
    kind_code = (row["kind"] or "").casefold()
    ok = True
    if not name:
        errors.add(row_number, "name", _("The name is empty."))
        ok = False
    elif len(name) > NAME_MAX:
        errors.add(row_number, "name", _("The name is longer than %(max)d characters.") % {"max": NAME_MAX})
        ok = False
    if len(acronym) > ACRONYM_MAX:
        errors.add(
            row_number, "acronym", _("The acronym is longer than %(max)d characters.") % {"max": ACRONYM_MAX}
        )
        ok = False
    if kind_code not in Organisation.Kind.values:
        errors.add(
            row_number,
            "kind",
            _("“%(kind)s” is not a kind of organisation; use one of: %(kinds)s.")
            % {"kind": row["kind"] or "", "kinds": ", ".join(Organisation.Kind.values)},
        )
        ok = False
    return (name, acronym, kind_code) if ok else None


def _write(batch: dict[str, tuple[str, str]], *, skip: bool) -> tuple[int, int]:
    """Upsert one batch; returns (created, updated). Unchanged rows count as neither."""
    if skip or not batch:
        # The file will be refused anyway: keep validating without writing.
        return 0, 0
    existing = {
        organisation.name.lower(): organisation
        for organisation in Organisation.objects.annotate(lower_name=Lower("name")).filter(
            lower_name__in=[name.lower() for name in batch]
        )
    }
    changed = []
    for name, (acronym, kind) in batch.items():
        organisation = existing.get(name.lower())
        if organisation is not None and (organisation.acronym, organisation.kind) != (acronym, kind):
            organisation.acronym, organisation.kind = acronym, kind
            changed.append(organisation)
    new = [
        Organisation(name=name, acronym=acronym, kind=kind)
        for name, (acronym, kind) in batch.items()
        if name.lower() not in existing
    ]
    Organisation.objects.bulk_create(new, batch_size=BATCH_SIZE)
    Organisation.objects.bulk_update(changed, ["acronym", "kind"], batch_size=BATCH_SIZE)
    # The file changed these records: an edit started before the import must not overwrite it.
    Organisation.objects.filter(pk__in=[o.pk for o in changed]).update(version=F("version") + 1)
    return len(new), len(changed)


ORGANISATIONS_FORMAT = LoadFormat(
    name="organisations-csv",
    description=gettext_lazy("Partner organisations (columns: name, kind, acronym), matched on name."),
    loader=load_organisations,
    # The organisation directory is the administrators' to change; being allowed to import is not enough.
    permissions=("accounts.add_organisation", "accounts.change_organisation"),
)
