"""Debian's nginx with deploy/nginx-hxgy.conf in front of two app processes on one PostgreSQL database.

Browsers sign in through nginx and stay on one process each (the hxgy_route cookie); a home visit logged by a
head teacher on one process shows at once to the principal on the other; every page runs over the websocket
through nginx; and bench/load.py's websocket client runs a short lockstep load through it without a failed run.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import streamlit
from playwright.sync_api import Browser, BrowserContext

from bench.load import load
from deploy.nginx import UNVERIFIED, LocalNginx, nginx_binary, upload_limit_mb
from tests.app.test_entry_pages import _head_teacher_class
from tests.app.test_pages import _figures
from tests.conftest import backend, skip_or_fail
from tests.e2e.server import PROJECT_ROOT, AppServer, free_port, log_in
from tests.e2e.test_entry_browser import PHONE, log_home_visit
from tests.e2e.test_two_processes import _visited_on_overview

UNIT = PROJECT_ROOT / "deploy" / "hxgy@.service"

LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) .* upstream=(?P<up>.*) route=(?P<route>\w+)$'
)


class Proxy:
    """nginx and the two app processes behind it."""

    def __init__(self, nginx: LocalNginx, servers: list[AppServer]) -> None:
        self.nginx = nginx
        self.servers = servers
        self.url = nginx.url

    def log(self) -> list[dict[str, str]]:
        """The access log so far, one dict per request."""
        lines = self.nginx.access_log.read_text(encoding="utf-8").splitlines()
        return [m.groupdict() for line in lines if (m := LOG_LINE.search(line))]

    def evidence(self, route: str) -> str:
        """The access log lines of one route and the end of nginx's error log, for a failure message."""
        lines = [line for line in self.nginx.access_log.read_text(encoding="utf-8").splitlines() if route in line]
        errors = self.nginx.error_log.read_text(encoding="utf-8", errors="replace").splitlines()[-10:]
        return "\n".join(["access log:", *lines[-30:], "error log:", *errors])

    def route_to(self, server: AppServer) -> str:
        """A value of the hxgy_route cookie that nginx sends to ``server``."""
        for n in range(64):
            route = f"testroute{n}"
            request = urllib.request.Request(f"{self.url}/_stcore/health", headers={"Cookie": f"hxgy_route={route}"})
            with urllib.request.urlopen(request, context=UNVERIFIED, timeout=10) as reply:
                assert reply.read().decode().strip() == "ok"
            if any(e["route"] == route and e["up"] == f"127.0.0.1:{server.port}" for e in self.log()):
                return route
        raise AssertionError(f"no route of 64 reaches port {server.port}")

    def browser_on(self, browser: Browser, server: AppServer, **options: Any) -> tuple[BrowserContext, str]:
        """A browser (context) whose route cookie sends it to ``server``, and that route."""
        route = self.route_to(server)
        context = browser.new_context(ignore_https_errors=True, locale="zh-CN", **options)
        context.add_cookies([{"name": "hxgy_route", "value": route, "url": self.url}])
        return context, route


