"""Hooks into the platform: the IATI load format and the demo data set. Called from the AppConfig."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register_all() -> None:
    from migdev.coordination.demo import seed_demo
    from migdev.coordination.iati import load_iati_for_dataio
    from migdev.core.demo import register_demo_seeder
    from migdev.dataio.registry import LoadFormat, register_format

    register_demo_seeder("coordination", seed_demo)
    register_format(
        LoadFormat(
            name="iati",
            description=_("IATI activity XML 2.03 into the coordination activity registry"),
            loader=load_iati_for_dataio,
        )
    )
