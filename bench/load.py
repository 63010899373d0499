"""Load over Streamlit's websocket: many signed-in sessions re-running the principal's 总览 at once.

    .venv/bin/python bench/load.py [--sessions 30] [--reruns 10] [--think SECONDS] [--processes N] [--url URL]

Plain HTTP never runs a page, so each session here is what a browser tab is to the server: a websocket on
/_stcore/stream carrying the login cookie. Each session asks for a run of the landing page (BackMsg
rerun_script) and waits for the server's script_finished, ``--reruns`` times, all sessions at once. The
latency of each rerun is from the request to script_finished. The server's memory (RSS) is read before, at
the peak, and 150 s after every session has closed (Streamlit keeps a closed session's state for
server.disconnectedSessionTTL, 120 s). ``--rounds N`` opens and closes all the sessions N times and reads the
memory after each round: memory that settles at one level is the allocator keeping freed pages, memory that
climbs round after round would be a leak.

With ``--think 0`` (the default) every session asks again the moment its page arrives: the worst case, 30
people clicking at the same instant without pause. ``--think S`` waits a random 0 to 2·S seconds (mean S)
before each rerun, as a person reads the page before the next click. ``--processes N`` starts N app
processes on one database and spreads the sessions over them, as nginx with sticky sessions does
(docs/deployment.md).

Without --url, a demo school is built in a temporary SQLite file. Results are printed as Markdown and written
to bench/results/load.md; what we measured is kept in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run import ANCHOR, _machine, _write  # noqa: E402
from tests.e2e.server import AppServer  # noqa: E402

AFTER_SECONDS = int(os.environ.get("HXGY_LOAD_AFTER_SECONDS", "150"))
COOKIE_KEY = os.environ["HXGY_COOKIE_KEY"]  # set by bench.run: the server and the cookies share it


def login_cookie(username: str) -> str:
    """The cookie a browser gets after signing in (streamlit-authenticator's JWT), signed with the server's key."""
    expires = (datetime.now() + timedelta(days=1)).timestamp()
    return jwt.encode({"username": username, "exp_date": expires}, COOKIE_KEY, algorithm="HS256")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    for line in subprocess.run(["ps", "-o", "rss=", "--ppid", str(pid), "-p", str(pid)], capture_output=True,
                               text=True, check=False).stdout.split():  # fmt: skip
        total += int(line)
    return total / 1024


async def session(
    url: str, cookie: str, reruns: int, start: asyncio.Event, latencies: list[float], think: float = 0.0
) -> None:
    """One tab: connect, sign in by cookie, run the landing page ``reruns`` times (reading ``think`` s), close."""
    address = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(
        address, subprotocols=["streamlit"], additional_headers={"Cookie": f"hxgy_auth={cookie}"},
        max_size=2**26, open_timeout=60, ping_interval=None,
    ) as ws:  # fmt: skip
        first = await _rerun(ws)  # the first run signs in from the cookie
        if "各班目标达成".encode() not in first:
            raise RuntimeError("the session did not reach 总览: is the login cookie accepted?")
        await start.wait()
        for _ in range(reruns):
            if think:
                await asyncio.sleep(random.uniform(0, 2 * think))
            began = time.perf_counter()
            await _rerun(ws)
            latencies.append(time.perf_counter() - began)


async def _rerun(ws) -> bytes:  # ws: a websockets client connection
    """Ask for a run of the page and wait until it has finished; the bytes the server sent meanwhile."""
    message = BackMsg()
    message.rerun_script.query_string = ""
    message.rerun_script.page_script_hash = ""
    await ws.send(message.SerializeToString())
    received = []
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout=300)
        received.append(raw)
        reply = ForwardMsg()
        reply.ParseFromString(raw)
        if reply.WhichOneof("type") == "script_finished" and reply.script_finished in (
            ForwardMsg.FINISHED_SUCCESSFULLY,
            ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
        ):
            return b"".join(received)


def total_rss_mb(pids: list[int]) -> float:
    return sum(rss_mb(pid) for pid in pids)


async def load(
    urls: list[str], pids: list[int], sessions: int, reruns: int, think: float, rounds: int = 1
) -> dict[str, Any]:
    cookie = login_cookie("principal")
    warm: list[float] = []
    ready = asyncio.Event()
    ready.set()
    for url in urls:
        await session(url, cookie, 3, ready, warm)  # caches filled, as on a school morning
    await asyncio.sleep(2)
    baseline = total_rss_mb(pids)
    latencies: list[float] = []
    connected = peak = 0.0
    wall = 0.0
    after: list[float] = []
    for _ in range(rounds):
        start = asyncio.Event()
        tasks = [
            asyncio.create_task(session(urls[n % len(urls)], cookie, reruns, start, latencies, think))
            for n in range(sessions)
        ]
        await asyncio.sleep(5 + sessions / 5)  # every session connected and signed in
        connected = max(connected, total_rss_mb(pids))
        began = time.perf_counter()
        start.set()
        peak = max(peak, connected)
        while not all(t.done() for t in tasks):
            await asyncio.sleep(0.5)
            peak = max(peak, total_rss_mb(pids))
        wall += time.perf_counter() - began
        for task in tasks:
            task.result()
        await asyncio.sleep(AFTER_SECONDS)  # Streamlit drops a closed session after server.disconnectedSessionTTL
        after.append(total_rss_mb(pids))
    ordered = sorted(latencies)
    return {
        "sessions": sessions,
        "processes": len(urls),
        "think": think,
        "reruns": len(latencies),
        "p50": statistics.median(ordered),
        "p95": ordered[int(0.95 * (len(ordered) - 1))],
        "max": ordered[-1],
        "throughput": len(latencies) / wall,
        "baseline_mb": baseline,
        "connected_mb": connected,
        "peak_mb": peak,
        "after_mb": after,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--reruns", type=int, default=10)
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds a person reads before a rerun")
    parser.add_argument("--processes", type=int, default=1, help="app processes sharing the sessions")
    parser.add_argument("--rounds", type=int, default=1, help="open and close all sessions this many times")
    parser.add_argument("--url", help="database URL (default: a demo school in a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{tmp}/demo.db"
        if not args.url:
            env = {**os.environ, "HXGY_DATABASE_URL": url}
            subprocess.run([sys.executable, "-m", "hxgy", "init", "--demo", "--anchor", ANCHOR.isoformat()],
                           cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        servers = [AppServer(url) for _ in range(args.processes)]
        try:
            for server in servers:
                server.start()
            pids = [server._proc.pid for server in servers if server._proc is not None]
            urls = [server.url for server in servers]
            result = asyncio.run(load(urls, pids, args.sessions, args.reruns, args.think, args.rounds))
        finally:
            for server in servers:
                server.stop()
    think = f"{result['think']:g} s" if result["think"] else "none"
    lines = [
        f"# Load: {result['sessions']} sessions re-running 总览 over the websocket ({_machine()})",
        "",
        f"| processes | think time | reruns | p50 | p95 | max | reruns/s | RSS before | connected | peak "
        f"| {AFTER_SECONDS} s after closing, each round |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| {result['processes']} | {think} | {result['reruns']} | {result['p50']:.2f} s | {result['p95']:.2f} s "
        f"| {result['max']:.2f} s "
        f"| {result['throughput']:.1f} | {result['baseline_mb']:.0f} MB | {result['connected_mb']:.0f} MB "
        f"| {result['peak_mb']:.0f} MB | {' / '.join(f'{m:.0f}' for m in result['after_mb'])} MB |",
    ]
    _write("load", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
