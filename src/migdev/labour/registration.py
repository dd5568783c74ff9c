"""Hooks into the platform, called once from AppConfig.ready(): the load format and the demo seeder."""


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from migdev.core.demo import register_demo_seeder
    from migdev.dataio.registry import LoadFormat, register_format
    from migdev.labour.demo import seed_labour_demo
    from migdev.labour.job_orders_import import FORMAT_NAME, load_job_orders
    from migdev.labour.loaders import load_recruiter_roster
    from migdev.labour.stock import FORMAT_NAME as STOCK_FORMAT
    from migdev.labour.stock import load_occupation_stock
    from migdev.labour.title_import import load_shortage_list

    register_format(
        LoadFormat(
            name="recruiter-roster",
            description=_(
                "A dated licence roster of recruitment agencies from CSV or XLSX (columns: organisation, "
                "country_iso3, licence_number, licence_valid_from, licence_valid_to, iris_status, "
                "roster_source, roster_date)"
            ),
            loader=load_recruiter_roster,
            permissions=("labour.add_recruiter",),
        )
    )
    register_format(
        LoadFormat(
            name="shortage-list",
            description=_(
                "A destination's shortage-occupation list from CSV or XLSX (columns: destination_iso3, title, "
                "listed_on, source; optional source_url, isco_code, esco_uri, language); job titles are mapped "
                "to ESCO occupations, and ambiguous ones wait for a person to confirm"
            ),
            loader=load_shortage_list,
            permissions=("labour.add_shortageoccupation",),
        )
    )
    register_format(
        LoadFormat(
            name=FORMAT_NAME,
            description=_(
                "Employers' job orders from CSV or XLSX (columns: scheme, employer, occupation, positions, "
                "place, start_date, contract_months, wage_amount, wage_currency, wage_period, hours_per_week; "
                "optional title, title_language, essential_skills, optional_skills, languages, housing_terms, "
                "travel_terms, recruiter); free-text job titles are mapped to ESCO occupations, and ambiguous "
                "ones wait for a scheme officer to confirm before the job order can be approved"
            ),
            loader=load_job_orders,
            permissions=("labour.add_joborder", "labour.confirm_titlemapping"),
        )
    )
    register_format(
        LoadFormat(
            name=STOCK_FORMAT,
            description=_(
                "Occupational stock figures of countries of origin from CSV or XLSX, for the brain-drain view "
                "(columns: country_iso3, isco_code, year, count, source, edition; optional sample yes/no)"
            ),
            loader=load_occupation_stock,
            permissions=("labour.add_occupationstock",),
        )
    )
    register_demo_seeder("labour", seed_labour_demo)
