"""Entry in a real browser on a phone-sized screen: a home visit in a few taps, and the overview rises."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from hxgy import formats
from tests.app.test_entry_pages import _head_teacher_class, _home_visit_coverage
from tests.e2e.server import AppServer, log_in, wait_until_idle

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def writable_server(demo_copy_url: str, browser: Browser) -> Iterator[AppServer]:
    """The app on a private copy of the demo school."""
    server = AppServer(demo_copy_url).start()
    yield server
    server.stop()


def log_home_visit(page: Page, base_url: str, student_name: str, screenshot: Path | None = None) -> None:
    """The taps on 记录沟通: the student box, type part of the name, pick it; 家访; 保存."""
    page.goto(f"{base_url}/log_contact")
    wait_until_idle(page)
    page.locator('[data-testid="stSelectbox"]', has_text="学生").click()
    page.keyboard.type(student_name)
    page.keyboard.press("Enter")
    page.locator('[data-testid="stRadio"]').first.get_by_text("家访", exact=True).click()
    if screenshot:
        page.screenshot(path=screenshot, full_page=True)
    page.get_by_role("button", name="保存").click()
    wait_until_idle(page)
    expect(page.get_by_text("已保存")).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_head_teacher_logs_a_home_visit_on_a_phone(browser: Browser, writable_server, demo_copy_url, artifacts):
    class_id, _name, not_visited, _visit = _head_teacher_class(demo_copy_url)
    _student_id, student_name = not_visited[0]
    visited_before, _ = _home_visit_coverage(demo_copy_url, class_id)
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, writable_server.url, "headteacher", "hxgy-demo")
    log_home_visit(page, writable_server.url, student_name, screenshot=artifacts / "log-contact-phone.png")

    visited_after, coverage_after = _home_visit_coverage(demo_copy_url, class_id)
    assert visited_after == visited_before + 1
    page.goto(f"{writable_server.url}/overview")
    wait_until_idle(page)
    card = page.locator('[data-testid="stMetric"]', has_text="家访覆盖率").inner_text()
    assert formats.percent(coverage_after) in card
    context.close()
