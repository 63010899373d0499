"""家委会 counts and notices with their reach, on a tiny school computed by hand.

测试小学, 2025-2026学年: 第一学期 2025-09-01 … 2026-01-20, 第二学期 2026-02-24 … 2026-07-05.
Classes: 一(1)班 (A, B), 一(2)班 (C), 二(1)班 (D); next year's 二(1)班 (A).

家委会 2025-2026: school level A妈妈 主任, D妈妈 委员;  一(1): A妈妈 主任, B妈妈 委员;  二(1): D妈妈 主任.
  2026-2027: next year's 二(1): A妈妈 (another year, counted nowhere for 2025-2026).
By hand: school members 2; class members 2 + 1 = 3 (A妈妈 counts at school level and in 一(1));
  classes with a committee 2 (一(2) has none); grade 1 only: members 2, classes 1.

Notices: n1 2025-10-01 all three classes (全校);  n2 2025-11-01 一(1) 一(2) (一年级);  n3 2025-11-02 一(1);
  n4 2025-11-03 全校, deleted;  n5 2026-02-01 全校 (winter holiday);  n6 2026-03-01 一(1) 二(1) (classes).
By hand, holidays counted by the next term (the default):
  第一学期: n1 n2 n3 → 3, 全校 1, 年级 1; per class 一(1) 3, 一(2) 2, 二(1) 1.
  第二学期: n5 n6 → 2, 全校 1, 年级 0; per class 一(1) 2, 一(2) 1, 二(1) 2.
With holiday records counted by the term before: 第一学期 n1 n2 n3 n5 → 4, 全校 2; 第二学期 n6 → 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from hxgy.metrics.community import REACH_CLASSES, REACH_GRADE, REACH_SCHOOL, committee_counts, notices, reach_kind
from hxgy.metrics.roster import ClassFilter
from hxgy.models import CommitteeMember, Notice, NoticeClass
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1)
    s.add_class(1, 2)
    s.add_class(2, 1)
    for name, cls in (("A", "一(1)班"), ("B", "一(1)班"), ("C", "一(2)班"), ("D", "二(1)班")):
        s.add_student(name, cls)
    year2, _, _ = s.next_year()
    s.add_class(2, 1, year=year2, key="next 二(1)班")

    def member(guardian: str, cls: str | None, position: str, year_id: int = s.year.id) -> None:
        session.add(
            CommitteeMember(
                school_id=s.school.id,
                school_year_id=year_id,
                class_id=s.classes[cls].id if cls else None,
                guardian_id=s.guardians[guardian].id,
                position=position,
            )
        )

    member("A", None, "主任")
    member("D", None, "委员")
    member("A", "一(1)班", "主任")
    member("B", "一(1)班", "委员")
    member("D", "二(1)班", "主任")
    member("A", "next 二(1)班", "委员", year2.id)

    def notice(day: date, classes: list[str], deleted: bool = False) -> None:
        row = Notice(
            school_id=s.school.id,
            notice_date=day,
            title=f"通知 {day}",
            deleted_at=datetime(2026, 1, 1) if deleted else None,
        )
        session.add(row)
        session.flush()
        session.add_all(NoticeClass(notice_id=row.id, class_id=s.classes[c].id) for c in classes)

    every = ["一(1)班", "一(2)班", "二(1)班"]
    notice(date(2025, 10, 1), every)
    notice(date(2025, 11, 1), ["一(1)班", "一(2)班"])
    notice(date(2025, 11, 2), ["一(1)班"])
    notice(date(2025, 11, 3), every, deleted=True)
    notice(date(2026, 2, 1), every)
    notice(date(2026, 3, 1), ["一(1)班", "二(1)班"])
    session.flush()
    yield s
    session.close()


def ids(s: TinySchool, counts: dict[str, int]) -> dict[int, int]:
    return {s.classes[name].id: n for name, n in counts.items()}


def test_committee_counts_school_and_classes(school: TinySchool) -> None:
    counts = committee_counts(school.session, school.year.id, ClassFilter(school.school.id))
    assert counts.school_members == 2
    assert counts.class_members == 3
    assert counts.classes_with_committee == 2
    assert counts.by_class == ids(school, {"一(1)班": 2, "二(1)班": 1})


def test_committee_counts_one_grade(school: TinySchool) -> None:
    counts = committee_counts(school.session, school.year.id, ClassFilter(school.school.id, grade_level=1))
    assert (counts.school_members, counts.class_members, counts.classes_with_committee) == (2, 2, 1)


def test_notices_per_term_holiday_counts_for_next_term(school: TinySchool) -> None:
    first = notices(school.session, term_period(school.term1), school.school.id)
    assert (first.total, first.whole_school, first.grade_wide, first.school_or_grade) == (3, 1, 1, 2)
    assert first.by_class == ids(school, {"一(1)班": 3, "一(2)班": 2, "二(1)班": 1})
    second = notices(school.session, term_period(school.term2), school.school.id)
    assert (second.total, second.whole_school, second.grade_wide) == (2, 1, 0)
    assert second.by_class == ids(school, {"一(1)班": 2, "一(2)班": 1, "二(1)班": 2})


def test_notices_holiday_counts_for_previous_term(school: TinySchool) -> None:
    school.school.holiday_records = "previous"
    school.session.flush()
    first = notices(school.session, term_period(school.term1), school.school.id)
    assert (first.total, first.whole_school) == (4, 2)
    second = notices(school.session, term_period(school.term2), school.school.id)
    assert second.total == 1


def test_reach_kind() -> None:
    grades = {1: {1, 2}, 2: {3}}
    assert reach_kind({1, 2, 3}, grades) == REACH_SCHOOL
    assert reach_kind({1, 2}, grades) == REACH_GRADE
    assert reach_kind({3}, grades) == REACH_GRADE
    assert reach_kind({1}, grades) == REACH_CLASSES
    assert reach_kind({1, 3}, grades) == REACH_CLASSES
    assert reach_kind(set(), grades) == REACH_CLASSES
