"""A page outside the role, opened by its address inside the app, says so in Chinese instead of showing 总览.

Before, st.navigation only knew the role's own pages, so a teacher opening /settings (a bookmark, a link from
the dean) silently got the landing page. Every page is now registered, the others hidden from the menu, and
the page's guard refuses it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.models import AuditLog
from hxgy.navigation import PAGES, navigation_for_role, pages_for_role
from hxgy.ui.gate import PAGE_REFUSED
from tests.app.test_pages import USERNAME


def test_every_page_is_registered_and_only_the_roles_own_are_in_its_menu() -> None:
    for role in USERNAME:
        sections = navigation_for_role(role)
        registered = [(page.key, shown) for pages in sections.values() for page, shown in pages]
        assert sorted(key for key, _ in registered) == sorted(p.key for p in PAGES), role
        assert {key for key, shown in registered if shown} == {
            p.key for pages in pages_for_role(role).values() for p in pages
        }, role
        assert list(sections) == list(pages_for_role(role)), "no section of hidden pages only"


@pytest.mark.parametrize(
    ("role", "page_key"),
    [("teacher", "settings"), ("head_teacher", "audit"), ("meeting", "overview"), ("district", "overview")],
)
def test_a_page_outside_the_role_opened_in_the_app_is_refused_in_chinese(make_app, demo_url, role, page_key) -> None:
    at = make_app(demo_url, USERNAME[role])
    at.run()
    landing_title = at.title[0].value if at.title else None
    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:  # the demo database is shared: other tests refuse pages too
        logged_before = session.scalar(select(func.coalesce(func.max(AuditLog.id), 0)))
    page = next(p for p in PAGES if p.key == page_key)
    at.switch_page(page.path)
    at.run()
    at.run()  # a rerun of the same attempt (the login cookie component reruns a page as it mounts)
    assert not at.exception
    assert [e.value for e in at.error] == [PAGE_REFUSED]
    assert "您的账户无权打开该页面" in PAGE_REFUSED
    assert not at.metric and not at.dataframe, "nothing of the page, and not the landing page either"
    assert [t.value for t in at.title] != [landing_title]
    with Session(engine) as session:
        refused = session.scalars(
            select(AuditLog.detail).where(
                AuditLog.action == "denied", AuditLog.username == USERNAME[role], AuditLog.id > logged_before
            )
        ).all()
    engine.dispose()
    assert refused.count(f"page {page_key}") == 1, "the refusal is in the audit log, once for the attempt"


def test_the_roles_own_pages_still_open(make_app, demo_url) -> None:
    at = make_app(demo_url, "teacher")
    at.run()
    at.switch_page("pages/records.py")
    at.run()
    assert not at.exception and not at.error
    assert at.title[0].value == "记录管理"
