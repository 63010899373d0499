"""The login gate and the per-page guard.

app.py runs ``login_gate`` and then the chosen page. A page file is also
run on its own (Streamlit's legacy ``pages/`` mode on the first session after
a start), so every page begins with ``guard``, which shows the login form
itself when app.py did not run first, and refuses roles outside the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Literal, overload

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session
from streamlit_authenticator.utilities.exceptions import LoginError

from hxgy import auth, config, db, login
from hxgy.glossary import ROLE_LABELS
from hxgy.models.base import utcnow
from hxgy.navigation import PAGES_BY_KEY, page_allowed
from hxgy.ui.data import demo_logins, follow_other_processes, read_session

COOKIE_NAME = "hxgy_auth"
VIA_APP_KEY = "_hxgy_via_app"  # set by app.py just before it runs a page
_AUTH_KEY = "_hxgy_authenticator"  # the authenticator of this run, for the logout button


def _authenticator() -> stauth.Authenticate:
    with read_session() as session:
        credentials = auth.login_credentials(session)
    settings = config.get_settings()
    return stauth.Authenticate(
        credentials,
        cookie_name=COOKIE_NAME,
        cookie_key=config.cookie_key(create=True),
        cookie_expiry_days=settings.cookie_expiry_days,
        auto_hash=False,
        login_sleep_time=0,
    )


SIGNED_IN_AT = "_hxgy_signed_in_at"  # when this session signed in (UTC): sessions ended since then stop
_NOTICE_KEY = "_hxgy_sign_in_notice"  # why the session was signed out, shown above the login form


def _client() -> str:
    """The address the browser connects from, as far as the server can tell ("unknown" without one).

    Behind a reverse proxy this is the browser's address only if the proxy is trusted: Streamlit's web server
    (uvicorn) takes X-Forwarded-For from connections whose address is in FORWARDED_ALLOW_IPS (default 127.0.0.1
    and ::1, a proxy on the same machine) and ignores it from anyone else (docs/deployment.md).
    """
    try:
        address = st.context.ip_address
    except Exception:  # no request context (AppTest)
        return "unknown"
    return address if isinstance(address, str) and address else "unknown"


def _cookie_issued_at() -> datetime | None:
    """When this browser's login cookie was issued (UTC), read from its signed expiry; None without one."""
    cookies = st.context.cookies
    token = cookies.get(COOKIE_NAME) if cookies else None
    if not token:
        return None
    try:
        claims = jwt.decode(token, config.cookie_key(create=True), algorithms=["HS256"])
        issued = float(claims["exp_date"]) - config.get_settings().cookie_expiry_days * 86400
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None
    return datetime.fromtimestamp(issued, UTC).replace(tzinfo=None)


def _sign_out(message: str | None = None) -> None:
    """Forget this session's login and delete its cookie; ``message`` is shown above the login form."""
    authenticator = st.session_state.get(_AUTH_KEY)
    if authenticator is not None:
        authenticator.logout(location="unrendered")
    st.session_state.pop(SIGNED_IN_AT, None)
    if message:
        st.session_state[_NOTICE_KEY] = message


def _signed_in_user() -> auth.SchoolUser | auth.DistrictUser | None:
    """The signed-in user, re-read from the database: a disabled account or an ended session stops at once."""
    if not st.session_state.get("authentication_status"):
        return None
    username = st.session_state.get("username") or ""
    signed_in_at = st.session_state.get(SIGNED_IN_AT)
    with read_session() as session:
        user = auth.load_user(session, username)
        valid_from = auth.sessions_valid_from(session, username) if user else None
    if user is None:
        _sign_out("该账户已停用或不存在，请联系管理员。")
        return None
    if signed_in_at is None or auth.session_ended(valid_from, signed_in_at) or auth.session_expired(signed_in_at):
        _sign_out("登录已失效，请重新登录。")
        return None
    return user


