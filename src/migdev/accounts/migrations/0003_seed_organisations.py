"""IOM and the Global Migration Group agencies named in the platform brief."""

from django.db import migrations

AGENCIES = [
    ("International Labour Organization", "ILO"),
    ("International Organization for Migration", "IOM"),
    ("Office of the United Nations High Commissioner for Human Rights", "OHCHR"),
    ("United Nations Conference on Trade and Development", "UNCTAD"),
    ("United Nations Department of Economic and Social Affairs", "UN-DESA"),
    ("United Nations Development Programme", "UNDP"),
    ("United Nations Population Fund", "UNFPA"),
    ("Office of the United Nations High Commissioner for Refugees", "UNHCR"),
    ("United Nations Office on Drugs and Crime", "UNODC"),
    ("The World Bank", "World Bank"),
]


def seed(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    for name, acronym in AGENCIES:
        Organisation.objects.update_or_create(name=name, defaults={"acronym": acronym, "kind": "un_agency"})


def unseed(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    Organisation.objects.filter(
        name__in=[name for name, _ in AGENCIES], users__isnull=True, user_groups__isnull=True, notes__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles_groups_tokens_notes")]

    operations = [migrations.RunPython(seed, unseed)]
