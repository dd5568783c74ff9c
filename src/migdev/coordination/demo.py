"""Demo data: the meetings, initiatives and activities named in IOM's November 2006 paper on follow-up to
the High-Level Dialogue, plus a few well-documented meetings of the processes it mentions.

Where the paper gives only a month (or a year, for meetings then planned), the record says so through its
date precision rather than inventing a day. Activity identifiers are assigned here (suffix -HLD2006-nn),
since the 2006 activities predate the reporters' IATI publishing.

Every real meeting in the paper is in the past, so a new user would find no "next meeting" anywhere. Two
sample meetings, dated relative to the day the demo is loaded and titled "Sample record", show the calendar,
the next-meeting panel and the topics shared across processes; nothing else in the demo is invented.
"""

from __future__ import annotations

import datetime
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils import timezone

from migdev.accounts.models import Organisation
from migdev.coordination.models import (
    Activity,
    ActivityCountry,
    ActivityParticipant,
    AgendaItem,
    ConsultationPosition,
    DatePrecision,
    Initiative,
    InitiativeStatusChange,
    Meeting,
    MeetingParticipant,
    PartnershipCall,
    Practice,
    Process,
    Topic,
)
from migdev.coordination.seed import DATA_FILE

PAPER = "IOM-2006: IOM contribution to the Fifth Coordination Meeting on International Migration, 20-21 November 2006"
D = datetime.date

