import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_and_readyz_are_ok_when_migrated(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_pending_migrations(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [(_FakeMigration(), False)]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["pending_migrations"] == ["core.9999_pending"]


class _FakeMigration:
    app_label = "core"
    name = "9999_pending"
