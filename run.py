#!/usr/bin/env python3
"""migdev's two commands, needing nothing but Python >= 3.11.

    python3 run.py start   # virtualenv, install, migrate, reference + demo data, serve on 127.0.0.1:$PORT
    python3 run.py test    # install with dev tools, then ruff, mypy, tests on SQLite and PostgreSQL, browser tests
    python3 run.py bench NAME [ARGS]   # install what benchmarks need, then run bench/NAME.py (not a test)

Both are safe to run twice: the install step is skipped while pyproject.toml is unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
POSTGRES_HOST, POSTGRES_PORT = "127.0.0.1", 5432
POSTGRES_URL = os.environ.get(
    "MIGDEV_TEST_POSTGRES_URL", f"postgres://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/migdev"
)
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(*args: str | Path, env: dict[str, str] | None = None, check: bool = True) -> int:
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if check and completed.returncode != 0:
        say(f"failed ({completed.returncode}): {' '.join(str(a) for a in args)}")
        sys.exit(completed.returncode)
    return completed.returncode


def ensure_virtualenv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs before the virtualenv exists
        sys.exit("migdev needs Python 3.11 or newer.")
    if not PYTHON.exists():
        say(f"creating the virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".migdev-installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == fingerprint:
        return
    say("installing migdev and its dependencies")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    run(PYTHON, "-m", "pip", "install", "--quiet", "--editable", target)
    stamp.write_text(fingerprint)


def migdev(*args: str, env: dict[str, str] | None = None, check: bool = True) -> int:
    return run(BIN / "migdev", *args, env=env, check=check)


def start() -> None:
    ensure_virtualenv("")
    port = os.environ.get("PORT", "8000")
    say("applying migrations (reference data loads with them)")
    migdev("migrate", "--no-input")
    say("loading the ESCO and ISCO-08 taxonomy shipped with the skills module (first run only)")
    migdev("skills_reference")
    say("loading the sourced reference content (summits since 2007, the research library)")
    migdev("load_hub_content")
    say("loading the migration-law instruments and the UN party-list snapshot (first run only)")
    migdev("law_reference")
    say("loading the demo data set")
    migdev("seed_demo")
    migdev("collectstatic", "--no-input", "--verbosity", "0")
    worker = subprocess.Popen([str(BIN / "migdev"), "jobs_worker"], cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    print(
        "\n"
        f"  migdev is running at {url}\n"
        "  Demo login without two-factor (analyst): demo_analyst / demo-analyst-2026!\n"
        "  Demo administrator: demo_administrator / demo-administrator-2026!, then the six-digit code that\n"
        "    `.venv/bin/migdev demo_totp` prints (the demo authenticator secret is public).\n"
        "  Every role has a demo user: demo_<role> / demo-<role>-2026! (the list of demo users is printed\n"
        "    above, with the demo data: case work, labour mobility, diaspora, the hub …).\n"
        "  Stop with Ctrl+C.\n",
        flush=True,
    )
    try:
        migdev("runserver", "--noreload", f"127.0.0.1:{port}", check=False)
    except KeyboardInterrupt:
        pass
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)


def postgres_reachable() -> bool:
    try:
        with socket.create_connection((POSTGRES_HOST, POSTGRES_PORT), timeout=2):
            return True
    except OSError:
        return False


def find_chromium() -> str | None:
    configured = os.environ.get("MIGDEV_CHROMIUM")
    if configured and Path(configured).exists():
        return configured
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return None


def ensure_chromium() -> str | None:
    """Debian's chromium when we can install it; otherwise Playwright's own browser where it downloads."""
    found = find_chromium()
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing Debian's chromium for the browser tests")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, check=False)
        found = find_chromium()
        if found:
            return found
    say("trying Playwright's own Chromium download")
    if subprocess.run([str(PYTHON), "-m", "playwright", "install", "chromium"], cwd=ROOT).returncode == 0:
        return ""  # Playwright finds its own browser
    return None


def test() -> None:
    ensure_virtualenv("dev")
    in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    say("ruff")
    run(BIN / "ruff", "check", "src", "tests", "bench", "run.py")
    run(BIN / "ruff", "format", "--check", "src", "tests", "bench", "run.py")
    say("mypy")
    run(BIN / "mypy")
    say("migrations are complete")
    run(
        BIN / "migdev",
        "makemigrations",
        "--check",
        "--dry-run",
        env={**os.environ, "MIGDEV_DATA_DIR": str(ROOT / "var" / "check")},
    )
    say("deployment checks with production settings")
    production_env = {
        **os.environ,
        "MIGDEV_DEBUG": "0",
        "SECRET_KEY": "check-deploy-" + "x" * 60,
        "ALLOWED_HOSTS": "migdev.example.org",
        # Throw-away keys, as an operator would provide them (a Fernet key is 32 random bytes, base64url).
        "MIGDEV_FIELD_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "MIGDEV_BLIND_INDEX_KEY": secrets.token_urlsafe(48),
        "MIGDEV_DATA_DIR": str(ROOT / "var" / "check"),
    }
    run(BIN / "migdev", "check", "--deploy", "--fail-level", "WARNING", env=production_env)

    say("tests on SQLite")
    run(PYTHON, "-m", "pytest", "-m", "not browser", "-q")

    if postgres_reachable():
        say(f"tests on PostgreSQL ({POSTGRES_HOST}:{POSTGRES_PORT})")
        run(
            PYTHON,
            "-m",
            "pytest",
            "-m",
            "not browser",
            "-q",
            env={**os.environ, "DATABASE_URL": POSTGRES_URL},
        )
    elif in_ci:
        say(f"PostgreSQL is not reachable on {POSTGRES_HOST}:{POSTGRES_PORT}, and CI must test it")
        sys.exit(1)
    else:
        say(f"SKIPPED the PostgreSQL tests: nothing listens on {POSTGRES_HOST}:{POSTGRES_PORT}")

    chromium = ensure_chromium()
    if chromium is None:
        if in_ci:
            say("no Chromium could be installed, and CI must run the browser tests")
            sys.exit(1)
        say("SKIPPED the browser tests: no Chromium here and none could be installed")
        return
    say("browser tests in Chromium (Playwright, axe-core)")
    browser_env = {**os.environ, "MIGDEV_CHROMIUM": chromium}
    run(PYTHON, "-m", "pytest", "-m", "browser", "-q", env=browser_env)


def bench(name: str, *args: str) -> None:
    """One benchmark from a fresh clone: the dev extra holds most peers (pandas, gunicorn,
    django-import-export); peers that clash with it get var/bench-peers; the benchmark makes its own
    throw-away data directory and keys."""
    script = ROOT / "bench" / f"{name}.py"
    if not script.is_file():
        names = ", ".join(sorted(path.stem for path in (ROOT / "bench").glob("*.py")))
        sys.exit(f"No benchmark {name!r}; there are: {names}.")
    ensure_virtualenv("dev")
    peers = BENCH_PEER_PACKAGES.get(name)
    if peers:
        ensure_peer_virtualenv(peers)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    sys.exit(run(PYTHON, script, *args, env=env, check=False))


# Peers whose pins clash with migdev's own dependencies (ANJANA pins numpy 2.0 and pandas 2.3) get their own
# virtualenv, var/bench-peers, which the benchmark calls through --peer-python.
BENCH_PEER_PACKAGES = {"ctdc": ("anjana", "duckdb")}
PEER_VENV = ROOT / "var" / "bench-peers"


def ensure_peer_virtualenv(packages: tuple[str, ...]) -> None:
    python = PEER_VENV / ("Scripts" if os.name == "nt" else "bin") / "python"
    stamp = PEER_VENV / ".migdev-peers"
    wanted = " ".join(sorted(packages))
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return
    say(f"installing the benchmark's peers in {PEER_VENV}: {wanted}")
    venv.EnvBuilder(with_pip=True).create(PEER_VENV)
    run(python, "-m", "pip", "install", "--quiet", *packages)
    stamp.write_text(wanted)


COMMANDS = {"start": start, "test": test}

if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "bench":
        bench(sys.argv[2], *sys.argv[3:])
    elif len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    else:
        COMMANDS[sys.argv[1]]()