# slug, title, process, part_of, kind, status, start, end, precision, city, country, host state, host org,
# theme, agenda [(title, [topic codes])], participants [(state or org acronym, role)], source
MEETINGS: list[dict[str, Any]] = [
    {
        "slug": "2006-09-14-high-level-dialogue",
        "title": "High-Level Dialogue on International Migration and Development",
        "kind": "plenary",
        "status": "held",
        "start": D(2006, 9, 14),
        "end": D(2006, 9, 15),
        "city": "New York",
        "country": "USA",
        "host_org": "UN-DESA",
        "summary": "Convened by the UN General Assembly; the Secretary-General proposed a consultative, "
        "non-binding Global Forum on International Migration and Development.",
        "agenda": [
            (
                "Round table 1: effects of international migration on economic and social development",
                ["mainstreaming-migration"],
            ),
            (
                "Round table 2: respect for and protection of the human rights of all migrants; preventing and combating smuggling and trafficking",
                ["migrants-rights", "smuggling", "trafficking"],
            ),
            (
                "Round table 3: multidimensional aspects of international migration and development, including remittances",
                ["remittances", "diaspora-engagement"],
            ),
            (
                "Round table 4: partnerships, capacity building and sharing of best practices at all levels",
                ["capacity-building", "partnerships"],
            ),
        ],
        "source": "UN General Assembly resolution 60/227; " + PAPER,
    },
    {
        "slug": "2006-09-imdi-side-event",
        "title": "Side event: International Migration and Development Initiative (IMDI)",
        "part_of": "2006-09-14-high-level-dialogue",
        "kind": "side_event",
        "status": "held",
        "start": D(2006, 9, 1),
        "end": D(2006, 9, 1),
        "precision": "month",
        "city": "New York",
        "country": "USA",
        "host_org": "IOM",
        "agenda": [
            ("Presentation of the IMDI proposal to delegations", ["labour-mobility", "hld-follow-up"])
        ],
        "participants": [("IOM", "organiser")],
        "source": PAPER,
    },
    {
        "slug": "2006-07-gmg-meeting",
        "title": "Global Migration Group meeting",
        "process": "gmg",
        "kind": "coordination",
        "status": "held",
        "start": D(2006, 7, 1),
        "end": D(2006, 7, 1),
        "precision": "month",
        "agenda": [
            (
                "IOM proposal: International Migration and Development Initiative (IMDI)",
                ["labour-mobility", "capacity-building"],
            )
        ],
        "participants": [("IOM", "speaker")],
        "source": PAPER,
    },
    {
        "slug": "2006-11-20-fifth-coordination-meeting",
        "title": "Fifth Coordination Meeting on International Migration",
        "kind": "coordination",
        "status": "held",
        "start": D(2006, 11, 20),
        "end": D(2006, 11, 21),
        "city": "New York",
        "country": "USA",
        "host_org": "UN-DESA",
        "agenda": [
            ("Follow-up to the High-Level Dialogue", ["hld-follow-up"]),
            (
                "Activities relating to international migration and development",
                ["mainstreaming-migration", "data-research"],
            ),
        ],
        "participants": [("IOM", "participant")],
        "source": PAPER,
    },
    {
        "slug": "2006-11-apc-plenary-xiamen",
        "title": "Annual plenary of the Inter-governmental Asia-Pacific Consultations",
        "process": "apc",
        "kind": "plenary",
        "status": "held",
        "start": D(2006, 11, 1),
        "end": D(2006, 11, 1),
        "precision": "month",
        "city": "Xiamen",
        "country": "CHN",
        "host_state": "CHN",
        "agenda": [("IOM address on the High-Level Dialogue", ["hld-follow-up", "mainstreaming-migration"])],
        "participants": [("CHN", "participant"), ("IOM", "speaker")],
        "source": PAPER,
    },
    {
        "slug": "2006-11-iom-council-92",
        "title": "Ninety-second session of the IOM Council",
        "kind": "session",
        "status": "held",
        "start": D(2006, 11, 1),
        "end": D(2006, 11, 1),
        "precision": "month",
        "city": "Geneva",
        "country": "CHE",
        "host_org": "IOM",
        "agenda": [
            (
                "International Migration and Development Initiative (IMDI)",
                ["labour-mobility", "hld-follow-up"],
            )
        ],
        "source": PAPER,
    },
    {
        "slug": "2006-11-idm-gmg-interactive-discussion",
        "title": "IDM: special interactive discussion with the GMG partners",
        "process": "idm",
        "part_of": "2006-11-iom-council-92",
        "kind": "session",
        "status": "held",
        "start": D(2006, 11, 1),
        "end": D(2006, 11, 1),
        "precision": "month",
        "city": "Geneva",
        "country": "CHE",
        "host_org": "IOM",
        "agenda": [("Inter-agency cooperation on migration: the Global Migration Group", ["hld-follow-up"])],
        "source": PAPER,
    },
    {
        "slug": "2006-11-idm-partnerships",
        "title": "IDM: Partnerships in Migration: Engaging Business and Civil Society",
        "process": "idm",
        "part_of": "2006-11-iom-council-92",
        "kind": "session",
        "status": "held",
        "start": D(2006, 11, 1),
        "end": D(2006, 11, 1),
        "precision": "month",
        "city": "Geneva",
        "country": "CHE",
        "host_org": "IOM",
        "agenda": [("Engaging business and civil society", ["partnerships"])],
        "source": PAPER,
    },
    {
        "slug": "2006-11-idm-year-in-review",
        "title": "IDM: the Year in Review",
        "process": "idm",
        "part_of": "2006-11-iom-council-92",
        "kind": "session",
        "status": "held",
        "start": D(2006, 11, 1),
        "end": D(2006, 11, 1),
        "precision": "month",
        "city": "Geneva",
        "country": "CHE",
        "host_org": "IOM",
        "agenda": [
            ("Belgium presents its plans for the first meeting of the Global Forum", ["hld-follow-up"]),
            ("International Migration and Development Initiative (IMDI)", ["labour-mobility"]),
        ],
        "participants": [("BEL", "speaker")],
        "source": PAPER,
    },
    {
        "slug": "2006-idm-workshop-human-resources-for-health",
        "title": "IDM intersessional workshop: Migration and Human Resources for Health",
        "process": "idm",
        "kind": "workshop",
        "status": "held",
        "start": D(2006, 1, 1),
        "end": D(2006, 1, 1),
        "precision": "year",
        "city": "Geneva",
        "country": "CHE",
        "host_org": "IOM",
        "agenda": [("Migration and human resources for health", ["health-workers", "skills-circulation"])],
        "source": PAPER,
    },
    {
        "slug": "2006-idm-workshop-migrants-host-society",
        "title": "IDM intersessional workshop: Migrants and the Host Society",
        "process": "idm",
        "kind": "workshop",
        "status": "held",
        "start": D(2006, 1, 1),
        "end": D(2006, 1, 1),
        "precision": "year",
        "city": "Geneva",
        "country": "CHE",
        "host_org": "IOM",
        "agenda": [("Migrants and the host society", ["integration"])],
        "source": PAPER,
    },
    {
        "slug": "2007-idm-workshop-labour-mobility",
        "title": "IDM intersessional workshop: Making Global Labour Mobility a Catalyst for Development",
        "process": "idm",
        "kind": "workshop",
        "status": "planned",
        "start": D(2007, 1, 1),
        "end": D(2007, 1, 1),
        "precision": "year",
        "theme": "Migration Management in the Evolving Global Economy",
        "agenda": [
            ("Global labour mobility as a catalyst for development", ["labour-mobility", "global-economy"])
        ],
        "source": PAPER + " (selected by IOM Members and Observers, pending funding)",
    },
    {
        "slug": "2007-idm-workshop-free-movement",
        "title": "IDM intersessional workshop: Free Movement of Persons in Regional Integration Processes",
        "process": "idm",
        "kind": "workshop",
        "status": "planned",
        "start": D(2007, 1, 1),
        "end": D(2007, 1, 1),
        "precision": "year",
        "theme": "Migration Management in the Evolving Global Economy",
        "agenda": [
            (
                "Free movement of persons in regional integration processes",
                ["free-movement", "global-economy"],
            )
        ],
        "source": PAPER + " (selected by IOM Members and Observers, pending funding)",
    },
    {
        "slug": "2007-idm-workshop-environment",
        "title": "IDM intersessional workshop: The Environment and Migration",
        "process": "idm",
        "kind": "workshop",
        "status": "planned",
        "start": D(2007, 1, 1),
        "end": D(2007, 1, 1),
        "precision": "year",
        "theme": "Migration Management in the Evolving Global Economy",
        "agenda": [("The environment and migration", ["environment"])],
        "source": PAPER + " (selected by IOM Members and Observers, pending funding)",
    },
    {
        "slug": "2007-07-09-gfmd-brussels",
        "title": "First meeting of the Global Forum on Migration and Development",
        "process": "gfmd",
        "kind": "summit",
        "status": "held",
        "start": D(2007, 7, 9),
        "end": D(2007, 7, 11),
        "city": "Brussels",
        "country": "BEL",
        "host_state": "BEL",
        "agenda": [
            ("Human capital development and labour mobility", ["labour-mobility", "skills-circulation"]),
            ("Remittances and other diaspora resources", ["remittances", "diaspora-engagement"]),
            (
                "Enhancing policy and institutional coherence and promoting partnerships",
                ["mainstreaming-migration", "partnerships"],
            ),
        ],
        "participants": [("BEL", "organiser")],
        "source": "GFMD Brussels 2007 report; " + PAPER,
    },
    {
        "slug": "2006-07-10-rabat-ministerial-conference",
        "title": "Euro-African Ministerial Conference on Migration and Development",
        "process": "rabat-process",
        "kind": "ministerial",
        "status": "held",
        "start": D(2006, 7, 10),
        "end": D(2006, 7, 11),
        "city": "Rabat",
        "country": "MAR",
        "host_state": "MAR",
        "agenda": [
            ("Migration and development", ["mainstreaming-migration", "remittances"]),
            ("Legal migration", ["labour-mobility"]),
            ("Fight against irregular migration", ["irregular-migration", "border-management"]),
        ],
        "participants": [
            ("MAR", "organiser"),
            ("ESP", "participant"),
            ("FRA", "participant"),
            ("SEN", "participant"),
        ],
        "source": "Rabat Declaration and Action Plan, July 2006",
    },
    {
        "slug": "2005-09-colombo-process-third-ministerial",
        "title": "Third Ministerial Consultation of the Colombo Process",
        "process": "colombo-process",
        "kind": "ministerial",
        "status": "held",
        "start": D(2005, 9, 1),
        "end": D(2005, 9, 1),
        "precision": "month",
        "city": "Bali",
        "country": "IDN",
        "host_state": "IDN",
        "agenda": [
            ("Protection of and services to overseas workers", ["labour-mobility", "migrants-rights"]),
            ("Remittances", ["remittances"]),
        ],
        "source": "Colombo Process ministerial records",
    },
]

