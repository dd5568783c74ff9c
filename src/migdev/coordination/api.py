"""The hub's API router, mounted at /api/v1/coordination/: it includes each part's router, so every path is
the one it was before the hub was split into packages (ADR 0009)."""

from ninja import Router

from migdev.coordination.activities.api import router as activities_router
from migdev.coordination.common.api import router as common_router
from migdev.coordination.information.api import router as information_router
from migdev.coordination.knowledge.api import router as knowledge_router
from migdev.coordination.policies.api import router as policies_router
from migdev.coordination.processes.api import router as processes_router

router = Router(tags=["coordination"])

for part_router in (
    processes_router,
    activities_router,
    knowledge_router,
    policies_router,
    information_router,
    common_router,
):
    # Operation ids stay those of the one-module API (``migdev_coordination_api_<function>``), so clients
    # generated from the OpenAPI document keep their method names.
    for path_view in part_router.path_operations.values():
        for operation in path_view.operations:
            operation.operation_id = (
                operation.operation_id or f"migdev_coordination_api_{operation.view_func.__name__}"
            )
    router.add_router("", part_router)
