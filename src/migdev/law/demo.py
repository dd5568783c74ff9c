"""Demo data: the shipped reference (instruments and the UN party-list snapshot) and a few SAMPLE trainings,
loaded through the registered formats. Sample trainings are marked ``is_sample`` and titled "SAMPLE"; the
training report leaves them out unless asked for."""

from __future__ import annotations

from migdev.dataio.services import import_file
from migdev.law.models import Instrument, Training
from migdev.law.services import DATA, load_reference

SAMPLE_TRAININGS = DATA / "sample_trainings.csv"


def seed() -> str:
    if not Instrument.objects.exists():
        load_reference()
    if Training.objects.filter(is_sample=True).exists():
        return f"{Training.objects.filter(is_sample=True).count()} SAMPLE trainings already there"
    result = import_file(format_name="law-trainings", path=SAMPLE_TRAININGS)
    return f"{result.created} SAMPLE trainings"
