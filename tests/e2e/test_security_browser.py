"""The Content-Security-Policy of hxgy.web.headers in real Chromium: nothing the app does is blocked by it.

Login, charts (Vega-Lite), the login cookie component (an iframe from /component/), the meeting screen, a
refused page and an address that is no page (each logged once), and logout, with a listener for every CSP
violation the browser reports.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.models import AuditLog
from tests.e2e.server import AppServer, log_in, wait_until_idle

pytestmark = pytest.mark.browser

LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
    window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`));
"""


def _denied(url: str, username: str) -> int:
    engine = db.create_db_engine(url)
    try:
        with Session(engine) as session:
            return (
                session.scalar(select(func.count()).where(AuditLog.action == "denied", AuditLog.username == username))
                or 0
            )
    finally:
        engine.dispose()


def _violations(page: Page) -> list[str]:
    return page.evaluate("window.__violations")


def test_the_app_runs_under_its_content_security_policy(browser: Browser, app_server: AppServer, demo_url) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_init_script(LISTEN)
    page = context.new_page()
    answer = page.goto(app_server.url)
    assert answer is not None and "frame-ancestors 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "SAMEORIGIN"

    log_in(page, app_server.url, "principal", "hxgy-demo")  # the cookie component sets the login cookie
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
    expect(page.locator("canvas, svg.marks").first).to_be_visible()  # Vega drew the chart (no eval needed)
    assert _violations(page) == []
    page.get_by_role("button", name="退出登录").click()
    wait_until_idle(page)
    expect(page.get_by_label("密码")).to_be_visible()

    log_in(page, app_server.url, "meeting", "hxgy-demo")
    page.get_by_role("button", name="开始投屏").click()
    wait_until_idle(page)
    expect(page.get_by_text("1 / ", exact=False).first).to_be_visible()
    page.keyboard.press("Escape")
    wait_until_idle(page)

    # A page outside the role, and an address that is no page: one audit row each, and a way to sign out.
    before = _denied(demo_url, "meeting")
    page.goto(f"{app_server.url}/account")
    wait_until_idle(page)
    expect(page.get_by_text("您的账户无权打开该页面")).to_be_visible()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    assert _denied(demo_url, "meeting") == before + 1
    page.goto(f"{app_server.url}/no-such-page")
    wait_until_idle(page)
    assert _denied(demo_url, "meeting") == before + 2
    assert _violations(page) == []
    page.keyboard.press("Escape")  # Streamlit's own "Page not found" dialog over the landing page
    page.get_by_role("button", name="退出登录").click()
    wait_until_idle(page)
    expect(page.get_by_label("密码")).to_be_visible()
    assert _violations(page) == []
    context.close()
