"""The shipped ESCO v1.2.0 + ISCO-08 taxonomy, and `migdev load esco` / `migdev load isco`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from migdev.dataio.errors import ImportRejected
from migdev.dataio.services import import_file
from migdev.skills import selectors
from migdev.skills.models import (
    IscoGroup,
    Occupation,
    OccupationSkill,
    Skill,
    SkillBroader,
    SkillRelation,
    TaxonomyEdition,
)
from migdev.skills.reference import load_shipped
from tests.skills.conftest import NURSE, OCC, small_esco_rows, write_esco_folder

pytestmark = pytest.mark.django_db


def test_the_shipped_esco_edition_has_every_occupation_and_relation(esco: TaxonomyEdition) -> None:
    assert Occupation.objects.filter(edition=esco).count() == 3039
    relations = Counter(OccupationSkill.objects.filter(edition=esco).values_list("relation_type", flat=True))
    assert sum(relations.values()) == 129_004
    assert relations == {"essential": 67_622, "optional": 61_382}
    assert Skill.objects.filter(edition=esco, kind="skill").count() == 13_931
    assert Skill.objects.filter(edition=esco, kind="group").count() == 640
    assert SkillBroader.objects.filter(edition=esco).count() == 20_811
    assert SkillRelation.objects.filter(edition=esco).count() == 5_817
    assert Occupation.objects.filter(edition=esco, broader__isnull=False).count() == 1_248


def test_isco_08_has_619_groups_on_four_levels_and_every_occupation_sits_in_a_unit_group(
    esco: TaxonomyEdition,
) -> None:
    isco = selectors.current_edition("isco")
    assert isco is not None and isco.version == "ISCO-08"
    levels = Counter(IscoGroup.objects.filter(edition=isco).values_list("level", flat=True))
    assert levels == {1: 10, 2: 43, 3: 130, 4: 436}
    assert IscoGroup.objects.filter(edition=isco, level__gt=1, parent__isnull=True).count() == 0
    for group in IscoGroup.objects.filter(edition=isco, level__gt=1).select_related("parent")[:50]:
        assert group.parent is not None and group.parent.code == group.code[:-1]
    assert not Occupation.objects.filter(edition=esco, isco_group__isnull=True).exists()
    nurse = Occupation.objects.select_related("isco_group").get(edition=esco, uri=NURSE)
    assert nurse.isco_group is not None and nurse.isco_group.code == "2221"
    assert (nurse.isco_group.label_en, nurse.isco_group.label_fr, nurse.isco_group.label_es) == (
        "Nursing professionals",
        "Cadres infirmiers",
        "Profesionales de enfermería",
    )


def test_a_known_occupation_has_its_french_and_spanish_labels(esco: TaxonomyEdition) -> None:
    nurse = Occupation.objects.get(edition=esco, uri=NURSE)
    assert nurse.label_en == "nurse responsible for general care"
    assert nurse.label_fr == "infirmier de soins généraux/infirmière de soins généraux"
    assert (
        nurse.label_es
        == "enfermero responsable de cuidados generales/enfermera responsable de cuidados generales"
    )
    assert nurse.code == "2221.2" and nurse.isco_code == "2221"
    assert "practice nurse" in nurse.alt_labels["en"]
    assert selectors.label_in(nurse, "fr") == selectors.LabelInLanguage(nurse.label_fr, "fr")


def test_occupations_without_a_translation_fall_back_to_english_marked_as_such(esco: TaxonomyEdition) -> None:
    untranslated = Occupation.objects.filter(edition=esco, label_fr="")
    assert untranslated.count() == 102  # v1.2.0 occupations absent from the v1.0 French file
    occupation = untranslated.first()
    assert occupation is not None
    shown = selectors.label_in(occupation, "fr")
    assert shown == selectors.LabelInLanguage(occupation.label_en, "en")


def test_the_edition_keeps_its_sources_and_the_attribution_esco_asks_for(esco: TaxonomyEdition) -> None:
    assert esco.is_current
    assert esco.label_sources == {"en": "1.2.0", "fr": "1.0", "es": "1.0"}
    assert "© European Union" in esco.licence and "https://esco.ec.europa.eu" in esco.licence
    assert "occupations_en.csv" in esco.source_files
    isco = selectors.current_edition("isco")
    assert isco is not None and "International Labour Organization" in isco.licence


def test_loading_the_shipped_taxonomy_again_changes_nothing(esco: TaxonomyEdition) -> None:
    before = (
        esco.revision,
        Occupation.objects.count(),
        OccupationSkill.objects.count(),
        list(Occupation.objects.filter(uri=NURSE).values_list("pk", "label_fr")),
    )
    isco_result, esco_result = load_shipped()
    assert (isco_result.created, isco_result.updated) == (0, 0)
    assert (esco_result.created, esco_result.updated) == (0, 0)
    esco.refresh_from_db()
    after = (
        esco.revision,
        Occupation.objects.count(),
        OccupationSkill.objects.count(),
        list(Occupation.objects.filter(uri=NURSE).values_list("pk", "label_fr")),
    )
    assert after == before


def test_a_newer_edition_loads_beside_the_older_one_and_becomes_current(
    esco: TaxonomyEdition, tmp_path: Path
) -> None:
    folder = write_esco_folder(tmp_path, small_esco_rows())
    result = import_file(format_name="esco", path=folder)
    assert result.created == 2 + 3 + 3 + 1 + 1  # occupations, skills and group, relations, links
    newer = TaxonomyEdition.objects.get(taxonomy="esco", version="9.9.9")
    esco.refresh_from_db()
    assert newer.is_current and not esco.is_current
    assert selectors.current_edition() == newer
    assert Occupation.objects.filter(edition=esco).count() == 3039  # the older edition is kept
    cook = Occupation.objects.get(edition=newer, uri=f"{OCC}t-cook")
    assert cook.broader is not None and cook.broader.uri == f"{OCC}t-chef"
    assert cook.isco_group is not None and cook.isco_group.code == "5120"
    assert cook.alt_labels["en"] == ["kitchen cook", "line cook"]
    assert [hit.uri for hit in selectors.search_occupations("cook", lang="en")][:1] == [f"{OCC}t-cook"]

    again = import_file(format_name="esco", path=folder)
    assert (again.created, again.updated) == (0, 0)
    newer.refresh_from_db()
    assert newer.revision == 1


def test_an_older_edition_loaded_after_a_newer_one_does_not_become_current(
    esco: TaxonomyEdition, tmp_path: Path
) -> None:
    import_file(format_name="esco", path=write_esco_folder(tmp_path, small_esco_rows(), name="esco-v1.0.9"))
    esco.refresh_from_db()
    assert esco.is_current
    assert not TaxonomyEdition.objects.get(taxonomy="esco", version="1.0.9").is_current


def test_a_broken_file_is_refused_naming_file_row_and_column_and_nothing_is_written(
    esco: TaxonomyEdition, tmp_path: Path
) -> None:
    rows = small_esco_rows()
    rows["occupationSkillRelations_en.derived.csv"][1] = rows["occupationSkillRelations_en.derived.csv"][
        1
    ].replace("optional", "essentiel")
    folder = write_esco_folder(tmp_path, rows)
    before = (TaxonomyEdition.objects.count(), Skill.objects.count(), OccupationSkill.objects.count())
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name="esco", path=folder)
    [error] = caught.value.errors
    assert (error.file, error.row, error.column) == (
        "esco-v9.9.9/occupationSkillRelations_en.derived.csv",
        3,
        "relationType",
    )
    assert "essentiel" in error.reason
    assert (TaxonomyEdition.objects.count(), Skill.objects.count(), OccupationSkill.objects.count()) == before


def test_a_relation_to_an_unknown_skill_and_a_bad_isco_code_are_both_reported(
    esco: TaxonomyEdition, tmp_path: Path
) -> None:
    rows = small_esco_rows()
    rows["occupations_en.csv"][1] = rows["occupations_en.csv"][1].replace(",3434,", ",34X4,")
    rows["occupationSkillRelations_en.derived.csv"].append(f"{OCC}t-cook,essential,{OCC}t-nothing,x")
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name="esco", path=write_esco_folder(tmp_path, rows))
    located = {(error.file.split("/")[-1], error.row, error.column) for error in caught.value.errors}
    assert ("occupations_en.csv", 3, "iscoGroup") in located
    assert not TaxonomyEdition.objects.filter(version="9.9.9").exists()


def test_a_missing_file_and_an_unnamed_edition_are_refused(esco: TaxonomyEdition, tmp_path: Path) -> None:
    folder = write_esco_folder(tmp_path, small_esco_rows())
    (folder / "skillGroups_en.csv").unlink()
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name="esco", path=folder)
    assert caught.value.errors[0].file == "esco-v9.9.9/skillGroups_en.csv"
    unnamed = write_esco_folder(tmp_path, small_esco_rows(), name="download")
    with pytest.raises(ImportRejected, match="edition"):
        import_file(format_name="esco", path=unnamed)


def test_the_esco_format_wants_a_folder_and_is_not_offered_for_upload(
    esco: TaxonomyEdition, tmp_path: Path
) -> None:
    from migdev.dataio.registry import get_format
    from migdev.dataio.selectors import can_import_format

    file = tmp_path / "occupations_en.csv"
    file.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="folder"):
        import_file(format_name="esco", path=file)
    assert not can_import_format(None, get_format("esco"))


def test_migdev_load_command_loads_a_folder_and_reports_a_broken_one(
    esco: TaxonomyEdition, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("load", "esco", str(write_esco_folder(tmp_path, small_esco_rows())))
    assert "created 10" in capsys.readouterr().out
    rows = small_esco_rows()
    rows["skills_en_min.derived.csv"][0] = rows["skills_en_min.derived.csv"][0].replace(
        "http://data.europa.eu/esco/skill/t-knife", "not-a-uri"
    )
    broken_dir = tmp_path / "second"
    broken_dir.mkdir()
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("load", "esco", str(write_esco_folder(broken_dir, rows, name="esco-v9.9.10")))
    assert "skills_en_min.derived.csv, row 2" in capsys.readouterr().err


def test_isco_file_with_a_bad_code_is_refused_naming_row_and_column(
    esco: TaxonomyEdition, tmp_path: Path
) -> None:
    path = tmp_path / "ISCOGroups_en.csv"
    path.write_text(
        "conceptType,conceptUri,code,preferredLabel,status,altLabels,inScheme,description\n"
        "ISCOGroup,http://data.europa.eu/esco/isco/C0,0,Armed forces occupations,released,,,\n"
        "ISCOGroup,http://data.europa.eu/esco/isco/C01,0A,Commissioned officers,released,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as caught:
        import_file(format_name="isco", path=path)
    [error] = caught.value.errors
    assert (error.file, error.row, error.column) == ("ISCOGroups_en.csv", 3, "code")
    assert IscoGroup.objects.count() == 619


def test_different_content_for_a_stored_edition_needs_confirmation_then_replaces_it(
    esco: TaxonomyEdition, tmp_path: Path
) -> None:
    from migdev.dataio.registry import LoadOptions

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    import_file(format_name="esco", path=write_esco_folder(tmp_path / "a", small_esco_rows()))
    rows = small_esco_rows()
    rows["occupations_en.csv"][0] = rows["occupations_en.csv"][0].replace("test cook", "test cook (renamed)")
    changed = write_esco_folder(tmp_path / "b", rows)
    with pytest.raises(ImportRejected, match="--replace") as caught:
        import_file(format_name="esco", path=changed)
    assert caught.value.changes is not None and caught.value.changes.changed == 1
    edition = TaxonomyEdition.objects.get(taxonomy="esco", version="9.9.9")
    assert Occupation.objects.get(edition=edition, uri=f"{OCC}t-cook").label_en == "test cook"
    result = import_file(format_name="esco", path=changed, options=LoadOptions(replace=True))
    assert result.updated == 10
    edition.refresh_from_db()
    assert edition.revision == 2  # search indexes of every process see the change
    assert Occupation.objects.get(edition=edition, uri=f"{OCC}t-cook").label_en == "test cook (renamed)"
    assert [hit.label for hit in selectors.search_occupations("renamed", lang="en")] == [
        "test cook (renamed)"
    ]


def test_the_shipped_reference_command_reports_and_changes_nothing_the_second_time(
    esco: TaxonomyEdition, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("skills_reference")
    out = capsys.readouterr().out
    assert "ISCO-08: read 619, created 0, updated 0" in out
    assert "ESCO: read 173242, created 0, updated 0" in out
