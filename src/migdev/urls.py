from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import set_language

from migdev.api import api
from migdev.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
]

# Pages carry their language in the URL (/en/, /fr/, /es/); "/" redirects by cookie or Accept-Language.
urlpatterns += i18n_patterns(
    path("", include("migdev.core.urls")),
    path("accounts/", include("migdev.accounts.urls")),
    path("audit/", include("migdev.audit.urls")),
    path("data/", include("migdev.dataio.urls")),
    path("jobs/", include("migdev.jobs.urls")),
    path("reference/", include("migdev.reference.urls")),
    prefix_default_language=True,
)

for module_app in (
    "trafficking",
    "indicators",
    "remittances",
    "coordination",
    "skills",
    "labour",
    "diaspora",
    "law",
):
    if f"migdev.{module_app}" in settings.INSTALLED_APPS:
        urlpatterns += i18n_patterns(
            path(f"{module_app}/", include(f"migdev.{module_app}.urls")), prefix_default_language=True
        )
