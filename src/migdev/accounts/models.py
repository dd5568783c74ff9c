from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Ministry or other government body")
        UN_AGENCY = "un_agency", _("UN or intergovernmental agency")
        NGO = "ngo", _("Non-governmental organisation")
        PRIVATE = "private", _("Private sector")
        RESEARCH = "research", _("Research institution")
        DIASPORA = "diaspora", _("Diaspora association")
        SECRETARIAT = "secretariat", _("Process secretariat")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.acronym or self.name


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
