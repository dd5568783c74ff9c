from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from migdev.core.modules import module_entries


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"entries": module_entries()})


@require_GET
def module_placeholder(request: HttpRequest, slug: str) -> HttpResponse:
    for entry in module_entries():
        if entry.info.slug == slug and not entry.built:
            return render(request, "core/module_placeholder.html", {"entry": entry})
    raise Http404


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return JsonResponse({"status": "unavailable", "database": str(error)}, status=503)
    if pending:
        return JsonResponse(
            {"status": "unavailable", "pending_migrations": [f"{m.app_label}.{m.name}" for m, _ in pending]},
            status=503,
        )
    return JsonResponse({"status": "ok"})
