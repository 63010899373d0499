"""The login gate and the per-page guard.

app.py runs ``login_gate`` and then the chosen page. A page file is also
run on its own (Streamlit's legacy ``pages/`` mode on the first session after
a start), so every page begins with ``guard``, which shows the login form
itself when app.py did not run first, and refuses roles outside the page.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

import streamlit as st
import streamlit_authenticator as stauth
from sqlalchemy.orm import Session
from streamlit_authenticator.utilities.exceptions import LoginError

from hxgy import auth, config
from hxgy.glossary import ROLE_LABELS
from hxgy.navigation import page_allowed
from hxgy.ui.data import demo_logins, read_session

COOKIE_NAME = "hxgy_auth"
VIA_APP_KEY = "_hxgy_via_app"  # set by app.py just before it runs a page
_AUTH_KEY = "_hxgy_authenticator"  # the authenticator of this run, for the logout button
LOGIN_FIELDS = {"Form name": "登录", "Username": "用户名", "Password": "密码", "Login": "登录"}


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


def _signed_in_user() -> auth.CurrentUser | None:
    """The signed-in user, re-read from the database so a disabled account ends at once."""
    if not st.session_state.get("authentication_status"):
        return None
    username = st.session_state.get("username") or ""
    with read_session() as session:
        return auth.load_user(session, username)


def _on_login(event: dict) -> None:
    with read_session() as session:
        user = auth.load_user(session, str(event.get("username", "")))
    if user is not None:
        from hxgy import db
        from hxgy.ui.data import engine

        with db.write_session(engine()) as session:
            auth.record_login(session, user_id=user.id)


def login_gate() -> auth.CurrentUser | None:
    """Show the login form until someone signs in; return the signed-in user."""
    authenticator = _authenticator()
    st.session_state[_AUTH_KEY] = authenticator
    if not st.session_state.get("authentication_status"):
        _login_header()
    try:
        authenticator.login(location="main", fields=LOGIN_FIELDS, key="hxgy-login", callback=_on_login)
    except LoginError:
        # a cookie for an account that no longer exists or was disabled
        authenticator.logout(location="unrendered")
        st.error("该账户已停用或不存在，请重新登录。")
        return None
    status = st.session_state.get("authentication_status")
    if status is False:
        st.error("用户名或密码不正确。")
    if not status:
        _demo_hint()
        return None
    user = _signed_in_user()
    if user is None:
        authenticator.logout(location="unrendered")
        st.error("该账户已停用或不存在，请联系管理员。")
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
            authenticator = st.session_state.get(_AUTH_KEY)
            if authenticator is not None:
                authenticator.logout(location="unrendered")
            return True
    return False


def guard(page_key: str) -> auth.CurrentUser:
    """First line of every page: the signed-in user, or stop with a login form or a refusal."""
    via_app = st.session_state.pop(VIA_APP_KEY, False)
    if not via_app:
        st.set_page_config(layout="wide")
    user = _signed_in_user() if via_app else login_gate()
    if user is None:
        st.stop()
    if not page_allowed(user.role, page_key):
        with db_write() as session:
            auth.record_denied(session, user=user, what=f"page {page_key}")
        st.error("您的角色无权访问此页面。")
        st.stop()
    return user


def db_write() -> AbstractContextManager[Session]:
    """A write session on the app's engine."""
    from hxgy import db
    from hxgy.ui.data import engine

    return db.write_session(engine())
