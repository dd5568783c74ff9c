"""Where one API request's time goes, in one process: the labour or diaspora shortlist through the WSGI
application a server runs (``migdev.wsgi.application``: every middleware, token authentication, the rate
limit, the scope check, the shortlist, JSON), beside the raw-SQL peer and /healthz of the same benchmark.

    python bench/api_profile.py labour --data-dir DIR [--repeat 200]
    python bench/api_profile.py diaspora --data-dir DIR [--repeat 200]

``DIR`` is a directory kept by ``bench/labour.py --data-dir DIR`` or ``bench/diaspora.py --data-dir DIR``
(seeded there, with its token, the ids it loads and its keys). The process does what a server does before
forking (``migdev.gunicorn_conf.when_ready``), sends each id's request once (cold), then:

* the SQL statements of one warm request (their number and text, shortened);
* wall and CPU milliseconds per request (median, p95) over ``--repeat`` requests cycling through the ids, for
  the API path, the peer and /healthz;
* a cProfile of ``--repeat`` API requests: the milliseconds per request spent under each step of the path
  (cumulative, so nested steps overlap) and the functions that cost most themselves.

Served as in production: DEBUG off, ``DATABASE_CONN_MAX_AGE=60``, the benchmark's settings (its peer's URLs).
The rate limit is lifted as in the benchmarks, so the limit is counted but never reached. Not a test. The last
line printed is JSON.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Steps of the path, by the functions that do them (names from before and after ADR 0013; the missing are
# left out of the answer).
STEPS = {
    "middleware and URL resolving (whole request)": ("base.py", "_get_response"),
    "token authentication": ("api_base.py", "authenticate"),
    "rate limit (shared, ADR 0013)": ("throttling.py", "allow_request"),
    "rate limit (ninja + database cache, before)": ("throttling.py", "allow_request"),
    "roles, scopes and groups read (once a request)": ("access.py", "_access"),
    "diaspora: request scope check": ("access.py", "request_get_for_user"),
    "labour: job order scope check": ("selectors.py", "job_order_get_for_user"),
    "labour: capacities": ("selectors.py", "job_order_capacities"),
    "diaspora: shortlist": ("matching.py", "shortlist"),
    "labour: shortlist": ("matching.py", "shortlist"),
    "ninja: answer to JSON": ("operation.py", "_result_to_response"),
    "SQL statements (all)": ("utils.py", "execute"),
    "kept answer (ADR 0014)": ("kept.py", "kept_or_computed"),
}


def _environment(bench: str, data_dir: Path) -> dict[str, Any]:
    seeded = json.loads((data_dir / "bench-seeded.json").read_text())
    os.environ.update(
        {
            "MIGDEV_DATA_DIR": str(data_dir),
            "MIGDEV_DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "ERROR",
            "DATABASE_CONN_MAX_AGE": "60",
            "API_RATE_LIMIT_PER_MINUTE": str(10**9),
            "DJANGO_SETTINGS_MODULE": f"{bench}_bench_settings",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    if bench == "labour":
        os.environ.update(seeded["keys"])
        os.environ["SECRET_KEY"] = "bench-only-secret-key-bench-only-secret-key-0123456789"
        ids = seeded["shortlist_job_orders"]
        return {
            "token": seeded["token"],
            "api": [f"/api/v1/labour/job-orders/{pk}/shortlist" for pk in ids],
            "peer": [f"/bench/labour-shortlist-sql/{pk}/" for pk in ids],
        }
    for variable, name in (
        ("SECRET_KEY", "secret_key"),
        ("MIGDEV_FIELD_KEYS", "field_key"),
        ("MIGDEV_BLIND_INDEX_KEY", "blind_index_key"),
    ):
        os.environ[variable] = (data_dir / name).read_text(encoding="utf-8").strip()
    ids = seeded["chosen"]
    return {
        "token": seeded["token"],
        "api": [f"/api/v1/diaspora/requests/{pk}/shortlist" for pk in ids],
        "peer": [f"/bench/diaspora/requests/{pk}/sql-shortlist" for pk in ids],
    }


class Caller:
    def __init__(self, token: str) -> None:
        from migdev.wsgi import application

        self.application = application
        self.token = token
        self.status = ""

    def _start(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        self.status = status
        return lambda data: None

    def get(self, path: str) -> tuple[int, bytes]:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT_LANGUAGE": "en",
            "HTTP_AUTHORIZATION": f"Bearer {self.token}",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        answer = self.application(environ, self._start)
        try:
            body = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        return int(self.status.split()[0]), body


def _timed(caller: Caller, paths: list[str], repeat: int) -> dict[str, float]:
    walls, cpus = [], []
    for number in range(repeat):
        path = paths[number % len(paths)]
        wall, cpu = time.perf_counter(), time.process_time()
        status, _ = caller.get(path)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}")
    walls.sort()
    cpus.sort()
    return {
        "wall_ms_median": round(statistics.median(walls), 2),
        "wall_ms_p95": round(walls[int(0.95 * (len(walls) - 1))], 2),
        "cpu_ms_median": round(statistics.median(cpus), 2),
        "cpu_ms_p95": round(cpus[int(0.95 * (len(cpus) - 1))], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("bench", choices=["labour", "diaspora"])
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--top", type=int, default=25, help="functions listed by their own time")
    parser.add_argument(
        "--skip-peer",
        action="store_true",
        help="leave out the raw-SQL peer (labour's costs about a second of CPU a request)",
    )
    args = parser.parse_args()
    paths = _environment(args.bench, args.data_dir.resolve())
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from migdev import gunicorn_conf

    gunicorn_conf.when_ready(None)
    caller = Caller(paths["token"])
    for path in paths["api"]:  # each id's first request (cold)
        caller.get(path)
    with CaptureQueriesContext(connection) as captured:
        status, body = caller.get(paths["api"][0])
    if status != 200:
        raise RuntimeError(f"{paths['api'][0]}: HTTP {status} {body[:300]!r}")
    statements = [" ".join(query["sql"].split())[:160] for query in captured.captured_queries]
    for number, statement in enumerate(statements, 1):
        print(f"  SQL {number}: {statement}")

    timing = {
        "api": _timed(caller, paths["api"], args.repeat),
        "peer": _timed(caller, paths["peer"], 1 if args.skip_peer else args.repeat),
        "healthz": _timed(caller, ["/healthz"], args.repeat),
    }
    profiler = cProfile.Profile()
    profiler.enable()
    for number in range(args.repeat):
        caller.get(paths["api"][number % len(paths["api"])])
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    steps: dict[str, float] = {}
    for label, (file_suffix, function) in STEPS.items():
        total = sum(
            cumulative
            for (file_name, _line, name), (_calls, _primitive, _own, cumulative, _callers) in raw.items()
            if name == function and file_name.endswith(file_suffix) and _step_matches(label, file_name)
        )
        if total:
            steps[label] = round(total * 1000 / args.repeat, 3)
    own = sorted(
        (
            (own_time, f"{Path(file_name).name}:{line} {name}")
            for (file_name, line, name), (_calls, _primitive, own_time, _cum, _callers) in raw.items()
        ),
        reverse=True,
    )[: args.top]
    for label, value in steps.items():
        print(f"  {value:8.3f} ms  {label}")
    for own_time, where in own:
        print(f"  {own_time * 1000 / args.repeat:8.3f} ms own  {where}")
    print(
        json.dumps(
            {
                "bench": args.bench,
                "queries_per_warm_request": len(statements),
                "timing": timing,
                "ratio_cpu_median_api_over_peer": round(
                    timing["api"]["cpu_ms_median"] / max(timing["peer"]["cpu_ms_median"], 0.001), 2
                ),
                "ratio_cpu_median_api_over_healthz": round(
                    timing["api"]["cpu_ms_median"] / max(timing["healthz"]["cpu_ms_median"], 0.001), 2
                ),
                "profile_ms_per_request_cumulative": steps,
                "profile_overhead_note": "cProfile slows Python code, not SQL: compare steps, not totals",
                "repeat": args.repeat,
                "load_average": [round(value, 2) for value in os.getloadavg()],
            }
        )
    )


def _step_matches(label: str, file_name: str) -> bool:
    """Tell apart the functions that share a name: which module each step means."""
    path = file_name.replace(os.sep, "/")
    if label.startswith("diaspora"):
        return "/diaspora/" in path
    if label.startswith("labour"):
        return "/labour/" in path
    if label.startswith("rate limit (shared"):
        return "/migdev/core/" in path
    if label.startswith("rate limit (ninja"):
        return "/ninja/" in path
    if label.startswith("roles"):
        return "/accounts/" in path
    if label.startswith("token"):
        return "/migdev/core/" in path
    if label.startswith("middleware"):
        return "/django/core/handlers/" in path
    if label.startswith("ninja"):
        return "/ninja/" in path
    if label.startswith("SQL"):
        return "/django/db/backends/" in path
    return True


if __name__ == "__main__":
    main()
