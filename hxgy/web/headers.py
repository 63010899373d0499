"""The security headers of every HTTP answer of the app, and two of Streamlit's routes kept to the machine itself.

``SecurityHeaders`` is a pure ASGI middleware for ``st.App`` (serve.py). On every HTTP response it sets

- ``Content-Security-Policy``: scripts only from the app's own origin, from ``blob:`` (the module of an
  ``st.components.v2`` component, such as hxgy.ui.downloads' fetcher, is loaded from a blob URL), and the
  inline scripts named by their SHA-256: those of the HTML document being sent (Streamlit's index.html has one,
  the login cookie component's page, served under /component/, has a webpack loader), and those the app adds
  itself with ``st.html(..., unsafe_allow_javascript=True)`` (hxgy.ui.layout's menu closer). No
  ``'unsafe-inline'`` and no ``'unsafe-eval'`` for scripts: Streamlit draws Vega-Lite charts with Vega's
  expression interpreter (``ast: true``), which needs no eval; ``'wasm-unsafe-eval'`` lets the protobuf
  code's 64-bit arithmetic (long.js) compile its small WebAssembly module (it allows no JavaScript eval).
  Styles may be inline (Streamlit's CSS-in-JS writes <style> elements and style attributes). Frames, fonts,
  images and connections (the websocket included) only from the app's origin, plus ``data:``/``blob:`` images
  and fonts. ``frame-ancestors 'self'``: no other site may frame the app.
- ``X-Frame-Options: SAMEORIGIN`` (frame-ancestors for browsers without CSP 2), ``X-Content-Type-Options:
  nosniff``, ``Referrer-Policy: same-origin`` (no address of a page of the app is sent to another site).
- ``Strict-Transport-Security`` only when the request came over TLS: ``scope["scheme"] == "https"``, which
  uvicorn sets from X-Forwarded-Proto only for a proxy it trusts (FORWARDED_ALLOW_IPS, default 127.0.0.1),
  or when Streamlit itself serves TLS. Over plain HTTP the header means nothing to a browser, and a spoofed
  X-Forwarded-Proto from anyone else is ignored by uvicorn before it reaches this middleware.

and ``/_stcore/metrics`` (session counts, cache and media-store sizes) answers 404 unless the request comes
straight from the machine itself: client 127.0.0.1 or ::1 and no proxy header (a request through nginx on the
same machine carries X-Forwarded-For). docs/security.md says which layer does what.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import re
import zlib
from collections.abc import Iterable, MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_LOGGER = logging.getLogger(__name__)

METRICS_PATH = "/_stcore/metrics"
LOCAL_CLIENTS = frozenset({"127.0.0.1", "::1"})
PROXY_HEADERS = frozenset({b"x-forwarded-for", b"forwarded", b"x-real-ip"})
HSTS = "max-age=31536000"  # a year; no includeSubDomains: a school's other hosts may not all have TLS
MAX_HTML_BYTES = 2_000_000  # an HTML answer larger than this is passed on without reading its inline scripts

STATIC_HEADERS: dict[str, str] = {
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
OURS = frozenset(name.lower() for name in [*STATIC_HEADERS, "Content-Security-Policy", "Strict-Transport-Security"])

_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(rb"\ssrc\s*=", re.IGNORECASE)
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


def inline_scripts(html: bytes | str) -> list[bytes]:
    """The text of every <script> without ``src`` in ``html``, exactly as a browser hashes it (UTF-8)."""
    data = html.encode("utf-8") if isinstance(html, str) else html
    return [body for attrs, body in _SCRIPT.findall(data) if not _SRC.search(attrs)]


def script_hash(script: bytes) -> str:
    """The CSP source that allows one inline script: 'sha256-<base64 of its SHA-256>'."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode("ascii") + "'"


# The inline scripts the app itself adds to its pages with ``st.html(..., unsafe_allow_javascript=True)``, by
# their hash: hxgy.ui.layout's menu closer. Kept here, not computed from hxgy.ui, so that the web server does not
# import the pages' code. A changed or new script must be listed, or the browser refuses to run it:
# tests/unit/test_security_headers.py compares this list with the app's scripts.
APP_SCRIPT_HASHES: tuple[str, ...] = ("'sha256-rXMISaONDdwyGpi5/QLB+MRmKe8WyYeRqZf7sFssww8='",)


