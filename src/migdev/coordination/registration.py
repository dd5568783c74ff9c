"""Hooks into the platform: load formats and the demo data set. Called from the AppConfig."""

from __future__ import annotations


def register_all() -> None:
    from migdev.coordination.demo import seed_demo
    from migdev.core.demo import register_demo_seeder

    register_demo_seeder("coordination", seed_demo)
    try:
        from migdev.dataio.registry import LoadFormat, register_format  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return
    from migdev.coordination.iati import load_iati_for_dataio

    register_format(
        LoadFormat(
            name="iati",
            description="IATI activity XML 2.03 (iati-activities) into the coordination activity registry",
            loader=load_iati_for_dataio,
        )
    )
