"""Build the compact ESCO v1.2.0 + ISCO-08 file shipped in this folder from the publishers' CSV files.

    PYTHONPATH=src python src/migdev/skills/data/build_compact.py /work/shared/data/esco /work/shared/data/isco/ISCOGroups_en.csv

Reads the files with the same checked readers as `migdev load esco` / `migdev load isco` (so a defect
refused there is refused here) and writes ``esco-v1.2.0-isco-08.json.gz`` (see SOURCE.md and
migdev/skills/compact.py for the layout).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(esco_folder: Path, isco_file: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migdev.settings")
    import django

    django.setup()
    from migdev.skills import compact
    from migdev.skills.taxonomy_files import read_esco_folder, read_isco_file

    esco = read_esco_folder(esco_folder)
    isco = read_isco_file(isco_file)
    compact.write(compact.SHIPPED_FILE, esco, isco)
    size = compact.SHIPPED_FILE.stat().st_size
    print(  # noqa: T201 - a build script reports to its operator
        f"{compact.SHIPPED_FILE.name}: {size:,} bytes; ESCO v{esco.version}: {len(esco.occupations)} occupations, "
        f"{len(esco.skills)} skills and groups, {len(esco.occupation_skills)} occupation-skill relations; "
        f"ISCO-08: {len(isco.groups)} groups"
    )
    for note in esco.notes:
        print(f"note: {note}")  # noqa: T201


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
