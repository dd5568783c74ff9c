from typing import Any

from django.http import HttpRequest

from migdev.core.modules import module_entries


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"migdev_modules": module_entries()}
