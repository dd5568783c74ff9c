"""System checks: the encryption keys must be configured and usable before the app serves personal data.

The ids were ``trafficking.E001`` and ``trafficking.E002`` until the field encryption moved into this
package (ADR 0010); they now name the package that owns the keys.
"""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from migdev.protection.crypto import blind_index_key, field_cipher


@register("security")
def field_keys_configured(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> Sequence[CheckMessage]:
    problems: list[CheckMessage] = []
    for check, identifier in ((field_cipher, "protection.E001"), (blind_index_key, "protection.E002")):
        try:
            check()
        except ImproperlyConfigured as error:
            problems.append(Error(str(error), id=identifier))
    return problems
