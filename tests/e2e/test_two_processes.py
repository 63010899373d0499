"""Two app processes over one database (as behind a proxy): a write in one shows at once in the other,
although each process caches figures for ten minutes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser

from tests.app.test_entry_pages import _head_teacher_class
from tests.app.test_pages import _figures
from tests.e2e.server import AppServer, log_in, wait_until_idle
from tests.e2e.test_entry_browser import PHONE, log_home_visit

pytestmark = [pytest.mark.browser, pytest.mark.db]  # about the database itself: runs on both backends


def _visited_on_overview(page, base_url: str) -> int:
    """The 家访覆盖率 card's base, e.g. 1,211 / 1,427 名学生 → 1211."""
    page.goto(f"{base_url}/overview")
    wait_until_idle(page)
    body = page.inner_text("body")
    found = re.search(r"([\d,]+) / ([\d,]+) 名学生", body[body.index("家访覆盖率") :])
    assert found, body
    return int(found.group(1).replace(",", ""))


def test_a_write_in_one_process_shows_at_once_in_the_other(browser: Browser, demo_copy_url: str) -> None:
    first, second = AppServer(demo_copy_url).start(), AppServer(demo_copy_url).start()
    try:
        principal = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        log_in(principal, second.url, "principal", "hxgy-demo")
        before = _visited_on_overview(principal, second.url)  # the second process has cached the figures now
        assert before == int(_figures(demo_copy_url)["visited_students"])

        _class_id, _name, not_visited, _visit = _head_teacher_class(demo_copy_url)
        teacher = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
        log_in(teacher, first.url, "headteacher", "hxgy-demo")
        log_home_visit(teacher, first.url, not_visited[0][1])

        assert _visited_on_overview(principal, second.url) == before + 1, "the other process shows the new visit"
        assert _visited_on_overview(teacher, first.url) >= 0  # and the writing process still serves
        for page in (principal, teacher):
            page.context.close()
    finally:
        first.stop()
        second.stop()
