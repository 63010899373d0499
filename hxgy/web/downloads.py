"""Downloads of personal data: served once, to the signed-in browser that asked, then gone.

Streamlit's own downloads (``st.download_button``) sit in its media store under ``/media/<hash>`` and are
served to anyone who has the address, for as long as the session lives. A file with names, phones, flags or
individual scores goes another way:

1. the page (``hxgy.ui.downloads.private_download``) makes the file when the button is clicked, writes the
   export to the audit log and hands the bytes to ``offer``, which keeps them under a random token, with the
   account that asked and this browser's Streamlit XSRF token (a secret cookie of the browser, never in a URL);
2. the browser fetches ``/download/<token>`` at once (the page starts it), sending its cookies;
3. ``take`` serves the file only to a request carrying a valid login cookie of that same account, from that
   same browser, for an account still active whose sessions have not been ended, within ``TTL_SECONDS`` -- and
   forgets it as it serves it. Any other request is refused and the file stays for its owner until it expires.

``MediaGuard`` refuses every ``/media/`` request (charts as PNG, the Word report, the slide pack) that does not
carry a valid login cookie: nothing there is about one child, but nothing there is for the public either.

Both run in the web server (``serve.py`` mounts them on Streamlit's ``st.App``); the files live in the memory of
the process, which is why nginx keeps each browser on one process (deploy/nginx-hxgy.conf).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final
from urllib.parse import quote

import jwt
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from hxgy import auth, config, db

ROUTE: Final = "/download/{token}"
TTL_SECONDS: Final = 120  # a file not fetched within two minutes is forgotten
AUTH_COOKIE: Final = "hxgy_auth"  # streamlit-authenticator's login cookie (hxgy.ui.gate.COOKIE_NAME)
BROWSER_COOKIE: Final = "_streamlit_xsrf"  # Streamlit's per-browser XSRF cookie: ties a file to one browser

GONE: Final = "下载链接已失效（已下载过，或超过两分钟）。请回到页面重新点击下载。"
NOT_SIGNED_IN: Final = "请先登录：该文件含有学生或家长的个人信息，只提供给申请下载的已登录用户。"
NOT_YOURS: Final = "该文件只提供给申请下载的用户本人，在申请下载的浏览器中。"


@dataclass(frozen=True)
class Kept:
    """A file waiting for its one download."""

    data: bytes
    file_name: str
    mime: str
    username: str
    browser: bytes | None  # the browser's XSRF token (None: the session had none, e.g. a test without a browser)
    made_at: float  # time.monotonic()


_kept: dict[str, Kept] = {}
_lock = threading.Lock()


def browser_token(cookie: str | None) -> bytes | None:
    """The secret token inside Streamlit's XSRF cookie (its value is masked anew each time it is set)."""
    if not cookie:
        return None
    from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

    token, _ = decode_xsrf_token_string(cookie)
    return token


def offer(data: bytes, *, file_name: str, mime: str, username: str, browser_cookie: str | None) -> str:
    """Keep ``data`` for one download by ``username`` in the browser with ``browser_cookie``; its token."""
    token = secrets.token_urlsafe(32)
    now = time.monotonic()
    with _lock:
        for stale in [t for t, k in _kept.items() if now - k.made_at > TTL_SECONDS]:
            del _kept[stale]
        _kept[token] = Kept(data, file_name, mime, username, browser_token(browser_cookie), now)
    return token


def waiting() -> int:
    """How many files wait for their download (tests)."""
    with _lock:
        return len(_kept)


def path(token: str) -> str:
    """Where the browser fetches the file (under Streamlit's server.baseUrlPath, if one is set)."""
    from streamlit import config as st_config

    base = str(st_config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/download/{token}" if base else f"/download/{token}"


def signed_in_account(cookie: str | None) -> str | None:
    """The account of a valid login cookie that is still active and whose sessions were not ended since the
    cookie was issued; None otherwise. Reads the database (call it off the event loop)."""
    if not cookie:
        return None
    try:
        claims = jwt.decode(cookie, config.cookie_key(create=False), algorithms=["HS256"])
        username = str(claims["username"])
        expires = float(claims["exp_date"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None
    if expires < time.time():
        return None
    issued = datetime.fromtimestamp(expires - config.get_settings().cookie_expiry_days * 86400, UTC)
    with db.read_session() as session:
        user = auth.load_user(session, username)
        valid_from = auth.sessions_valid_from(session, username) if user is not None else None
    if user is None or auth.session_ended(valid_from, issued.replace(tzinfo=None)):
        return None
    return user.username


def take(token: str, *, account: str | None, browser_cookie: str | None) -> Kept | tuple[int, str]:
    """The file for this request, forgotten as it is handed out; or (HTTP status, Chinese reason) and the file
    stays for its owner. ``account``: the request's signed-in account (``signed_in_account``)."""
    with _lock:
        kept = _kept.get(token)
        if kept is None or time.monotonic() - kept.made_at > TTL_SECONDS:
            _kept.pop(token, None)
            return 404, GONE
        if account is None:
            return 403, NOT_SIGNED_IN
        browser = browser_token(browser_cookie)
        same_browser = kept.browser is None or (browser is not None and hmac.compare_digest(kept.browser, browser))
        if account != kept.username or not same_browser:
            return 403, NOT_YOURS
        del _kept[token]
        return kept


def _refused(status: int, reason: str) -> Response:
    return PlainTextResponse(reason, status_code=status, headers={"Cache-Control": "no-store"})


async def download(request: Request) -> Response:
    """GET /download/{token}: the file once, to its owner's browser (``take``)."""
    account = await run_in_threadpool(signed_in_account, request.cookies.get(AUTH_COOKIE))
    taken = take(request.path_params["token"], account=account, browser_cookie=request.cookies.get(BROWSER_COOKIE))
    if isinstance(taken, tuple):
        return _refused(*taken)
    return Response(
        taken.data,
        media_type=taken.mime,
        headers={
            "Content-Disposition": f"attachment; filename*=utf-8''{quote(taken.file_name, safe='')}",
            "Cache-Control": "no-store",
        },
    )


def _media_prefix() -> str:
    """Where Streamlit serves its media files (not /static/media/, the app's own fonts)."""
    from streamlit import config as st_config

    base = str(st_config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/media/" if base else "/media/"


class MediaGuard:
    """Refuse Streamlit's ``/media/`` files to requests without a valid login cookie (pure ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(_media_prefix()):
            cookie = Request(scope).cookies.get(AUTH_COOKIE)
            if await run_in_threadpool(signed_in_account, cookie) is None:
                await _refused(403, NOT_SIGNED_IN)(scope, receive, send)
                return
        await self.app(scope, receive, send)
