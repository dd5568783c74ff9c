"""Demo data for the knowledge side of the hub: the publications IOM's November 2006 paper names, and
(further down) migration policies and information for migrants.

Abstracts restate what the paper says about each item; where the paper gives a provisional title or no
author, the record says so rather than inventing one.
"""

from __future__ import annotations

import datetime
from typing import Any

from migdev.coordination import search
from migdev.coordination.demo import PAPER, _org
from migdev.coordination.models import (
    GcmObjective,
    MigrationPolicy,
    PolicyPartner,
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


# Dates are given only as precisely as the demo is sure of them. These records illustrate the database;
# check each instrument against its official text before relying on it.
DEMO_EDITION = "migdev demo record"
POLICIES: list[dict[str, Any]] = [
    {
        "country": "PHL",
        "title": "Migrant Workers and Overseas Filipinos Act of 1995 (Republic Act No. 8042)",
        "year": 1995,
        "adopted_on": datetime.date(1995, 6, 1),
        "precision": "month",
        "kind": "law",
        "direction": "emigration",
        "domain": "migrant_rights",
        "area": "migration_law",
        "summary": "Sets out the State's policy of protecting Filipino migrant workers and overseas "
        "Filipinos, regulates recruitment and deployment, and provides for welfare and legal assistance.",
        "relevance": "The earnings, remittances and skills of workers abroad weigh heavily in the "
        "Philippines' development; protection during the whole migration cycle safeguards them.",
        "topics": ["migrants-rights", "labour-mobility", "remittances"],
        "source": "Republic Act No. 8042, Congress of the Philippines",
    },
    {
        "country": "PHL",
        "title": "Republic Act No. 10022, amending the Migrant Workers and Overseas Filipinos Act of 1995",
        "year": 2010,
        "kind": "law",
        "direction": "emigration",
        "domain": "migrant_rights",
        "area": "migration_law",
        "summary": "Strengthens the protection of migrant workers set up by Republic Act No. 8042.",
        "relevance": "Extends safeguards for workers whose transfers support households and the economy.",
        "topics": ["migrants-rights", "labour-mobility"],
        "source": "Republic Act No. 10022, Congress of the Philippines",
    },
    {
        "country": "LKA",
        "title": "Sri Lanka Bureau of Foreign Employment Act, No. 21 of 1985",
        "year": 1985,
        "kind": "institution",
        "direction": "emigration",
        "domain": "whole_of_government",
        "area": "labour_migration",
        "summary": "Establishes the Sri Lanka Bureau of Foreign Employment to promote and regulate "
        "foreign employment and to look after the welfare of Sri Lankans employed abroad.",
        "relevance": "One body for recruitment, pre-departure training and welfare of migrant workers, "
        "whose remittances are a major source of foreign exchange.",
        "topics": ["labour-mobility", "remittances"],
        "source": "Act No. 21 of 1985, Parliament of Sri Lanka",
    },
    {
        "country": "NPL",
        "title": "Foreign Employment Act, 2007",
        "year": 2007,
        "kind": "law",
        "direction": "emigration",
        "domain": "safe_orderly_regular",
        "area": "labour_migration",
        "summary": "Regulates foreign employment and recruitment agencies and provides for the rights and "
        "welfare of workers going abroad.",
        "relevance": "Aims to make labour migration safe and its benefits, remittances included, "
        "reach workers and their households.",
        "topics": ["labour-mobility", "migrants-rights"],
        "source": "Foreign Employment Act, 2064 (2007), Government of Nepal",
    },
    {
        "country": "KOR",
        "title": "Act on the Employment of Foreign Workers (Employment Permit System)",
        "year": 2003,
        "kind": "law",
        "direction": "immigration",
        "domain": "safe_orderly_regular",
        "area": "labour_migration",
        "summary": "Admits foreign workers for a limited stay under government-to-government "
        "arrangements with countries of origin.",
        "relevance": "Temporary, regulated labour migration with partner countries of origin, several "
        "of them members of the Colombo Process.",
        "topics": ["labour-mobility"],
        "partners": ["PHL", "LKA", "NPL", "VNM", "IDN"],
        "source": "Act on the Employment of Foreign Workers, Republic of Korea",
    },
    {
        "country": "ESP",
        "title": "Agreement between Spain and Ecuador on the regulation and management of migration flows",
        "original_title": "Acuerdo entre el Reino de España y la República del Ecuador relativo a la "
        "regulación y ordenación de los flujos migratorios",
        "year": 2001,
        "adopted_on": datetime.date(2001, 5, 1),
        "precision": "month",
        "kind": "bilateral_agreement",
        "direction": "immigration",
        "domain": "cooperation",
        "area": "labour_migration",
        "summary": "Organises recruitment of Ecuadorian workers for jobs in Spain, their rights and "
        "conditions, and their return.",
        "relevance": "Includes provisions on return and on the use of migrants' skills and savings in "
        "Ecuador.",
        "topics": ["labour-mobility", "return-reintegration"],
        "partners": ["ECU"],
        "source": "Bilateral agreement, Spain and Ecuador, 2001",
    },
    {
        "country": "MEX",
        "title": "Migration Law",
        "original_title": "Ley de Migración",
        "year": 2011,
        "adopted_on": datetime.date(2011, 5, 1),
        "precision": "month",
        "kind": "law",
        "direction": "both",
        "domain": "safe_orderly_regular",
        "area": "migration_law",
        "summary": "Governs the entry, stay and exit of people, and the rights of migrants in Mexico, "
        "a country of origin, transit, destination and return.",
        "relevance": "Recognises migrants' rights regardless of status and frames cooperation on "
        "migration with neighbouring countries.",
        "topics": ["migrants-rights", "irregular-migration", "border-management"],
        "source": "Ley de Migración, Diario Oficial de la Federación, Mexico",
    },
]


def seed_policies() -> int:
    topics = {topic.code: topic for topic in Topic.objects.all()}
    for entry in POLICIES:
        policy, _ = MigrationPolicy.objects.update_or_create(
            country_iso3=entry["country"],
            title=entry["title"],
            defaults={
                "original_title": entry.get("original_title", ""),
                "year": entry["year"],
                "adopted_on": entry.get("adopted_on"),
                "adopted_precision": entry.get("precision", "day"),
                "kind": entry["kind"],
                "direction": entry["direction"],
                "domain": entry["domain"],
                "area": entry.get("area", ""),
                "status": "in_force",
                "summary": entry["summary"],
                "development_relevance": entry["relevance"],
                "source_name": entry["source"],
                "source_edition": DEMO_EDITION,
                "is_published": True,
            },
        )
        policy.topics.set([topics[code] for code in entry.get("topics", [])])
        policy.partners.all().delete()
        PolicyPartner.objects.bulk_create(
            PolicyPartner(policy=policy, country_iso3=iso3) for iso3 in entry.get("partners", [])
        )
    return len(POLICIES)


def seed_hub() -> str:
    publications = seed_publications()
    policies = seed_policies()
    return f"{publications} publications, {policies} policies"
