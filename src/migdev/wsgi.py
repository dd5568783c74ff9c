import os
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migdev.settings")
django_application = get_wsgi_application()

from migdev.skills.search_lane import PublicSearchLane  # noqa: E402 - needs the settings configured above

# The public ESCO searches are answered in front of the middleware, with the headers the stack gives them
# (see migdev.skills.search_lane); every other request goes to Django unchanged.
application = PublicSearchLane(django_application)


def _warm_up() -> None:
    """Do before the first request what every process would otherwise do on it: import every module's URLs,
    views and API schemas (seconds of CPU), read the translation catalogues and compile the busiest public
    templates. With `gunicorn --preload` this runs once and the workers share it; without, each worker runs
    it before it accepts connections. No database access: the database may not be reachable yet."""
    from django.conf import settings
    from django.forms.renderers import get_default_renderer
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Compare prices")
            _compile_patterns(resolver)
            resolver.reverse_dict  # noqa: B018 - builds the per-language reverse look-up used by {% url %}
    get_template("remittances/compare.html")
    for name in ("django/forms/widgets/text.html", "django/forms/errors/list/default.html"):
        get_default_renderer().get_template(name)


def _compile_patterns(resolver: Any) -> None:
    """Compile every URL pattern's regular expression for the active language. Django compiles them lazily,
    on the first request that tries them, which cost a fresh worker about 35 ms on its first request."""
    from django.urls import URLResolver

    for entry in resolver.url_patterns:
        entry.pattern.regex  # noqa: B018 - compiled and cached on first access
        if isinstance(entry, URLResolver):
            _compile_patterns(entry)


if os.environ.get("MIGDEV_WARM_UP", "1") != "0":
    _warm_up()
