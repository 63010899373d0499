"""待办 (hxgy.todo): what is due, computed by hand on a tiny school, and each item gone once the work is done.

测试小学, term 1 = 2025-09-01 … 2026-01-20 (142 days); "now" is 2025-10-15 12:00, day 45 of the term, so an on-pace
coverage target of 100% is 45/142 = 31.7% today. Reply limit: 72 hours.
三(2)班 (head 王老师, subject teacher 赵老师): 甲 (visited at home), 乙 (phoned), 丙, 丁 (nobody yet).
三(1)班 (head 李老师): 戊 (nobody yet).
Requests: R1 三(2)班 in on 10-11 09:00 (due 10-14 09:00, overdue by 27 hours), R2 三(2)班 in on 10-15 08:00
(due 10-18 08:00, 68 hours left), R3 三(2)班 answered, R4 三(1)班, R5 not tied to a class.
Volunteer hours: 甲's mother 2 h unconfirmed and 1 h confirmed in 三(2)班; 戊's mother 3 h unconfirmed in 三(1)班.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from hxgy import todo
from hxgy.entry import moral_grid, records
from hxgy.entry.records import ContactEntry
from hxgy.metrics.moral import moral_scheme
from hxgy.models import MoralRater, Target
from tests.builders import TinySchool, tiny_school

NOW = datetime(2025, 10, 15, 12)
TODAY = NOW.date()


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(3, 1, head="李老师")
    s.add_class(3, 2, head="王老师")
    for name in "甲乙丙丁":
        s.add_student(name, "三(2)班")
    s.add_student("戊", "三(1)班")
    s.guardians["丙"].phone = "13812345678"
    for measure in ("home_visit_coverage", "contact_coverage"):
        session.add(Target(school_id=s.school.id, term_id=s.term1.id, measure=measure, value=100))
    s.contact("三(2)班", date(2025, 9, 20), "甲", channel="home_visit")
    s.contact("三(2)班", date(2025, 9, 21), "乙", channel="phone")
    s.contact("三(2)班", date(2025, 9, 22))  # class-wide: reaches no family
    s.contact("三(2)班", date(2025, 9, 23), "丙", deleted=True)  # deleted: does not count
    s.request("三(2)班", datetime(2025, 10, 11, 9))  # R1
    s.request("三(2)班", datetime(2025, 10, 15, 8))  # R2
    s.request("三(2)班", datetime(2025, 10, 1, 9), replied=datetime(2025, 10, 1, 10))  # R3
    s.request("三(1)班", datetime(2025, 10, 14, 12))  # R4: 48 hours left
    s.request(None, datetime(2025, 10, 10, 12))  # R5: overdue by 48 hours
    s.volunteer("三(2)班", "甲", date(2025, 10, 8), 2, confirmed=False)
    s.volunteer("三(2)班", "甲", date(2025, 10, 9), 1)
    s.volunteer("三(1)班", "戊", date(2025, 10, 7), 3, confirmed=False)
    session.commit()
    yield s
    session.close()  # an open transaction would block the next test's emptying on PostgreSQL


def _user(s: TinySchool, role: str, staff: str | None = None, teaches: str | None = None):
    account = s.user(role, staff, teaches)
    s.session.commit()
    return account


def _rows(items: list[todo.TodoItem]) -> list[tuple[str, str, str]]:
    return [(i.kind, i.class_name, i.title) for i in items]


def test_a_head_teacher_sees_what_is_due_in_own_class_most_urgent_first(school) -> None:
    head = _user(school, "head_teacher", "王老师")
    items = todo.items_for(school.session, head, now=NOW)
    assert _rows(items) == [
        ("request", "三(2)班", "三(2)班 家长诉求（安全）"),  # R1: overdue
        ("request", "三(2)班", "三(2)班 家长诉求（安全）"),  # R2
        ("not_contacted", "三(2)班", "丙（S0003）"),
        ("not_contacted", "三(2)班", "丁（S0004）"),
        ("not_visited", "三(2)班", "乙（S0002）"),
        ("volunteer_confirm", "三(2)班", "三(2)班 护学岗 2 小时"),
    ]
    r1, r2, bing, ding, yi, hours = items
    assert r1.overdue and r1.due == datetime(2025, 10, 14, 9) and r1.time_left == "已超时 1 天 3 小时"
    assert not r2.overdue and r2.due == datetime(2025, 10, 18, 8) and r2.time_left == "剩 2 天 20 小时"
    assert r1.group_text == "三(2)班：家长诉求待答复 2 件，其中已超时 1 件"
    # 家访: 1 of 4 (甲); on pace 31.7% of 4 = 1.27 → 2 families → 1 behind; 沟通: 2 of 4 (甲, 乙) → on pace
    assert yi.group_text == "三(2)班：家访 1/4 户（25.0%），按进度应达 31.7%，还差 1 户；尚未家访 3 户"
    assert bing.group_text == "三(2)班：沟通 2/4 户（50.0%），按进度应达 31.7%，已达进度；尚未沟通 2 户"
    assert (bing.guardian_name, bing.guardian_phone) == ("丙妈妈", "138****5678")
    assert ding.guardian_phone == "" and bing.due == datetime(2026, 1, 21) and not bing.overdue
    assert bing.student_id == school.students["丙"].id and bing.teacher == "王老师"
    assert hours.record_id is not None and hours.due is None
    assert all("丙" not in i.group_text and "妈妈" not in i.group_text for i in items), "no name in group text"


def test_a_subject_teacher_sees_the_class_but_confirms_no_hours(school) -> None:
    teacher = _user(school, "teacher", "赵老师", teaches="三(2)班")
    kinds = [i.kind for i in todo.items_for(school.session, teacher, now=NOW)]
    assert kinds == ["request", "request", "not_contacted", "not_contacted", "not_visited"]


def test_the_principal_gets_the_whole_school_and_the_meeting_screen_nothing(school) -> None:
    principal = _user(school, "principal")
    items = todo.items_for(school.session, principal, now=NOW)
    assert items == todo.school_items(school.session, school.school.id, now=NOW)
    assert [(i.kind, i.class_name, i.overdue) for i in items if i.kind == "request"] == [
        ("request", "全校", True),  # R5: due 10-13 12:00
        ("request", "三(2)班", True),  # R1: due 10-14 09:00
        ("request", "三(1)班", False),  # R4: due 10-17 12:00
        ("request", "三(2)班", False),  # R2: due 10-18 08:00
    ]
    families = [(i.kind, i.title, i.teacher) for i in items if i.student_id is not None]
    assert families == [
        ("not_contacted", "戊（S0005）", "李老师"),  # 三(1)班 comes first (grade, class number)
        ("not_contacted", "丙（S0003）", "王老师"),
        ("not_contacted", "丁（S0004）", "王老师"),
        ("not_visited", "乙（S0002）", "王老师"),
    ]
    hours = [i.title for i in items if i.kind == "volunteer_confirm"]
    assert hours == ["三(1)班 护学岗 3 小时", "三(2)班 护学岗 2 小时"], "oldest first"
    assert todo.counts(items) == {
        "request": 4, "not_contacted": 3, "not_visited": 1, "moral_grid": 0, "volunteer_confirm": 2
    }  # fmt: skip
    assert todo.items_for(school.session, _user(school, "meeting"), now=NOW) == []


def test_each_item_disappears_once_the_work_is_done(school) -> None:
    head = _user(school, "head_teacher", "王老师")
    s = school

    def due() -> list[tuple[str, str, str]]:
        return _rows(todo.items_for(s.session, head, now=NOW))

    # a 家访 for 丙, saved as the 记录沟通 form saves it
    visit = ContactEntry(
        class_id=s.classes["三(2)班"].id,
        contact_date=TODAY,
        channel_id=s.category("channel", "home_visit"),
        student_id=s.students["丙"].id,
    )
    records.log_contact(s.session, head, visit, today=TODAY, submission_key="todo-visit")
    s.session.commit()
    assert ("not_contacted", "三(2)班", "丙（S0003）") not in due()
    yi = next(i for i in todo.items_for(s.session, head, now=NOW) if i.kind == "not_visited")
    assert yi.group_text == "三(2)班：家访 2/4 户（50.0%），按进度应达 31.7%，已达进度；尚未家访 2 户"

    # a phone call for 丁: no longer "not contacted", still "not visited"
    call = ContactEntry(
        class_id=s.classes["三(2)班"].id,
        contact_date=TODAY,
        channel_id=s.category("channel", "phone"),
        student_id=s.students["丁"].id,
    )
    records.log_contact(s.session, head, call, today=TODAY, submission_key="todo-call")
    s.session.commit()
    assert [r for r in due() if r[2] == "丁（S0004）"] == [("not_visited", "三(2)班", "丁（S0004）")]

    # the reply to R1
    r1 = next(i for i in todo.items_for(s.session, head, now=NOW) if i.overdue)
    records.reply_to_request(s.session, head, r1.record_id, reply="已处理", replied_at=NOW, today=TODAY)
    s.session.commit()
    assert [i.record_id for i in todo.items_for(s.session, head, now=NOW) if i.kind == "request"] == [
        r1.record_id + 1
    ], "R2 is left"

    # the hours confirmed
    hours = next(i for i in todo.items_for(s.session, head, now=NOW) if i.kind == "volunteer_confirm")
    assert records.confirm_volunteering(s.session, head, [hours.record_id], today=TODAY) == 1
    s.session.commit()
    assert [r for r in due() if r[0] == "volunteer_confirm"] == []
    assert [r[0] for r in due()] == ["request", "not_visited", "not_visited"]


def test_an_incomplete_moral_grid_is_due_in_the_last_three_weeks_of_the_term(school) -> None:
    s = school
    head = _user(s, "head_teacher", "王老师")
    s.scores("甲", "三(2)班", {"teacher": 90})
    s.session.commit()
    three_weeks_before = datetime(2025, 12, 30, 12)  # 21 days before 2026-01-20: not yet
    assert [i for i in todo.items_for(s.session, head, now=three_weeks_before) if i.kind == "moral_grid"] == []
    near = datetime(2026, 1, 5, 12)  # 15 days before the end
    grid = [i for i in todo.items_for(s.session, head, now=near) if i.kind == "moral_grid"]
    assert [(i.title, i.group_text) for i in grid] == [
        ("三(2)班 德育评分（教师评）", "三(2)班：德育评分（教师评）完成 1/4 人，还差 3 人")
    ]
    assert grid[0].due == datetime(2026, 1, 21) and "距学期结束还有 16 天" in grid[0].detail
    assert [i.kind for i in todo.items_for(s.session, head, now=near)][:3] == ["request", "request", "moral_grid"]

    # the rest of the grid saved through the 德育评分 form's write: the item is gone
    scheme = moral_scheme(s.session, school_id=s.school.id)
    teacher = next(r.id for r in s.session.query(MoralRater).filter_by(school_id=s.school.id, code="teacher"))
    cells = {(s.students[n].id, d): 85.0 for n in "乙丙丁" for d, _code, _name in scheme.dimensions}
    moral_grid.save_grid(
        s.session,
        head,
        class_id=s.classes["三(2)班"].id,
        term_id=s.term1.id,
        rater_id=teacher,
        scores=cells,
        today=near.date(),
    )
    s.session.commit()
    assert [i for i in todo.items_for(s.session, head, now=near) if i.kind == "moral_grid"] == []


def test_time_left_is_written_in_days_and_hours() -> None:
    now = datetime(2025, 10, 15, 12)
    assert todo.hours_left_text(datetime(2025, 10, 15, 17), now) == "剩 5 小时"
    assert todo.hours_left_text(datetime(2025, 10, 15, 12, 20), now) == "剩 1 小时"
    assert todo.hours_left_text(datetime(2025, 10, 17, 12), now) == "剩 2 天"
    assert todo.hours_left_text(datetime(2025, 10, 14, 9), now) == "已超时 1 天 3 小时"


def test_a_family_that_left_is_no_longer_on_the_list_though_the_term_still_counts_it(school) -> None:
    from hxgy.metrics.roster import ClassFilter, students_by_class
    from hxgy.privacy import leaving
    from hxgy.terms import term_period

    s = school
    head = _user(s, "head_teacher", "王老师")
    dean = _user(s, "dean")
    period = term_period(s.term1, TODAY)
    view = ClassFilter(s.school.id, class_ids=(s.classes["三(2)班"].id,))

    def families() -> set[str]:
        return {r[2] for r in _rows(todo.items_for(s.session, head, now=NOW)) if r[0].startswith("not_")}

    assert families() == {"乙（S0002）", "丙（S0003）", "丁（S0004）"}
    leaving.record_leaving(s.session, dean, s.students["丁"].id, left_on=date(2025, 10, 10), reason="转出", today=TODAY)
    s.session.commit()
    assert families() == {"乙（S0002）", "丙（S0003）"}
    # the term still counts 丁 among the class's four students (PRODUCT.md: enrolled in the period)
    assert students_by_class(s.session, period, view).iloc[:, 1].tolist() == [4]
