import pytest
from django.utils import translation

from migdev.reference import selectors
from migdev.reference.models import Country, M49Area

from .helpers import read_rows

pytestmark = pytest.mark.django_db


def test_areas_match_the_file() -> None:
    rows = read_rows("m49_areas.csv")
    assert M49Area.objects.count() == len(rows)
    levels = {row["level"] for row in rows}
    assert levels == {"world", "region", "sub_region", "intermediate_region", "grouping"}
    assert M49Area.objects.filter(level="region").count() == 5


def test_hierarchy() -> None:
    africa = selectors.m49_area_by_code("002")
    assert africa.parent_id == "001"
    assert {child.code for child in africa.children.all()} == {"015", "202"}
    assert selectors.m49_area_by_code("419").parent_id == "019"
    assert selectors.m49_area_by_code("011").parent_id == "202"


def test_africa_members() -> None:
    africa = selectors.aggregate_members("002")
    assert "NGA" in africa
    assert "FRA" not in africa
    assert africa == set(Country.objects.filter(m49_region_id="002").values_list("iso3", flat=True))
    assert africa == selectors.aggregate_members("015") | selectors.aggregate_members("202")


def test_short_m49_codes_are_accepted() -> None:
    assert selectors.aggregate_members("2") == selectors.aggregate_members("002")


def test_latin_america_and_intermediate_regions() -> None:
    latin_america = selectors.aggregate_members("419")
    assert {"BRA", "MEX", "HTI"} <= latin_america
    assert "USA" not in latin_america
    parts = (
        selectors.aggregate_members("029")
        | selectors.aggregate_members("013")
        | selectors.aggregate_members("005")
    )
    assert parts == latin_america


def test_regions_partition_the_world() -> None:
    world = selectors.aggregate_members("001")
    assert world == selectors.aggregate_members("WLD")
    regions = [selectors.aggregate_members(code) for code in ("002", "009", "019", "142", "150")]
    assert sum(len(region) for region in regions) == len(set().union(*regions))
    # Antarctica belongs to no M49 region.
    assert world - set().union(*regions) == {"ATA"}


def test_un_groupings_follow_the_flags() -> None:
    assert selectors.aggregate_members("199") == set(
        Country.objects.filter(is_ldc=True).values_list("iso3", flat=True)
    )
    assert "AFG" in selectors.aggregate_members("432")
    assert "FJI" in selectors.aggregate_members("722")


def test_area_names_in_french_and_spanish() -> None:
    sub_saharan = selectors.m49_area_by_code("202")
    with translation.override("fr"):
        assert sub_saharan.name == "Afrique subsaharienne"
        assert selectors.m49_area_by_code("002").name == "Afrique"
    with translation.override("es"):
        assert sub_saharan.name == "África Subsahariana"
        assert selectors.m49_area_by_code("002").name == "África"
        assert selectors.m49_area_by_code("419").name == "América Latina y el Caribe"
    assert not M49Area.objects.filter(name_fr="").exists()
    assert not M49Area.objects.filter(name_es="").exists()


def test_country_area_links() -> None:
    nigeria = selectors.country_by_code("NGA")
    assert (nigeria.m49_region_id, nigeria.m49_sub_region_id, nigeria.m49_intermediate_region_id) == (
        "002",
        "202",
        "011",
    )
    with translation.override("fr"):
        assert nigeria.m49_intermediate_region is not None
        assert nigeria.m49_intermediate_region.name == "Afrique occidentale"
