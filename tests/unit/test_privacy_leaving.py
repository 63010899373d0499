"""A student who leaves mid-year (登记离校（转出）, hxgy.privacy.leaving): their enrolment ends on the leaving day,
every figure up to it stays, from the next day they count nowhere; then erasable and, past the 留存年限, purged;
undone by 回到在读; a roster imported again does not bring them back."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from hxgy.entry.rules import InvalidEntry, WriteRefused
from hxgy.metrics import overview, stats
from hxgy.metrics.roster import ClassFilter, students_by_class
from hxgy.models import AuditLog, ClassTermStats, Enrolment, Student
from hxgy.privacy.erase import plan_erasure
from hxgy.privacy.leaving import last_leaving, record_leaving, return_to_school
from hxgy.privacy.retention import due_for_erasure
from hxgy.queries.audit import describe_change
from hxgy.terms import Period, term_period
from hxgy.transfer.imports import prepare, run_import
from tests.builders import TinySchool, tiny_school

TODAY = date(2026, 3, 20)  # the spring term (from 2026-02-24) is running
NOON = datetime(2026, 3, 20, 12)
LEFT_ON = date(2026, 1, 30)  # in the winter holiday: after the autumn term (to 2026-01-20), before the spring term
GONE, STAYS = "钱多多", "孙小美"
COUNTED = ["students", "contacts", "contacted_students", "visited_students", "contact_coverage", "home_visit_coverage"]


def _school(session: Session) -> TinySchool:
    """三(1)班: 钱多多 (who leaves), 孙小美, 周一鸣, 吴小凡; 三(2)班: 李想. Contacts of 三(1)班:
    autumn: 钱多多 家访 09-10, 孙小美 电话 10-08; winter holiday (counts for spring): 钱多多 电话 01-25;
    spring: 孙小美 家访 03-02, 周一鸣 电话 03-05."""
    s = tiny_school(session)
    s.add_class(3, 1, head="王老师")
    s.add_class(3, 2)
    for name in (GONE, STAYS, "周一鸣", "吴小凡"):
        s.add_student(name, "三(1)班")
    s.add_student("李想", "三(2)班")
    s.contact("三(1)班", date(2025, 9, 10), GONE, channel="home_visit")
    s.contact("三(1)班", date(2025, 10, 8), STAYS)
    s.contact("三(1)班", date(2026, 1, 25), GONE)
    s.contact("三(1)班", date(2026, 3, 2), STAYS, channel="home_visit")
    s.contact("三(1)班", date(2026, 3, 5), "周一鸣")
    session.commit()
    return s


def _class_one(session: Session, s: TinySchool, period: Period) -> dict[str, float]:
    frame = overview.class_measures(session, period, ClassFilter(s.school.id), now=NOON).set_index("class_name")
    return {c: float(frame.at["三(1)班", c]) for c in COUNTED}


def _problem(session: Session, s: TinySchool, student_id: int, today: date) -> str:
    plan = plan_erasure(session, s.school.id, student_id, today=today)
    assert plan is not None
    return plan.problem


def _range(s: TinySchool, first: date, last: date) -> dict[str, int]:
    period = Period(first, last, "", s.year.id)
    frame = students_by_class(s.session, period, ClassFilter(s.school.id))
    names = {c.id: name for name, c in s.classes.items()}
    return {names[int(r.class_id)]: int(r.students) for r in frame.itertuples()}


def _stored_students(session: Session, s: TinySchool) -> dict[tuple[int, str], int]:
    names = {c.id: name for name, c in s.classes.items()}
    rows = session.execute(select(ClassTermStats.term_id, ClassTermStats.class_id, ClassTermStats.students)).all()
    return {(term_id, names[class_id]): students for term_id, class_id, students in rows}


def test_a_student_who_leaves_counts_up_to_the_day_and_not_after_then_may_be_erased(engine: Engine) -> None:
    with Session(engine) as session:
        s = _school(session)
        dean = s.user("dean", "德育主任乙")
        session.commit()
        stats.refresh_school(session, school_id=s.school.id, today=TODAY, now=NOON)
        session.commit()
        autumn, spring = term_period(s.term1, TODAY), term_period(s.term2, TODAY)
        gone = s.students[GONE]
        # by hand, before: autumn 4 students, 2 contacts, 2 reached (钱多多, 孙小美), 1 visited (钱多多);
        # spring 4 students, 3 contacts (the holiday call counts), 3 reached, 1 visited (孙小美)
        assert _class_one(session, s, autumn) == {
            "students": 4, "contacts": 2, "contacted_students": 2, "visited_students": 1,
            "contact_coverage": 0.5, "home_visit_coverage": 0.25,
        }  # fmt: skip
        assert _class_one(session, s, spring) == {
            "students": 4, "contacts": 3, "contacted_students": 3, "visited_students": 1,
            "contact_coverage": 0.75, "home_visit_coverage": 0.25,
        }  # fmt: skip
        assert _problem(session, s, gone.id, TODAY).endswith("仍是在读学生，只能删除已离校学生的个人信息")

        left = record_leaving(session, dean, gone.id, left_on=LEFT_ON, reason="转出", today=TODAY)
        session.commit()
        assert (left.ended, left.removed) == (("三(1)班",), ())
        session.expire_all()
        assert session.get_one(Student, gone.id).active is False
        assert session.scalars(select(Enrolment.end_date).where(Enrolment.student_id == gone.id)).all() == [LEFT_ON]

        # autumn, wholly before the leaving day: every figure as it was
        assert _class_one(session, s, autumn) == {
            "students": 4, "contacts": 2, "contacted_students": 2, "visited_students": 1,
            "contact_coverage": 0.5, "home_visit_coverage": 0.25,
        }  # fmt: skip
        # spring, after it: 3 students (孙小美, 周一鸣, 吴小凡); the holiday call still counts for the class,
        # reached 孙小美 and 周一鸣 of 3, visited 孙小美 of 3
        assert _class_one(session, s, spring) == {
            "students": 3, "contacts": 3, "contacted_students": 2, "visited_students": 1,
            "contact_coverage": 2 / 3, "home_visit_coverage": 1 / 3,
        }  # fmt: skip
        # counted to the leaving day itself, not from the day after
        assert _range(s, date(2026, 1, 21), LEFT_ON) == {"三(1)班": 4, "三(2)班": 1}
        assert _range(s, date(2026, 1, 31), TODAY) == {"三(1)班": 3, "三(2)班": 1}
        # the stored figures the pages serve were recounted with it
        assert _stored_students(session, s) == {
            (s.term1.id, "三(1)班"): 4, (s.term1.id, "三(2)班"): 1,
            (s.term2.id, "三(1)班"): 3, (s.term2.id, "三(2)班"): 1,
        }  # fmt: skip

        # left: erasable on a family's request now, purged once 3 years (the default) are past
        assert _problem(session, s, gone.id, TODAY) == ""
        assert due_for_erasure(session, s.school.id, today=date(2029, 1, 30)) == []
        due = due_for_erasure(session, s.school.id, today=date(2029, 1, 31))
        assert [(d.student.name, d.erase_from) for d in due] == [(GONE, date(2029, 1, 31))]
        assert "2026-01-30 离校" in due[0].line()

        leaving = last_leaving(session, s.school.id, gone.id)
        assert leaving is not None and (leaving.left_on, leaving.reason) == (LEFT_ON, "转出")
        entries = session.execute(
            select(AuditLog.entity, AuditLog.action, AuditLog.before, AuditLog.after, AuditLog.detail)
            .where(AuditLog.entity.in_(("student", "enrolment")))
            .order_by(AuditLog.id)
        ).all()
        assert [(e.entity, e.action) for e in entries] == [("enrolment", "update"), ("student", "update")]
        assert {e.detail for e in entries} == {"登记离校（转出），离校日期 2026-01-30"}
        assert (
            describe_change("enrolment", "update", entries[0].before, entries[0].after)
            == "结束日期：（空） → 2026年1月30日"
        )


def test_wrong_dates_reasons_roles_and_a_second_leaving_are_refused_in_chinese(engine: Engine) -> None:
    with Session(engine) as session:
        s = _school(session)
        dean, head = s.user("dean", "德育主任乙"), s.user("head_teacher", "王老师")
        session.commit()
        gone = s.students[GONE].id
        cases = [
            (date(2026, 3, 21), "转出", r"离校日期：2026-03-21 晚于今天（2026-03-20），只能登记已经离校的学生"),
            (date(2025, 8, 31), "转出", r"离校日期：2025-08-31 早于该生进入三\(1\)班的日期（2025-09-01）"),
            (None, "转出", r"离校日期：必须填写"),
            (LEFT_ON, "退学", r"离校原因：应为转出、毕业或其他（现为“退学”）"),
            (None, "毕业", r"离校日期：必须填写"),  # 毕业 without a day only once the class is over
        ]
        for day, reason, message in cases:
            with pytest.raises(InvalidEntry, match=message):
                record_leaving(session, dean, gone, left_on=day, reason=reason, today=TODAY)
            session.rollback()
        with pytest.raises(WriteRefused, match="您无权登记学生"):
            record_leaving(session, head, gone, left_on=LEFT_ON, reason="转出", today=TODAY)
        session.rollback()
        with pytest.raises(InvalidEntry, match="是在读学生，没有可撤销的离校登记"):
            return_to_school(session, dean, gone, today=TODAY)
        session.rollback()
        record_leaving(session, dean, gone, left_on=LEFT_ON, reason="其他", today=TODAY)
        session.commit()
        with pytest.raises(InvalidEntry, match=r"学生：钱多多已于 2026-01-30 离校（其他），不能重复登记离校"):
            record_leaving(session, dean, gone, left_on=TODAY, reason="转出", today=TODAY)
        session.rollback()
        graduate = s.students["李想"]
        graduate.active = False  # as 升年级 leaves a 六年级 student: gone, but not by 登记离校
        session.commit()
        with pytest.raises(InvalidEntry, match="不是通过“登记离校”离校的（如六年级毕业），不能在此恢复"):
            return_to_school(session, dean, graduate.id, today=TODAY)
        session.rollback()


def test_a_graduate_never_marked_is_recorded_as_毕业_on_their_last_class_day(engine: Engine) -> None:
    today = date(2026, 9, 15)  # 2025-2026 ended on 2026-08-31; no 升年级, so 李想 is still marked 在读
    with Session(engine) as session:
        s = _school(session)
        dean = s.user("dean", "德育主任乙")
        session.commit()
        graduate = s.students["李想"].id
        assert _problem(session, s, graduate, today) == (
            "李想（学号 S0005，在班至 2026-08-31）未登记离校：请先在“登记离校”中登记离校日期"
        )
        counted = _class_one(session, s, term_period(s.term2, today))

        left = record_leaving(session, dean, graduate, left_on=None, reason="毕业", today=today)
        session.commit()
        assert (left.left_on, left.reason, left.ended, left.removed) == (date(2026, 8, 31), "毕业", (), ())
        session.expire_all()
        assert session.get_one(Student, graduate).active is False
        assert session.scalars(select(Enrolment.end_date).where(Enrolment.student_id == graduate)).all() == [None]
        assert _class_one(session, s, term_period(s.term2, today)) == counted
        assert _problem(session, s, graduate, today) == ""  # erasable from now on
        gone = last_leaving(session, s.school.id, graduate)
        assert gone is not None and gone.sentence() == "已于 2026-08-31 离校（毕业）"


def test_leaving_in_the_summer_drops_next_years_class_and_the_undo_puts_it_back(engine: Engine) -> None:
    today = date(2026, 8, 25)
    with Session(engine) as session:
        s = _school(session)
        year, autumn, _spring = s.next_year()
        s.add_class(4, 1, year=year)
        for name in (GONE, STAYS):  # moved up by 升年级 before the new year began
            s.enrol(name, "四(1)班", date(2026, 9, 1))
        dean = s.user("dean", "德育主任乙")
        session.commit()
        gone = s.students[GONE].id
        next_autumn = Period(autumn.start_date, autumn.end_date, "", year.id)
        assert dict(students_by_class(session, next_autumn, ClassFilter(s.school.id)).values.tolist()) == {
            s.classes["四(1)班"].id: 2
        }
        spring_before = _class_one(session, s, term_period(s.term2, today))

        left = record_leaving(session, dean, gone, left_on=date(2026, 7, 10), reason="转出", today=today)
        session.commit()
        assert (left.ended, left.removed) == (("三(1)班",), ("四(1)班",))
        assert dict(students_by_class(session, next_autumn, ClassFilter(s.school.id)).values.tolist()) == {
            s.classes["四(1)班"].id: 1
        }
        assert _class_one(session, s, term_period(s.term2, today)) == spring_before  # the term ended 07-05

        back = return_to_school(session, dean, gone, today=today)
        session.commit()
        assert (back.left_on, sorted(back.restored)) == (date(2026, 7, 10), ["三(1)班", "四(1)班"])
        session.expire_all()
        assert session.get_one(Student, gone).active is True
        enrolments = session.execute(
            select(Enrolment.class_id, Enrolment.start_date, Enrolment.end_date)
            .where(Enrolment.student_id == gone)
            .order_by(Enrolment.start_date)
        ).all()
        assert [tuple(e) for e in enrolments] == [
            (s.classes["三(1)班"].id, date(2025, 9, 1), None),
            (s.classes["四(1)班"].id, date(2026, 9, 1), None),
        ]
        assert last_leaving(session, s.school.id, gone) is None
        assert _problem(session, s, gone, today).endswith("只能删除已离校学生的个人信息")
        details = session.scalars(select(AuditLog.detail).where(AuditLog.entity == "student")).all()
        assert details == ["登记离校（转出），离校日期 2026-07-10", "撤销离校登记（原离校日期 2026-07-10），回到在读"]


def _roster(rows: list[dict[str, str]]) -> bytes:
    """A 学生名册 sheet typed by hand (header on row 1)."""
    buffer = io.BytesIO()
    pd.DataFrame(rows).to_excel(buffer, index=False, sheet_name="学生名册")
    return buffer.getvalue()


def test_the_roster_imported_again_keeps_a_student_who_left_gone(engine: Engine) -> None:
    with Session(engine) as session:
        s = _school(session)
        dean = s.user("dean", "德育主任乙")
        session.commit()
        gone = s.students[GONE]
        record_leaving(session, dean, gone.id, left_on=LEFT_ON, reason="转出", today=TODAY)
        session.commit()
        no = {name: st.student_no for name, st in s.students.items()}
        same = [
            {"学年": "2025-2026学年", "班级": "三(1)班", "学号": no[name], "姓名": name}
            for name in (GONE, STAYS, "周一鸣", "吴小凡")
        ]
        # the roster of the year as it was before the leaving: nothing to change, and the student stays gone
        result = run_import(session, dean, "students", "学生名册.xlsx", _roster(same), today=TODAY)
        session.commit()
        assert (result.added, result.updated, result.rejected) == (0, 0, 0)
        session.expire_all()
        assert session.get_one(Student, gone.id).active is False
        assert session.scalars(select(Enrolment.end_date).where(Enrolment.student_id == gone.id)).all() == [LEFT_ON]

        # a row that would put the student in another class is refused by row and column
        moved = [
            *same[1:],
            {"学年": "2025-2026学年", "班级": "三(2)班", "学号": no[GONE], "姓名": GONE, "入班日期": "2026-03-01"},
        ]
        plan = prepare(session, dean, "students", "学生名册.xlsx", _roster(moved), today=TODAY)
        assert [str(p) for p in plan.problems] == [
            "第 5 行，B 列“班级”：学号 S0001 的学生已于 2026-01-30 离校（转出或毕业），不再是在读学生，"
            "不能编入三(2)班。"
            "如该生确已回到本校，请先在“设置 → 家庭数据”中为其办理“回到在读”，再导入；如是名册未更新，请删去这一行"
        ]
        assert plan.bad_rows == {5}
        result = run_import(
            session, dean, "students", "学生名册.xlsx", _roster(moved), today=TODAY, accept_good_rows=True
        )
        session.commit()
        assert result.rejected == 1
        session.expire_all()
        assert session.get_one(Student, gone.id).active is False
        assert session.scalars(select(Enrolment.class_id).where(Enrolment.student_id == gone.id)).all() == [
            s.classes["三(1)班"].id
        ]
        # undone, the same row is a class move like any other
        return_to_school(session, dean, gone.id, today=TODAY)
        session.commit()
        plan = prepare(session, dean, "students", "学生名册.xlsx", _roster(moved), today=TODAY)
        assert plan.problems == []
