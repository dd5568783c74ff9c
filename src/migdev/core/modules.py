"""The module registry: which modules the navigation shows and whether each is built yet.

A module's AppConfig declares ``migdev_module = ModuleInfo(...)``; modules named in
``settings.MIGDEV_MODULES`` without an installed app appear as "not built yet".
"""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ModuleInfo:
    slug: str
    title: str | Promise
    summary: str | Promise
    url_name: str | None = None


PLANNED_MODULES: dict[str, ModuleInfo] = {
    "trafficking": ModuleInfo(
        "trafficking",
        _("Counter-trafficking"),
        _("Case database with first-hand victim data, and its safe publication."),
    ),
    "indicators": ModuleInfo(
        "indicators",
        _("Indicators"),
        _("Migration-and-development indicators, development plans and country profiles."),
    ),
    "remittances": ModuleInfo(
        "remittances",
        _("Remittances"),
        _("Remittance prices by corridor and provider, and SDG 10.c.1."),
    ),
    "coordination": ModuleInfo(
        "coordination",
        _("Coordination"),
        _("Processes, meetings, activities, practices and research."),
    ),
    "skills": ModuleInfo(
        "skills",
        _("Skills and occupations"),
        _("ESCO occupations and skills and ISCO-08 groups in three languages, searched and matched."),
    ),
    "labour": ModuleInfo(
        "labour",
        _("Labour mobility"),
        _("Matching workers to jobs abroad under ethical-recruitment rules."),
    ),
    "diaspora": ModuleInfo(
        "diaspora",
        _("Diaspora"),
        _("Connecting diaspora experts with institutions at home."),
    ),
    "law": ModuleInfo(
        "law",
        _("Migration law"),
        _(
            "International instruments relevant to migration and their parties over time, beside national law."
        ),
    ),
}


@dataclass(frozen=True)
class ModuleEntry:
    info: ModuleInfo
    built: bool


def module_entries() -> list[ModuleEntry]:
    built: dict[str, ModuleInfo] = {}
    for config in apps.get_app_configs():
        info = getattr(config, "migdev_module", None)
        if isinstance(info, ModuleInfo):
            built[info.slug] = info
    entries = []
    for slug in settings.MIGDEV_MODULES:
        if slug in built:
            entries.append(ModuleEntry(built[slug], built=True))
        elif slug in PLANNED_MODULES:
            entries.append(ModuleEntry(PLANNED_MODULES[slug], built=False))
    return entries
