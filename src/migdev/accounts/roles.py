"""Role and scope vocabularies, kept apart from ``access`` so models can use them without an import cycle.

``migdev.accounts.access`` re-exports ``Role`` and ``Scope``; import them from there.
"""

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")
    CASE_WORKER = "case_worker", _("Case worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    ANALYST = "analyst", _("Analyst")
    EDITOR = "editor", _("Editor")
    PARTNER = "partner", _("Partner")
    SCHEME_OFFICER = "scheme_officer", _("Labour-mobility scheme officer")
    PES_OFFICER = "pes_officer", _("Public employment service officer")
    EMPLOYER = "employer", _("Employer")
    RECRUITER = "recruiter", _("Recruiter")
    WORKER = "worker", _("Worker")
    # Diaspora engagement (migdev.diaspora)
    PROGRAMME_OFFICER = "programme_officer", _("Programme officer")
    DIASPORA_OFFICE = "diaspora_office", _("Government diaspora office")
    HOST_INSTITUTION = "host_institution", _("Host institution")
    EXPERT = "expert", _("Diaspora expert")


class Scope(models.TextChoices):
    """How far a permission reaches. Each scope includes every narrower one."""

    OWN = "own", _("Own records")
    GROUP = "group", _("Records of the user's groups")
    ORGANISATION = "organisation", _("Records of the user's organisation")
    ALL = "all", _("All records")


# Wider scopes rank higher; a user holding a permission through several roles gets the widest.
SCOPE_RANK: dict[str, int] = {Scope.OWN: 1, Scope.GROUP: 2, Scope.ORGANISATION: 3, Scope.ALL: 4}

# Every role that can see personal data (victims, staff, audit trails) must pass a second factor.
# Kept in code, not in the database, so an edited role row can never switch two-factor off.
TWO_FACTOR_ROLES: frozenset[str] = frozenset(
    {
        Role.ADMINISTRATOR,
        Role.DATA_PROTECTION_OFFICER,
        Role.CASE_WORKER,
        Role.SUPERVISOR,
        Role.PARTNER,
        # Labour mobility: each of these can see workers' identifying data (employers only after the
        # worker accepted an interview). A worker sees only their own profile and signs in with a password.
        Role.SCHEME_OFFICER,
        Role.PES_OFFICER,
        Role.EMPLOYER,
        Role.RECRUITER,
        # Diaspora: these three see experts' identifying data (shortlists, agreements). An expert sees
        # only their own profile and signs in with a password (on a phone, as the issue asks).
        Role.PROGRAMME_OFFICER,
        Role.DIASPORA_OFFICE,
        Role.HOST_INSTITUTION,
    }
)

ROLE_DESCRIPTIONS: dict[str, str | Promise] = {
    Role.ADMINISTRATOR: _("Manages organisations, users, groups and roles; reads and exports the audit log."),
    Role.DATA_PROTECTION_OFFICER: _("Reads and exports the audit log. Never sees case content."),
    Role.CASE_WORKER: _("Records and follows their own cases."),
    Role.SUPERVISOR: _("Oversees the cases of the groups they belong to."),
    Role.ANALYST: _("Works with aggregates only; never sees individual records."),
    Role.EDITOR: _("Edits public content."),
    Role.PARTNER: _("Uses the API for the records of their own organisation."),
    Role.SCHEME_OFFICER: _(
        "Runs labour-mobility schemes: job orders, shortlists, selection and the safeguards gate."
    ),
    Role.PES_OFFICER: _("Registers and supports the job seekers of their own public employment service."),
    Role.EMPLOYER: _(
        "Posts job orders and sees pseudonymised shortlists until a worker accepts an interview."
    ),
    Role.RECRUITER: _("Works on the job orders assigned to their agency."),
    Role.WORKER: _("Sees and keeps their own profile, applications, offers and contract."),
    Role.PROGRAMME_OFFICER: _(
        "Runs a diaspora programme: approves requests, shortlists and invites experts."
    ),
    Role.DIASPORA_OFFICE: _(
        "A government's diaspora office: its country's requests, priority sectors and figures."
    ),
    Role.HOST_INSTITUTION: _("An institution in a country of origin: posts requests and selects experts."),
    Role.EXPERT: _("A diaspora professional: keeps their own roster profile and answers invitations."),
}
