"""Issue 14 entry rules: class-wide records only on class-wide channels (form, correction and import alike),
the activity total against the per-class figures, and the backlogs filtered by term and confirmed in one go.

测试小学, term 1 = 2025-09-01 … 2026-01-20, term 2 = 2026-02-24 … 2026-07-05.
一(1)班 (head 王老师): A B C;  一(2)班 (head 李老师): D E.
Class-wide channels by default: 微信/班级群, 家长会, 线上平台; 家访, 电话, 面谈, 家校联系本 reach one family.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy.entry import categories, records
from hxgy.entry.records import ActivityEntry, ContactEntry
from hxgy.entry.rules import InvalidEntry
from hxgy.models import Activity, ActivityClass, AuditLog, Communication, VolunteerRecord
from hxgy.queries import entry as entry_queries
from hxgy.transfer.imports import ImportBlocked, prepare, run_import
from tests.builders import TinySchool, tiny_school
from tests.unit.test_import_corpus import csv_file

TODAY = date(2025, 12, 1)
CLASS_WIDE = "微信/班级群、家长会、线上平台"


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    s.add_class(1, 2, head="李老师")
    for name in "ABC":
        s.add_student(name, "一(1)班")
    for name in "DE":
        s.add_student(name, "一(2)班")
    session.commit()
    yield s
    session.close()


def _user(s: TinySchool, role: str, staff: str | None = None):
    account = s.user(role, staff)
    s.session.commit()
    return account


def _count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _whole_class(s: TinySchool, channel: str, day: date = date(2025, 11, 30)) -> ContactEntry:
    return ContactEntry(
        class_id=s.classes["一(1)班"].id, contact_date=day, channel_id=s.category("channel", channel), summary="通知"
    )


# ---- 1. a class-wide record only on a class-wide channel -------------------------------------------


def test_the_channel_list_says_which_channels_may_be_class_wide(school: TinySchool) -> None:
    listed = entry_queries.channels(school.session, school.school.id)
    assert [name for _id, name, wide in listed if wide] == ["微信/班级群", "家长会", "线上平台"]
    assert [name for _id, name, wide in listed if not wide] == ["家访", "电话", "面谈", "家校联系本"]


def test_a_class_wide_home_visit_is_refused_in_chinese_and_nothing_is_written(school: TinySchool) -> None:
    """全班 + 家访 (the old form's default) is refused; 全班 + 微信/班级群 saves one class-wide record."""
    head = _user(school, "head_teacher", "王老师")
    with pytest.raises(InvalidEntry) as refused:
        records.log_contact(school.session, head, _whole_class(school, "home_visit"), today=TODAY)
    (problem,) = refused.value.problems
    assert problem.field == "学生"
    assert problem.message == f"“家访”是面向一户家庭的沟通方式，必须选择学生；面向全班的沟通只能用：{CLASS_WIDE}"
    with pytest.raises(InvalidEntry, match="“电话”是面向一户家庭的沟通方式"):
        records.log_contact(school.session, head, _whole_class(school, "phone"), today=TODAY)
    school.session.rollback()
    assert _count(school.session, Communication) == 0

    saved = records.log_contact(school.session, head, _whole_class(school, "wechat"), today=TODAY)
    school.session.commit()
    stored = school.session.get(Communication, saved.id)
    assert stored.student_id is None and stored.channel_id == school.category("channel", "wechat")


def test_a_correction_cannot_turn_a_visit_into_a_class_wide_visit(school: TinySchool) -> None:
    head = _user(school, "head_teacher", "王老师")
    visit = ContactEntry(
        class_id=school.classes["一(1)班"].id,
        contact_date=date(2025, 11, 30),
        channel_id=school.category("channel", "home_visit"),
        student_id=school.students["A"].id,
    )
    saved = records.log_contact(school.session, head, visit, today=TODAY)
    school.session.commit()
    with pytest.raises(InvalidEntry, match="“家访”是面向一户家庭的沟通方式"):
        records.update_contact(school.session, head, saved.id, _whole_class(school, "home_visit"), today=TODAY)
    school.session.rollback()
    assert school.session.get(Communication, saved.id).student_id == school.students["A"].id


def test_a_dean_makes_a_channel_class_wide_on_the_settings_and_the_rule_follows(school: TinySchool) -> None:
    """电话 marked class-wide (a phone tree to every family) is then accepted; 家访 can never be class-wide."""
    dean = _user(school, "dean", "德育主任")
    phone = school.category("channel", "phone")
    categories.update_category(school.session, dean, phone, name="电话", active=True, class_wide=True)
    school.session.commit()
    logged = school.session.scalars(select(AuditLog).where(AuditLog.entity == "category")).one()
    assert (json.loads(logged.before)["class_wide"], json.loads(logged.after)["class_wide"]) == (False, True)
    records.log_contact(school.session, dean, _whole_class(school, "phone"), today=TODAY)
    school.session.commit()
    assert _count(school.session, Communication) == 1
    visit = school.category("channel", "home_visit")
    with pytest.raises(InvalidEntry, match="家访总是面向一户家庭"):
        categories.update_category(school.session, dean, visit, name="家访", active=True, class_wide=True)
    school.session.rollback()
    with pytest.raises(InvalidEntry, match="只有沟通方式有这一设置"):
        topic = school.category("topic", "notice")
        categories.update_category(school.session, dean, topic, name="通知事项", active=True, class_wide=True)
    school.session.rollback()
    # every channel turned back to one family: the message says where to choose some
    for code in ("wechat", "parent_meeting", "online", "phone"):
        name = {"wechat": "微信/班级群", "parent_meeting": "家长会", "online": "线上平台", "phone": "电话"}[code]
        categories.update_category(
            school.session, dean, school.category("channel", code), name=name, active=True, class_wide=False
        )
    school.session.commit()
    with pytest.raises(InvalidEntry, match="本校尚未指定，请在 设置 → 类别 → 沟通方式 中勾选"):
        records.log_contact(school.session, dean, _whole_class(school, "wechat", date(2025, 11, 29)), today=TODAY)
    school.session.rollback()


def _import_rows(school: TinySchool, rows: list[dict[str, object]]):
    dean = _user(school, "dean", "德育主任")
    data = csv_file(rows)
    return dean, data


def test_an_import_refuses_a_class_wide_home_visit_naming_the_row(school: TinySchool) -> None:
    """Row 2: a 微信/班级群 notice (fine); row 3: 家访 without 学号 (refused); row 4: 家访 to A (fine)."""
    rows = [
        {"沟通日期": "2025-11-03", "班级": "一(1)班", "学号": "", "沟通方式": "微信/班级群"},
        {"沟通日期": "2025-11-04", "班级": "一(1)班", "学号": "", "沟通方式": "家访"},
        {"沟通日期": "2025-11-05", "班级": "一(1)班", "学号": school.students["A"].student_no, "沟通方式": "家访"},
    ]
    dean, data = _import_rows(school, rows)
    plan = prepare(school.session, dean, "communications", "沟通记录.csv", data, today=TODAY)
    assert plan.bad_rows == {3}
    (problem,) = plan.problems
    assert str(problem) == (
        f"第 3 行，D 列“沟通方式”：“家访”是面向一户家庭的沟通方式，必须选择学生；面向全班的沟通只能用：{CLASS_WIDE}"
    )
    with pytest.raises(ImportBlocked):
        run_import(school.session, dean, "communications", "沟通记录.csv", data, today=TODAY)
    school.session.rollback()
    assert _count(school.session, Communication) == 0


# ---- 3. an activity's total against its per-class figures -----------------------------------------


def _meeting(school: TinySchool, total: int | None, one: int | None, two: int | None, title: str) -> ActivityEntry:
    one_id, two_id = school.classes["一(1)班"].id, school.classes["一(2)班"].id
    return ActivityEntry(
        title=title,
        type_id=school.category("activity_type", "parent_meeting"),
        activity_date=date(2025, 11, 20),
        scope="grade",
        class_ids=[one_id, two_id],
        parents_count=total,
        parents_attended={c: n for c, n in ((one_id, one), (two_id, two)) if n is not None},
    )


def test_the_per_class_parents_may_not_exceed_the_total(school: TinySchool) -> None:
    """3 + 2 = 5 parents counted in the classes: a total of 4 is refused; 5, or 7 (parents of classes not
    counted, or guests), is kept as typed; a blank total is stored as the 5 the classes add up to."""
    dean = _user(school, "dean", "德育主任")
    with pytest.raises(InvalidEntry) as refused:
        records.record_activity(school.session, dean, _meeting(school, 4, 3, 2, "家长会甲"), today=TODAY)
    (problem,) = refused.value.problems
    assert problem.field == "参与家长人次"
    assert problem.message.startswith("各班家长到场合计 5 人，多于填写的总数 4 人次")
    school.session.rollback()
    assert _count(school.session, Activity) == 0 and _count(school.session, ActivityClass) == 0

    for total, title in ((5, "家长会乙"), (7, "家长会丙"), (None, "家长会丁")):
        records.record_activity(school.session, dean, _meeting(school, total, 3, 2, title), today=TODAY)
    # one class counted, the other not: 3 ≤ 4 is fine
    records.record_activity(school.session, dean, _meeting(school, 4, 3, None, "家长会戊"), today=TODAY)
    school.session.commit()
    stored = dict(school.session.execute(select(Activity.title, Activity.parents_count)).all())
    assert stored == {"家长会乙": 5, "家长会丙": 7, "家长会丁": 5, "家长会戊": 4}


# ---- 2. backlogs: by term, dates with the year, several confirmed at once ----------------------------


def test_the_volunteer_backlog_is_filtered_by_term_oldest_first_with_the_year(school: TinySchool) -> None:
    """Unconfirmed: A on 2025-11-03, B on 2025-10-08 (term 1), C on 2026-03-02 (term 2); D confirmed.
    Term 1 lists B then A; every term lists B, A, C; dates read 2025-10-08."""
    a = school.volunteer("一(1)班", "A", date(2025, 11, 3), 2, confirmed=False)
    b = school.volunteer("一(1)班", "B", date(2025, 10, 8), 1.5, confirmed=False)
    c = school.volunteer("一(1)班", "C", date(2026, 3, 2), 1, confirmed=False)
    school.volunteer("一(2)班", "D", date(2025, 10, 9), 3, confirmed=True)
    school.session.commit()
    dean = _user(school, "dean", "德育主任")
    options, first = entry_queries.backlog_terms(school.session, school.school.id, date(2026, 3, 10))
    assert options == [(school.term2.id, school.term2.name), (school.term1.id, school.term1.name)]
    assert first == school.term2.id
    assert entry_queries.backlog_terms(school.session, school.school.id, date(2026, 2, 1))[1] == school.term1.id

    term1 = entry_queries.volunteering_to_confirm(school.session, dean, date(2026, 3, 10), school.term1.id)
    assert term1["id"].tolist() == [b.id, a.id]
    assert term1["服务日期"].tolist() == ["2025-10-08", "2025-11-03"]
    every = entry_queries.volunteering_to_confirm(school.session, dean, date(2026, 3, 10))
    assert every["id"].tolist() == [b.id, a.id, c.id]
    assert not every.isna().any().any()


def test_several_volunteer_records_are_confirmed_in_one_go_and_each_is_logged(school: TinySchool) -> None:
    a = school.volunteer("一(1)班", "A", date(2025, 11, 3), 2, confirmed=False)
    b = school.volunteer("一(1)班", "B", date(2025, 10, 8), 1.5, confirmed=False)
    c = school.volunteer("一(1)班", "C", date(2025, 10, 9), 1, confirmed=False)
    school.session.commit()
    head = _user(school, "head_teacher", "王老师")
    assert records.confirm_volunteering(school.session, head, [a.id, b.id], today=TODAY) == 2
    school.session.commit()
    confirmed = dict(school.session.execute(select(VolunteerRecord.id, VolunteerRecord.confirmed_by)).all())
    assert confirmed == {a.id: head.id, b.id: head.id, c.id: None}
    logged = school.session.scalars(select(AuditLog.entity_id).where(AuditLog.action == "confirm")).all()
    assert sorted(logged) == sorted([a.id, b.id])


def test_the_request_backlog_is_filtered_by_term_oldest_first_with_the_year(school: TinySchool) -> None:
    """Open: 2025-10-08 09:00 and 2025-11-28 10:30 (term 1), 2026-03-02 08:00 (term 2); one answered.
    With a 72-hour limit at 2026-03-03 12:00, all three are overdue except the term-2 one (28 h)."""
    old = school.request("一(1)班", datetime(2025, 10, 8, 9, 0))
    late = school.request("一(2)班", datetime(2025, 11, 28, 10, 30))
    new = school.request(None, datetime(2026, 3, 2, 8, 0))
    school.request("一(1)班", datetime(2025, 10, 1, 9), replied=datetime(2025, 10, 2, 9))
    school.session.commit()
    dean = _user(school, "dean", "德育主任")
    now = datetime(2026, 3, 3, 12, 0)
    term1 = entry_queries.open_requests(school.session, dean, now, None, school.term1.id)
    assert term1["id"].tolist() == [old.id, late.id]
    assert term1["收到时间"].tolist() == ["2025-10-08 09:00", "2025-11-28 10:30"]
    assert term1["状态"].tolist() == ["超时未答复", "超时未答复"]  # glossary.REQUEST_STATUS_LABELS, one name
    term2 = entry_queries.open_requests(school.session, dean, now, None, school.term2.id)
    assert (term2["id"].tolist(), term2["班级"].tolist(), term2["状态"].tolist()) == (
        [new.id],
        ["全校"],
        ["待答复（未超时）"],
    )
    head = _user(school, "head_teacher", "王老师")
    own = entry_queries.open_requests(school.session, head, now, [school.classes["一(1)班"].id], None)
    assert own["id"].tolist() == [old.id]
