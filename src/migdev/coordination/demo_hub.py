"""Demo data for the knowledge side of the hub: the publications IOM's November 2006 paper names, and
(further down) migration policies and information for migrants.

Abstracts restate what the paper says about each item; where the paper gives a provisional title or no
author, the record says so rather than inventing one.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from migdev.coordination.demo import PAPER, _org
from migdev.coordination.knowledge import search
from migdev.coordination.models import (
    GcmObjective,
    Hotline,
    MigrantInfoPage,
    MigrantInfoTranslation,
    MigrationPolicy,
    PolicyPartner,
    Publication,
    PublicationCountry,
    Researcher,
    ResearchProject,
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
    for number, entry in enumerate(POLICIES, start=1):
        policy, _ = MigrationPolicy.objects.update_or_create(
            country_iso3=entry["country"],
            title=entry["title"],
            defaults={
                "identifier": f"demo-{entry['country'].lower()}-{entry['year']}-{number}",
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


# Pages written for the demo, in the spirit of IOM's "objective information to migrants on their rights
# and duties, both before departure and during the migration process". One page exists only in English,
# to show the fallback note.
MIGRANT_PAGES: list[dict[str, Any]] = [
    {
        "slug": "rights-and-duties",
        "subject": "rights_duties",
        "country": "",
        "topics": ["migrants-rights", "information-for-migrants"],
        "texts": {
            "en": (
                "Your rights and duties as a migrant",
                "Human rights apply to everyone, whatever their migration status.",
                "You have the right to life, to freedom from slavery and forced labour, to a fair trial and to "
                "contact your consulate if you are arrested.\n\nYou must respect the laws of the country you "
                "live in, keep your documents valid and follow the conditions of your visa or permit.\n\n"
                "Keep copies of your passport, contract and permits in a safe place and with your family.",
            ),
            "fr": (
                "Vos droits et vos devoirs de migrant",
                "Les droits de l'homme s'appliquent à tous, quel que soit le statut migratoire.",
                "Vous avez droit à la vie, à ne pas être soumis à l'esclavage ni au travail forcé, à un procès "
                "équitable et à contacter votre consulat si vous êtes arrêté.\n\nVous devez respecter les lois "
                "du pays où vous vivez, garder vos documents valides et respecter les conditions de votre visa "
                "ou permis.\n\nGardez des copies de votre passeport, de votre contrat et de vos permis en lieu "
                "sûr et auprès de votre famille.",
            ),
            "es": (
                "Sus derechos y deberes como migrante",
                "Los derechos humanos se aplican a todas las personas, sea cual sea su situación migratoria.",
                "Tiene derecho a la vida, a no ser sometido a esclavitud ni a trabajo forzoso, a un juicio "
                "justo y a contactar con su consulado si es detenido.\n\nDebe respetar las leyes del país "
                "donde vive, mantener sus documentos vigentes y cumplir las condiciones de su visado o "
                "permiso.\n\nGuarde copias de su pasaporte, su contrato y sus permisos en un lugar seguro y "
                "con su familia.",
            ),
        },
    },
    {
        "slug": "trafficking-risks",
        "subject": "trafficking_risks",
        "country": "",
        "topics": ["trafficking", "information-for-migrants"],
        "texts": {
            "en": (
                "Recognising trafficking and exploitation",
                "Warning signs before and after you leave, and where to get help.",
                "Be careful if a recruiter asks you for large fees, keeps your passport, or offers a job that "
                "seems too good to be true.\n\nNobody may take your identity documents from you. If you "
                "cannot leave your job or your home, call a hotline or the emergency number.",
            ),
            "es": (
                "Reconocer la trata y la explotación",
                "Señales de alerta antes y después de partir, y dónde pedir ayuda.",
                "Desconfíe si un reclutador le pide comisiones elevadas, se queda con su pasaporte u ofrece un "
                "trabajo demasiado bueno para ser verdad.\n\nNadie puede quitarle sus documentos de "
                "identidad. Si no puede dejar su trabajo o su casa, llame a una línea de ayuda o al número de "
                "emergencias.",
            ),
        },
    },
    {
        "slug": "phl-pre-departure",
        "subject": "pre_departure",
        "country": "PHL",
        "topics": ["labour-mobility", "information-for-migrants"],
        "texts": {
            "en": (
                "Before you leave the Philippines to work abroad",
                "Check your recruiter, your contract and your documents before departure.",
                "Use only licensed recruitment agencies and read your employment contract before you sign "
                "it.\n\nAttend the pre-departure orientation and keep the contact details of the "
                "Philippine embassy or consulate in your country of destination.",
            ),
        },
    },
]

# Only general emergency numbers and one widely published national line; the demo does not invent
# numbers. Check any number with its operator before publishing it to migrants.
HOTLINES: list[dict[str, str]] = [
    {"country": "ESP", "name": "Emergency number", "kind": "emergency", "phone": "112", "hours": "24/7"},
    {"country": "MEX", "name": "Emergency number", "kind": "emergency", "phone": "911", "hours": "24/7"},
    {"country": "PHL", "name": "Emergency number", "kind": "emergency", "phone": "911", "hours": "24/7"},
    {"country": "USA", "name": "Emergency number", "kind": "emergency", "phone": "911", "hours": "24/7"},
    {
        "country": "USA",
        "name": "National Human Trafficking Hotline",
        "kind": "trafficking",
        "phone": "1-888-373-7888",
        "hours": "24/7",
    },
]


def seed_migrant_information() -> int:
    topics = {topic.code: topic for topic in Topic.objects.all()}
    now = timezone.now()
    for entry in MIGRANT_PAGES:
        page, _ = MigrantInfoPage.objects.update_or_create(
            slug=entry["slug"], defaults={"subject": entry["subject"], "country_iso3": entry["country"]}
        )
        page.topics.set([topics[code] for code in entry["topics"]])
        for language, (title, summary, body) in entry["texts"].items():
            MigrantInfoTranslation.objects.update_or_create(
                page=page,
                language=language,
                defaults={
                    "title": title,
                    "summary": summary,
                    "body": body,
                    "status": MigrantInfoTranslation.Status.APPROVED,
                    "published_title": title,
                    "published_summary": summary,
                    "published_body": body,
                    "published_at": now,
                },
            )
    for line in HOTLINES:
        Hotline.objects.update_or_create(
            country_iso3=line["country"],
            phone=line["phone"],
            defaults={
                "name": line["name"],
                "kind": line["kind"],
                "hours": line["hours"],
                "source": "migdev demo record: check with the operator before relying on it",
                "is_published": True,
            },
        )
    return len(MIGRANT_PAGES)


def seed_research_network() -> int:
    """The people and project behind two of the paper's publications."""
    ionescu, _ = Researcher.objects.update_or_create(
        slug="dina-ionescu",
        defaults={"name": "Dina Ionescu", "organisation": _org("IOM"), "is_published": True},
    )
    ionescu.topics.set(Topic.objects.filter(code="diaspora-engagement"))
    ionescu.publications.set(
        Publication.objects.filter(slug="engaging-diasporas-as-development-partners-2006")
    )
    project, _ = ResearchProject.objects.update_or_create(
        slug="migration-policies-development-relevance",
        defaults={
            "title": "Migration policies and their development relevance",
            "summary": "IOM and World Bank study of migration policies in selected countries of origin and "
            "destination, and of how they affect development and poverty reduction.",
            "lead_organisation": _org("IOM"),
            "start_year": 2006,
            "end_year": 2006,
            "source": PAPER,
            "is_published": True,
        },
    )
    project.partners.set([_org("World Bank")])
    project.topics.set(Topic.objects.filter(code__in=["mainstreaming-migration", "data-research"]))
    project.publications.set(
        Publication.objects.filter(slug="migration-policies-and-their-development-relevance-2006")
    )
    return 2


def seed_hub() -> str:
    publications = seed_publications()
    policies = seed_policies()
    pages = seed_migrant_information()
    seed_research_network()
    return f"{publications} publications, {policies} policies, {pages} information pages"