@pytest.fixture
def proxy(demo_copy_url: str, browser: Browser, tmp_path: Path) -> Iterator[Proxy]:
    if nginx_binary() is None:
        skip_or_fail("nginx not found (apt-get install nginx, or scripts/ensure-system.sh)")
    servers = [AppServer(demo_copy_url), AppServer(demo_copy_url)]
    nginx = None
    try:
        with ThreadPoolExecutor(2) as pool:  # both start at once: ~4 s instead of ~8
            list(pool.map(lambda server: server.start(), servers))
        nginx = LocalNginx(tmp_path / "nginx", [s.port for s in servers], free_port(), free_port()).start()
        yield Proxy(nginx, servers)
    finally:
        if nginx:
            nginx.stop()
        for server in servers:
            server.stop()


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET, without following a redirect."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=UNVERIFIED))
    try:
        with opener.open(url, timeout=10) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _get_all(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    """Status, every header (a name sent twice is kept twice) and body of a GET, without following a redirect."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=UNVERIFIED))
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _streamlits_inline_script_hash() -> str:
    page = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    start = page.index("<script>") + len("<script>")
    script = page[start : page.index("</script>", start)]
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


ONCE = {
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=31536000",
}


def test_security_headers_metrics_and_host_config_through_nginx(demo_url: str, tmp_path: Path) -> None:
    """One app process (serve.py) behind the real nginx: every header once on pages, nothing of metrics outside."""
    if nginx_binary() is None:
        skip_or_fail("nginx not found (apt-get install nginx, or scripts/ensure-system.sh)")
    server = AppServer(demo_url).start()
    nginx = None
    try:
        nginx = LocalNginx(tmp_path / "nginx", [server.port], free_port(), free_port()).start()
        for path in ("/", "/overview"):
            status, headers, body = _get_all(f"{nginx.url}{path}")
            assert status == 200 and b"<html" in body.lower(), (path, status)
            for name, value in ONCE.items():
                assert headers.get_all(name) == [value], (path, name, headers.get_all(name))
            [policy] = headers.get_all("Content-Security-Policy") or [None]
            assert policy, (path, "the app's policy reaches the browser")
            rules = dict(rule.split(" ", 1) for rule in policy.split("; "))
            assert rules["frame-ancestors"] == "'self'", policy
            assert _streamlits_inline_script_hash() in rules["script-src"].split(), policy
            assert "'unsafe-inline'" not in rules["script-src"] and "'unsafe-eval'" not in rules["script-src"]
            assert f"wss://127.0.0.1:{nginx.port}" in rules["connect-src"], "the app knows it is served over TLS"

        # Metrics: nginx's own 404 (with the headers), and the app's for the spellings that reach it.
        for path in ("/_stcore/metrics", "/_stcore/metrics?families=session_events", "/_stcore/metrics/"):
            status, headers, body = _get_all(f"{nginx.url}{path}")
            assert status == 404 and b"session" not in body, (path, status, body[:200])
            assert headers.get_all("X-Frame-Options") == ["SAMEORIGIN"], path
            assert "frame-ancestors 'self'" in (headers.get("Content-Security-Policy") or ""), path
        # The machine itself (a monitoring agent on it) still reads them straight from the process, not by proxy.
        assert _get_all(f"{server.url}/_stcore/metrics")[0] == 200
        assert _get_all(f"{server.url}/_stcore/metrics", {"X-Forwarded-For": "127.0.0.1"})[0] == 404

        # host-config lists no origin that may drive the app from a parent frame, Streamlit's *.streamlit.app none.
        for base in (nginx.url, server.url):
            status, _headers, body = _get_all(f"{base}/_stcore/host-config")
            assert status == 200 and json.loads(body)["allowedOrigins"] == [], body
            assert b"streamlit.app" not in body
    finally:
        if nginx:
            nginx.stop()
        server.stop()


@pytest.mark.browser
@pytest.mark.db
@pytest.mark.skipif(backend() != "postgresql", reason="several processes behind nginx share one PostgreSQL")
def test_two_processes_behind_nginx(browser: Browser, proxy: Proxy, demo_copy_url: str) -> None:
    first, second = proxy.servers
    url = proxy.url

    # What nginx adds: the route cookie on a first visit, no caching, the redirect to HTTPS, no public metrics.
    status, headers, body = _get(f"{url}/")
    assert status == 200 and b"<html" in body.lower(), (status, headers)
    assert headers["Set-Cookie"].startswith("hxgy_route=") and "HttpOnly" in headers["Set-Cookie"], headers
    assert headers["Cache-Control"] == "no-store", headers
    assert _get(f"{url}/_stcore/metrics")[0] == 404
    assert _get(f"{proxy.nginx.http_url}/overview")[0] == 301
    assert f"client_max_body_size {upload_limit_mb() + 1}m;" in (proxy.nginx.folder / "hxgy.conf").read_text()

    # The principal's browser is on the second process; its 总览 caches the figures there.
    principal_context, principal_route = proxy.browser_on(browser, second, viewport={"width": 1280, "height": 900})
    principal = principal_context.new_page()
    log_in(principal, url, "principal", "hxgy-demo")
    before = _visited_on_overview(principal, url)
    assert before == int(_figures(demo_copy_url)["visited_students"])

    # A head teacher on the first process logs a home visit; the principal's next 总览 shows it.
    _class_id, _name, not_visited, _visit = _head_teacher_class(demo_copy_url)
    teacher_context, teacher_route = proxy.browser_on(browser, first, viewport=PHONE, is_mobile=True, has_touch=True)
    teacher = teacher_context.new_page()
    log_in(teacher, url, "headteacher", "hxgy-demo")
    log_home_visit(teacher, url, not_visited[0][1])
    assert _visited_on_overview(principal, url) == before + 1, "the other process shows the new visit"

    # Every request of each browser, its websocket included, reached its own process and nobody else's.
    served: dict[str, set[str]] = defaultdict(set)
    streams: dict[str, list[str]] = defaultdict(list)
    for entry in proxy.log():
        served[entry["route"]].add(entry["up"])
        if entry["path"] == "/_stcore/stream":
            streams[entry["route"]].append(entry["status"])
    assert served[principal_route] == {f"127.0.0.1:{second.port}"}, proxy.evidence(principal_route)
    assert served[teacher_route] == {f"127.0.0.1:{first.port}"}, proxy.evidence(teacher_route)
    assert streams[principal_route] and set(streams[principal_route]) == {"101"}, proxy.evidence(principal_route)
    assert streams[teacher_route] and set(streams[teacher_route]) == {"101"}, proxy.evidence(teacher_route)
    for context in (principal_context, teacher_context):
        context.close()

    # Ten signed-in sessions through nginx, all asking again at once, twice: every run draws 总览.
    with ThreadPoolExecutor(1) as pool:  # its own event loop, away from Playwright's
        result = pool.submit(asyncio.run, load([url], [], 10, 2, 0.0, after_seconds=0)).result(timeout=120)
    assert result["reruns"] == 20, result
    assert result["errors"] == [], result["errors"]


def test_the_systemd_unit_is_valid_and_starts_the_app_as_the_tests_do(tmp_path: Path) -> None:
    """deploy/hxgy@.service: systemd accepts it, and an instance runs serve.py on its own port, on 127.0.0.1 only."""
    text = UNIT.read_text(encoding="utf-8")
    exec_start = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    argv = exec_start.removeprefix("ExecStart=").split()
    assert argv[1:5] == ["-m", "streamlit", "run", "serve.py"]
    options = dict(zip(argv[5::2], argv[6::2], strict=True))
    assert options == {"--server.port": "%i", "--server.address": "127.0.0.1", "--server.headless": "true"}
    assert "EnvironmentFile=/etc/hxgy/hxgy.env" in text
    example = (PROJECT_ROOT / "deploy" / "hxgy.env.example").read_text(encoding="utf-8")
    assert {"HXGY_DATABASE_URL", "HXGY_COOKIE_KEY"} <= set(re.findall(r"^(HXGY_\w+)=", example, re.MULTILINE))
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze not installed")
    # Here the code lives in this checkout, not /opt/hxgy: systemd checks that ExecStart's program exists.
    (tmp_path / "hxgy@.service").write_text(text.replace("/opt/hxgy", str(PROJECT_ROOT)), encoding="utf-8")
    (tmp_path / "hxgy@8501.service").symlink_to(tmp_path / "hxgy@.service")
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / "hxgy@8501.service")], capture_output=True, text=True
    )
    assert checked.returncode == 0 and checked.stderr.strip() == "", checked.stderr