def _login_form() -> None:
    """Our own form (not the library's): failures slowed down and locked per client, messages in Chinese."""
    with st.form("hxgy-login"):
        st.subheader("登录")
        username = st.text_input("用户名", autocomplete="username")
        password = st.text_input("密码", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("登录")
    if not submitted:
        return
    st.session_state.pop(_NOTICE_KEY, None)
    with db_write() as session:
        result = login.attempt_login(session, username=username, password=password, client=_client(), now=utcnow())
    if result.user is None:
        st.error(result.message or login.WRONG)
        return
    st.session_state.update(
        authentication_status=True,
        username=result.user.username,
        name=result.user.display_name,
        roles=[result.user.role],
        logout=None,
    )
    st.session_state[SIGNED_IN_AT] = utcnow()
    st.session_state[_AUTH_KEY].cookie_controller.set_cookie()  # no rerun: the cookie component must mount


def login_gate() -> auth.SchoolUser | auth.DistrictUser | None:
    """Show the login form until someone signs in; return the signed-in user."""
    authenticator = _authenticator()
    st.session_state[_AUTH_KEY] = authenticator
    if not st.session_state.get("authentication_status"):
        try:
            authenticator.login(location="unrendered")  # signs in from a valid login cookie, draws nothing
        except LoginError:  # a cookie for an account that no longer exists or was disabled
            _sign_out("该账户已停用或不存在，请重新登录。")
        if st.session_state.get("authentication_status"):
            st.session_state[SIGNED_IN_AT] = _cookie_issued_at() or utcnow()
    user = _signed_in_user() if st.session_state.get("authentication_status") else None
    if user is None:
        _login_header()
        notice = st.session_state.get(_NOTICE_KEY)  # kept until the next login: the page reruns after a sign-out
        if notice:
            st.warning(notice)
        _login_form()
        if st.session_state.get("authentication_status"):
            user = _signed_in_user()
        else:
            _demo_hint()
    return user


def _login_header() -> None:
    st.title("家校社协同育人")
    st.caption("家校沟通 · 家长志愿 · 德育评价 · 协同活动")


def _demo_hint() -> None:
    logins = demo_logins()
    if logins:
        names = "、".join(f"`{u}`（{ROLE_LABELS[r]}）" for u, r in logins)
        st.info(f"演示数据库：可用账户 {names}，密码均为 `hxgy-demo`。")


def sidebar_account(user: auth.CurrentUser) -> bool:
    """The user's name and role, and a logout button; True when the user just logged out."""
    with st.sidebar:
        st.markdown(f"**{user.display_name}**  \n{ROLE_LABELS.get(user.role, user.role)} · `{user.username}`")
        if st.button("退出登录", key="hxgy-logout-button", icon=":material/logout:"):
            with db_write() as session:
                auth.log_out(session, user_id=user.id)  # this account's cookies and other sessions end too
            _sign_out()
            return True
    return False


DISTRICT_PAGE = "district"  # the one page of a DistrictUser's own
EITHER_PAGE = "account"  # 我的账户: for a school's accounts and the district's


# every page passes its key as a literal (tests/unit/test_navigation.py checks), so these two win over ``str``
@overload
def guard(page_key: Literal["district"]) -> auth.DistrictUser: ...  # type: ignore[overload-overlap]
@overload
def guard(page_key: Literal["account"]) -> auth.SchoolUser | auth.DistrictUser: ...  # type: ignore[overload-overlap]
@overload
def guard(page_key: str) -> auth.SchoolUser: ...
def guard(page_key: str) -> auth.SchoolUser | auth.DistrictUser:
    """First line of every page: the signed-in user, or stop with a login form or a refusal.

    A school's page gets a SchoolUser (its ``school_id`` an int), 全区 a DistrictUser; an account of the other
    kind (which hxgy.rights already refuses by role) is refused too.
    """
    via_app = st.session_state.pop(VIA_APP_KEY, False)
    if not via_app:
        st.set_page_config(layout="wide")
    if not via_app:
        follow_other_processes()
    user = _signed_in_user() if via_app else login_gate()
    if user is None:
        st.stop()
    if not via_app and sidebar_account(user):  # run without app.py, which draws the name and the logout button
        st.info("您已退出登录。")
        st.stop()
    district_page = isinstance(user, auth.DistrictUser) == (page_key == DISTRICT_PAGE)
    if not page_allowed(user.role, page_key) or not (district_page or page_key == EITHER_PAGE):
        _record_refusal(user, f"page {page_key}", _REFUSED_PAGE_KEY)
        st.error(PAGE_REFUSED)
        st.stop()
    st.session_state.pop(_REFUSED_PAGE_KEY, None)  # opening this page again after another is a new attempt
    return user


# What this session was last refused. Opening a page runs it several times: the login cookie component reruns the
# page once or twice as it mounts, so a refusal logged on every run showed as 2-3 rows for one attempt.
_REFUSED_PAGE_KEY = "_hxgy_refused_page"  # cleared when a page opens
_REFUSED_ADDRESS_KEY = "_hxgy_refused_address"  # an address that is no page: kept for the session


def _record_refusal(user: auth.CurrentUser, what: str, key: str) -> None:
    """Write a refusal to the audit log once per attempt, not once per run of the page."""
    if st.session_state.get(key) == what:
        return
    with db_write() as session:
        auth.record_denied(session, user=user, what=what)
    st.session_state[key] = what


def unknown_address() -> str | None:
    """The page name of the address the browser asked for when it is no page of the app (None otherwise).

    Streamlit's st.navigation opens the landing page instead (its own dialog says "Page not found"); app.py logs
    the attempt with ``refuse_address``.
    """
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return None
    pages = ctx.pages_manager
    name = pages.intended_page_name
    if pages.intended_page_script_hash or not name or name in PAGES_BY_KEY:
        return None
    return name[:60]


def refuse_address(user: auth.CurrentUser, name: str) -> None:
    """An address that is no page: logged as refused, once a session (the landing page opens instead)."""
    _record_refusal(user, f"page {name}", _REFUSED_ADDRESS_KEY)


PAGE_REFUSED = "您的账户无权打开该页面。请在菜单中选择其他页面；如需使用，请联系学校管理员。"

DATABASE_DOWN = "暂时无法连接数据库，请稍后再试（数据没有丢失）。如果持续出现，请联系学校管理员。"


@contextmanager
def database_down_message() -> Iterator[None]:
    """Turn a lost database connection (or a full disk) into a clear message instead of an error page.

    Nothing is written half: every write is one transaction, rolled back when the connection goes.
    Engines check connections before use (``pool_pre_ping``), so the next action after the
    database is back works again.
    """
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        if db.is_disk_full(exc):
            st.error(db.DISK_FULL)
            st.stop()
        if not exc.connection_invalidated and not _looks_like_connection_loss(exc):
            raise
        st.error(DATABASE_DOWN)
        st.stop()


def _looks_like_connection_loss(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return any(s in text for s in ("connection", "server closed", "terminating", "could not connect", "shutting down"))


def db_write() -> AbstractContextManager[Session]:
    """A write session on the app's engine."""
    from hxgy.ui.data import engine

    return db.write_session(engine())
