import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migdev.settings")
application = get_wsgi_application()


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

    get_resolver().url_patterns  # noqa: B018 - the import is the point
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Compare prices")
    get_template("remittances/compare.html")
    for name in ("django/forms/widgets/text.html", "django/forms/errors/list/default.html"):
        get_default_renderer().get_template(name)


if os.environ.get("MIGDEV_WARM_UP", "1") != "0":
    _warm_up()
