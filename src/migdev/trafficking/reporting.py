"""Error reports that never show case data, not even with DEBUG on.

Django hides ``@sensitive_variables`` and ``@sensitive_post_parameters`` only when DEBUG is off. A
development or training copy of a case database may still hold real victims' data, so the filter is
always active. Enable it with::

    DEFAULT_EXCEPTION_REPORTER_FILTER = "migdev.trafficking.reporting.AlwaysSafeExceptionReporterFilter"
"""

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter


class AlwaysSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    def is_active(self, request: HttpRequest | None) -> bool:
        return True
