"""重点关爱学生 on 家校沟通 (hxgy.ui.special_groups) in AppTest on a copy of the demo: the principal sees the block
and opens the named list, which the audit log keeps as 查看; a subject teacher who heads no class sees nothing of
it (a 班主任's own classes: tests/unit/test_special_groups.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from hxgy import db
from hxgy.models import AuditLog
from hxgy.privacy.flagged import LIST_TITLE
from tests.app.conftest import all_text


def _communication(make_app, url: str, username: str) -> AppTest:
    at = make_app(url, username, script="pages/communication.py")  # the page alone: no landing page first
    at.run()
    assert not at.exception, at.exception
    return at


def _views(url: str) -> list[str]:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        rows = list(session.scalars(select(AuditLog.detail).where(AuditLog.action == "view")))
    engine.dispose()
    return [d for d in rows if d.startswith(LIST_TITLE)]


def test_the_special_groups_block_by_role(make_app, demo_copy_url) -> None:
    at = _communication(make_app, demo_copy_url, "principal")
    assert "重点关爱学生" in [h.value for h in at.subheader]
    text = all_text(at)
    assert "任一类关爱学生" in text and "留守儿童" in text and "其他学生" in text
    assert not _views(demo_copy_url)
    next(b for b in at.button if b.label == f"查看{LIST_TITLE}").click().run()
    assert not at.exception, at.exception
    assert LIST_TITLE in all_text(at) or "本期每位关爱学生都已沟通" in all_text(at)  # the demo reaches most every month
    assert len(_views(demo_copy_url)) == 1, "each opening is audited as 查看"

    teacher = _communication(make_app, demo_copy_url, "teacher")
    assert "重点关爱学生" not in [h.value for h in teacher.subheader]
    assert "任一类关爱学生" not in all_text(teacher)
