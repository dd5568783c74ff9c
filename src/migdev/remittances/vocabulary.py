"""The RPW vocabularies (firm type, speed, transparency, network coverage, amount tiers) and their readers.

Source files spell these inconsistently ("Post office"/"Post Office", "yes"/"Yes", "3-5 days"/"3–5 Days"),
so every reader folds case, dashes and spaces before matching. A value that matches nothing is an error
for the caller to report with its row; nothing is guessed.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FirmType(models.TextChoices):
    BANK = "bank", _("Bank")
    MTO = "mto", _("Money transfer operator")
    MOBILE_OPERATOR = "mobile_operator", _("Mobile operator")
    POST_OFFICE = "post_office", _("Post office")
    NON_BANK_FI = "non_bank_fi", _("Non-bank financial institution")
    CREDIT_UNION = "credit_union", _("Credit union or building society")
    OTHER = "other", _("Other")


class Speed(models.TextChoices):
    """Time until the money is available, as RPW records it (``speed actual``)."""

    UNDER_ONE_HOUR = "under_1h", _("Less than one hour")
    SAME_DAY = "same_day", _("Same day")
    NEXT_DAY = "next_day", _("Next day")
    TWO_DAYS = "2_days", _("2 days")
    THREE_TO_FIVE_DAYS = "3_5_days", _("3 to 5 days")
    SIX_DAYS_OR_MORE = "6_days_plus", _("6 days or more")


# Speeds that deliver within five business days: one of the SmaRT criteria.
SPEEDS_WITHIN_FIVE_DAYS = frozenset(
    {Speed.UNDER_ONE_HOUR, Speed.SAME_DAY, Speed.NEXT_DAY, Speed.TWO_DAYS, Speed.THREE_TO_FIVE_DAYS}
)
SPEED_ORDER = {speed.value: position for position, speed in enumerate(Speed)}


class NetworkCoverage(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


# The World Bank's regions as the dashboard names them; the reference data holds their English names only.
WORLD_BANK_REGION_LABELS = {
    "EAS": _("East Asia & Pacific"),
    "ECS": _("Europe & Central Asia"),
    "LCN": _("Latin America & Caribbean"),
    "MEA": _("Middle East & North Africa"),
    "NAC": _("North America"),
    "SAS": _("South Asia"),
    "SSF": _("Sub-Saharan Africa"),
}


class AmountTier(models.TextChoices):
    """RPW prices every service for the local equivalent of USD 200 (cc1) and USD 500 (cc2)."""

    USD200 = "usd200", _("USD 200 equivalent")
    USD500 = "usd500", _("USD 500 equivalent")
    OTHER = "other", _("Other amount")


class Origin(models.TextChoices):
    """How a price observation entered the database."""

    RESEARCHER = "researcher", _("Collected by a researcher")
    RPW_WORKBOOK = "rpw_workbook", _("RPW provider-level workbook")
    PROVIDER_API = "provider_api", _("Sent by the provider")
    DEMO = "demo", _("Demonstration data")


def _fold(value: object) -> str:
    text = str(value if value is not None else "").strip().lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)  # typographic dashes and minus
    text = re.sub(r"\s*-\s*", "-", text)
    return re.sub(r"\s+", " ", text)


_FIRM_TYPES = {
    "bank": FirmType.BANK,
    "banks": FirmType.BANK,
    "money transfer operator": FirmType.MTO,
    "money transfer operators": FirmType.MTO,
    "mto": FirmType.MTO,
    "mobile operator": FirmType.MOBILE_OPERATOR,
    "mobile network operator": FirmType.MOBILE_OPERATOR,
    "post office": FirmType.POST_OFFICE,
    "post": FirmType.POST_OFFICE,
    "non-bank fi": FirmType.NON_BANK_FI,
    "non bank fi": FirmType.NON_BANK_FI,
    "non-bank financial institution": FirmType.NON_BANK_FI,
    "credit union": FirmType.CREDIT_UNION,
    "building society": FirmType.CREDIT_UNION,
    "credit union/building society": FirmType.CREDIT_UNION,
    "other": FirmType.OTHER,
}
_FIRM_TYPES.update({choice.value: choice for choice in FirmType})

_SPEEDS = {
    "less than one hour": Speed.UNDER_ONE_HOUR,
    "less than 1 hour": Speed.UNDER_ONE_HOUR,
    "< 1 hour": Speed.UNDER_ONE_HOUR,
    "<1 hour": Speed.UNDER_ONE_HOUR,
    "same day": Speed.SAME_DAY,
    "next day": Speed.NEXT_DAY,
    "1 day": Speed.NEXT_DAY,
    "2 days": Speed.TWO_DAYS,
    "3-5 days": Speed.THREE_TO_FIVE_DAYS,
    "3 to 5 days": Speed.THREE_TO_FIVE_DAYS,
    "6 days or more": Speed.SIX_DAYS_OR_MORE,
    "6 days and more": Speed.SIX_DAYS_OR_MORE,
    "6+ days": Speed.SIX_DAYS_OR_MORE,
}
_SPEEDS.update({choice.value: choice for choice in Speed})

_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def read_firm_type(value: object) -> FirmType:
    folded = _fold(value)
    if folded in _FIRM_TYPES:
        return _FIRM_TYPES[folded]
    raise ValueError(
        f"unknown firm type {str(value).strip()!r}; expected Bank, Money Transfer Operator, Mobile Operator, "
        "Post office, Non-Bank FI, Credit union or Other"
    )


def read_speed(value: object) -> Speed | None:
    """Blank means the speed was not recorded."""
    folded = _fold(value)
    if not folded:
        return None
    if folded in _SPEEDS:
        return _SPEEDS[folded]
    raise ValueError(
        f"unknown speed {str(value).strip()!r}; expected Less than one hour, Same day, Next day, 2 days, "
        "3-5 days or 6 days or more"
    )


def read_yes_no(value: object) -> bool | None:
    """Blank means unknown; anything other than yes/no is an error."""
    folded = _fold(value)
    if not folded:
        return None
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueError(f"expected yes or no, found {str(value).strip()!r}")


def read_coverage(value: object) -> NetworkCoverage | None:
    folded = _fold(value)
    if not folded:
        return None
    for choice in NetworkCoverage:
        if folded == choice.value:
            return choice
    raise ValueError(f"expected High, Medium or Low network coverage, found {str(value).strip()!r}")


def clean_label(value: object) -> str:
    """Free-text product attributes keep their spelling but not accidental spacing."""
    return re.sub(r"\s+", " ", str(value if value is not None else "")).strip()


def label_key(value: object) -> str:
    """What makes two labels the same ("Bank account" and "Bank Account")."""
    return clean_label(value).casefold()


# Display labels for the free-text service attributes -----------------------------------------------------
#
# Payment instrument, access point, pick-up method and the old sheet's product are stored as published
# (exports and the API keep them so). Pages show RPW's recurring wording in the reader's language; any
# other value is shown exactly as published. Keys are folded like the other vocabularies, plus "/".


_CASH = pgettext_lazy("remittance service", "Cash")
_BANK_ACCOUNT = pgettext_lazy("remittance service", "Bank account")
_CARD = pgettext_lazy("remittance service", "Debit or credit card")
_MOBILE_WALLET = pgettext_lazy("remittance service", "Mobile wallet")
_CASH_PICKUP = pgettext_lazy("remittance service", "Cash pick-up")
_AGENT_BRANCH = pgettext_lazy("remittance service", "Agent or branch")
_ONLINE = pgettext_lazy("remittance service", "Online")
_MOBILE_APP = pgettext_lazy("remittance service", "Mobile app")
_TELEPHONE = pgettext_lazy("remittance service", "Telephone")

SERVICE_LABELS: dict[str, Promise] = {
    "cash": _CASH,
    "account": pgettext_lazy("remittance service", "Account"),
    "bank account": _BANK_ACCOUNT,
    "bank deposit": _BANK_ACCOUNT,
    "account deposit": _BANK_ACCOUNT,
    "card": pgettext_lazy("remittance service", "Card"),
    "debit card": pgettext_lazy("remittance service", "Debit card"),
    "credit card": pgettext_lazy("remittance service", "Credit card"),
    "debit/credit card": _CARD,
    "credit/debit card": _CARD,
    "prepaid card": pgettext_lazy("remittance service", "Prepaid card"),
    "mobile wallet": _MOBILE_WALLET,
    "mobile money": pgettext_lazy("remittance service", "Mobile money"),
    "e-wallet": _MOBILE_WALLET,
    "home delivery": pgettext_lazy("remittance service", "Home delivery"),
    "cash pick-up": _CASH_PICKUP,
    "cash pickup": _CASH_PICKUP,
    "branch": pgettext_lazy("remittance service", "Branch"),
    "agent": pgettext_lazy("remittance service", "Agent"),
    "agent/branch": _AGENT_BRANCH,
    "branch/agent": _AGENT_BRANCH,
    "online": _ONLINE,
    "internet": _ONLINE,
    "website": pgettext_lazy("remittance service", "Website"),
    "mobile app": _MOBILE_APP,
    "mobile application": _MOBILE_APP,
    "app": _MOBILE_APP,
    "phone": _TELEPHONE,
    "telephone": _TELEPHONE,
    "kiosk": pgettext_lazy("remittance service", "Kiosk"),
    "atm": pgettext_lazy("remittance service", "Cash machine (ATM)"),
    "post office": pgettext_lazy("remittance service", "Post office"),
    "account to account": pgettext_lazy("remittance service", "Account to account"),
    "cash to cash": pgettext_lazy("remittance service", "Cash to cash"),
    "account to cash": pgettext_lazy("remittance service", "Account to cash"),
    "cash to account": pgettext_lazy("remittance service", "Cash to account"),
    "other": pgettext_lazy("remittance service", "Other"),
}


def service_label(value: object) -> str:
    """A published payment instrument, access point, pick-up method or product in the active language, or
    the value as published (spacing tidied) when it is not RPW's recurring wording."""
    label = SERVICE_LABELS.get(re.sub(r"\s*/\s*", "/", _fold(value)))
    return str(label) if label is not None else clean_label(value)
