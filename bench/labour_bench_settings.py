"""Settings of the labour benchmark's server (bench/labour.py): the platform's, plus the raw-SQL peer's URL."""

from migdev.settings import *  # noqa: F403

ROOT_URLCONF = "labour_bench_urls"
