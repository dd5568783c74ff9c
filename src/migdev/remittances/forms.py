from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from migdev.remittances.models import Provider
from migdev.remittances.quarters import Quarter, QuarterFormatError
from migdev.remittances.selectors import CountryChoice
from migdev.remittances.vocabulary import FirmType, NetworkCoverage, Speed

MAX_AMOUNT = Decimal("1000000")


class CountrySelect(forms.Select):
    """A country menu of the comparison page, written in one pass: Django's per-option widget templates
    cost a millisecond per dozen options, and the page lists every sending and receiving country. The
    options can come written (``options_html``, kept per snapshot version and language by the view): only
    the chosen one is marked here."""

    options_html: str | None = None

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        options = self.options_html if self.options_html is not None else menu_options(self.choices)
        for code in set(self.format_value(value)):
            tag = format_html('<option value="{}">', code)
            options = options.replace(tag, f"{tag[:-1]} selected>")
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),  # noqa: S308 - written by menu_options, which escapes every code and name
        )


def menu_options(choices: Any) -> str:
    """Every option of a menu, none chosen."""
    return format_html_join("", '<option value="{}">{}</option>', ((code, label) for code, label in choices))


class ComparisonForm(forms.Form):
    """The public comparison: read from the query string, so a result page can be bookmarked and shared."""

    sending = forms.ChoiceField(label=_("Sending from"), widget=CountrySelect)
    receiving = forms.ChoiceField(label=_("Sending to"), widget=CountrySelect)
    amount = forms.DecimalField(
        label=_("Amount you hand over, fee included"),
        min_value=Decimal("1"),
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": "10"}),
    )

    def __init__(
        self,
        *args: Any,
        senders: list[CountryChoice],
        receivers: list[CountryChoice],
        menus: tuple[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        """``menus``: the two menus' options as ``menus_for`` writes them for these countries, if kept."""
        super().__init__(*args, **kwargs)
        placeholder = [("", _("Choose a country"))]
        self.fields["sending"].choices = placeholder + [(c.iso3, c.name) for c in senders]  # type: ignore[attr-defined]
        self.fields["receiving"].choices = placeholder + [(c.iso3, c.name) for c in receivers]  # type: ignore[attr-defined]
        if menus is not None:
            self.fields["sending"].widget.options_html, self.fields["receiving"].widget.options_html = menus

    @staticmethod
    def menus_for(senders: list[CountryChoice], receivers: list[CountryChoice]) -> tuple[str, str]:
        """Both menus' options, none chosen, in the active language."""
        form = ComparisonForm(senders=senders, receivers=receivers)
        return (
            menu_options(form.fields["sending"].choices),  # type: ignore[attr-defined]
            menu_options(form.fields["receiving"].choices),  # type: ignore[attr-defined]
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("sending") and cleaned.get("sending") == cleaned.get("receiving"):
            self.add_error("receiving", _("Choose a country other than the one you send from."))
        return cleaned


def _quarter_choices() -> list[tuple[str, str]]:
    current = Quarter.containing(timezone.localdate())
    quarters = [current]
    for _step in range(11):
        quarters.append(quarters[-1].previous())
    return [(str(q), str(q)) for q in quarters]


class ServiceCollectionForm(forms.Form):
    """A researcher's record of one service, priced at the USD 200 and (optionally) USD 500 equivalents."""

    provider_name = forms.CharField(label=_("Provider"), max_length=200)
    firm_type = forms.ChoiceField(label=_("Firm type"), choices=FirmType.choices)
    sending_country = forms.ChoiceField(label=_("Sending country"))
    receiving_country = forms.ChoiceField(label=_("Receiving country"))
    quarter = forms.ChoiceField(label=_("Quarter"))
    collected_on = forms.DateField(
        label=_("Collected on"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    product = forms.CharField(label=_("Product"), max_length=200, required=False)
    payment_instrument = forms.CharField(
        label=_("Payment instrument"),
        max_length=200,
        required=False,
        help_text=_("For example cash, bank account, card."),
    )
    access_point = forms.CharField(
        label=_("Access point"),
        max_length=200,
        required=False,
        help_text=_("For example branch, online, mobile app."),
    )
    pickup_method = forms.CharField(
        label=_("Pick-up method"),
        max_length=200,
        required=False,
        help_text=_("For example cash, account, mobile wallet."),
    )
    speed = forms.ChoiceField(
        label=_("Speed"), choices=[("", _("Not recorded")), *Speed.choices], required=False
    )
    transparent = forms.TypedChoiceField(
        label=_("Exchange rate disclosed to the customer"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
    )
    network_coverage = forms.ChoiceField(
        label=_("Receiving network coverage"),
        choices=[("", _("Not recorded")), *NetworkCoverage.choices],
        required=False,
    )
    send_currency = forms.ChoiceField(label=_("Currency sent"))
    receive_currency = forms.ChoiceField(label=_("Currency received"))
    interbank_rate = forms.DecimalField(
        label=_("Interbank exchange rate"),
        help_text=_(
            "Units of the currency received for one unit of the currency sent, at the time of collection."
        ),
        max_digits=24,
        decimal_places=10,
        localize=True,
    )
    amount_200 = forms.DecimalField(
        label=_("Amount (USD 200 equivalent)"), max_digits=18, decimal_places=4, localize=True
    )
    fee_200 = forms.DecimalField(
        label=_("Fee for that amount"), max_digits=18, decimal_places=4, localize=True
    )
    rate_200 = forms.DecimalField(
        label=_("Exchange rate offered for that amount"), max_digits=24, decimal_places=10, localize=True
    )
    amount_500 = forms.DecimalField(
        label=_("Amount (USD 500 equivalent)"), max_digits=18, decimal_places=4, localize=True, required=False
    )
    fee_500 = forms.DecimalField(
        label=_("Fee for the USD 500 amount"), max_digits=18, decimal_places=4, localize=True, required=False
    )
    rate_500 = forms.DecimalField(
        label=_("Exchange rate offered for the USD 500 amount"),
        max_digits=24,
        decimal_places=10,
        localize=True,
        required=False,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(
        self,
        *args: Any,
        countries: list[tuple[str, str]],
        currencies: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", _("Choose"))]
        self.fields["sending_country"].choices = blank + countries  # type: ignore[attr-defined]
        self.fields["receiving_country"].choices = blank + countries  # type: ignore[attr-defined]
        self.fields["send_currency"].choices = blank + currencies  # type: ignore[attr-defined]
        self.fields["receive_currency"].choices = blank + currencies  # type: ignore[attr-defined]
        self.fields["quarter"].choices = _quarter_choices()  # type: ignore[attr-defined]
        self.fields["quarter"].initial = _quarter_choices()[0][0]

    def clean_quarter(self) -> Quarter:
        try:
            return Quarter.parse(self.cleaned_data["quarter"])
        except QuarterFormatError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_collected_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["collected_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The collection date cannot be in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("sending_country") and cleaned.get("sending_country") == cleaned.get(
            "receiving_country"
        ):
            self.add_error("receiving_country", _("The sending and receiving countries must differ."))
        second = [cleaned.get(name) for name in ("amount_500", "fee_500", "rate_500")]
        if any(value is not None for value in second) and not all(value is not None for value in second):
            self.add_error(
                "amount_500", _("Give the amount, fee and rate of the second price, or none of them.")
            )
        return cleaned


class ProviderTokenForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.none())
    label = forms.CharField(
        label=_("Label"), max_length=100, required=False, help_text=_("Who uses it, for what.")
    )
    lifetime_days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from migdev.remittances.selectors import providers

        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers()  # type: ignore[attr-defined]