INITIATIVES: list[dict[str, Any]] = [
    {
        "code": "imdi",
        "acronym": "IMDI",
        "name": "International Migration and Development Initiative",
        "kind": "proposal",
        "priority": "1",
        "proposer": "IOM",
        "description": "A mechanism to build capacity for safe, legal and orderly participation in the global labour "
        "market, drawing on inter-agency, governmental and private-sector collaboration.",
        "processes": ["gmg", "idm"],
        "meetings": ["2006-07-gmg-meeting", "2006-09-imdi-side-event", "2006-11-iom-council-92"],
        "statuses": [
            ("proposed", D(2006, 7, 1), "month", "Presented to the Global Migration Group"),
            (
                "in_consultation",
                D(2006, 11, 1),
                "month",
                "Concept being defined with partners; to be discussed at the IOM Council",
            ),
        ],
        "positions": [
            ("World Bank", "partner", "interested", "Working with IOM to define the concept"),
            ("UNHCR", "partner", "interested", "In its own capacity and as GMG chair"),
            ("ILO", "partner", "interested", "Working with IOM to define the concept"),
            ("UNCTAD", "partner", "interested", "Working with IOM to define the concept"),
            ("UNDP", "observer", "not_stated", "Participating as observer"),
            ("UNFPA", "observer", "not_stated", "Participating as observer"),
        ],
    },
    {
        "code": "md-research-initiative",
        "name": "Global migration and development research initiative",
        "kind": "proposal",
        "priority": "1",
        "proposer": "IOM",
        "description": "Engage research networks, ministries, NGOs and international organizations in migration and "
        "development research, and build developing countries' capacity for policy-relevant research.",
        "processes": ["gmg"],
        "statuses": [
            ("in_consultation", D(2006, 11, 1), "month", "All GMG agencies invited; concept refined with ILO")
        ],
        "positions": [
            ("ILO", "partner", "interested", "Refining the concept with IOM"),
            ("OHCHR", "invited", "not_stated", ""),
            ("UNCTAD", "invited", "not_stated", ""),
            ("UN-DESA", "invited", "not_stated", ""),
            ("UNDP", "invited", "not_stated", ""),
            ("UNFPA", "invited", "not_stated", ""),
            ("UNHCR", "invited", "not_stated", ""),
            ("UNODC", "invited", "not_stated", ""),
            ("World Bank", "invited", "not_stated", ""),
        ],
    },
    {
        "code": "mainstreaming-pilots",
        "name": "Mainstreaming migration into development planning (pilot countries)",
        "kind": "pilot",
        "priority": "1",
        "proposer": "IOM",
        "description": "Assisting governments to reflect migration in national development strategies and Poverty "
        "Reduction Strategy Papers, and to establish indicators of success.",
        "statuses": [("under_way", D(2006, 11, 1), "month", "Under way in a few pilot countries")],
    },
    {
        "code": "engaging-diasporas-publication",
        "name": "Engaging Diasporas as Development Partners for Home and Destination Countries: Challenges for Policymakers",
        "kind": "study",
        "priority": "1",
        "proposer": "IOM",
        "description": "Survey of practices engaging diasporas as partners for development, with emphasis on "
        "non-financial contributions; IOM Migration Research Series.",
        "activities": ["XM-DAC-47066-HLD2006-01"],
        "statuses": [("under_way", D(2006, 11, 1), "month", "Due at the end of November 2006")],
    },
    {
        "code": "migration-policies-development-relevance",
        "name": "Migration Policies and their Development Relevance (study with the World Bank)",
        "kind": "study",
        "priority": "1",
        "proposer": "IOM",
        "description": "Review of immigration and emigration policies relevant to development and poverty reduction "
        "in selected countries of origin and destination (provisional title).",
        "activities": ["XM-DAC-47066-HLD2006-02"],
        "statuses": [("under_way", D(2006, 11, 1), "month", "")],
        "positions": [("World Bank", "partner", "supports", "Co-producing the study")],
    },
    {
        "code": "gmg-information-note-2006",
        "name": "GMG information note on members' migration and development research, data collection and publications",
        "kind": "study",
        "priority": "2",
        "proposer": "UNHCR",
        "description": "Compiled by UNHCR as GMG chair; further compilation anticipated later in 2006.",
        "processes": ["gmg"],
        "statuses": [("completed", D(2006, 11, 1), "month", "Recently compiled by the GMG chair")],
    },
    {
        "code": "health-service-workers-programme",
        "name": "Action Programme on the International Migration of Health Service Workers: The Supply Side",
        "kind": "joint_programme",
        "priority": "2",
        "proposer": "ILO",
        "description": "ILO, IOM and WHO: strategies and good practices for managing the movement of health service "
        "providers from the perspective of the country of origin.",
        "activities": ["XM-DAC-41302-HLD2006-01"],
        "statuses": [("under_way", D(2006, 11, 1), "month", "")],
        "positions": [("IOM", "partner", "supports", ""), ("WHO", "partner", "supports", "")],
    },
    {
        "code": "labour-migration-handbook",
        "name": "Handbook on Establishing Effective Labour Migration Policies in Countries of Origin and Destination",
        "kind": "joint_programme",
        "priority": "2",
        "proposer": "OSCE",
        "description": "Jointly elaborated and published by the OSCE, IOM and ILO; moving into capacity-building workshops.",
        "activities": ["XM-DAC-47066-HLD2006-03"],
        "statuses": [("under_way", D(2006, 11, 1), "month", "Capacity-building workshops phase")],
        "positions": [("IOM", "partner", "supports", ""), ("ILO", "partner", "supports", "")],
    },
    {
        "code": "rcp-agenda-review",
        "name": "Review of RCP meeting schedules and agendas for HLD follow-up",
        "kind": "support",
        "priority": "3",
        "proposer": "IOM",
        "description": "Facilitating discussion of migration and development in regional consultative processes, where "
        "participating states wish; first at the APC plenary in Xiamen.",
        "processes": ["apc"],
        "meetings": ["2006-11-apc-plenary-xiamen"],
        "statuses": [("under_way", D(2006, 11, 1), "month", "")],
    },
    {
        "code": "rcp-web-section",
        "name": "Web section on regional consultative processes",
        "kind": "support",
        "priority": "3",
        "proposer": "IOM",
        "description": "Encouraging synergies and cross-fertilization among RCPs.",
        "statuses": [("under_way", D(2006, 11, 1), "month", "In development")],
    },
    {
        "code": "gfmd-support",
        "name": "Support to the first meeting of the Global Forum on Migration and Development",
        "kind": "support",
        "priority": "3",
        "proposer": "IOM",
        "description": "IOM contacted the Belgian Government and offered support; its shape depends on the topics chosen.",
        "processes": ["gfmd"],
        "meetings": ["2007-07-09-gfmd-brussels"],
        "statuses": [("in_consultation", D(2006, 11, 1), "month", "Offer of support made to Belgium")],
    },
    {
        "code": "idm-2007-programme",
        "name": "IDM 2007: Migration Management in the Evolving Global Economy",
        "kind": "support",
        "priority": "3",
        "proposer": "IOM",
        "description": "Overarching theme and three intersessional workshops selected by IOM Members and Observers.",
        "processes": ["idm"],
        "meetings": [
            "2007-idm-workshop-labour-mobility",
            "2007-idm-workshop-free-movement",
            "2007-idm-workshop-environment",
        ],
        "statuses": [("agreed", D(2006, 11, 1), "month", "Pending funding")],
    },
]

