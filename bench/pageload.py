"""Closed-loop HTTP load for the page benchmarks (bench/indicators.py, bench/remittances.py).

``clients`` concurrent clients, each one kept-alive HTTP/1.1 connection (as a browser keeps one), run as
asyncio coroutines in the benchmark's own process; each sends its next request as soon as the previous answer
arrived. The generator's CPU share of one core is reported: on a 2-core machine it competes with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import time
from pathlib import Path
from typing import Any


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """The gunicorn worker class and threads of a page benchmark's server (docs/operations.md)."""
    parser.add_argument(
        "--worker-class",
        choices=["sync", "gthread"],
        default="sync",
        help="gunicorn worker class (sync: the documented production default, docs/operations.md)",
    )
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads a gthread worker")


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, path: str = "/healthz", timeout: float = 600) -> None:
    """Until the server answers ``path`` (not only accepts connections)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _ = asyncio.run(_one(port, path))
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server on port {port} did not answer {path}")


async def _one(port: int, path: str) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await fetch(reader, writer, path)
    finally:
        writer.close()


async def fetch(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, language: str = "en"
) -> tuple[int, bytes]:
    """One HTTP/1.1 GET on a kept-alive connection; returns the status and the body."""
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: {language}\r\n"
        "Connection: keep-alive\r\n\r\n".encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    else:  # gunicorn answers HTTP/1.1 with a length; anything else is read to the end
        body = await reader.read()
    return status, body


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a server process and its direct children (gunicorn's
    workers), read from /proc; 0 where there is no /proc. Per request, it is the evidence that does not move
    with the other work on a busy machine the way wall time does."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    for process in [str(pid), *children]:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime and stime, fields 14 and 15 of stat
    return total


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def _hammer(port: int, paths: list[str], clients: int, marker: bytes) -> dict[str, Any]:
    latencies: list[float] = []
    failures: list[str] = []
    queue = iter(paths)

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for path in queue:
                start = time.perf_counter()
                try:
                    status, body = await fetch(reader, writer, path)
                except (asyncio.IncompleteReadError, ConnectionError):
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    status, body = await fetch(reader, writer, path)
                latencies.append(time.perf_counter() - start)
                if status != 200 or marker not in body:
                    failures.append(f"{status} {path}")
        finally:
            writer.close()

    cpu_before = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    latencies.sort()
    milliseconds = [value * 1000 for value in latencies]
    return {
        "requests": len(latencies),
        "p50_ms": round(percentile(milliseconds, 0.5), 2),
        "p95_ms": round(percentile(milliseconds, 0.95), 2),
        "p99_ms": round(percentile(milliseconds, 0.99), 2),
        "max_ms": round(milliseconds[-1], 2),
        "requests_per_s": round(len(latencies) / wall, 1),
        "failures": len(failures),
        "failure_examples": failures[:3],
        "load_generator_cpu_share": round(cpu / wall, 3),  # of one core, taken from the server's two
    }


def hammer(
    port: int, paths: list[str], clients: int, marker: bytes, server_pid: int | None = None
) -> dict[str, Any]:
    """``clients`` clients share ``paths`` in order; each answer must be 200 and hold ``marker``. With the
    server's process id, the server's CPU milliseconds per request are reported too."""
    cpu_before = server_cpu_seconds(server_pid) if server_pid else 0.0
    result = asyncio.run(_hammer(port, paths, clients, marker))
    if server_pid:
        used = server_cpu_seconds(server_pid) - cpu_before
        result["server_cpu_ms_per_request"] = round(used * 1000 / max(1, result["requests"]), 2)
    return result
