"""Who may do what to which records. Every read of a protected record goes through this module.

A role grants Django permissions ("<app_label>.<codename>"), each with a scope:

* ``own``: records the user owns;
* ``group``: those, plus records of the user's groups;
* ``organisation``: those, plus records of the user's organisation;
* ``all``: every record.

A wider scope always includes the narrower ones, and a user holding a permission through several roles
gets the widest scope. Anonymous and inactive users hold no permission. A superuser holds every
permission at ``all`` scope (Django's convention) and must pass two-factor authentication.

Each record type gets one access function built on ``get_for_user`` (see ``note_get_for_user`` in
``migdev.accounts.selectors``); views and API endpoints call that function and nothing else.
Records outside a user's scope raise ``Http404`` exactly like records that do not exist, so existence
never leaks.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

from migdev.accounts.models import RoleDefinition, RolePermission, User
from migdev.accounts.roles import SCOPE_RANK, TWO_FACTOR_ROLES, Role, Scope
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log

__all__ = [
    "Role",
    "Scope",
    "forget_cached_access",
    "get_for_user",
    "granted_permissions",
    "group_ids",
    "has_permission",
    "permission_required_or_404",
    "reaches",
    "require_two_factor",
    "role_codes",
    "roles_grantable_by",
    "scope_for",
    "scoped_queryset",
]

UserLike = AbstractBaseUser | AnonymousUser
ModelT = TypeVar("ModelT", bound=Model)
ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def _active_user(user: UserLike | None) -> User | None:
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return user
    return None


# What ``_access`` reads, as rows of one statement (kind, then up to three text columns): a role's code, a
# group's id, or a permission granted with its scope. It was three ORM queries (one per kind), and then one
# ORM union, whose compiling cost more CPU than the database's work: every API request and page pays it, so
# the statement is written once per process from the models' own table and column names.
_ROLE, _GROUP, _GRANT = "r", "g", "p"
_access_statement: str | None = None


def _access_sql() -> str:
    global _access_statement
    if _access_statement is None:
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        from migdev.core.kept import column, table

        user_roles = User.roles.through
        user_groups = User.user_groups.through
        granted = table(RolePermission)
        _access_statement = (
            f"SELECT '{_ROLE}', r.{column(RoleDefinition, 'code')}, '', '' "  # noqa: S608
            f"FROM {table(RoleDefinition)} r JOIN {table(user_roles)} ur "
            f"ON ur.{column(user_roles, 'roledefinition')} = r.{column(RoleDefinition, 'id')} "
            f"WHERE ur.{column(user_roles, 'user')} = %s "
            f"UNION ALL SELECT '{_GROUP}', CAST(ug.{column(user_groups, 'usergroup')} AS TEXT), '', '' "
            f"FROM {table(user_groups)} ug WHERE ug.{column(user_groups, 'user')} = %s "
            f"UNION ALL SELECT '{_GRANT}', ct.{column(ContentType, 'app_label')}, "
            f"p.{column(Permission, 'codename')}, g.{column(RolePermission, 'scope')} "
            f"FROM {granted} g JOIN {table(user_roles)} ur "
            f"ON ur.{column(user_roles, 'roledefinition')} = g.{column(RolePermission, 'role')} "
            f"JOIN {table(Permission)} p ON p.{column(Permission, 'id')} = g.{column(RolePermission, 'permission')} "
            f"JOIN {table(ContentType)} ct ON ct.{column(ContentType, 'id')} = p.{column(Permission, 'content_type')} "
            f"WHERE ur.{column(user_roles, 'user')} = %s"
        )
    return _access_statement


def _access_rows(user: User) -> list[tuple[str, str, str, str]]:
    """The user's roles, groups and grants in one statement (one snapshot of the three)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_access_sql(), [user.pk, user.pk, user.pk])
        return cursor.fetchall()


