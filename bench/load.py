"""Load over Streamlit's websocket: many signed-in sessions re-running the principal's 总览 at once.

    .venv/bin/python bench/load.py [--sessions 30] [--reruns 10] [--think SECONDS] [--processes N] [--nginx]
                                   [--rounds N] [--url DATABASE_URL | --base-url APP_URL [--pids PID ...]]

Plain HTTP never runs a page, so each session here is what a browser tab is to the server: a websocket on
/_stcore/stream carrying the login cookie. Each session asks for a run of the landing page (BackMsg
rerun_script) and waits for the server's script_finished, ``--reruns`` times, all sessions at once. The
latency of each rerun is from the request to script_finished. The server's memory (RSS) is read before, at
the peak, and 150 s after every session has closed (Streamlit keeps a closed session's state for
server.disconnectedSessionTTL, 120 s), and the CPU time the app processes spent per page run, which a busy
machine hardly changes (the 1-minute load average at the end of each round says how busy it was).
``--rounds N`` opens and closes all the sessions N times and reads the memory after each round: memory that
settles at one level is the allocator keeping freed pages, memory that climbs round after round would be a leak.

With ``--think 0`` (the default) every session asks again the moment its page arrives: the worst case, 30
people clicking at the same instant without pause. ``--think S`` waits a random 0 to 2·S seconds (mean S)
before each rerun, as a person reads the page before the next click. ``--processes N`` starts N app
processes on one database and spreads the sessions over them, as nginx with sticky sessions does
(docs/deployment.md). ``--nginx`` puts a real nginx (deploy/nginx-hxgy.conf, Debian's package) in front of those
processes and sends every session through it, over HTTPS with a self-signed certificate; nginx picks the process.
``--base-url`` aims the sessions at an app that is already running (e.g. nginx on a staging machine) and starts
nothing; its memory is read only for the processes given with ``--pids``. tests/e2e/test_nginx.py runs this
client through nginx.

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
from deploy.nginx import UNVERIFIED, LocalNginx  # noqa: E402
from tests.e2e.server import AppServer, free_port  # noqa: E402

AFTER_SECONDS = int(os.environ.get("HXGY_LOAD_AFTER_SECONDS", "150"))
LANDING_MARK = "各班目标达成".encode()  # on the principal's 总览 whenever its figures are drawn


def login_cookie(username: str) -> str:
    """The cookie a browser gets after signing in (streamlit-authenticator's JWT), signed with the server's key
    (HXGY_COOKIE_KEY, set by bench.run or by the tests: the servers and the cookies share it)."""
    expires = (datetime.now() + timedelta(days=1)).timestamp()
    key = os.environ["HXGY_COOKIE_KEY"]
    return jwt.encode({"username": username, "exp_date": expires}, key, algorithm="HS256")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    for line in subprocess.run(["ps", "-o", "rss=", "--ppid", str(pid), "-p", str(pid)], capture_output=True,
                               text=True, check=False).stdout.split():  # fmt: skip
        total += int(line)
    return total / 1024


def stream_address(url: str) -> str:
    """The websocket a page runs over: ws:// for an app process, wss:// through nginx."""
    return url.replace("https://", "wss://").replace("http://", "ws://") + "/_stcore/stream"


async def session(
    url: str,
    cookie: str,
    reruns: int,
    start: asyncio.Event,
    latencies: list[float],
    think: float = 0.0,
    errors: list[str] | None = None,
    signed_in: list[str] | None = None,
) -> None:
    """One tab: connect, sign in by cookie, run the landing page ``reruns`` times (reading ``think`` s), close.

    A rerun that did not draw 总览's figures, or showed an exception, is added to ``errors``; each session that
    has signed in is added to ``signed_in`` (so the caller knows when all are ready).
    """
    address = stream_address(url)
    async with websockets.connect(
        address, subprotocols=["streamlit"], additional_headers={"Cookie": f"hxgy_auth={cookie}"},
        max_size=2**26, open_timeout=60, ping_interval=None,
        ssl=UNVERIFIED if address.startswith("wss://") else None,
    ) as ws:  # fmt: skip
        first = await _rerun(ws)  # the first run signs in from the cookie
        if LANDING_MARK not in first:
            raise RuntimeError("the session did not reach 总览: is the login cookie accepted?")
        if signed_in is not None:
            signed_in.append(url)
        await start.wait()
        for _ in range(reruns):
            if think:
                await asyncio.sleep(random.uniform(0, 2 * think))
            began = time.perf_counter()
            try:
                received = await _rerun(ws)
            except RuntimeError as error:  # the page raised: counted, and the session goes on
                problem = str(error)
            else:
                problem = run_problem(received)
            latencies.append(time.perf_counter() - began)
            if problem and errors is not None:
                errors.append(problem)


def run_problem(received: bytes) -> str | None:
    """What went wrong in a page run, from the bytes it sent: None when 总览 was drawn without an exception."""
    if LANDING_MARK not in received:
        return "the run did not draw 总览's figures"
    return None


async def _rerun(ws) -> bytes:  # ws: a websockets client connection
    """Ask for a run of the page and wait until it has finished; the bytes the server sent meanwhile.

    An exception element or a compile error is raised as RuntimeError.
    """
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
        kind = reply.WhichOneof("type")
        delta = reply.delta if kind == "delta" else None
        if delta and delta.WhichOneof("type") == "new_element" and delta.new_element.WhichOneof("type") == "exception":
            raise RuntimeError(f"the page raised {reply.delta.new_element.exception.type or 'an exception'}")
        if kind == "script_finished":
            if reply.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                raise RuntimeError("the page did not compile")
            if reply.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                return b"".join(received)


def total_rss_mb(pids: list[int]) -> float:
    return sum(rss_mb(pid) for pid in pids)


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the processes have used so far, from /proc: what a page run costs, however busy
    the machine is (other programs lengthen the wall time of a run, not its CPU time)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return total


def load_average() -> str:
    """The machine's 1-minute load average (2 means both cores busy on this machine)."""
    return Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"


async def load(
    urls: list[str],
    pids: list[int],
    sessions: int,
    reruns: int,
    think: float,
    rounds: int = 1,
    warm_urls: list[str] | None = None,
    after_seconds: float = AFTER_SECONDS,
) -> dict[str, Any]:
    """``sessions`` sessions spread over ``urls``, all signed in first, then ``reruns`` runs each, ``rounds``
    times. ``warm_urls``: the app processes whose caches to fill first (default ``urls``; behind nginx, each
    process directly). Raises if a session could not sign in or a run raised."""
    cookie = login_cookie("principal")
    warm: list[float] = []
    ready = asyncio.Event()
    ready.set()
    for url in warm_urls or urls:
        await session(url, cookie, 3, ready, warm)  # caches filled, as on a school morning
    await asyncio.sleep(min(2, after_seconds))
    baseline = total_rss_mb(pids)
    latencies: list[float] = []
    errors: list[str] = []
    connected = peak = 0.0
    wall = cpu = 0.0
    loads: list[str] = []
    after: list[float] = []
    for _ in range(rounds):
        start = asyncio.Event()
        signed_in: list[str] = []
        tasks = [
            asyncio.create_task(
                session(urls[n % len(urls)], cookie, reruns, start, latencies, think, errors, signed_in)
            )
            for n in range(sessions)
        ]
        while len(signed_in) < sessions:  # every session connected and signed in
            failed = [t for t in tasks if t.done() and t.exception()]
            if failed:
                raise RuntimeError("a session could not sign in") from failed[0].exception()
            await asyncio.sleep(0.2)
        await asyncio.sleep(min(1, after_seconds))
        connected = max(connected, total_rss_mb(pids))
        began = time.perf_counter()
        cpu_before = cpu_seconds(pids)
        start.set()
        peak = max(peak, connected)
        while not all(t.done() for t in tasks):
            await asyncio.sleep(0.5)
            peak = max(peak, total_rss_mb(pids))
        wall += time.perf_counter() - began
        cpu += cpu_seconds(pids) - cpu_before
        loads.append(load_average())
        for task in tasks:
            task.result()
        await asyncio.sleep(after_seconds)  # Streamlit drops a closed session after server.disconnectedSessionTTL
        after.append(total_rss_mb(pids))
    ordered = sorted(latencies)
    return {
        "sessions": sessions,
        "processes": len(warm_urls or urls),
        "think": think,
        "reruns": len(latencies),
        "errors": errors,
        "p50": statistics.median(ordered),
        "p95": ordered[int(0.95 * (len(ordered) - 1))],
        "max": ordered[-1],
        "throughput": len(latencies) / wall,
        "cpu_per_run": cpu / len(latencies) if pids else None,
        "load": loads,
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
    parser.add_argument("--nginx", action="store_true", help="send the sessions through nginx to the processes")
    parser.add_argument("--rounds", type=int, default=1, help="open and close all sessions this many times")
    parser.add_argument("--url", help="database URL (default: a demo school in a temporary SQLite file)")
    parser.add_argument("--base-url", help="an app already running (e.g. https://nginx): start no server")
    parser.add_argument("--pids", type=int, nargs="*", default=[], help="with --base-url: app processes to weigh")
    args = parser.parse_args()
    if args.base_url:
        base = args.base_url.rstrip("/")
        result = asyncio.run(load([base], args.pids, args.sessions, args.reruns, args.think, args.rounds))
        result["processes"] = f"{base} ({len(args.pids)} weighed)" if args.pids else base
        return report(result)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{tmp}/demo.db"
        if not args.url:
            env = {**os.environ, "HXGY_DATABASE_URL": url}
            subprocess.run([sys.executable, "-m", "hxgy", "init", "--demo", "--anchor", ANCHOR.isoformat()],
                           cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        servers = [AppServer(url) for _ in range(args.processes)]
        nginx = None
        try:
            for server in servers:
                server.start()
            pids = [server._proc.pid for server in servers if server._proc is not None]
            direct = [server.url for server in servers]
            urls = direct
            if args.nginx:
                ports = [server.port for server in servers]
                nginx = LocalNginx(Path(tmp) / "nginx", ports, free_port(), free_port()).start()
                urls = [nginx.url]
            result = asyncio.run(
                load(urls, pids, args.sessions, args.reruns, args.think, args.rounds, warm_urls=direct)
            )
            result["processes"] = f"{args.processes}, through nginx" if nginx else args.processes
        finally:
            if nginx:
                nginx.stop()
            for server in servers:
                server.stop()
    return report(result)


def report(result: dict[str, Any]) -> int:
    """Print the results as Markdown, write them to bench/results/load.md; 1 when a run went wrong."""
    think = f"{result['think']:g} s" if result["think"] else "none"
    cpu_per_run = f"{result['cpu_per_run']:.3f} s" if result["cpu_per_run"] is not None else "?"
    lines = [
        f"# Load: {result['sessions']} sessions re-running 总览 over the websocket ({_machine()})",
        "",
        f"| processes | think time | reruns | p50 | p95 | max | reruns/s | RSS before | connected | peak "
        f"| {AFTER_SECONDS} s after closing, each round | CPU per run | load average | runs that went wrong |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| {result['processes']} | {think} | {result['reruns']} | {result['p50']:.2f} s | {result['p95']:.2f} s "
        f"| {result['max']:.2f} s "
        f"| {result['throughput']:.1f} | {result['baseline_mb']:.0f} MB | {result['connected_mb']:.0f} MB "
        f"| {result['peak_mb']:.0f} MB | {' / '.join(f'{m:.0f}' for m in result['after_mb'])} MB "
        f"| {cpu_per_run} | {' / '.join(result['load'])} | {len(result['errors'])} |",
    ]
    _write("load", lines)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
