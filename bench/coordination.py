"""IATI import throughput, side by side with the physical limit: parsing the same bytes with lxml and with
the standard library's ElementTree, doing nothing else.

    PYTHONPATH=src python bench/coordination.py [--activities 2000] [--repeat 3]

Stages timed on one generated IATI 2.03 file: ElementTree parse, lxml parse, lxml parse + 2.03 schema
validation, migdev's full read (parse, validate, check codes, map; no writes), and migdev's import into a
fresh SQLite database (everything, in one transaction). The last line is JSON, ratios first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

COUNTRIES = ["NP", "PH", "BD", "LK", "SN", "ML", "MX", "GT", "UA", "MD"]
AREAS = ["labour_migration", "remittances", "diaspora", "counter_trafficking", "capacity_building"]


def make_document(count: int) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03" generated-datetime="2025-01-01T00:00:00Z">'
    ]
    for index in range(count):
        parts.append(
            f"""<iati-activity xml:lang="en" default-currency="USD">
<iati-identifier>XM-DAC-47066-BENCH-{index:06d}</iati-identifier>
<reporting-org ref="XM-DAC-47066" type="40"><narrative>International Organization for Migration</narrative></reporting-org>
<title><narrative>Benchmark activity {index}: labour mobility and development</narrative></title>
<description type="1"><narrative>Pre-departure orientation, skills recognition and reintegration support.</narrative></description>
<participating-org ref="XM-DAC-47066" role="2"><narrative>IOM</narrative></participating-org>
<participating-org ref="XM-DAC-41302" role="4"><narrative>ILO</narrative></participating-org>
<activity-status code="2"/>
<activity-date iso-date="2024-01-01" type="2"/>
<activity-date iso-date="2026-12-31" type="3"/>
<recipient-country code="{COUNTRIES[index % len(COUNTRIES)]}" percentage="100"/>
<tag vocabulary="99" vocabulary-uri="urn:migdev:area" code="{AREAS[index % len(AREAS)]}"><narrative>Area</narrative></tag>
<tag vocabulary="99" vocabulary-uri="urn:migdev:topic" code="labour-mobility"/>
<budget type="1" status="1"><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><value currency="USD" value-date="2024-01-01">{100000 + index}.00</value></budget>
</iati-activity>"""
        )
    parts.append("</iati-activities>")
    return "\n".join(parts).encode("utf-8")


def timed(function: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()

    data_dir = tempfile.mkdtemp(prefix="migdev-bench-")
    os.environ["MIGDEV_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migdev.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from lxml import etree

    from migdev.coordination.activities.iati import activity_schema, import_iati_bytes, read_activities
    from migdev.coordination.models import Activity

    print(f"migrating a fresh SQLite database in {data_dir} ...", flush=True)
    call_command("migrate", verbosity=0)

    content = make_document(args.activities)
    size_mb = len(content) / 1e6
    n = args.activities
    schema = activity_schema()
    print(f"{n} activities, {size_mb:.2f} MB", flush=True)

    elementtree_s = timed(lambda: ElementTree.fromstring(content), args.repeat)
    lxml_s = timed(lambda: etree.fromstring(content), args.repeat)
    validate_s = timed(lambda: schema.validate(etree.ElementTree(etree.fromstring(content))), args.repeat)
    read_s = timed(lambda: read_activities(content, file_name="bench.xml"), args.repeat)

    import_runs = []
    for _ in range(args.repeat):
        Activity.objects.all().delete()
        started = time.perf_counter()
        summary = import_iati_bytes(content, file_name="bench.xml")
        import_runs.append(time.perf_counter() - started)
        assert summary.created == n, summary
    import_s = statistics.median(import_runs)

    rows = [
        ("ElementTree parse (stdlib)", elementtree_s),
        ("lxml parse (limit)", lxml_s),
        ("lxml parse + 2.03 schema", validate_s),
        ("migdev read (no writes)", read_s),
        ("migdev import (SQLite)", import_s),
    ]
    print(f"{'stage':32} {'seconds':>9} {'activities/s':>13} {'MB/s':>8} {'x lxml':>8}")
    for name, seconds in rows:
        print(
            f"{name:32} {seconds:9.4f} {n / seconds:13.0f} {size_mb / seconds:8.2f} {seconds / lxml_s:8.1f}"
        )

    result = {
        "ratio_read_vs_lxml_parse": round(read_s / lxml_s, 2),
        "ratio_import_vs_lxml_parse": round(import_s / lxml_s, 2),
        "ratio_read_vs_elementtree_parse": round(read_s / elementtree_s, 2),
        "ratio_schema_validation_vs_lxml_parse": round(validate_s / lxml_s, 2),
        "activities": n,
        "megabytes": round(size_mb, 3),
        "seconds": {name: round(seconds, 5) for name, seconds in rows},
        "import_activities_per_second": round(n / import_s),
        "read_activities_per_second": round(n / read_s),
        "lxml_activities_per_second": round(n / lxml_s),
        "database": "sqlite",
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in os.getloadavg()],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
