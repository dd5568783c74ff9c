import csv

from migdev.reference.loading import DATA_DIR


def read_rows(name: str) -> list[dict[str, str]]:
    """The rows of a shipped CSV file, to compare the database against what the data says."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
