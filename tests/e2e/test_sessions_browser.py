"""Sessions end on the server: a login cookie copied before logout no longer signs anyone in, and logging out
in one browser signs the same account out in another."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.server import AppServer, log_in, wait_until_idle

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
