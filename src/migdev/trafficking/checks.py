"""System checks: the encryption keys must be configured and usable before the app serves a case."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from migdev.trafficking.crypto import blind_index_key, field_cipher


@register("security")
def field_keys_configured(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> Sequence[CheckMessage]:
    problems: list[CheckMessage] = []
    for check, identifier in ((field_cipher, "trafficking.E001"), (blind_index_key, "trafficking.E002")):
        try:
            check()
        except ImproperlyConfigured as error:
            problems.append(Error(str(error), id=identifier))
    return problems
