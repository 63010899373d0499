"""工作要求 (hxgy.compliance), computed by hand on a tiny school.

测试小学, 2025-2026学年第一学期 = 2025-09-01 … 2026-01-20 (months: 9, 10, 11, 12, 1月1–20日), 第二学期 from 2026-02-24.
一(1)班: A (留守儿童), B, C, E (enrolled from 2025-11-01); 一(2)班: G. Each has a family with one guardian.

Contacts, first term:
  A: 家访 09-10, 电话 10-05, 11-05, 01-05 (no contact in December)
  B: 家访 12-01;  C: 电话 09-15 only (a phone call is not an in-person 家访);  E: none;  G: 家访 09-20, 10-01
Requests (limit 72 h): 一(1)班 r1 10-01 09:00 answered 10-02 (on time), r2 10-10 answered 10-20 (late);
  school-wide r3 2026-01-19 10:00, open (pending at 2026-01-20 12:00: not due, not counted).
家长学校 (guidance): one school-wide session 2025-09-20, attended by the guardians of A, B, C and G.
Second term: F joins 一(1)班 on 2026-03-01 (new: first enrolled after the first term); 家访 for F 03-05.

By hand, first term over:
  全员家访 (1, 100%): 一(1) 4 students, met A B = 2 → 未达标, behind C E; 一(2) 1 of 1 → 达标; school 3 of 5 → 未达标
  with share 50%: 一(1) needs 2 → 达标; school needs ceil(2.5) = 3 → 达标
  on 2025-10-15 (term running): 一(1) met A; B C E pending → 未到期
  留守儿童每月联系 (1): A missed December → 未达标 at term end; on 2025-11-15 (Sep, Oct done, Nov has one) 未到期;
    on 2026-01-10 (December over without a contact) 未达标; 一(2) has no 留守儿童 → 无需检查
  家长学校场次 (2): 1 held → 未达标 (school only); on 2025-10-01 → 未到期
  家长学校参与 (1, 80%): 一(1) 3 of 4 families (E none) → needs ceil(3.2) = 4 → 未达标; school 4 of 5 → 达标
  诉求按时答复: 一(1) r1 on time, r2 late → 未达标; school the same two (r3 pending) → 未达标
Second term: 新生家访 subjects F only → 达标; first term (none before it on record): the students who entered the
school this school year (entry_year 2025: all five; four once A's entry_year is 2024).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hxgy import compliance
from hxgy.metrics.roster import ClassFilter
from hxgy.models import ActivityAttendance, Category
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school

END = datetime(2026, 1, 20, 12)


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1)
    s.add_class(1, 2)
    for name in ("A", "B", "C"):
        s.add_student(name, "一(1)班")
    s.add_student("E", "一(1)班", start=date(2025, 11, 1))
    s.add_student("G", "一(2)班")
    s.students["A"].left_behind = True
    for day in (date(2025, 9, 10),):
        s.contact("一(1)班", day, "A", channel="home_visit")
    for day in (date(2025, 10, 5), date(2025, 11, 5), date(2026, 1, 5)):
        s.contact("一(1)班", day, "A", channel="phone")
    s.contact("一(1)班", date(2025, 12, 1), "B", channel="home_visit")
    s.contact("一(1)班", date(2025, 9, 15), "C", channel="phone")
    s.contact("一(2)班", date(2025, 9, 20), "G", channel="home_visit")
    s.contact("一(2)班", date(2025, 10, 1), "G", channel="home_visit")
    s.request("一(1)班", datetime(2025, 10, 1, 9), datetime(2025, 10, 2, 9))
    s.request("一(1)班", datetime(2025, 10, 10, 9), datetime(2025, 10, 20, 9))
    s.request(None, datetime(2026, 1, 19, 10))
    session_ = s.activity("家长学校", date(2025, 9, 20), "parent_school", "school", {})
    for name in ("A", "B", "C", "G"):
        session.add(
            ActivityAttendance(school_id=s.school.id, activity_id=session_.id, guardian_id=s.guardians[name].id)
        )
    session.flush()
    yield s
    session.close()


def _results(s: TinySchool, today: date | None = None, now: datetime = END, **changes: float) -> dict:
    period = term_period(s.term1, today)
    chosen = [replace(r, **changes) if changes else r for r in compliance.rules(s.session, s.school.id)]
    results = compliance.evaluate(s.session, period, ClassFilter(s.school.id), now, only=chosen)
    names = {c.id: name for name, c in s.classes.items()}
    return {(r.rule.code, names.get(r.class_id, "全校")): r for r in results}


def _names(s: TinySchool, ids: tuple[int, ...]) -> set[str]:
    by_id = {student.id: name for name, student in s.students.items()}
    return {by_id[i] for i in ids}


def test_home_visits_in_person_only(school: TinySchool) -> None:
    got = _results(school)
    one = got[("home_visit", "一(1)班")]
    assert (one.status, one.subjects, one.met) == (compliance.NOT_MET, 4, 2)
    assert _names(school, one.behind) == {"C", "E"}
    assert got[("home_visit", "一(2)班")].status == compliance.MET
    whole = got[("home_visit", "全校")]
    assert (whole.status, whole.subjects, whole.met) == (compliance.NOT_MET, 5, 3)


def test_a_channel_marked_in_person_counts(school: TinySchool) -> None:
    school.session.execute(
        update(Category)
        .where(Category.school_id == school.school.id, Category.code == "phone", Category.kind == "channel")
        .values(in_person=True)
    )
    one = _results(school)[("home_visit", "一(1)班")]
    assert (one.met, _names(school, one.behind)) == (3, {"E"})


def test_share_threshold(school: TinySchool) -> None:
    got = _results(school, share=50.0)
    assert got[("home_visit", "一(1)班")].status == compliance.MET
    assert got[("home_visit", "全校")].status == compliance.MET


def test_running_term_is_not_yet_due(school: TinySchool) -> None:
    got = _results(school, date(2025, 10, 15), datetime(2025, 10, 15, 12))
    one = got[("home_visit", "一(1)班")]
    assert (one.status, one.met) == (compliance.NOT_DUE, 1)
    assert got[("home_visit", "一(2)班")].status == compliance.MET
    assert got[("guidance_sessions", "全校")].status == compliance.NOT_DUE


def test_monthly_contact_of_flagged_students(school: TinySchool) -> None:
    assert compliance.months(term_period(school.term1))[-1] == (date(2026, 1, 1), date(2026, 1, 20))
    got = _results(school)
    flagged = got[("left_behind_contact", "一(1)班")]
    assert (flagged.status, flagged.subjects, _names(school, flagged.behind)) == (compliance.NOT_MET, 1, {"A"})
    assert got[("left_behind_contact", "一(2)班")].status == compliance.NO_SUBJECTS
    assert got[("single_parent_contact", "全校")].status == compliance.NO_SUBJECTS
    november = _results(school, date(2025, 11, 15), datetime(2025, 11, 15, 12))
    assert november[("left_behind_contact", "一(1)班")].status == compliance.NOT_DUE
    january = _results(school, date(2026, 1, 10), datetime(2026, 1, 10, 12))
    assert january[("left_behind_contact", "一(1)班")].status == compliance.NOT_MET


def test_guidance_rules(school: TinySchool) -> None:
    got = _results(school)
    sessions = got[("guidance_sessions", "全校")]
    assert sessions.status == compliance.NOT_MET and sessions.note == "已举办 1 场"
    assert ("guidance_sessions", "一(1)班") not in got
    one = got[("guidance_attendance", "一(1)班")]
    assert (one.status, one.subjects, one.met) == (compliance.NOT_MET, 4, 3)
    whole = got[("guidance_attendance", "全校")]
    assert (whole.status, whole.subjects, whole.met) == (compliance.MET, 5, 4)


def test_requests_judged_once_due(school: TinySchool) -> None:
    got = _results(school)
    one = got[("request_reply", "一(1)班")]
    assert (one.status, one.subjects, one.met) == (compliance.NOT_MET, 2, 1)
    whole = got[("request_reply", "全校")]
    assert (whole.subjects, whole.met) == (2, 1)


def test_new_students_in_their_first_term(school: TinySchool) -> None:
    school.add_student("F", "一(1)班", start=date(2026, 3, 1))
    school.contact("一(1)班", date(2026, 3, 5), "F", channel="home_visit")
    period = term_period(school.term2)
    rule = next(r for r in compliance.rules(school.session, school.school.id) if r.kind == "new_student_visit")
    results = compliance.evaluate(
        school.session, period, ClassFilter(school.school.id), datetime(2026, 7, 6), only=[rule]
    )
    whole = next(r for r in results if r.class_id is None)
    assert (whole.status, whole.subjects, whole.met) == (compliance.MET, 1, 1)
    first = _results(school)[("new_student_visit", "全校")]
    assert first.subjects == 5  # the first term on record: everyone entered in 2025 (entry_year)
    school.students["A"].entry_year = 2024
    school.session.flush()
    assert _results(school)[("new_student_visit", "全校")].subjects == 4


def test_disabled_rules_are_not_checked(school: TinySchool) -> None:
    from hxgy.models import WorkRule

    school.session.execute(update(WorkRule).where(WorkRule.code == "home_visit").values(enabled=False))
    codes = {r.code for r in compliance.rules(school.session, school.school.id)}
    assert "home_visit" not in codes and "request_reply" in codes
    assert school.session.scalar(select(WorkRule.enabled).where(WorkRule.code == "home_visit")) is False


def test_the_dean_edits_the_rules_checked_and_audited(school: TinySchool) -> None:
    from hxgy.entry import categories, work_rules
    from hxgy.entry.rules import InvalidEntry, WriteRefused
    from hxgy.models import AuditLog

    s = school.session
    dean = school.user("dean")
    teacher = school.user("head_teacher", "班主任")
    s.commit()  # a refusal is logged in its own transaction: the accounts must be there
    rules = {r.code: r for r in compliance.rules(s, school.school.id, enabled_only=False)}
    visit = rules["home_visit"]
    labels = {r.id: r.label for r in rules.values()}
    with pytest.raises(InvalidEntry) as wrong:
        work_rules.update_rules(s, dean, {visit.id: work_rules.RuleSetting(True, 1, 0.0)}, labels)
    assert "全员家访·达标比例" in str(wrong.value)
    with pytest.raises(WriteRefused):
        work_rules.update_rules(s, teacher, {visit.id: work_rules.RuleSetting(True, 1, 50.0)}, labels)
    assert work_rules.update_rules(s, dean, {visit.id: work_rules.RuleSetting(True, 1, 50.0)}, labels) == 1
    assert work_rules.update_rules(s, dean, {visit.id: work_rules.RuleSetting(True, 1, 50.0)}, labels) == 0
    assert _results(school)[("home_visit", "一(1)班")].status == compliance.MET  # 2 of 4 at 50 %
    audited = s.scalars(select(AuditLog.entity).where(AuditLog.action == "update")).all()
    assert audited == ["work_rule"]  # the one change (the same setting again writes nothing)
    # the phone counts as an in-person visit once the dean says so (设置 → 类别)
    phone = school.category("channel", "phone")
    categories.set_flagged_categories(s, dean, "channel", {school.category("channel", "home_visit"), phone})
    assert _results(school)[("home_visit", "一(1)班")].met == 3


def test_students_who_come_or_go_mid_term(school: TinySchool) -> None:
    """H (留守) came on 2025-11-20: first checked in December (November had 11 days of theirs), contacted in
    December and January → 达标. L (留守) left on 2025-10-15 unvisited: not checked by the student rules."""
    school.add_student("H", "一(2)班", start=date(2025, 11, 20))
    school.add_student("L", "一(2)班", end=date(2025, 10, 15))
    for name in ("H", "L"):
        school.students[name].left_behind = True
    school.contact("一(2)班", date(2025, 12, 3), "H")
    school.contact("一(2)班", date(2026, 1, 6), "H")
    school.session.flush()
    got = _results(school)
    flagged = got[("left_behind_contact", "一(2)班")]
    assert (flagged.status, flagged.subjects, flagged.met) == (compliance.MET, 1, 1)
    visits = got[("home_visit", "一(2)班")]
    assert visits.subjects == 2 and _names(school, visits.behind) == {"H"}  # G and H; L left


def test_flagged_students_up_to_date_are_not_behind(school: TinySchool) -> None:
    """On 2025-11-15 A has a contact in September, October and November: on track, not listed, not yet 达标."""
    november = _results(school, date(2025, 11, 15), datetime(2025, 11, 15, 12))
    flagged = november[("left_behind_contact", "一(1)班")]
    assert (flagged.status, flagged.met, flagged.on_track, flagged.behind) == (compliance.NOT_DUE, 0, 1, ())
    october = _results(school, date(2025, 10, 3), datetime(2025, 10, 3, 12))  # October has no contact yet
    assert _names(school, october[("left_behind_contact", "一(1)班")].behind) == {"A"}
