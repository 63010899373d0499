"""The real server in real Chromium: login, every page of every role, logout, the legacy-mode trap."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from hxgy.models import ROLES
from hxgy.navigation import PAGES, pages_for_role
from tests.app.test_pages import USERNAME
from tests.e2e.server import AppServer, log_in, wait_until_idle

pytestmark = pytest.mark.browser
PASSWORD = "hxgy-demo"


def test_page_urls_opened_first_on_a_fresh_server_show_only_the_login(browser: Browser, fresh_server) -> None:
    for page_spec in PAGES:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{fresh_server.url}/{page_spec.key}")
        wait_until_idle(page)
        expect(page.get_by_label("密码")).to_be_visible()
        assert page.locator('[data-testid="stMetric"]').count() == 0, page_spec.key
        assert page.locator('[data-testid="stDataFrame"]').count() == 0, page_spec.key
        assert page.locator('[data-testid="stException"]').count() == 0, page_spec.key
        body = page.inner_text("body")
        assert "在校学生" not in body and "我的账户" not in body.split("登录")[-1]
        # no menu of the pages/ folder (Streamlit's legacy mode) before anyone has signed in since the start
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0, page_spec.key
        assert "操作日志" not in body and "设置" not in body, page_spec.key
        context.close()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_and_opens_every_page(browser: Browser, app_server: AppServer, artifacts, role) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    log_in(page, app_server.url, USERNAME[role], PASSWORD)
    expected = [p for pages in pages_for_role(role).values() for p in pages]
    links = page.locator('[data-testid="stSidebarNavLink"]')
    assert links.count() == (len(expected) if len(expected) > 1 else 0)  # one page: no menu
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=artifacts / f"home-{role}.png", full_page=True)
    for spec in expected:
        page.goto(f"{app_server.url}/{spec.key}")
        wait_until_idle(page)
        expect(page.get_by_role("button", name="退出登录")).to_be_visible()
        assert page.locator('[data-testid="stException"]').count() == 0, spec.key
        assert "无权打开该页面" not in page.inner_text("body"), spec.key
        assert _cut_figures(page) == [], spec.key  # every figure whole on a 1280-wide laptop screen
    context.close()


def _cut_figures(page) -> list[str]:
    """The card values that do not fit their card (the browser would end them in "…")."""
    return page.eval_on_selector_all(
        '[data-testid="stMetricValue"] > div',
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)",
    )


def test_the_overview_shows_real_demo_figures_and_charts(browser: Browser, app_server: AppServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, app_server.url, "principal", PASSWORD)
    assert page.locator('[data-testid="stMetric"]').count() == 8
    expect(page.get_by_text("东湖区实验小学").first).to_be_visible()
    coverage = page.locator('[data-testid="stMetric"]', has_text="家访覆盖率").inner_text()
    assert "%" in coverage
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
    context.close()


DOWNLOAD_TIMEOUT_MS = 90_000  # the suite runs a worker per core: a busy server may take longer than 30 s


def test_chart_and_table_downloads(browser: Browser, app_server: AppServer, artifacts) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    log_in(page, app_server.url, "principal", PASSWORD)
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as png:
        page.get_by_role("button", name="下载图片").first.click()
    saved = artifacts / png.value.suggested_filename
    png.value.save_as(saved)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as xlsx:
        page.get_by_role("button", name="下载Excel").first.click()
    book = artifacts / xlsx.value.suggested_filename
    xlsx.value.save_as(book)
    from openpyxl import load_workbook

    sheet = load_workbook(book).active
    assert "东湖区实验小学" in sheet["A2"].value and sheet["A3"].value == "班级" and sheet["A4"].value == "一(1)班"
    context.close()


def test_logout_ends_the_session_and_the_cookie(browser: Browser, app_server: AppServer) -> None:
    context = browser.new_context()
    page = context.new_page()
    log_in(page, app_server.url, "dean", PASSWORD)
    page.get_by_role("button", name="退出登录").click()
    wait_until_idle(page)
    page.goto(app_server.url)
    wait_until_idle(page)
    expect(page.get_by_label("密码")).to_be_visible()
    assert page.locator('[data-testid="stMetric"]').count() == 0
    context.close()


def test_a_page_outside_the_role_is_refused_by_url(browser: Browser, app_server: AppServer) -> None:
    context = browser.new_context()
    page = context.new_page()
    log_in(page, app_server.url, "meeting", PASSWORD)
    page.goto(f"{app_server.url}/account")
    wait_until_idle(page)
    assert page.get_by_label("原密码").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    context.close()
