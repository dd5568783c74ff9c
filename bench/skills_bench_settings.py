"""Settings of the search benchmark's server (bench/skills.py): the platform's, plus the LIKE-scan peer's URL."""

from migdev.settings import *  # noqa: F403

ROOT_URLCONF = "skills_bench_urls"
