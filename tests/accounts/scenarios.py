"""A small world for access tests: a user's own note, a note of their group, one of their organisation
outside their groups, and one of another organisation."""

from dataclasses import dataclass

from django.contrib.auth.models import Permission

from migdev.accounts.access import Role, Scope
from migdev.accounts.models import Note, Organisation, RoleDefinition, RolePermission, User, UserGroup
from tests.factories import make_group, make_note, make_organisation, make_user

POSITIONS = ("own", "group", "organisation", "other")
REACH = {
    None: set(),
    Scope.OWN: {"own"},
    Scope.GROUP: {"own", "group"},
    Scope.ORGANISATION: {"own", "group", "organisation"},
    Scope.ALL: set(POSITIONS),
}

# The seeded grants, written out from the role descriptions rather than read from the database.
EXPECTED_SCOPES: dict[str, dict[str, Scope | None]] = {
    "accounts.view_note": {
        Role.ADMINISTRATOR: Scope.ALL,
        Role.DATA_PROTECTION_OFFICER: None,
        Role.CASE_WORKER: Scope.OWN,
        Role.SUPERVISOR: Scope.GROUP,
        Role.ANALYST: None,
        Role.EDITOR: None,
        Role.PARTNER: Scope.ORGANISATION,
        # The labour-mobility roles hold no team-note permission.
        Role.SCHEME_OFFICER: None,
        Role.PES_OFFICER: None,
        Role.EMPLOYER: None,
        Role.RECRUITER: None,
        Role.WORKER: None,
    },
    "accounts.change_note": {
        Role.ADMINISTRATOR: Scope.ALL,
        Role.DATA_PROTECTION_OFFICER: None,
        Role.CASE_WORKER: Scope.OWN,
        Role.SUPERVISOR: Scope.GROUP,
        Role.ANALYST: None,
        Role.EDITOR: None,
        Role.PARTNER: Scope.OWN,
        # The labour-mobility roles hold no team-note permission.
        Role.SCHEME_OFFICER: None,
        Role.PES_OFFICER: None,
        Role.EMPLOYER: None,
        Role.RECRUITER: None,
        Role.WORKER: None,
    },
    "accounts.delete_note": {
        Role.ADMINISTRATOR: Scope.ALL,
        Role.DATA_PROTECTION_OFFICER: None,
        Role.CASE_WORKER: Scope.OWN,
        Role.SUPERVISOR: Scope.OWN,
        Role.ANALYST: None,
        Role.EDITOR: None,
        Role.PARTNER: None,
        # The labour-mobility roles hold no team-note permission.
        Role.SCHEME_OFFICER: None,
        Role.PES_OFFICER: None,
        Role.EMPLOYER: None,
        Role.RECRUITER: None,
        Role.WORKER: None,
    },
}
# The diaspora roles (migdev.diaspora) hold no note permission.
for _scopes in EXPECTED_SCOPES.values():
    for _role in (Role.PROGRAMME_OFFICER, Role.DIASPORA_OFFICE, Role.HOST_INSTITUTION, Role.EXPERT):
        _scopes[_role] = None


@dataclass
class World:
    home: Organisation
    other: Organisation
    my_group: UserGroup
    home_group: UserGroup
    other_group: UserGroup
    notes: dict[str, Note]

    def subject(self, *roles: str) -> User:
        return make_user(*roles, organisation=self.home, groups=(self.my_group,))


def set_scope(role: str, perm: str, scope: Scope | None) -> None:
    app_label, codename = perm.split(".")
    definition = RoleDefinition.objects.get(code=role)
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    RolePermission.objects.filter(role=definition, permission=permission).delete()
    if scope is not None:
        RolePermission.objects.create(role=definition, permission=permission, scope=scope)


def build_world() -> World:
    home, other = make_organisation(), make_organisation()
    my_group, home_group, other_group = make_group(home), make_group(home), make_group(other)
    teammate = make_user(Role.CASE_WORKER, organisation=home, groups=(my_group,))
    colleague = make_user(Role.CASE_WORKER, organisation=home, groups=(home_group,))
    outsider = make_user(Role.CASE_WORKER, organisation=other, groups=(other_group,))
    return World(
        home,
        other,
        my_group,
        home_group,
        other_group,
        {
            "group": make_note(teammate, group=my_group),
            "organisation": make_note(colleague, group=home_group),
            "other": make_note(outsider, group=other_group),
        },
    )
