"""Demo data: the shipped reference (instruments and the UN party-list snapshot) and a few SAMPLE trainings,
loaded through the registered formats. Sample trainings are marked ``is_sample`` and titled "SAMPLE"; the
training report leaves them out unless asked for. Their materials are existing records of the research
library (loaded first if the library is empty), chosen by migdev for the demonstration; a few SAMPLE
participants are named with a (sample) consent, through the same service as real ones, recorded by no one:
only holders of the participant permission at ``all`` scope (administrators) see them. The sample trainings'
organisers are "SAMPLE organiser (demo)", no real body; their organising organisation is the demo data's own
organisation (``accounts.demo``) when it is there, so the demo partner can name participants on them and a
partner of any other organisation cannot."""

from __future__ import annotations

import csv

from django.db.models import F

from migdev.accounts.demo import DEMO_ORGANISATION_NAME
from migdev.accounts.models import Organisation
from migdev.coordination.models import Publication
from migdev.dataio.services import import_file
from migdev.law.models import Instrument, Training, TrainingParticipant
from migdev.law.services import DATA, ParticipantInput, load_reference, sample_participant_add

SAMPLE_TRAININGS = DATA / "sample_trainings.csv"

# Invented, and say so: no real person's name. (training reference, sex, kind of institution, institution)
SAMPLE_PARTICIPANTS = (
    ("SAMPLE-IML-001", "woman", "ministry", "SAMPLE ministry of labour (demo)"),
    ("SAMPLE-IML-001", "man", "agency", "SAMPLE employment agency (demo)"),
    ("SAMPLE-IML-004", "woman", "civil_society", "SAMPLE migrant workers' association (demo)"),
)


def _library_slugs() -> set[str]:
    with SAMPLE_TRAININGS.open(encoding="utf-8", newline="") as handle:
        return {
            slug.strip()
            for row in csv.DictReader(handle)
            for slug in row["materials"].split(";")
            if slug.strip()
        }


def _link_demo_organiser() -> int:
    demo_organisation = Organisation.objects.filter(name=DEMO_ORGANISATION_NAME).first()
    if demo_organisation is None:
        return 0
    return Training.objects.filter(is_sample=True, organisation__isnull=True).update(
        organisation=demo_organisation, version=F("version") + 1
    )


def seed() -> str:
    if not Instrument.objects.exists():
        load_reference()
    samples = Training.objects.filter(is_sample=True)
    if samples.exists() and samples.filter(materials__isnull=False).exists():
        _link_demo_organiser()  # a data dir seeded before trainings had an organising organisation
        return f"{samples.count()} SAMPLE trainings already there"
    if Publication.objects.filter(slug__in=_library_slugs()).count() < len(_library_slugs()):
        from migdev.coordination.content import load_library

        load_library()
    result = import_file(format_name="law-trainings", path=SAMPLE_TRAININGS)
    named = 0
    if not TrainingParticipant.objects.filter(is_sample=True).exists():
        for number, (reference, sex, kind, institution) in enumerate(SAMPLE_PARTICIPANTS, start=1):
            training = Training.objects.get(reference=reference)
            sample_participant_add(
                training=training,
                data=ParticipantInput(
                    name=f"SAMPLE participant {number} (demo)",
                    sex=sex,
                    institution_kind=kind,
                    institution=institution,
                    consent_given_on=training.starts_on,
                    consent_purpose="record",
                    note="SAMPLE: invented for the demonstration",
                ),
            )
            named += 1
    linked = _link_demo_organiser()
    return (
        f"{result.created} SAMPLE trainings ({result.updated} updated, {linked} organised by the demo "
        f"organisation), {named} SAMPLE participants named"
    )