def content_security_policy(script_hashes: Iterable[str] = (), *, websocket_origin: str | None = None) -> str:
    """The policy of one answer: the base rules and the inline scripts allowed by their hashes."""
    connect = "'self'" + (f" {websocket_origin}" if websocket_origin else "")
    rules = [
        "default-src 'self'",
        "script-src 'self' blob: 'wasm-unsafe-eval' " + " ".join(dict.fromkeys(script_hashes)),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' blob:",
        f"connect-src {connect}",
        "frame-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
    return "; ".join(rule.strip() for rule in rules)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


def local_direct(scope: Scope) -> bool:
    """Whether the request comes straight from this machine: no proxy in between, not even one on it."""
    client = scope.get("client")
    if not client or client[0] not in LOCAL_CLIENTS:
        return False
    return not any(key in PROXY_HEADERS for key, _value in scope.get("headers", ()))


def _websocket_origin(scope: Scope) -> str | None:
    """ws(s)://<Host> of this request, for browsers whose CSP 'self' does not cover websockets (before 2022)."""
    host = _header(scope, b"host")
    if not host:
        return None
    text = host.decode("latin-1")
    if not _HOST.match(text):
        return None  # nothing odd from a Host header goes into the policy
    return ("wss://" if scope.get("scheme") == "https" else "ws://") + text


def _decoded(body: bytes, encoding: bytes | None) -> bytes | None:
    """The body without its Content-Encoding (Streamlit gzips large answers inside this middleware)."""
    if not encoding or encoding.strip().lower() == b"identity":
        return body
    try:
        if encoding.strip().lower() == b"gzip":
            return gzip.decompress(body)
        if encoding.strip().lower() == b"deflate":
            return zlib.decompress(body)
    except (OSError, zlib.error, EOFError):
        return None
    return None


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP answer, and /_stcore/metrics for this machine only.

    ``app_script_hashes``: the inline scripts the app adds to its pages itself (default: ``APP_SCRIPT_HASHES``).
    """

    def __init__(self, app: ASGIApp, *, app_script_hashes: Iterable[str] = APP_SCRIPT_HASHES) -> None:
        self.app = app
        self._app_hashes = list(app_script_hashes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        websocket_origin = _websocket_origin(scope)
        if scope.get("path", "").rstrip("/").endswith(METRICS_PATH) and not local_direct(scope):
            await self._not_found(send, https, websocket_origin)
            return

        start: MutableMapping[str, Any] | None = None
        held: list[bytes] = []
        held_size = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal start, held_size
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if _is_html(headers) and message.get("status") != 304:
                    start = dict(message)  # held until the body is complete: its inline scripts go in the policy
                    return
                message = dict(message)
                message["headers"] = self._headers(headers, (), https, websocket_origin, csp=message["status"] != 304)
                await send(message)
                return
            if message["type"] == "http.response.body" and start is not None:
                held.append(message.get("body", b""))
                held_size += len(held[-1])
                if message.get("more_body", False) and held_size <= MAX_HTML_BYTES:
                    return
                body = b"".join(held)
                headers = list(start.get("headers", []))
                plain = _decoded(body, _raw_header(headers, b"content-encoding"))
                if plain is None:
                    _LOGGER.warning("HTML answer in an unknown encoding: its inline scripts are not allowed")
                hashes = [script_hash(s) for s in inline_scripts(plain or b"")]
                start["headers"] = self._headers(headers, hashes, https, websocket_origin)
                await send(start)
                start = None
                held.clear()
                await send({**message, "body": body})
                return
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _headers(
        self,
        headers: list[tuple[bytes, bytes]],
        page_hashes: Iterable[str],
        https: bool,
        websocket_origin: str | None,
        *,
        csp: bool = True,
    ) -> list[tuple[bytes, bytes]]:
        """The answer's headers with ours set (any the app set under the same names replaced)."""
        kept = [(k, v) for k, v in headers if k.lower().decode("latin-1") not in OURS]
        ours = dict(STATIC_HEADERS)
        if csp:  # a 304 keeps the policy of the stored answer, which knows its document's scripts
            ours["Content-Security-Policy"] = content_security_policy(
                [*page_hashes, *self._app_hashes], websocket_origin=websocket_origin
            )
        if https:
            ours["Strict-Transport-Security"] = HSTS
        return kept + [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in ours.items()]

    async def _not_found(self, send: Send, https: bool, websocket_origin: str | None) -> None:
        body = b"Not Found"
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
        await send(
            {
                "type": "http.response.start",
                "status": 404,
                "headers": self._headers(headers, (), https, websocket_origin),
            }
        )
        await send({"type": "http.response.body", "body": body})


def _raw_header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    content_type = _raw_header(headers, b"content-type") or b""
    return content_type.split(b";")[0].strip().lower() == b"text/html"
