"""Demo data for the knowledge side of the hub: the publications IOM's November 2006 paper names, and
(further down) migration policies and information for migrants.

Abstracts restate what the paper says about each item; where the paper gives a provisional title or no
author, the record says so rather than inventing one.
"""

from __future__ import annotations

from typing import Any

from migdev.coordination import search
from migdev.coordination.demo import PAPER, _org
from migdev.coordination.models import (
    GcmObjective,
    Publication,
    PublicationCountry,
    Topic,
)

PUBLICATIONS: list[dict[str, Any]] = [
    {
        "slug": "engaging-diasporas-as-development-partners-2006",
        "title": "Engaging Diasporas as Development Partners for Home and Destination Countries: "
        "Challenges for Policymakers",
        "authors": "Dina Ionescu",
        "org": "IOM",
        "year": 2006,
        "kind": "study",
        "abstract": "Surveys existing practices aimed at engaging diasporas as active partners for "
        "development and provides a guide for policy formulation in this field. Recognizing that most "
        "available studies focus on remittances and remittance policies, it places particular emphasis on "
        "ways to enhance non-financial contributions by diasporas.",
        "topics": ["diaspora-engagement", "remittances", "skills-circulation"],
        "objectives": [19],
        "identifier": "IOM Migration Research Series No. 26",
        "source": PAPER,
    },
    {
        "slug": "migration-policies-and-their-development-relevance-2006",
        "title": "Migration Policies and their Development Relevance: A Study of Policies and Practices in "
        "Selected Countries of Origin and Destination",
        "authors": "",
        "org": "IOM",
        "year": 2006,
        "kind": "study",
        "abstract": "Produced by IOM in partnership with the World Bank (title provisional in November 2006). "
        "Examines and reviews data on current migration policies, on immigration and emigration, relevant "
        "to development and poverty reduction, to better inform efforts to ensure that migration policies "
        "are development-friendly and incorporate a stronger development perspective.",
        "topics": ["mainstreaming-migration", "data-research"],
        "objectives": [1, 23],
        "source": PAPER,
    },
    {
        "slug": "gmg-information-note-policy-research-data-publications-2006",
        "title": "Information note on the activities of GMG members in migration and development policy "
        "research, data collection and publications",
        "authors": "",
        "org": "UNHCR",
        "year": 2006,
        "kind": "information_note",
        "abstract": "Compiled by UNHCR as chair of the Global Migration Group, describing the activities of "
        "GMG members in the fields of migration- and development-related policy research, data "
        "collection and publications. Further compilation was anticipated later in the year.",
        "topics": ["data-research", "partnerships"],
        "objectives": [1, 23],
        "source": PAPER,
    },
    {
        "slug": "handbook-effective-labour-migration-policies-2006",
        "title": "Handbook on Establishing Effective Labour Migration Policies in Countries of Origin and "
        "Destination",
        "authors": "",
        "org": "OSCE",
        "year": 2006,
        "kind": "handbook",
        "abstract": "Joint OSCE, IOM and ILO handbook on labour migration policy, used in capacity-building "
        "workshops for officials of countries of origin and destination.",
        "topics": ["labour-mobility", "capacity-building"],
        "objectives": [5, 6],
        "source": PAPER,
    },
    {
        "slug": "iom-migration-and-development-publications-2006",
        "title": "IOM's Migration and Development Publications",
        "authors": "",
        "org": "IOM",
        "year": 2006,
        "kind": "information_note",
        "abstract": "Brochure listing IOM's research on migration and development, attached to IOM's "
        "contribution to the Fifth Coordination Meeting on International Migration.",
        "topics": ["data-research"],
        "objectives": [1],
        "source": PAPER,
    },
]


def seed_publications() -> int:
    topics = {topic.code: topic for topic in Topic.objects.all()}
    objectives = {objective.number: objective for objective in GcmObjective.objects.all()}
    for entry in PUBLICATIONS:
        publication, _ = Publication.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "title": entry["title"],
                "authors": entry["authors"],
                "organisation": _org(entry["org"]),
                "year": entry["year"],
                "kind": entry["kind"],
                "language": "en",
                "abstract": entry["abstract"],
                "identifier": entry.get("identifier", ""),
                "licence": "unknown",
                "source": entry["source"],
                "is_published": True,
            },
        )
        publication.topics.set([topics[code] for code in entry["topics"]])
        publication.gcm_objectives.set([objectives[number] for number in entry["objectives"]])
        publication.countries.all().delete()
        PublicationCountry.objects.bulk_create(
            PublicationCountry(publication=publication, country_iso3=iso3)
            for iso3 in entry.get("countries", [])
        )
        search.index_publication(publication)
    return len(PUBLICATIONS)


def seed_hub() -> str:
    publications = seed_publications()
    return f"{publications} publications"
