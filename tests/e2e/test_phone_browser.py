"""A phone in Chromium: the menu closes after a page is chosen, filters and the status grid work without it,
and a class opens from the status grid and the breadcrumb leads back (issue 14)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.server import AppServer, log_in, wait_until_idle

pytestmark = pytest.mark.browser
PASSWORD = "hxgy-demo"
PHONE = {"width": 390, "height": 844}


def _menu_state(page: Page) -> str | None:
    """The sidebar's data-collapsed: "false" while the menu is open, "true" once it is closed."""
    return page.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed")


def _caption(page: Page) -> str:
    """The line under the page title: school · term · grade · class."""
    return page.locator('[data-testid="stCaptionContainer"]').first.inner_text()


def test_a_phone_menu_closes_after_choosing_a_page(browser: Browser, app_server: AppServer) -> None:
    """390×844 with Chromium's desktop user agent: Streamlit itself would leave the menu open over the page."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, app_server.url, "principal", PASSWORD)
    assert _menu_state(page) == "true", "a phone opens on the page, not on the menu"
    expect(page.get_by_role("button", name="筛选", exact=False)).to_be_visible()  # filters without the menu
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    expect(page.locator('[data-testid="stSidebar"]')).to_have_attribute("data-collapsed", "false")
    page.locator('[data-testid="stSidebarNavLink"]', has_text="家校沟通").click()
    wait_until_idle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_have_attribute("data-collapsed", "true", timeout=5_000)
    expect(page.get_by_role("heading", name="家校沟通")).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    context.close()


def test_on_a_phone_the_status_list_opens_a_class_and_the_breadcrumb_returns(
    browser: Browser, app_server: AppServer, artifacts
) -> None:
    """The phone shows the per-class list instead of the grid; a class name in it opens that class."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, app_server.url, "principal", PASSWORD)
    assert not page.locator('[class*="st-key-wide-status"]').is_visible(), "no 7-column grid on a phone"
    listed = page.locator('[class*="st-key-narrow-status"] [data-testid="stButton"] button').first
    name = listed.inner_text().strip().removesuffix("›").strip()
    listed.click()
    wait_until_idle(page)
    assert name in _caption(page)
    page.screenshot(path=artifacts / "phone-class.png")
    page.locator('[class*="st-key-crumb-0"] button').click()
    wait_until_idle(page)
    assert name not in _caption(page) and "年级" not in _caption(page).split("·")[1]
    context.close()


def test_a_click_on_a_class_in_the_status_grid_opens_it(browser: Browser, app_server: AppServer) -> None:
    """Desktop: hover the grid until the tooltip names a class, click, and the filters follow to that class."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    log_in(page, app_server.url, "principal", PASSWORD)
    grid = page.locator('[class*="st-key-wide-status"] [data-testid="stVegaLiteChart"]')
    grid.scroll_into_view_if_needed()
    wait_until_idle(page)
    box = grid.bounding_box()
    tooltip = page.locator("#vg-tooltip-element")
    name = None
    for y in range(int(box["y"] + 60), int(box["y"] + box["height"]), 8):
        page.mouse.move(box["x"] + box["width"] * 0.3, y)
        page.wait_for_timeout(60)
        text = tooltip.inner_text() if tooltip.count() and tooltip.is_visible() else ""
        if "班" in text:
            name = next(word for word in text.split() if word.endswith("班"))
            page.mouse.click(box["x"] + box["width"] * 0.3, y)
            break
    assert name, "the grid shows a class under the mouse"
    wait_until_idle(page)
    assert name in _caption(page)
    expect(page.locator('[class*="st-key-crumb-0"] button')).to_have_text("全校")
    context.close()
