"""A PostgreSQL first load checks its foreign keys once per distinct series and edition instead of once per row
(the per-row triggers are skipped during the COPY when the role may): the same bad rows are refused, nothing
is half-written, the referenced rows stay locked as the triggers would lock them, readers are not blocked.

Every case runs both ways: the set-based check and, for a role that may not skip triggers, the per-row ones.
"""

from pathlib import Path

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from migdev.indicators import services
from migdev.indicators.loaders import prepare_file
from migdev.indicators.models import Edition, Observation, Series

pytestmark = pytest.mark.django_db

EDITION = "undesa-ims-2024"


@pytest.fixture(autouse=True)
def _postgresql_only(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the direct COPY of a first load, and its foreign-key checks, are PostgreSQL's")
    monkeypatch.setattr(services, "COPY_CHUNK_ROWS", 2)


@pytest.fixture(params=["set-based", "per-row"])
def check(request, monkeypatch) -> str:
    if request.param == "per-row":
        monkeypatch.setattr(services, "_may_skip_row_triggers", lambda cursor: False)
    else:
        with connection.cursor() as cursor:
            assert services._may_skip_row_triggers(cursor), "the test role cannot take the set-based path"
    return request.param


def _file(tmp_path: Path, series: str = "migrant-stock", rows: int = 5) -> Path:
    path = tmp_path / "edition.csv"
    lines = "".join(f"{series},{EDITION},AFG,{2000 + year},{year}\n" for year in range(rows))
    path.write_text("series,edition,area,period,value\n" + lines, encoding="utf-8")
    return path


def _replication_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        return cursor.fetchone()[0]


def test_a_series_deleted_between_reading_and_writing_refuses_the_load_and_writes_nothing(
    tmp_path: Path, check: str
):
    series = Series.objects.create(code="fk-check", name="FK check", unit=Series.Unit.NUMBER)
    _read, write = prepare_file("indicators-edition", _file(tmp_path, "fk-check"))
    # The write still holds the series' id, read with the file; the series is gone when the rows are copied.
    Series.objects.filter(pk=series.pk).delete()
    with pytest.raises((IntegrityError, psycopg.errors.ForeignKeyViolation)), transaction.atomic():
        write()
    assert not Observation.objects.filter(series_id=series.pk).exists()
    assert not Observation.objects.filter(edition__code=EDITION).exists()
    assert _replication_role() == "origin"


def test_the_check_refuses_a_row_naming_a_missing_series_or_edition_even_with_the_triggers_skipped():
    edition = Edition.objects.get(code=EDITION)
    series = Series.objects.get(code="migrant-stock")
    table = Observation._meta.db_table
    good = (series.pk, edition.pk)
    for bad in ((series.pk + 10_000, edition.pk), (series.pk, edition.pk + 10_000)):
        with pytest.raises(IntegrityError, match="is not present"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
                first_id = cursor.fetchone()[0]
                cursor.execute("SET LOCAL session_replication_role = replica")
                for number, (series_id, edition_id) in enumerate((good, bad)):
                    cursor.execute(
                        f"INSERT INTO {table} (series_id, edition_id, area, is_aggregate, counterpart, period, "  # noqa: S608 - constant names
                        "year, sex, age, migratory_status, value, unit_mult, status, footnote) "
                        "VALUES (%s, %s, 'AFG', false, '_T', %s, 2000, '_T', '_T', '_T', 1, 0, '', '')",
                        [series_id, edition_id, str(2000 + number)],
                    )
                cursor.execute("SET LOCAL session_replication_role = origin")
                services._check_references_written(cursor, first_id)
    with transaction.atomic(), connection.cursor() as cursor:  # the good row alone passes
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
        first_id = cursor.fetchone()[0]
        Observation.objects.create(series=series, edition=edition, area="AFG", period="2000", year=2000)
        services._check_references_written(cursor, first_id)


def test_the_series_stays_locked_until_the_commit_and_readers_are_not_blocked(tmp_path: Path, check: str):
    series = Series.objects.get(code="migrant-stock")
    with transaction.atomic():
        _read, write = prepare_file("indicators-edition", _file(tmp_path))
        write()
        assert Observation.objects.filter(edition__code=EDITION).count() == 5
        assert _replication_role() == "origin"
        settings = connection.settings_dict
        with psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            password=settings["PASSWORD"],
            host=settings["HOST"],
            port=settings["PORT"] or None,
            autocommit=True,
        ) as other:
            other.execute("SET lock_timeout = '2s'")
            # a reader of the table is not kept waiting by the load's open transaction
            other.execute(f"SELECT count(*) FROM {Observation._meta.db_table}").fetchone()  # noqa: S608
            # whoever would delete the series (or change its id) waits for the load to commit
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("SELECT 1 FROM indicators_series WHERE id = %s FOR UPDATE NOWAIT", [series.pk])


def test_a_repeated_key_falls_back_with_the_triggers_back_in_force(tmp_path: Path, check: str, monkeypatch):
    roles: list[str] = []
    staged = services._store_staged

    def spy(*args, **kwargs):
        roles.append(_replication_role())
        return staged(*args, **kwargs)

    monkeypatch.setattr(services, "_store_staged", spy)
    path = tmp_path / "repeat.csv"
    path.write_text(
        f"series,edition,area,period,value\nmigrant-stock,{EDITION},AFG,2000,1\n"
        f"migrant-stock,{EDITION},ALB,2000,2\nmigrant-stock,{EDITION},DZA,2000,3\n"
        f"migrant-stock,{EDITION},AFG,2000,4\n",
        encoding="utf-8",
    )
    with pytest.raises(services.ObservationsRejected), transaction.atomic():
        _read, write = prepare_file("indicators-edition", path)
        write()
    assert roles == ["origin"], "the staged load ran with the row triggers skipped"
    assert not Observation.objects.filter(edition__code=EDITION).exists()


def test_a_trigger_of_its_own_on_the_table_keeps_the_per_row_path():
    # the replication role would skip it too, and the set-based check does only the foreign keys' work
    table = Observation._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        assert services._may_skip_row_triggers(cursor)
        cursor.execute(
            "CREATE FUNCTION pg_temp.fk_test_noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'"
        )
        cursor.execute(
            f"CREATE TRIGGER fk_test_noop BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION pg_temp.fk_test_noop()"
        )
        assert not services._may_skip_row_triggers(cursor)
        transaction.set_rollback(True)