def _access(user: User) -> dict[str, Any]:
    cache = user.access_cache
    if cache is None:
        scopes: dict[str, str] = {}
        roles: set[str] = set()
        groups: set[int] = set()
        for kind, first, second, third in _access_rows(user):
            if kind == _ROLE:
                roles.add(first)
            elif kind == _GROUP:
                groups.add(int(first))
            else:
                perm = f"{first}.{second}"
                if SCOPE_RANK[third] > SCOPE_RANK.get(scopes.get(perm, ""), 0):
                    scopes[perm] = third
        cache = {"scopes": scopes, "roles": frozenset(roles), "groups": frozenset(groups)}
        user.access_cache = cache
    return cache


def forget_cached_access(user: UserLike) -> None:
    """Drop the memo so the next check reads roles and groups again (after changing them)."""
    if isinstance(user, User):
        user.access_cache = None


def role_codes(user: UserLike | None) -> frozenset[str]:
    active = _active_user(user)
    return _access(active)["roles"] if active is not None else frozenset()


def granted_permissions(user: UserLike | None) -> dict[str, Scope]:
    """Every permission the user's roles grant, with its widest scope (superusers: not expanded)."""
    active = _active_user(user)
    if active is None:
        return {}
    return {perm: Scope(scope) for perm, scope in _access(active)["scopes"].items()}


def scope_for(user: UserLike | None, perm: str) -> Scope | None:
    active = _active_user(user)
    if active is None:
        return None
    if active.is_superuser:
        return Scope.ALL
    scope = _access(active)["scopes"].get(perm)
    return Scope(scope) if scope is not None else None


def group_ids(user: UserLike | None) -> frozenset[int]:
    """The ids of the user's groups (read with their roles, once per request); none for anonymous or inactive
    users."""
    active = _active_user(user)
    return _access(active)["groups"] if active is not None else frozenset()


def has_permission(user: UserLike | None, perm: str) -> bool:
    return scope_for(user, perm) is not None


def require_two_factor(user: UserLike | None) -> bool:
    """True for superusers and for holders of any role that can see personal data."""
    active = _active_user(user)
    if active is None:
        return False
    return active.is_superuser or bool(_access(active)["roles"] & TWO_FACTOR_ROLES)


def scope_filter(
    user: User,
    scope: Scope,
    *,
    owner_field: str | None = "owner",
    group_field: str | None = "group",
    organisation_field: str | None = "organisation",
) -> Q | None:
    """The condition selecting what ``scope`` reaches for ``user``; ``None`` means every record.

    A field given as ``None`` means the record type has no such dimension, so that scope adds nothing.
    """
    if scope == Scope.ALL:
        return None
    condition = Q(pk__in=[])
    if owner_field:
        condition |= Q(**{owner_field: user.pk})
    if scope in (Scope.GROUP, Scope.ORGANISATION) and group_field:
        groups = _access(user)["groups"]
        if groups:
            condition |= Q(**{f"{group_field}__in": sorted(groups)})
    if scope == Scope.ORGANISATION and organisation_field and user.organisation_id is not None:
        condition |= Q(**{organisation_field: user.organisation_id})
    return condition


def scoped_queryset(
    user: UserLike | None,
    perm: str,
    queryset: QuerySet[ModelT],
    *,
    owner_field: str | None = "owner",
    group_field: str | None = "group",
    organisation_field: str | None = "organisation",
) -> QuerySet[ModelT]:
    """The records of ``queryset`` that ``user`` reaches with ``perm``; empty without the permission."""
    active = _active_user(user)
    scope = scope_for(active, perm)
    if active is None or scope is None:
        return queryset.none()
    condition = scope_filter(
        active,
        scope,
        owner_field=owner_field,
        group_field=group_field,
        organisation_field=organisation_field,
    )
    return queryset if condition is None else queryset.filter(condition)