ACTIVITIES: list[dict[str, Any]] = [
    {
        "id": "XM-DAC-47066-HLD2006-01",
        "org": "IOM",
        "title": "Engaging Diasporas as Development Partners for Home and Destination Countries",
        "description": "Surveys existing practices for engaging diasporas as active partners for development and gives policy makers a guide; emphasis on diasporas' non-financial contributions, since most studies focus on remittances.",
        "area": "diaspora",
        "field": "publications",
        "status": "3",
        "start": D(2006, 1, 1),
        "end": D(2006, 12, 31),
        "topics": ["diaspora-engagement"],
    },
    {
        "id": "XM-DAC-47066-HLD2006-02",
        "org": "IOM",
        "title": "Migration Policies and their Development Relevance: a study of policies and practices in selected countries",
        "description": "With the World Bank: examines and reviews data on current immigration and emigration policies relevant to development and poverty reduction, to help make migration policies development-friendly.",
        "area": "understanding_impact",
        "field": "policy_research",
        "status": "2",
        "start": D(2006, 1, 1),
        "end": None,
        "partners": [("World Bank", "4")],
        "topics": ["mainstreaming-migration", "data-research"],
    },
    {
        "id": "XM-DAC-47066-HLD2006-03",
        "org": "IOM",
        "title": "Handbook on Establishing Effective Labour Migration Policies: capacity-building workshops",
        "description": "Handbook on Establishing Effective Labour Migration Policies in Countries of Origin and Destination, jointly elaborated and published by the OSCE, IOM and ILO, now moving into capacity-building workshops.",
        "area": "labour_migration",
        "field": "publications",
        "status": "2",
        "start": D(2006, 1, 1),
        "end": None,
        "partners": [("OSCE", "2"), ("ILO", "2")],
        "topics": ["labour-mobility", "capacity-building"],
    },
    {
        "id": "XM-DAC-47066-HLD2006-04",
        "org": "IOM",
        "title": "Counter-trafficking database of first-hand data on assisted victims",
        "description": "Developing and maintaining the most comprehensive counter-trafficking database, with first-hand data on trafficking victims.",
        "area": "counter_trafficking",
        "field": "data_collection",
        "status": "2",
        "start": D(2006, 1, 1),
        "end": None,
        "topics": ["trafficking", "data-research"],
    },
    {
        "id": "XM-DAC-41302-HLD2006-01",
        "org": "ILO",
        "title": "International Migration of Health Service Workers: The Supply Side",
        "description": "Action Programme launched by ILO with IOM and WHO: develops and disseminates strategies and good practices for managing the movement of health service providers, from the perspective of countries of origin.",
        "area": "labour_migration",
        "field": "policy_research",
        "status": "2",
        "start": D(2006, 1, 1),
        "end": None,
        "partners": [("IOM", "4"), ("WHO", "4")],
        "topics": ["health-workers", "skills-circulation"],
    },
]


