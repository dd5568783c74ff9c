import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from migdev.reference import selectors
from migdev.reference.models import IncomeGroup, M49Area

_INDENT = {
    M49Area.Level.WORLD: "",
    M49Area.Level.REGION: "",
    M49Area.Level.SUB_REGION: "— ",
    M49Area.Level.INTERMEDIATE_REGION: "— — ",
    M49Area.Level.GROUPING: "",
}


def _sort_key(area: M49Area) -> tuple[bool, str]:
    """The world (and its tree) first, then by name with accents ignored ("África" next to "Asia")."""
    plain = unicodedata.normalize("NFKD", area.name).encode("ascii", "ignore").decode().casefold()
    return area.level != M49Area.Level.WORLD, plain


def _area_choices() -> list[tuple[str, str]]:
    """M49 areas as a tree: each region followed by its sub-regions and their intermediate regions."""
    areas = list(selectors.m49_areas())
    children: dict[str | None, list[M49Area]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    choices: list[tuple[str, str]] = [("", str(_("All")))]

    def walk(parent: str | None) -> None:
        for area in sorted(children.get(parent, []), key=_sort_key):
            if area.level == M49Area.Level.WORLD:
                walk(area.code)
                continue
            choices.append((area.code, f"{_INDENT[M49Area.Level(area.level)]}{area.name}"))
            walk(area.code)

    walk(None)
    return choices


class CountryFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("UN M49 area"), required=False)
    ldc = forms.BooleanField(label=_("Least developed countries only"), required=False)
    lldc = forms.BooleanField(label=_("Landlocked developing countries only"), required=False)
    sids = forms.BooleanField(label=_("Small island developing States only"), required=False)
    income_group = forms.ChoiceField(
        label=_("World Bank income group"),
        required=False,
        choices=[("", _("Any")), *IncomeGroup.choices],
    )
    year = forms.TypedChoiceField(
        label=_("Data year for income groups"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "The World Bank classification based on that year's income; blank for the CLASS.xlsx groups."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        year = self.fields["year"]
        assert isinstance(region, forms.ChoiceField) and isinstance(year, forms.ChoiceField)
        region.choices = _area_choices()
        year.widget.attrs["aria-describedby"] = "year-help"
        year.choices = [
            ("", _("CLASS.xlsx groups")),
            *((year, str(year)) for year in selectors.income_data_years()),
        ]