def reaches(
    user: UserLike | None,
    perm: str,
    *,
    owner_id: object = None,
    group_ids: frozenset[int] | set[int] = frozenset(),
    organisation_id: int | None = None,
) -> bool:
    """Whether a record with this owner, these groups and this organisation lies in ``user``'s scope for
    ``perm``: the rule of ``scoped_queryset``, for a record not saved yet or about to change."""
    active = _active_user(user)
    scope = scope_for(active, perm)
    if active is None or scope is None:
        return False
    if scope == Scope.ALL or (owner_id is not None and owner_id == active.pk):
        return True
    if scope in (Scope.GROUP, Scope.ORGANISATION) and set(group_ids) & _access(active)["groups"]:
        return True
    return bool(
        scope == Scope.ORGANISATION
        and organisation_id is not None
        and organisation_id == active.organisation_id
    )


def roles_grantable_by(user: UserLike | None, perm: str) -> frozenset[str]:
    """The roles ``user`` may give or take away by holding ``perm`` (the user-management permission).

    A role is grantable when every permission it carries either reaches no further than the user's own
    scope for ``perm``, or is one the user holds at least as widely. An administrator at ``all`` scope can
    grant every role; one at ``organisation`` scope can make case workers, supervisors and fellow
    organisation administrators, but no role that reaches every organisation's records beyond what they
    themselves can reach. Nobody can hand out more than they have.
    """
    active = _active_user(user)
    scope = scope_for(active, perm)
    if active is None or scope is None:
        return frozenset()
    every_role = frozenset(RoleDefinition.objects.values_list("code", flat=True))
    if scope == Scope.ALL:
        return every_role
    ceiling = SCOPE_RANK[scope]
    held = _access(active)["scopes"]
    refused = set()
    grants = RolePermission.objects.values_list(
        "role__code", "permission__content_type__app_label", "permission__codename", "scope"
    )
    for role_code, app_label, codename, granted_scope in grants:
        rank = SCOPE_RANK[granted_scope]
        if rank > ceiling and rank > SCOPE_RANK.get(held.get(f"{app_label}.{codename}", ""), 0):
            refused.add(role_code)
    return every_role - refused


def _deny(
    request: HttpRequest | None,
    user: UserLike | None,
    *,
    perm: str,
    reason: str,
    record_type: str = "",
    record_id: str = "",
) -> None:
    audit_log(
        action=AuditAction.PERMISSION_DENIED,
        request=request,
        actor=_active_user(user),
        record_type=record_type,
        record_id=record_id,
        detail={"permission": perm, "reason": reason},
    )


def get_for_user(
    user: UserLike | None,
    perm: str,
    queryset: QuerySet[ModelT],
    pk: object,
    *,
    request: HttpRequest | None = None,
    owner_field: str | None = "owner",
    group_field: str | None = "group",
    organisation_field: str | None = "organisation",
    audit_read: bool = False,
) -> ModelT:
    """The record ``pk`` if ``user`` reaches it with ``perm``; otherwise ``Http404``.

    A missing record and one outside the user's scope are indistinguishable to the caller. Both are
    audited as ``permission_denied`` (reason ``no_permission`` when the user lacks the permission
    entirely, ``not_in_scope`` otherwise) so the data protection officer can spot probing.
    ``audit_read=True`` records a ``read`` event when the record is returned.
    """
    record_type = queryset.model._meta.label_lower
    record_id = str(pk)[:64]
    if not has_permission(user, perm):
        _deny(request, user, perm=perm, reason="no_permission", record_type=record_type, record_id=record_id)
        raise Http404
    scoped = scoped_queryset(
        user,
        perm,
        queryset,
        owner_field=owner_field,
        group_field=group_field,
        organisation_field=organisation_field,
    )
    try:
        record = scoped.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
        _deny(request, user, perm=perm, reason="not_in_scope", record_type=record_type, record_id=record_id)
        raise Http404 from None
    if audit_read:
        audit_log(action=AuditAction.READ, request=request, actor=_active_user(user), record=record)
    return record


def permission_required_or_404(perm: str) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: anonymous users go to the sign-in page; users without ``perm`` get a 404
    (audited as ``permission_denied``), so a page's existence is not confirmed to them."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_permission(request.user, perm):
                _deny(request, request.user, perm=perm, reason="no_permission")
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
