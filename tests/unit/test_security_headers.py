"""hxgy.web.headers.SecurityHeaders driven as the web server drives it: ASGI messages in, ASGI messages out.

The app inside is a small Starlette app behind Starlette's gzip (Streamlit gzips inside the middleware too), and
uvicorn's ProxyHeadersMiddleware in front, as uvicorn runs it (it trusts X-Forwarded-* from 127.0.0.1 only).
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import re
import tomllib
from pathlib import Path
from typing import Any

import streamlit
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from hxgy.ui import layout
from hxgy.web.headers import APP_SCRIPT_HASHES, SecurityHeaders

ROOT = Path(__file__).resolve().parents[2]
STREAMLIT_INDEX = Path(streamlit.__file__).parent / "static" / "index.html"


async def _index(_request: Request) -> Response:
    return HTMLResponse(STREAMLIT_INDEX.read_text(encoding="utf-8"))


async def _json(_request: Request) -> Response:
    return JSONResponse({"ok": True}, headers={"X-Frame-Options": "DENY"})  # ours replaces it, no second one


async def _metrics(_request: Request) -> Response:
    return PlainTextResponse("session_count 3")


class _Chunks:
    """A file sent in parts (an ASGI app of its own, as Streamlit's media and download routes stream)."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/zip")]})
        for part in (b"a" * 10, b"b" * 10, b"c" * 10):
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


INNER = Starlette(
    routes=[
        Route("/", _index),
        Route("/overview", _index),
        Route("/api", _json),
        Route("/_stcore/metrics", _metrics),
        Route("/file", _Chunks()),
    ],
    middleware=[Middleware(GZipMiddleware, minimum_size=500)],
)
SERVER = ProxyHeadersMiddleware(SecurityHeaders(INNER), trusted_hosts="127.0.0.1")


def _call(path: str, *, client: str = "127.0.0.1", headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """One GET through the server; the ASGI messages it sends."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in {"host": "hxgy.test", **(headers or {})}.items()],
        "client": (client, 50000),
        "server": ("127.0.0.1", 8501),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(SERVER(scope, receive, send))
    return sent


def _answer(path: str, **kwargs: Any) -> tuple[int, dict[str, list[str]], bytes]:
    sent = _call(path, **kwargs)
    start = sent[0]
    assert start["type"] == "http.response.start"
    headers: dict[str, list[str]] = {}
    for key, value in start["headers"]:
        headers.setdefault(key.decode().lower(), []).append(value.decode())
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], headers, body


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_streamlits_page_allows_its_own_inline_script_and_the_apps_and_nothing_inline_else() -> None:
    page = STREAMLIT_INDEX.read_text(encoding="utf-8")
    start = page.index("<script>") + len("<script>")
    inline = page[start : page.index("</script>", start)]  # window.prerenderReady = false
    status, headers, body = _answer("/overview", headers={"accept-encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == ["gzip"], "the page went through the gzip inside, as in Streamlit"
    assert gzip.decompress(body).decode() == page, "the page itself is sent unchanged"
    [policy] = headers["content-security-policy"]
    rules = dict(rule.split(" ", 1) for rule in policy.split("; "))
    script_sources = rules["script-src"].split()
    assert _sha256(inline) in script_sources
    assert set(APP_SCRIPT_HASHES) <= set(script_sources)
    assert "'unsafe-inline'" not in script_sources and "'unsafe-eval'" not in script_sources
    assert rules["frame-ancestors"] == "'self'" and rules["object-src"] == "'none'"
    assert rules["connect-src"] == "'self' ws://hxgy.test"  # the websocket, for browsers before CSP 3's 'self'
    assert headers["x-frame-options"] == ["SAMEORIGIN"]
    assert headers["x-content-type-options"] == ["nosniff"]
    assert headers["referrer-policy"] == ["same-origin"]
    assert "strict-transport-security" not in headers, "plain HTTP: no HSTS"


def test_every_answer_has_the_headers_once_and_hsts_only_over_tls_from_the_trusted_proxy() -> None:
    _status, direct, _body = _answer("/api")
    assert direct["x-frame-options"] == ["SAMEORIGIN"], "the app's own DENY replaced, not doubled"
    assert len(direct["content-security-policy"]) == 1 and "strict-transport-security" not in direct
    assert _sha256("window.prerenderReady = false") not in direct["content-security-policy"][0]

    proxied = {"x-forwarded-proto": "https", "x-forwarded-for": "198.51.100.4"}
    _status, via_nginx, _body = _answer("/api", headers=proxied)
    assert via_nginx["strict-transport-security"] == ["max-age=31536000"]
    assert "wss://hxgy.test" in via_nginx["content-security-policy"][0]

    _status, spoofed, _body = _answer("/api", client="203.0.113.9", headers=proxied)
    assert "strict-transport-security" not in spoofed, "X-Forwarded-Proto from an untrusted address is ignored"

    _status, odd_host, _body = _answer("/api", headers={"host": "x; script-src *"})
    assert "script-src *" not in odd_host["content-security-policy"][0], "no Host header text in the policy"


def test_metrics_answer_only_a_request_made_on_this_machine_without_a_proxy() -> None:
    assert _answer("/_stcore/metrics")[::2] == (200, b"session_count 3")
    assert _answer("/_stcore/metrics", client="::1")[0] == 200
    through_nginx = _answer("/_stcore/metrics", headers={"x-forwarded-for": "127.0.0.1"})
    assert through_nginx[0] == 404 and b"session_count" not in through_nginx[2]
    assert _answer("/_stcore/metrics", client="10.0.0.2")[0] == 404
    assert _answer("/_stcore/metrics/", client="10.0.0.2")[0] == 404
    assert _answer("/_stcore/metrics", headers={"forwarded": "for=192.0.2.1"})[0] == 404
    refused = _answer("/_stcore/metrics", client="10.0.0.2")[1]
    assert refused["x-frame-options"] == ["SAMEORIGIN"] and "content-security-policy" in refused


def test_a_download_is_passed_on_as_it_comes_not_held() -> None:
    sent = _call("/file", headers={"accept-encoding": "identity"})
    bodies = [m["body"] for m in sent if m["type"] == "http.response.body"]
    assert bodies == [b"a" * 10, b"b" * 10, b"c" * 10, b""]
    assert any(k == b"content-security-policy" for k, _v in sent[0]["headers"])


def test_the_listed_app_scripts_are_the_inline_scripts_the_app_adds() -> None:
    """A script added with st.html(..., unsafe_allow_javascript=True) runs only if APP_SCRIPT_HASHES lists it."""
    users = sorted(
        str(path.relative_to(ROOT))
        for folder in ("hxgy", "pages")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"st\.html\([\w\"'][^)]*unsafe_allow_javascript=True", path.read_text(encoding="utf-8"))
    )
    assert users == ["hxgy/ui/layout.py"], "a new inline script: add its hash to hxgy.web.headers.APP_SCRIPT_HASHES"
    scripts = re.findall(r"<script>(.*?)</script>", layout._CLOSE_MENU, re.DOTALL)
    assert set(APP_SCRIPT_HASHES) == {_sha256(s) for s in scripts}


def test_streamlit_config_lists_no_parent_origin_for_host_config() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["allowedOrigins"] == []
