"""待办 on a phone (390×844): the head teacher lands on it, taps a family not yet visited, saves the 家访, and is back
on the list with the family gone and the class's 家访覆盖率 risen (as hxgy.metrics computes it); then finds the
family on 学生档案 by its 学号, the visit in its story."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import config, db, todo
from hxgy.auth import signed_in
from hxgy.models import UserAccount
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


def _not_visited(url: str) -> todo.TodoItem:
    """The head teacher's first family contacted this term but not visited at home, as hxgy.todo lists it."""
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        account = session.scalar(select(UserAccount).where(UserAccount.username == "headteacher"))
        items = todo.items_for(session, signed_in(account), now=config.now())
    engine.dispose()
    return next(i for i in items if i.kind == "not_visited")


def test_a_head_teacher_clears_a_home_visit_from_the_todo_list_on_a_phone(
    browser: Browser, writable_server: AppServer, demo_copy_url: str, artifacts: Path
) -> None:
    class_id, class_name, _not_visited_yet, _visit = _head_teacher_class(demo_copy_url)
    family = _not_visited(demo_copy_url)
    visited_before, coverage_before = _home_visit_coverage(demo_copy_url, class_id)
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, writable_server.url, "headteacher", "hxgy-demo")
    expect(page.get_by_role("heading", name="待办")).to_be_visible()  # the landing page
    row = page.get_by_role("button", name=family.title)
    expect(row).to_be_visible()
    page.screenshot(path=artifacts / "todo-phone.png")  # docs/screenshots/todo-phone.png

    row.click()
    wait_until_idle(page)
    expect(page.get_by_role("heading", name="记录沟通")).to_be_visible()
    # the family and 家访 chosen for the teacher
    expect(page.get_by_role("combobox", name="学生（输入姓名或学号查找）")).to_have_value(family.title)
    expect(page.get_by_role("radio", name="家访", exact=True)).to_be_checked()
    page.get_by_role("button", name="保存").click()
    wait_until_idle(page)
    expect(page.get_by_role("heading", name="待办")).to_be_visible()
    expect(page.get_by_text("已保存")).to_be_visible()
    expect(page.get_by_role("button", name=family.title)).to_have_count(0)

    visited_after, coverage_after = _home_visit_coverage(demo_copy_url, class_id)
    assert visited_after == visited_before + 1 and coverage_after > coverage_before
    expect(page.get_by_text(f"{class_name}：家访 {int(visited_after)}/")).to_contain_text(f"（{coverage_after:.1%}）")
    assert page.locator('[data-testid="stException"]').count() == 0

    # the family's story: found by its 学号 on 学生档案, with the visit just saved
    name, number = family.title.rstrip("）").split("（")
    page.goto(f"{writable_server.url}/student")
    wait_until_idle(page)
    page.get_by_label("查找学生（姓名或学号）").fill(number)
    page.keyboard.press("Enter")
    wait_until_idle(page)
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    contacts = page.get_by_role("heading", name="沟通记录")
    expect(contacts).to_be_visible()
    expect(page.get_by_text(f"{config.today():%Y-%m-%d} · 家访").first).to_be_visible()
    page.screenshot(path=artifacts / "student-phone-after-visit.png", full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    context.close()
