"""A person's sex reads as one person's, in French and Spanish: the indicators module's "Female" labels a
population ("Femmes", "Mujeres"), and without a context Django's merged catalogues gave a worker or an
expert the plural."""

from __future__ import annotations

import pytest
from django.utils import translation

from migdev.diaspora.models import Sex as ExpertSex
from migdev.indicators.models import Observation
from migdev.labour.models import Sex as WorkerSex


@pytest.mark.parametrize(
    ("language", "female", "male"),
    [("fr", "Femme", "Homme"), ("es", "Mujer", "Hombre"), ("en", "Female", "Male")],
)
def test_a_person_is_female_or_male_in_the_singular(language: str, female: str, male: str) -> None:
    with translation.override(language):
        for sex in (WorkerSex, ExpertSex):
            assert (str(sex.FEMALE.label), str(sex.MALE.label)) == (female, male)


def test_a_population_stays_plural_in_french() -> None:
    with translation.override("fr"):
        assert str(Observation.Sex.FEMALE.label) == "Femmes"
