"""ESCO occupations and skills and the ISCO-08 groups above them, kept per edition.

Every concept keeps its URI (the identifier the rest of the platform stores) and the edition it came from.
Several editions may sit side by side; one per taxonomy is *current* (what pages, search and matching use
when none is named). French and Spanish labels may come from an older ESCO release than the English ones
(``TaxonomyEdition.label_sources``); a label is "" when the language has none (never made up).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

URI_MAX_LENGTH = 255
LABEL_MAX_LENGTH = 500


def _empty_labels() -> dict[str, list[str]]:
    return {"en": [], "fr": [], "es": []}


class TaxonomyEdition(models.Model):
    """One release of one taxonomy (ESCO v1.2.0, ISCO-08 as published in ESCO)."""

    class Taxonomy(models.TextChoices):
        ESCO = "esco", "ESCO"
        ISCO = "isco", "ISCO-08"

    taxonomy = models.CharField(_("taxonomy"), max_length=10, choices=Taxonomy.choices)
    version = models.CharField(_("version"), max_length=40)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    licence = models.TextField(_("licence and attribution"), blank=True)
    label_sources = models.JSONField(_("edition of the labels per language"), default=dict, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    is_current = models.BooleanField(_("current"), default=False)
    # Added beyond the contract: what was loaded (file name -> SHA-256) so a re-load can tell "nothing
    # changed", and a counter bumped on every change so per-process search indexes know they are stale.
    source_files = models.JSONField(_("source files"), default=dict, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        ordering = ["taxonomy", "-loaded_at"]
        verbose_name = _("taxonomy edition")
        verbose_name_plural = _("taxonomy editions")
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "version"], name="skills_edition_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_taxonomy_display()} {self.version}"


class IscoGroup(models.Model):
    """An ISCO-08 group: major (1 digit), sub-major (2), minor (3) or unit group (4)."""

    edition = models.ForeignKey(TaxonomyEdition, on_delete=models.CASCADE, related_name="isco_groups")
    code = models.CharField(_("code"), max_length=4)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    uri = models.CharField(_("URI"), max_length=URI_MAX_LENGTH)
    label_en = models.CharField(_("label (English)"), max_length=LABEL_MAX_LENGTH)
    label_fr = models.CharField(_("label (French)"), max_length=LABEL_MAX_LENGTH, blank=True)
    label_es = models.CharField(_("label (Spanish)"), max_length=LABEL_MAX_LENGTH, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["edition", "code"]
        verbose_name = _("ISCO-08 group")
        verbose_name_plural = _("ISCO-08 groups")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="skills_iscogroup_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label_en}"


class Skill(models.Model):
    """An ESCO skill or knowledge concept, or a skill group of the skills pillar."""

    class Kind(models.TextChoices):
        SKILL = "skill", _("skill")
        GROUP = "group", _("skill group")

    class SkillType(models.TextChoices):
        SKILL_COMPETENCE = "skill/competence", _("skill or competence")
        KNOWLEDGE = "knowledge", _("knowledge")
        NONE = "", _("not stated")

    edition = models.ForeignKey(TaxonomyEdition, on_delete=models.CASCADE, related_name="skills")
    uri = models.CharField(_("URI"), max_length=URI_MAX_LENGTH)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SKILL)
    skill_type = models.CharField(
        _("skill type"), max_length=20, choices=SkillType.choices, blank=True, default=""
    )
    reuse_level = models.CharField(_("reuse level"), max_length=30, blank=True)
    code = models.CharField(_("code"), max_length=40, blank=True)  # skill groups only (e.g. "S1.1")
    label_en = models.CharField(_("label (English)"), max_length=LABEL_MAX_LENGTH)
    label_fr = models.CharField(_("label (French)"), max_length=LABEL_MAX_LENGTH, blank=True)
    label_es = models.CharField(_("label (Spanish)"), max_length=LABEL_MAX_LENGTH, blank=True)
    alt_labels = models.JSONField(_("alternative labels"), default=_empty_labels, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    collections = models.JSONField(_("collections"), default=list, blank=True)

    class Meta:
        ordering = ["edition", "label_en"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [
            models.UniqueConstraint(fields=["edition", "uri"], name="skills_skill_unique"),
        ]

    def __str__(self) -> str:
        return self.label_en


class SkillBroader(models.Model):
    """One link of the skills-pillar hierarchy (a skill or group under a broader group or skill)."""

    edition = models.ForeignKey(TaxonomyEdition, on_delete=models.CASCADE, related_name="+")
    narrower = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="broader_links")
    broader = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="narrower_links")

    class Meta:
        verbose_name = _("skill hierarchy link")
        verbose_name_plural = _("skill hierarchy links")
        constraints = [
            models.UniqueConstraint(fields=["narrower", "broader"], name="skills_skillbroader_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.narrower_id} < {self.broader_id}"


class SkillRelation(models.Model):
    """A skill-to-skill relation of ESCO (one skill essential or optional for another)."""

    class RelationType(models.TextChoices):
        ESSENTIAL = "essential", _("essential")
        OPTIONAL = "optional", _("optional")

    edition = models.ForeignKey(TaxonomyEdition, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="relations")
    related = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="related_from")
    relation_type = models.CharField(_("relation type"), max_length=10, choices=RelationType.choices)

    class Meta:
        verbose_name = _("skill relation")
        verbose_name_plural = _("skill relations")
        constraints = [
            models.UniqueConstraint(
                fields=["skill", "related", "relation_type"], name="skills_skillrelation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill_id} {self.relation_type} {self.related_id}"


class Occupation(models.Model):
    """An ESCO occupation, under one ISCO-08 unit group (and possibly under a broader ESCO occupation)."""

    edition = models.ForeignKey(TaxonomyEdition, on_delete=models.CASCADE, related_name="occupations")
    uri = models.CharField(_("URI"), max_length=URI_MAX_LENGTH)
    code = models.CharField(_("ESCO code"), max_length=40, blank=True)
    isco_code = models.CharField(_("ISCO-08 code"), max_length=4)
    isco_group = models.ForeignKey(
        IscoGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="occupations"
    )
    broader = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="narrower"
    )
    label_en = models.CharField(_("label (English)"), max_length=LABEL_MAX_LENGTH)
    label_fr = models.CharField(_("label (French)"), max_length=LABEL_MAX_LENGTH, blank=True)
    label_es = models.CharField(_("label (Spanish)"), max_length=LABEL_MAX_LENGTH, blank=True)
    alt_labels = models.JSONField(_("alternative labels"), default=_empty_labels, blank=True)
    hidden_labels = models.JSONField(_("hidden labels"), default=_empty_labels, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    regulated_note = models.CharField(_("regulated profession note"), max_length=URI_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["edition", "label_en"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        constraints = [
            models.UniqueConstraint(fields=["edition", "uri"], name="skills_occupation_unique"),
        ]
        indexes = [models.Index(fields=["edition", "isco_code"], name="skills_occ_isco_idx")]

    def __str__(self) -> str:
        return self.label_en


class OccupationSkill(models.Model):
    """An occupation needs a skill, essentially or optionally (ESCO's occupation-skill relations)."""

    class RelationType(models.TextChoices):
        ESSENTIAL = "essential", _("essential")
        OPTIONAL = "optional", _("optional")

    edition = models.ForeignKey(TaxonomyEdition, on_delete=models.CASCADE, related_name="+")
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="occupation_links")
    relation_type = models.CharField(_("relation type"), max_length=10, choices=RelationType.choices)

    class Meta:
        verbose_name = _("occupation skill")
        verbose_name_plural = _("occupation skills")
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "skill", "relation_type"], name="skills_occupationskill_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} {self.relation_type} {self.skill_id}"
