"""The REST API under /api/v1/: one NinjaAPI instance; modules add routers in their AppConfig.ready()."""

from migdev.core.api_base import build_api

api = build_api()
