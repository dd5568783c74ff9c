"""Hooks into the platform: the IATI, activity CSV and migration policy load formats and the demo data set. Called from the
AppConfig."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register_all() -> None:
    from migdev.coordination.activities.activities_csv import load_activities_csv
    from migdev.coordination.activities.iati import load_iati_for_dataio
    from migdev.coordination.demo import seed_demo
    from migdev.coordination.knowledge.practices_csv import load_partnership_calls, load_practices
    from migdev.coordination.policies.policies_csv import load_migration_policies
    from migdev.core.demo import register_demo_seeder
    from migdev.dataio.registry import LoadFormat, register_format

    register_demo_seeder("coordination", seed_demo)
    register_format(
        LoadFormat(
            name="iati",
            description=_("IATI activity XML 2.03 into the coordination activity registry"),
            loader=load_iati_for_dataio,
            permissions=("coordination.edit_content",),
        )
    )
    register_format(
        LoadFormat(
            name="activities-csv",
            description=_(
                "Activities from CSV or XLSX into the coordination activity registry, keyed on the IATI "
                "identifier (columns: iati_identifier, title, area, status, reporting_org_ref, …)"
            ),
            loader=load_activities_csv,
            permissions=("coordination.edit_content",),
        )
    )
    register_format(
        LoadFormat(
            name="migration-policies",
            description=_(
                "Migration policies from CSV or XLSX into the policy database, keyed on the identifier "
                "(columns: identifier, country_iso3, title, year, kind, direction, domain, source_name, …; "
                "the policy export loads back as it is)"
            ),
            loader=load_migration_policies,
            permissions=("coordination.edit_content",),
        )
    )
    register_format(
        LoadFormat(
            name="practices-csv",
            description=_(
                "Practices from CSV or XLSX into the practices repository, entering peer review (columns: "
                "title, what, who, results, lessons, area, gcm_objectives; optional pitfalls, countries, "
                "topics, sample)"
            ),
            loader=load_practices,
            permissions=("coordination.edit_content",),
        )
    )
    register_format(
        LoadFormat(
            name="partnership-calls-csv",
            description=_(
                "Calls for partnership from CSV or XLSX, unpublished until an editor publishes them (columns: "
                "title, description, organisation, contact_email, open_until, gcm_objectives; optional sample)"
            ),
            loader=load_partnership_calls,
            permissions=("coordination.edit_content",),
        )
    )
