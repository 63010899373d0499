"""Text a user or a file supplies is shown as text: HTML, script, Markdown and SQL injection strings stored in every
free-text field, then every page of the roles that see them opened in Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func, select, text

from hxgy import db
from hxgy.models import Student
from hxgy.navigation import landing_page, pages_for_role
from tests.e2e.server import AppServer, log_in, wait_until_idle

pytestmark = pytest.mark.browser

# each at most 40 characters (PostgreSQL enforces the name columns' length); each would run or format
# something if it were not shown as text
PAYLOADS = (
    "<script>__hxgy_xss=1</script>",
    "<img src=x onerror=__hxgy_xss=1>",
    "'); DROP TABLE student;--",
    "**粗**:red[红][x](javascript:__hxgy_xss=1)",
    '<a href="javascript:__hxgy_xss=1">链接</a>',
)
# (table, column, rows to change): every free-text field a page or a slide may show
FIELDS = (
    ("school", "name", 1),
    ("student", "name", 40),
    ("guardian", "name", 40),
    ("staff", "name", 10),
    ("category", "name", 10),
    ("partner", "name", 5),
    ("communication", "summary", 200),
    ("parent_request", "content", 20),
    ("parent_request", "reply", 20),
    ("volunteer_record", "note", 50),
    ("activity", "title", 10),
    ("activity", "outcome", 10),
    ("satisfaction_result", "note", 10),
)
ROLES = {"dean": "dean", "head_teacher": "headteacher", "meeting": "meeting"}  # the principal sees a subset of the dean


@pytest.fixture
def hostile_server(demo_copy_url: str, browser: Browser) -> Iterator[AppServer]:
    engine = db.create_db_engine(demo_copy_url)
    with engine.begin() as conn:
        for table, column, rows in FIELDS:
            ids = conn.execute(text(f"SELECT id FROM {table} ORDER BY id LIMIT {rows}")).scalars().all()
            for index, row_id in enumerate(ids):
                value = PAYLOADS[index % len(PAYLOADS)]
                if column == "name":  # keep names unique where the schema wants them, within 40 characters
                    value = f"{value[:36]}{index}" if index >= len(PAYLOADS) else value[:40]
                conn.execute(text(f"UPDATE {table} SET {column} = :v WHERE id = :id"), {"v": value, "id": row_id})
    engine.dispose()
    server = AppServer(demo_copy_url).start()
    yield server
    server.stop()
    engine = db.create_db_engine(demo_copy_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Student)) > 1000, "the SQL string dropped nothing"
    engine.dispose()


def _nothing_ran(page: Page, where: str) -> None:
    assert page.evaluate("() => window.__hxgy_xss") is None, f"a script ran on {where}"
    assert page.locator('img[src="x"]').count() == 0, f"an <img> from the data was built on {where}"
    assert page.locator('a[href^="javascript:"]').count() == 0, f"a javascript: link from the data on {where}"
    assert page.locator('[data-testid="stException"]').count() == 0, f"an error on {where}"


@pytest.mark.parametrize("role", list(ROLES))
def test_hostile_text_is_shown_as_text_on_every_page(browser: Browser, hostile_server: AppServer, role) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    page = context.new_page()
    log_in(page, hostile_server.url, ROLES[role], "hxgy-demo")
    shown_as_text = False
    for pages in pages_for_role(role).values():
        for spec in pages:
            landing = spec.key == landing_page(role).key  # the landing page lives at the root
            page.goto(hostile_server.url if landing else f"{hostile_server.url}/{spec.key}")
            wait_until_idle(page)
            for expander in page.locator('[data-testid="stExpander"] summary').all()[:4]:
                try:  # the name lists and details behind 查看名单 / 查看明细 (not those in a hidden tab)
                    expander.click(timeout=2000)
                except PlaywrightError:
                    continue
                wait_until_idle(page)
            _nothing_ran(page, f"{spec.key} as {role}")
            body = page.inner_text("body")
            shown_as_text = shown_as_text or any(p in body for p in PAYLOADS[:2])
    if role == "meeting":
        page.get_by_role("button", name="开始投屏").click()
        wait_until_idle(page)
        for number in range(3):
            _nothing_ran(page, f"slide {number + 1}")
            assert "<script>__hxgy_xss=1</script>" in page.inner_text("body"), "the school name, as written"
            page.keyboard.press("ArrowRight")
            wait_until_idle(page)
    else:
        assert shown_as_text, "somewhere the stored HTML is visible, as characters"
    context.close()
