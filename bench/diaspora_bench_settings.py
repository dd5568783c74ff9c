"""Settings of the diaspora benchmark's server (bench/diaspora.py): the platform's, plus the raw-SQL peer."""

from migdev.settings import *  # noqa: F403

ROOT_URLCONF = "diaspora_bench_urls"