@lru_cache(maxsize=1)
def _names_by_acronym() -> dict[str, str]:
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    return {entry["acronym"]: entry["name"] for entry in data["organisations"]}


def _org(acronym: str) -> Organisation:
    # By full name: acronyms are not unique across the platform's organisations.
    return Organisation.objects.get(name=_names_by_acronym()[acronym])


def _participant_values(code: str) -> dict[str, Any]:
    if code not in _names_by_acronym():
        return {"country_iso3": code, "organisation": None}
    return {"country_iso3": "", "organisation": _org(code)}


SAMPLE_SOURCE = (
    "migdev demo: sample record, dated relative to the day the demo was loaded (not a real meeting)"
)


def sample_upcoming_meetings(today: datetime.date) -> list[dict[str, Any]]:
    """Meetings a few weeks ahead of ``today``, on weekdays, so the demo always has a coming meeting."""

    def weekday_after(days: int) -> datetime.date:
        day = today + datetime.timedelta(days=days)
        return day + datetime.timedelta(days=7 - day.weekday() if day.weekday() >= 5 else 0)

    workshop_start = weekday_after(40)
    plenary_start = weekday_after(75)
    return [
        {
            "slug": "sample-apc-workshop",
            "title": "Sample record: APC workshop on labour mobility and remittances",
            "process": "apc",
            "kind": "workshop",
            "status": "planned",
            "start": workshop_start,
            "end": workshop_start + datetime.timedelta(days=1),
            "city": "Bangkok",
            "country": "THA",
            "agenda": [
                ("Labour mobility within Asia and the Pacific", ["labour-mobility"]),
                ("Lowering the cost of remittances", ["remittances"]),
                ("Follow-up to the High-Level Dialogue", ["hld-follow-up"]),
            ],
            "summary": "A sample meeting created by the demo so that the calendar has something ahead.",
            "source": SAMPLE_SOURCE,
        },
        {
            "slug": "sample-puebla-plenary",
            "title": "Sample record: Regional Conference on Migration plenary",
            "process": "puebla-process",
            "kind": "plenary",
            "status": "planned",
            "start": plenary_start,
            "end": plenary_start + datetime.timedelta(days=2),
            "city": "San José",
            "country": "CRI",
            "agenda": [
                ("Counter-trafficking and protection of victims", ["trafficking", "protection"]),
                (
                    "Migrants' rights and information for migrants",
                    ["migrants-rights", "information-for-migrants"],
                ),
                ("Mainstreaming migration into development planning", ["mainstreaming-migration"]),
            ],
            "summary": "A sample meeting created by the demo so that the calendar has something ahead.",
            "source": SAMPLE_SOURCE,
        },
    ]


