"""Stand-ins for shared contracts another part of migdev provides (accounts.access, audit.services).

Installed only when the real module is missing, and only in tests, so these tests run on a branch where
those modules don't exist yet and keep running, against the real ones, once they do.
"""

import importlib
import sys
import types
from typing import Any


def _install(module_name: str, attributes: dict[str, Any]) -> None:
    try:
        importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        module = types.ModuleType(module_name)
        module.__dict__.update(attributes)
        module.__dict__["IS_TEST_STUB"] = True
        sys.modules[module_name] = module
        parent_name, _dot, child = module_name.rpartition(".")
        setattr(importlib.import_module(parent_name), child, module)


def _audit_log(
    *,
    action: str,
    request: Any = None,
    actor: Any = None,
    record: Any = None,
    record_type: str = "",
    record_id: str = "",
    detail: dict[str, Any] | None = None,
) -> Any:
    return types.SimpleNamespace(action=action, actor=actor, record=record, detail=detail or {})


def _has_permission(user: Any, perm: str) -> bool:
    return bool(user.is_active and user.has_perm(perm))


def install_missing_contract_stubs() -> None:
    _install("migdev.audit.services", {"audit_log": _audit_log})
    _install("migdev.accounts.access", {"has_permission": _has_permission})
