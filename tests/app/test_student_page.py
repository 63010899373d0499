"""学生档案 (pages/student.py) in AppTest on the hand-written story of tests/unit/story_school.py: the 班主任 finds
林小雨 and reads her story newest first with masked phones and her flag, the opening audited once; a subject teacher
sees no flag; the 班主任 of another class finds no one, and opening her anyway is refused, logged, and shows no
name; the meeting screen may not open the page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from hxgy import db
from hxgy.models import AuditLog
from hxgy.ui import student as student_ui
from tests.app.conftest import all_text
from tests.conftest import run_cli
from tests.unit.story_school import FATHER, FATHER_PHONE, MOTHER_PHONE, STUDENT, TODAY, story_school


def _school(url: str) -> tuple[dict[str, str], int, int]:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        school = story_school(session)
        users = {
            "head": school.head.username,
            "subject": school.subject.username,
            "other_head": school.other_head.username,
            "meeting": school.meeting.username,
        }
        student_id, class_id = school.s.students[STUDENT].id, school.s.classes["四(1)班"].id
    engine.dispose()
    return users, student_id, class_id


def _audit(url: str) -> list[tuple[str, str]]:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        rows = [(a, d) for a, d in session.execute(select(AuditLog.action, AuditLog.detail).order_by(AuditLog.id))]
    engine.dispose()
    return rows


def _open(make_app, url: str, username: str) -> AppTest:
    at = make_app(url, username)
    at.run()
    at.switch_page("pages/student.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_student_page_by_role(make_app, empty_database_url, monkeypatch) -> None:
    url = empty_database_url
    monkeypatch.setenv("HXGY_TODAY", TODAY.isoformat())
    assert run_cli(url, "migrate").returncode == 0
    users, student_id, class_id = _school(url)

    at = _open(make_app, url, users["head"])
    at.text_input(key=student_ui.SEARCH_KEY).set_value("林").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="student-pick").value == student_id
    text = all_text(at)
    for expected in (
        STUDENT,
        "学号 S0001 · 四(1)班 · 在读",
        ":red-badge[留守儿童]",
        "139\\*\\*\\*\\*5678",  # masked, and escaped for Markdown
        "138\\*\\*\\*\\*1111",
        "班级经历",
        "沟通记录（3 条）",
        "家长诉求（2 条）",
        ":red-badge[未答复]",
        "志愿服务（2 条）",
        "已确认 2 小时，待确认 1 条",
        "总评 **92**",
        "文明礼仪 **92**（92）",
        "另有 2 个学期的评分",
    ):
        assert expected in text, expected
    for absent in (MOTHER_PHONE, FATHER_PHONE, "录错的记录", "班级群通知", "2025-2026学年第一学期"):
        assert absent not in text, absent
    # newest first: this year's message before last year's home visit
    assert text.index("2026-09-15") < text.index("2025-09-10")
    assert f"{FATHER}在场" in text
    at.run()  # a rerun reads again without a second audit entry
    assert [d for a, d in _audit(url) if a == "view"] == [f"学生档案（学生编号 {student_id}）"]
    # 记录沟通 opens the form with her class and her chosen
    at.button(key="student-log-contact").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="contact-class").value == class_id
    assert at.selectbox(key="contact-student").value == student_id
    assert [link.label for link in at.page_link] == ["返回学生档案"]
    at.switch_page("pages/log_contact.py")  # AppTest would otherwise rerun the page it was last switched to
    at.button(key="FormSubmitter:contact-form-保存").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [t.value for t in at.title] == ["学生档案"], "back to her story, not to 待办"
    text = all_text(at)
    assert "已保存" in text and STUDENT in text and "沟通记录（4 条）" in text

    at = _open(make_app, url, users["subject"])
    at.text_input(key=student_ui.SEARCH_KEY).set_value("S0001").run()
    assert STUDENT in all_text(at) and "留守儿童" not in all_text(at)

    at = _open(make_app, url, users["other_head"])
    at.text_input(key=student_ui.SEARCH_KEY).set_value("林").run()
    assert "没有找到姓名或学号包含“林”的本学年您任教班级的学生" in all_text(at)
    at.session_state["_hxgy_student_open"] = student_id  # as another page would open her
    at.text_input(key=student_ui.SEARCH_KEY).set_value("").run()
    assert not at.exception, at.exception
    message = f"您无权查看学生档案（学生编号 {student_id} 不在您任教的班级）。"
    assert [e.value for e in at.error] == [message]
    assert STUDENT not in all_text(at)
    assert [d for a, d in _audit(url) if a == "denied"] == [f"查看学生档案（学生编号 {student_id} 不在您任教的班级）"]

    at = _open(make_app, url, users["meeting"])
    assert "您的账户无权打开该页面" in all_text(at) and STUDENT not in all_text(at)