def seed_demo(today: datetime.date | None = None) -> str:
    processes = {p.code: p for p in Process.objects.all()}
    if not processes:
        return "skipped: run migrations first (reference processes missing)"
    topics = {t.code: t for t in Topic.objects.all()}
    meetings: dict[str, Meeting] = {}
    for entry in [*MEETINGS, *sample_upcoming_meetings(today or timezone.localdate())]:
        meeting, _ = Meeting.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "title": entry["title"],
                "process": processes[entry["process"]] if "process" in entry else None,
                "part_of": meetings.get(entry.get("part_of", "")),
                "kind": entry["kind"],
                "status": entry["status"],
                "start_date": entry["start"],
                "end_date": entry["end"],
                "date_precision": entry.get("precision", DatePrecision.DAY),
                "city": entry.get("city", ""),
                "country_iso3": entry.get("country", ""),
                "host_country_iso3": entry.get("host_state", ""),
                "host_organisation": _org(entry["host_org"]) if "host_org" in entry else None,
                "theme": entry.get("theme", ""),
                "summary": entry.get("summary", ""),
                "source": entry["source"],
                "is_published": True,
            },
        )
        meetings[meeting.slug] = meeting
        meeting.agenda_items.all().delete()
        for position, (title, codes) in enumerate(entry.get("agenda", []), start=1):
            item = AgendaItem.objects.create(meeting=meeting, position=position, title=title)
            item.topics.set([topics[code] for code in codes])
        meeting.participants.all().delete()
        for code, role in entry.get("participants", []):
            MeetingParticipant.objects.create(meeting=meeting, role=role, **_participant_values(code))

    # The sourced reference content (summits since 2007, the research library) replaces the demo's own
    # shorter records of the same meetings.
    from migdev.coordination.content import load_hub_content

    content = load_hub_content()
    meetings.update({m.slug: m for m in Meeting.objects.filter(slug__in=[e["slug"] for e in MEETINGS])})

    activities: dict[str, Activity] = {}
    for entry in ACTIVITIES:
        activity, _ = Activity.objects.update_or_create(
            iati_identifier=entry["id"],
            defaults={
                "reporting_organisation": _org(entry["org"]),
                "title": entry["title"],
                "description": entry["description"],
                "area": entry["area"],
                "information_field": entry["field"],
                "status": entry["status"],
                "actual_start": entry["start"],
                "planned_end": entry["end"],
                "source": PAPER,
                "source_edition": "demo record",
                "is_published": True,
            },
        )
        activity.participants.all().delete()
        ActivityParticipant.objects.create(activity=activity, organisation=_org(entry["org"]), role="2")
        for acronym, role in entry.get("partners", []):
            ActivityParticipant.objects.create(activity=activity, organisation=_org(acronym), role=role)
        activity.topics.set([topics[code] for code in entry["topics"]])
        activity.countries.all().delete()
        for iso3 in entry.get("countries", []):
            ActivityCountry.objects.create(activity=activity, country_iso3=iso3)
        activities[activity.iati_identifier] = activity

    for entry in INITIATIVES:
        initiative, _ = Initiative.objects.update_or_create(
            code=entry["code"],
            defaults={
                "acronym": entry.get("acronym", ""),
                "name": entry["name"],
                "kind": entry["kind"],
                "hld_priority": entry["priority"],
                "proposer": _org(entry["proposer"]),
                "description": entry["description"],
                "source": PAPER,
                "is_published": True,
            },
        )
        initiative.processes.set([processes[code] for code in entry.get("processes", [])])
        initiative.meetings.set([meetings[slug] for slug in entry.get("meetings", [])])
        initiative.activities.set([activities[i] for i in entry.get("activities", [])])
        initiative.status_history.all().delete()
        for status, as_of, precision, note in entry.get("statuses", []):
            InitiativeStatusChange.objects.create(
                initiative=initiative, status=status, as_of=as_of, as_of_precision=precision, note=note
            )
        initiative.positions.all().delete()
        for acronym, part, position, note in entry.get("positions", []):
            ConsultationPosition.objects.create(
                initiative=initiative,
                organisation=_org(acronym),
                part=part,
                position=position,
                as_of=D(2006, 11, 1),
                as_of_precision=DatePrecision.MONTH,
                note=note,
            )
    from migdev.coordination.demo_hub import seed_hub

    hub = seed_hub()
    samples = seed_sample_practices_and_calls()
    samples += "; " + seed_sample_money()
    return f"{len(meetings)} meetings, {len(activities)} activities, {len(INITIATIVES)} initiatives, {hub}; {content}; {samples}"


