"""Person search at scale: an index of each case's scope columns beside its id (the search checks the
scope of every case its tokens point to), and the search tokens of the new kind NAME_PAIR_EDIT (one
name part's phonetic code with another part or one of its one-letter deletions) for the cases that
exist already.

Like 0005, it needs the field keys and the blind-index key when there are cases (nothing to do, and no
key needed, on an empty database). Re-runnable: a token already there is skipped, so it runs outside one
long transaction (each batch commits: a large case load does not hold the write lock for minutes, and an
interrupted run just resumes).
"""

from typing import Any

from django.db import migrations, models

NAME_FIELDS = ("first_name", "middle_name", "second_name")


def backfill_pair_edit_tokens(apps: Any, schema_editor: Any) -> None:
    from migdev.protection.crypto import blind_index_key
    from migdev.trafficking.tokens import PersonKeys, TokenKind, stored_tokens

    Case = apps.get_model("trafficking", "Case")
    PersonToken = apps.get_model("trafficking", "PersonToken")
    open_cases = Case.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True)
    if not open_cases.exists():
        return
    key = blind_index_key()
    kind = int(TokenKind.NAME_PAIR_EDIT)
    # The survivor of a merge holds the tokens of every case merged into it (see person_tokens_refresh).
    merged_into: dict[int, list[int]] = {}
    for pk, parent in Case.objects.filter(merged_into__isnull=False, anonymised_at__isnull=True).values_list(
        "pk", "merged_into_id"
    ):
        merged_into.setdefault(parent, []).append(pk)

    def names_of(pks: list[int]) -> list[PersonKeys]:
        return [
            PersonKeys.build(names=[getattr(case, field) or "" for field in NAME_FIELDS])
            for case in Case.objects.filter(pk__in=pks).only(*NAME_FIELDS)
        ]

    batch: list[Any] = []
    for case in open_cases.only(*NAME_FIELDS).iterator(chunk_size=2000):
        people = [PersonKeys.build(names=[getattr(case, field) or "" for field in NAME_FIELDS])]
        frontier = merged_into.get(case.pk, [])
        while frontier:
            people.extend(names_of(frontier))
            frontier = [child for parent in frontier for child in merged_into.get(parent, [])]
        tokens = {
            token for person in people for kind_of, token in stored_tokens(person, key) if kind_of == kind
        }
        batch.extend(PersonToken(case_id=case.pk, kind=kind, token=token) for token in tokens)
        if len(batch) >= 20000:
            PersonToken.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    PersonToken.objects.bulk_create(batch, ignore_conflicts=True)


def remove_pair_edit_tokens(apps: Any, schema_editor: Any) -> None:
    PersonToken = apps.get_model("trafficking", "PersonToken")
    PersonToken.objects.filter(kind=10).delete()


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("trafficking", "0006_case_tasks_attachments"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["id", "owner", "group", "organisation"], name="trafficking_case_scope"
            ),
        ),
        migrations.RunPython(backfill_pair_edit_tokens, remove_pair_edit_tokens),
    ]
