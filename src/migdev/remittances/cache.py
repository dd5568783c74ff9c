"""What the comparison page keeps between requests, keyed by the version of the snapshots it reads.

Every rewrite of the comparison snapshots (``services.comparison_snapshots_refresh``, in the transaction that
changes prices) gives the list of comparable corridors a new version. The page reads that row in its one
query anyway, so it knows the version of what it shows without asking anything else: its layout (shared
by every process, per language) and what it parsed from the snapshots (per process) are kept under it.
"""

from __future__ import annotations

from pathlib import Path

from migdev.core.sharedcache import SharedCache

# Per snapshot version: a parsed snapshot per corridor, and per language its offers, menus and layout.
SHARED = SharedCache("remittances", [Path(__file__).resolve().parent], local_entries=4096)