SAMPLES_DIR = Path(__file__).resolve().parent / "data" / "samples"


def seed_sample_practices_and_calls() -> str:
    """Sample practices and calls, through the same load formats users have, marked as samples and shown
    published so the pages have something to show. They belong to an inactive account that cannot sign in."""
    from migdev.accounts.models import User
    from migdev.dataio.services import import_file

    owner, created = User.objects.get_or_create(username="migdev-samples", defaults={"is_active": False})
    if created:
        owner.set_unusable_password()
        owner.save(update_fields=["password"])
    practices = import_file(format_name="practices-csv", path=SAMPLES_DIR / "practices.csv", user=owner)
    calls = import_file(format_name="partnership-calls-csv", path=SAMPLES_DIR / "calls.csv", user=owner)
    Practice.objects.filter(is_sample=True, submitted_by=owner).update(
        status=Practice.Status.PUBLISHED, published_at=timezone.now()
    )
    PartnershipCall.objects.filter(is_sample=True, created_by=owner).update(is_published=True)
    return f"{practices.read} sample practices, {calls.read} sample calls"


SAMPLE_MONEY_FILE = SAMPLES_DIR / "iati-money-sample.xml"


def seed_sample_money() -> str:
    """Four fictional activities with budgets, planned disbursements and transactions, loaded through the
    IATI import users have. The file tags each one ``urn:migdev:sample``, so they stay marked as samples:
    the money views leave them out unless asked, and say "sample data" wherever they are shown."""
    from migdev.accounts.models import User
    from migdev.dataio.services import import_file

    owner = User.objects.get(username="migdev-samples")
    result = import_file(format_name="iati", path=SAMPLE_MONEY_FILE, user=owner)
    return f"{result.read} sample activities with money"
