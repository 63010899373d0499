"""update_school_year: a year's dates and both terms' dates change together, with the checks of add_school_year.

Tiny school: 2025-2026学年 from 2025-09-01 to 2026-08-31 (terms 09-01..01-20 and 02-24..07-05); 一(1)班 with A
(enrolled from the year's first day) and B (from 2025-10-01, a late arrival).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy import auth
from hxgy.entry import school_years
from hxgy.entry.rules import InvalidEntry, WriteRefused
from hxgy.entry.school_years import YearPlan
from hxgy.models import AuditLog, Enrolment, Term
from tests.builders import TinySchool, tiny_school


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    s.add_student("A", "一(1)班")
    s.add_student("B", "一(1)班", start=date(2025, 10, 1))
    session.commit()
    yield s
    session.close()


def plan(start: date, end: date, t1: tuple[date, date], t2: tuple[date, date], start_year: int = 2025) -> YearPlan:
    return YearPlan(start_year, start, end, t1, t2)


TERMS = ((date(2025, 9, 1), date(2026, 1, 20)), (date(2026, 2, 24), date(2026, 7, 5)))
YEAR = (date(2025, 9, 1), date(2026, 8, 31))


def test_editing_a_year_moves_its_terms_and_the_enrolments_that_began_with_it(school: TinySchool) -> None:
    """Start 2025-08-25 instead of 09-01, second term from 02-20: A's enrolment (from the first day) now begins on
    08-25, B's (from 10-01) is left alone; the audit log holds the year and its terms before and after."""
    dean = school.user("dean")
    school_years.update_school_year(
        school.session,
        dean,
        school.year.id,
        plan(date(2025, 8, 25), date(2026, 7, 31), TERMS[0], (date(2026, 2, 20), date(2026, 7, 5))),
        today=date(2025, 11, 22),
    )
    school.session.commit()
    assert (school.year.start_date, school.year.end_date, school.year.name) == (
        date(2025, 8, 25),
        date(2026, 7, 31),
        "2025-2026学年",
    )
    terms = school.session.execute(select(Term.term_no, Term.start_date, Term.end_date).order_by(Term.term_no)).all()
    assert [tuple(t) for t in terms] == [(1, *TERMS[0]), (2, date(2026, 2, 20), date(2026, 7, 5))]
    starts = dict(
        school.session.execute(select(Enrolment.student_id, Enrolment.start_date)).all()  # one enrolment each
    )
    assert starts == {school.students["A"].id: date(2025, 8, 25), school.students["B"].id: date(2025, 10, 1)}
    entry = school.session.scalar(select(AuditLog).where(AuditLog.entity == "school_year"))
    before, after = json.loads(entry.before), json.loads(entry.after)
    assert (before["start_date"], after["start_date"]) == ("2025-09-01", "2025-08-25")
    assert (before["terms"]["2"]["start_date"], after["terms"]["2"]["start_date"]) == ("2026-02-24", "2026-02-20")


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        (plan(date(2025, 9, 1), date(2025, 8, 1), *TERMS), "学年：结束日期必须晚于开始日期"),
        (
            plan(date(2025, 9, 1), date(2026, 8, 31), (date(2025, 9, 1), date(2025, 8, 1)), TERMS[1]),
            "第一学期：结束日期",
        ),
        (
            plan(date(2025, 9, 1), date(2026, 8, 31), TERMS[0], (date(2026, 1, 10), date(2026, 7, 5))),
            "第一学期结束之后",
        ),
        (plan(date(2025, 9, 10), date(2026, 8, 31), *TERMS), "第一学期：必须在学年之内"),
        (plan(date(2025, 9, 1), date(2026, 9, 15), *TERMS), "与已有的2026-2027学年日期重叠"),
        (plan(date(2026, 1, 1), date(2026, 8, 31), *TERMS), "2025-2026学年应在 2025 年开始"),
    ],
)
def test_editing_refuses_inverted_outside_and_overlapping_dates(school: TinySchool, changed, message) -> None:
    """Each wrong plan is refused with its Chinese message and the year and terms stay as they were."""
    school.next_year()  # 2026-2027学年 from 2026-09-01
    dean = school.user("dean")
    school.session.commit()
    with pytest.raises(InvalidEntry, match=message):
        school_years.update_school_year(school.session, dean, school.year.id, changed, today=date(2025, 11, 22))
    school.session.rollback()
    school.session.refresh(school.year)
    assert (school.year.start_date, school.year.end_date) == (date(2025, 9, 1), date(2026, 8, 31))


def test_only_admin_and_dean_edit_years_and_the_refusal_is_logged(school: TinySchool) -> None:
    head = school.user("head_teacher", staff="王老师")
    school.session.commit()
    with pytest.raises(WriteRefused):
        school_years.update_school_year(
            school.session, head, school.year.id, plan(date(2025, 8, 25), date(2026, 8, 31), *TERMS), today=date.today()
        )
    assert school.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "denied")) == 1
    school.session.refresh(school.year)
    assert school.year.start_date == date(2025, 9, 1)


def test_adding_a_year_twice_is_refused_even_without_overlap(school: TinySchool) -> None:
    """The start year names the year: a second 2025-2026学年 is refused, whatever its dates."""
    dean = school.user("dean")
    with pytest.raises(InvalidEntry, match="2025-2026学年已存在"):
        school_years.add_school_year(
            school.session,
            dean,
            plan(date(2025, 9, 1), date(2026, 8, 31), *TERMS),
        )


def test_head_teacher_and_teacher_accounts_need_a_staff_member() -> None:
    """One rule for 设置 and the command line."""
    assert auth.staff_link_problem("head_teacher", None) == auth.STAFF_LINK_REQUIRED
    assert auth.staff_link_problem("teacher", None) == auth.STAFF_LINK_REQUIRED
    assert auth.staff_link_problem("teacher", 3) is None
    assert all(auth.staff_link_problem(r, None) is None for r in ("admin", "principal", "dean", "meeting", "district"))
