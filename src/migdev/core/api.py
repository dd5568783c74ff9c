"""Platform-level API routes: what this installation offers, and who the caller is."""

from django.http import HttpRequest
from ninja import Router, Schema

from migdev import __version__
from migdev.core.api_base import AUTH
from migdev.core.modules import module_entries

router = Router(tags=["platform"])
api_prefix = "platform/"


class ModuleOut(Schema):
    slug: str
    title: str
    built: bool


class PlatformOut(Schema):
    version: str
    modules: list[ModuleOut]


class WhoAmIOut(Schema):
    username: str
    organisation: str | None
    roles: list[str]


@router.get("", response=PlatformOut, auth=None, summary="Version and modules of this installation")
def platform_info(request: HttpRequest) -> PlatformOut:
    modules = [ModuleOut(slug=e.info.slug, title=str(e.info.title), built=e.built) for e in module_entries()]
    return PlatformOut(version=__version__, modules=modules)


@router.get("whoami", response=WhoAmIOut, auth=AUTH, summary="The authenticated caller")
def whoami(request: HttpRequest) -> WhoAmIOut:
    from migdev.accounts.selectors import role_names_for

    user = request.user
    organisation = getattr(user, "organisation", None)
    return WhoAmIOut(
        username=user.get_username(),
        organisation=str(organisation) if organisation else None,
        roles=role_names_for(user),
    )
