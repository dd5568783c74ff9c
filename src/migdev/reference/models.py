"""Reference data: countries, UN M49 areas, currencies, languages and World Bank classifications.

Rows are loaded by data migrations from the CSV files in ``data/`` and never edited in the app.
Foreign keys point at codes (``to_field``) so a row's ``*_id`` is the code itself ("002", "NGA").
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

SUPPORTED_NAME_LANGUAGES = ("en", "fr", "es")


def name_language() -> str:
    """The active language reduced to one of en/fr/es ("fr-ca" → "fr"); English otherwise."""
    language = (get_language() or "en").split("-")[0].lower()
    return language if language in SUPPORTED_NAME_LANGUAGES else "en"


class Provenance(models.Model):
    """Where a row came from: every imported value keeps its source and edition."""

    source = models.CharField(_("source"), max_length=200)
    edition = models.CharField(_("edition"), max_length=100)

    class Meta:
        abstract = True


class LocalisedName(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        """The name in the active language, falling back to English where a translation is missing."""
        localised: str = getattr(self, f"name_{name_language()}")
        return localised or self.name_en


class M49Area(LocalisedName, Provenance):
    """A UN M49 area: the world, a region, sub-region, intermediate region, or a UN grouping (LDC…)."""

    class Level(models.TextChoices):
        WORLD = "world", _("World")
        REGION = "region", _("Region")
        SUB_REGION = "sub_region", _("Sub-region")
        INTERMEDIATE_REGION = "intermediate_region", _("Intermediate region")
        GROUPING = "grouping", _("Grouping")

    code = models.CharField(_("M49 code"), max_length=3, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent area"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("M49 area")
        verbose_name_plural = _("M49 areas")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Currency(Provenance):
    """An ISO 4217 currency."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    numeric = models.CharField(_("numeric code"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=100)
    minor_unit = models.PositiveSmallIntegerField(_("minor unit"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Language(Provenance):
    """An ISO 639-3 language (with its ISO 639-1 and 639-2/B codes where they exist)."""

    alpha_3 = models.CharField(_("ISO 639-3 code"), max_length=3, unique=True)
    alpha_2 = models.CharField(_("ISO 639-1 code"), max_length=2, blank=True, db_index=True)
    alpha_3_bibliographic = models.CharField(_("ISO 639-2/B code"), max_length=3, blank=True)
    name = models.CharField(_("name (English)"), max_length=150)
    scope = models.CharField(
        _("scope"), max_length=1, help_text=_("I individual, M macrolanguage, S special")
    )
    type = models.CharField(
        _("type"), max_length=1, help_text=_("L living, E extinct, H historical, C constructed…")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.name


class Country(LocalisedName, Provenance):
    """A country or territory with ISO 3166-1 codes, its UN M49 place and UN development flags."""

    iso2 = models.CharField(_("ISO alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, unique=True)
    iso_numeric = models.CharField(_("ISO numeric"), max_length=3, unique=True)
    m49 = models.CharField(_("M49 code"), max_length=3, unique=True)
    official_name_en = models.CharField(_("official name (English)"), max_length=200, blank=True)
    official_name_fr = models.CharField(_("official name (French)"), max_length=200, blank=True)
    official_name_es = models.CharField(_("official name (Spanish)"), max_length=200, blank=True)
    m49_region = models.ForeignKey(
        M49Area,
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="region_countries",
        verbose_name=_("M49 region"),
    )
    m49_sub_region = models.ForeignKey(
        M49Area,
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_region_countries",
        verbose_name=_("M49 sub-region"),
    )
    m49_intermediate_region = models.ForeignKey(
        M49Area,
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intermediate_region_countries",
        verbose_name=_("M49 intermediate region"),
    )
    is_ldc = models.BooleanField(_("least developed country"), default=False)
    is_lldc = models.BooleanField(_("landlocked developing country"), default=False)
    is_sids = models.BooleanField(_("small island developing State"), default=False)
    status = models.CharField(
        _("status"), max_length=60, blank=True, help_text=_("Independence or dependency.")
    )
    currencies: models.ManyToManyField[Currency, CountryCurrency] = models.ManyToManyField(
        Currency, through="CountryCurrency", related_name="countries", verbose_name=_("currencies")
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country or territory")
        verbose_name_plural = _("countries and territories")

    def __str__(self) -> str:
        return self.name

    @property
    def official_name(self) -> str:
        localised: str = getattr(self, f"official_name_{name_language()}")
        return localised or self.official_name_en or self.name


class CountryCurrency(Provenance):
    country = models.ForeignKey(
        Country, to_field="iso3", on_delete=models.CASCADE, related_name="currency_links"
    )
    currency = models.ForeignKey(
        Currency, to_field="code", on_delete=models.PROTECT, related_name="country_links"
    )

    class Meta:
        ordering = ["country", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["country", "currency"], name="reference_country_currency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.currency_id}"


class IncomeGroup(models.TextChoices):
    """World Bank analytical income groups, with the codes OGHIST uses."""

    LOW = "L", _("Low income")
    LOWER_MIDDLE = "LM", _("Lower middle income")
    UPPER_MIDDLE = "UM", _("Upper middle income")
    HIGH = "H", _("High income")


class WorldBankGroup(Provenance):
    """A World Bank aggregate from CLASS.xlsx 'Groups' (income groups, regions, lending groups…)."""

    class Kind(models.TextChoices):
        WORLD = "world", _("World")
        INCOME = "income", _("Income group")
        WB_REGION = "wb_region", _("World Bank region")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("World Bank group")
        verbose_name_plural = _("World Bank groups")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class WorldBankEconomy(Provenance):
    """An economy as the World Bank classifies it; ``country`` is set when its code is an ISO alpha-3.

    Kosovo (XKX), the Channel Islands (CHI) and former economies (USSR, Netherlands Antilles…) have no
    country row but keep their World Bank code.
    """

    code = models.CharField(_("World Bank code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=120)
    country = models.OneToOneField(
        Country,
        to_field="iso3",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="world_bank_economy",
        verbose_name=_("country"),
    )
    region = models.ForeignKey(
        WorldBankGroup,
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="region_economies",
        verbose_name=_("World Bank region"),
    )
    income_group = models.CharField(
        _("income group (CLASS.xlsx)"), max_length=2, choices=IncomeGroup.choices, blank=True
    )
    lending_category = models.CharField(_("lending category"), max_length=10, blank=True)
    other = models.CharField(_("other (EMU or HIPC)"), max_length=10, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("World Bank economy")
        verbose_name_plural = _("World Bank economies")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class WorldBankGroupMember(Provenance):
    group = models.ForeignKey(
        WorldBankGroup, to_field="code", on_delete=models.CASCADE, related_name="members"
    )
    economy = models.ForeignKey(
        WorldBankEconomy, to_field="code", on_delete=models.CASCADE, related_name="group_memberships"
    )

    class Meta:
        ordering = ["group", "economy"]
        constraints = [
            models.UniqueConstraint(fields=["group", "economy"], name="reference_wb_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group_id} {self.economy_id}"


class WorldBankIncomeClassification(Provenance):
    """An economy's income group in one World Bank fiscal year (OGHIST), based on ``data_year`` GNI."""

    economy = models.ForeignKey(
        WorldBankEconomy, to_field="code", on_delete=models.CASCADE, related_name="income_history"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), help_text=_("e.g. 2024 for FY24"))
    data_year = models.PositiveSmallIntegerField(_("data year"), db_index=True)
    income_group = models.CharField(_("income group"), max_length=2, choices=IncomeGroup.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["economy", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["economy", "fiscal_year"], name="reference_wb_income_unique")
        ]
        indexes = [models.Index(fields=["data_year", "income_group"])]

    def __str__(self) -> str:
        return f"{self.economy_id} FY{self.fiscal_year % 100:02d} {self.income_group}"

    @property
    def fiscal_year_label(self) -> str:
        return f"FY{self.fiscal_year % 100:02d}"
