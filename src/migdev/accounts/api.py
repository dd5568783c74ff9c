"""GET /api/v1/accounts/me: who the API sees, with roles and permission scopes (handy to test a token)."""

from django.http import HttpRequest
from ninja import Router, Schema

from migdev.accounts import access
from migdev.accounts.models import User
from migdev.core.api_base import AUTH

router = Router(tags=["accounts"], auth=AUTH)


class OrganisationOut(Schema):
    name: str
    acronym: str
    kind: str


class MeOut(Schema):
    username: str
    organisation: OrganisationOut | None
    roles: list[str]
    permissions: dict[str, str]
    two_factor_required: bool


@router.get("/me", response=MeOut, summary="The authenticated user")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    assert isinstance(user, User)
    organisation = user.organisation
    return MeOut(
        username=user.get_username(),
        organisation=(
            OrganisationOut(name=organisation.name, acronym=organisation.acronym, kind=organisation.kind)
            if organisation is not None
            else None
        ),
        roles=sorted(access.role_codes(user)),
        permissions={perm: scope.value for perm, scope in sorted(access.granted_permissions(user).items())},
        two_factor_required=access.require_two_factor(user),
    )
