"""Sessions end on the server: a login cookie copied before logout no longer signs anyone in, and logging out
in one browser signs the same account out in another."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, select

from hxgy.models import LoginThrottle
from tests.e2e.server import AppServer, log_in, submit_login, wait_until_idle

pytestmark = pytest.mark.browser
PASSWORD = "hxgy-demo"


def _signed_in(page: Page) -> bool:
    wait_until_idle(page)
    return page.get_by_role("button", name="退出登录").count() > 0


def _open_with(browser: Browser, url: str, cookie: dict) -> Page:
    context = browser.new_context()
    context.add_cookies([cookie])
    page = context.new_page()
    page.goto(url)
    wait_until_idle(page)
    return page


def test_logout_ends_the_cookie_and_the_accounts_other_sessions(browser: Browser, app_server: AppServer) -> None:
    office = browser.new_context()
    desk = office.new_page()
    log_in(desk, app_server.url, "principal", PASSWORD)
    cookie = next(c for c in office.cookies() if c["name"] == "hxgy_auth")

    replay = _open_with(browser, app_server.url, cookie)
    assert _signed_in(replay), "before logout the cookie signs in (so the check below means something)"
    phone = browser.new_context().new_page()
    log_in(phone, app_server.url, "principal", PASSWORD)

    desk.get_by_role("button", name="退出登录").click()
    wait_until_idle(desk)

    stolen = _open_with(browser, app_server.url, cookie)
    assert not _signed_in(stolen), "a cookie copied before logout is refused"
    expect(stolen.get_by_label("密码")).to_be_visible()

    phone.get_by_role("link", name="家校沟通").click()  # the next action on the other device
    wait_until_idle(phone)
    assert not _signed_in(phone)
    expect(phone.get_by_text("登录已失效，请重新登录。")).to_be_visible()

    log_in(phone, app_server.url, "principal", PASSWORD)  # signing in again works at once
    assert _signed_in(phone)
    for page in (desk, replay, stolen, phone):
        page.context.close()


def _retry(page: Page, password: str) -> None:
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    wait_until_idle(page)


def _guess_until_told_to_wait(page: Page, url: str) -> None:
    submit_login(page, url, "teacher", "not-the-password")
    for _ in range(6):  # fail until told to wait (each try takes the browser a moment)
        if page.get_by_text("登录失败次数较多").count():
            break
        expect(page.get_by_text("用户名或密码不正确。")).to_be_visible()
        _retry(page, "not-the-password")
    expect(page.get_by_text("登录失败次数较多")).to_be_visible()


def _throttled_clients(url: str) -> list[str]:
    with create_engine(url).connect() as conn:
        return list(conn.scalars(select(LoginThrottle.client).where(LoginThrottle.username == "teacher")))


def test_behind_a_proxy_on_the_same_machine_each_browser_is_throttled_on_its_own(
    browser: Browser, demo_copy_url: str
) -> None:
    """nginx on the same machine forwards each browser's address in X-Forwarded-For; failures are counted for that
    address, so one browser guessing does not slow a colleague behind the same proxy."""
    server = AppServer(demo_copy_url).start()
    try:
        guesser = browser.new_context(extra_http_headers={"X-Forwarded-For": "198.51.100.1"}).new_page()
        _guess_until_told_to_wait(guesser, server.url)
        assert _throttled_clients(demo_copy_url) == ["198.51.100.1"], "counted for the browser, not the proxy"

        colleague = browser.new_context(extra_http_headers={"X-Forwarded-For": "198.51.100.2"}).new_page()
        submit_login(colleague, server.url, "teacher", PASSWORD)
        expect(colleague.get_by_role("button", name="退出登录")).to_be_visible(timeout=20_000)
        for page in (guesser, colleague):
            page.context.close()
    finally:
        server.stop()


def test_a_forwarded_address_from_an_untrusted_sender_is_ignored(browser: Browser, demo_copy_url: str) -> None:
    """When the trusted proxy is elsewhere (FORWARDED_ALLOW_IPS), a header written by anyone else counts for
    nothing: a guesser cannot escape their count by sending a new made-up address with every try."""
    server = AppServer(demo_copy_url, env={"FORWARDED_ALLOW_IPS": "10.9.9.9"}).start()
    try:
        guesser = browser.new_context(extra_http_headers={"X-Forwarded-For": "198.51.100.1"}).new_page()
        _guess_until_told_to_wait(guesser, server.url)
        assert _throttled_clients(demo_copy_url) == ["unknown"], "the connection's own address (local: unknown)"
        guesser.context.close()
    finally:
        server.stop()
