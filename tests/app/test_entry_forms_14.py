"""Issue 14 on the entry pages, run as the app runs them on a private copy of the demo school:
记录沟通 never opens on a class-wide 家访, the backlogs go by term with the year and confirm several at once,
活动录入 picks a grade's classes in one step and checks the total, and no grid cell or placeholder is None/English.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from hxgy import db, terms
from hxgy.models import Activity, Category, Communication, School, SchoolClass, SchoolYear, VolunteerRecord
from tests.app.conftest import all_text
from tests.conftest import DEMO_ANCHOR

ENGLISH = ("Choose an option", "Choose options", "No options to select", "empty")


def _no_raw_values(at: AppTest) -> None:
    """No grid cell shows None/nan (an empty cell only where the grid says what it means, e.g. 未统计), and no
    selectbox or multiselect shows an English placeholder."""
    for frame in at.dataframe:
        values = frame.value
        if not frame.proto.placeholder:
            assert not values.isna().any().any(), values[values.isna().any(axis=1)]
        text = values.astype(str)
        assert not text.isin(["None", "nan", "NaN", "<NA>"]).any().any()
    for widget in [*at.selectbox, *at.multiselect]:
        assert widget.placeholder not in ENGLISH, (widget.label, widget.placeholder)


def _scalar(url: str, stmt):
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        value = session.scalar(stmt)
    engine.dispose()
    return value


def _channel(url: str, code: str) -> int:
    school = select(School.id).where(School.code == "DH001").scalar_subquery()
    return _scalar(
        url, select(Category.id).where(Category.school_id == school, Category.kind == "channel", Category.code == code)
    )


def _open(make_app, url: str, username: str, page: str) -> AppTest:
    at = make_app(url, username)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_contact_form_never_defaults_to_a_class_wide_home_visit(make_app, demo_copy_url) -> None:
    """Opened, the form is for one student (none chosen yet) by 家访; 保存 without a student stores nothing.
    Turned to 全班, only 微信/班级群, 家长会, 线上平台 are offered, 微信/班级群 first; that saves."""
    count = select(func.count()).select_from(Communication)
    before = _scalar(demo_copy_url, count)
    at = _open(make_app, demo_copy_url, "headteacher", "pages/log_contact.py")
    assert at.toggle(key="contact-whole-class").value is False
    assert at.selectbox(key="contact-student").value is None
    assert at.selectbox(key="contact-student").placeholder == "请选择学生…"
    assert at.radio(key="contact-channel").value == _channel(demo_copy_url, "home_visit")
    _no_raw_values(at)
    at.button[0].click()  # the form's 保存, nothing chosen
    at.run()
    assert [e.value for e in at.error] == ["请选择学生。面向全班的沟通（如班级群通知）请打开上方的“面向全班”。"]
    assert _scalar(demo_copy_url, count) == before

    at.toggle(key="contact-whole-class").set_value(True)
    at.run()
    channel = at.radio(key="contact-channel-class")
    assert list(channel.options) == ["微信/班级群", "家长会", "线上平台"]
    assert channel.value == _channel(demo_copy_url, "wechat")
    assert "面向全班的记录只能用：微信/班级群、家长会、线上平台" in all_text(at)
    at.button[0].click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert "已保存" in all_text(at)
    assert _scalar(demo_copy_url, count) == before + 1
    newest = _scalar(demo_copy_url, select(Communication).order_by(Communication.id.desc()).limit(1))
    assert newest.student_id is None and newest.channel_id == _channel(demo_copy_url, "wechat")
    _no_raw_values(at)


def _current_term(url: str) -> tuple[int, date, date]:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        term = terms.current_term(session, school_id=school.id, today=DEMO_ANCHOR)
        found = term.id, term.start_date, term.end_date
    engine.dispose()
    return found


def test_the_volunteer_backlog_is_this_terms_with_the_year_and_confirms_several_at_once(
    make_app, demo_copy_url
) -> None:
    term_id, start, end = _current_term(demo_copy_url)
    waiting_in_term = (
        select(func.count())
        .select_from(VolunteerRecord)
        .where(
            VolunteerRecord.school_id == select(School.id).where(School.code == "DH001").scalar_subquery(),
            VolunteerRecord.confirmed_at.is_(None),
            VolunteerRecord.deleted_at.is_(None),
            VolunteerRecord.service_date.between(start, end),
        )
    )
    before = _scalar(demo_copy_url, waiting_in_term)
    assert before >= 2, "the demo leaves recent volunteer records unconfirmed"
    at = _open(make_app, demo_copy_url, "dean", "pages/volunteer_entry.py")
    assert at.selectbox(key="volunteer-term").value == term_id
    grid = at.dataframe[0].value
    assert len(grid) == before
    days = pd.to_datetime(grid["服务日期"], format="%Y-%m-%d")  # the year is shown
    assert days.is_monotonic_increasing, "the oldest first"
    assert days.min() >= pd.Timestamp(start)
    _no_raw_values(at)

    at.session_state[f"volunteer-waiting-{term_id}-False"] = {
        "edited_rows": {0: {"确认": True}, 1: {"确认": True}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert at.button(key="volunteer-confirm").label == "确认选中的 2 条"
    at.button(key="volunteer-confirm").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert "已确认 2 条" in all_text(at)
    assert _scalar(demo_copy_url, waiting_in_term) == before - 2
    assert len(at.dataframe[0].value) == before - 2


def test_the_request_backlog_is_this_terms_with_the_year(make_app, demo_copy_url) -> None:
    term_id, start, _end = _current_term(demo_copy_url)
    at = _open(make_app, demo_copy_url, "dean", "pages/request_entry.py")
    assert at.selectbox(key="reply-term").value == term_id
    if at.dataframe:
        grid = at.dataframe[0].value
        received = pd.to_datetime(grid["收到时间"], format="%Y-%m-%d %H:%M")
        assert received.is_monotonic_increasing and received.min() >= pd.Timestamp(start)
    _no_raw_values(at)


def _grade_classes(url: str, grade: int) -> list[int]:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        ids = session.scalars(
            select(SchoolClass.id)
            .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
            .join(School, School.id == SchoolClass.school_id)
            .where(
                School.code == "DH001",
                SchoolClass.grade_level == grade,
                SchoolYear.start_date <= DEMO_ANCHOR,
                SchoolYear.end_date >= DEMO_ANCHOR,
            )
            .order_by(SchoolClass.class_no)
        ).all()
    engine.dispose()
    return list(ids)


def test_a_grade_activity_picks_the_grades_classes_and_the_total_is_checked(make_app, demo_copy_url) -> None:
    """三年级 chosen: its classes are the 参与班级 at once. 2 + 3 parents in its first two classes against a
    total of 4 is refused in Chinese; a total of 40 saves."""
    third = _grade_classes(demo_copy_url, 3)
    assert len(third) >= 2
    at = _open(make_app, demo_copy_url, "dean", "pages/activity_entry.py")
    at.text_input(key="activity-title").input("三年级家长会")
    at.radio(key="activity-scope").set_value("grade")
    at.run()
    at.multiselect(key="activity-grades").set_value([3])
    at.run()
    classes_box = at.multiselect(key="activity-classes-grade-3")
    assert list(classes_box.value) == third
    _no_raw_values(at)
    at.number_input(key="activity-parents").set_value(4)
    at.session_state["activity-attendance-" + "-".join(map(str, third))] = {
        "edited_rows": {0: {"到场家长": 2}, 1: {"到场家长": 3}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert "各班家长到场合计 5 人，多于参与家长人次 4" in all_text(at)
    at.button(key="activity-save").click()
    at.run()
    assert "参与家长人次" in at.error[0].value and "各班家长到场合计 5 人，多于填写的总数 4 人次" in at.error[0].value
    assert _scalar(demo_copy_url, select(Activity.id).where(Activity.title == "三年级家长会")) is None

    at.number_input(key="activity-parents").set_value(40)
    at.run()
    at.button(key="activity-save").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert _scalar(demo_copy_url, select(Activity.parents_count).where(Activity.title == "三年级家长会")) == 40


def test_a_dean_chooses_the_class_wide_channels_on_the_settings_page(make_app, demo_copy_url) -> None:
    at = _open(make_app, demo_copy_url, "dean", "pages/settings.py")
    at.selectbox(key="settings-kind").set_value("channel")
    at.run()
    listed = next(f.value for f in at.dataframe if "可用于全班" in f.value.columns)
    assert listed.loc[listed["名称"] == "家访", "可用于全班"].tolist() == [False]
    box = next(m for m in at.multiselect if m.label.startswith("可用于全班记录的沟通方式"))
    phone = _channel(demo_copy_url, "phone")
    box.set_value([*box.value, phone])
    at.button(key="FormSubmitter:class-wide-channels-保存").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert _scalar(demo_copy_url, select(Category.class_wide).where(Category.id == phone)) is True
