"""家委会 and school-wide notices: what the term report and 家校沟通 count beyond the three measures.

Definitions (docs/measures.md):
- 家委会 of a school year: school members are rows with no class; class members are rows of the classes in view
  (a guardian on two classes' committees counts in each); a class has a committee when it has at least one member.
- notices of a period: live (not deleted) notices dated from the period's first to its last record day (a notice
  in the holiday a term counts is that term's, like every record, hxgy.terms.record_window). A notice reached the
  whole school when it reached every class of the period's school year, a grade when it reached every class of
  one or more grades (and not the whole school); ``by_class`` counts the notices that reached each class.
Notices are not class contacts: they never change the 家校沟通 figures (hxgy.metrics.communication).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy.metrics.roster import ClassFilter
from hxgy.models import CommitteeMember, Notice, NoticeClass, SchoolClass
from hxgy.terms import Period


@dataclass(frozen=True)
class CommitteeCounts:
    """The 家委会 of one school year: school members, class members and the classes with a committee."""

    school_members: int  # school-level committee (no class)
    class_members: int  # members of the classes in view, added up over the classes
    classes_with_committee: int
    by_class: dict[int, int] = field(default_factory=dict)  # class_id → members (classes with none left out)


def committee_counts(session: Session, school_year_id: int, classes: ClassFilter) -> CommitteeCounts:
    """家委会 figures of the school year: school-level members, and members per class of the classes in view."""
    of_year = (CommitteeMember.school_id == classes.school_id) & (CommitteeMember.school_year_id == school_year_id)
    school_members = session.scalar(select(func.count()).where(of_year, CommitteeMember.class_id.is_(None)))
    in_view = select(SchoolClass.id).where(classes.condition(), SchoolClass.school_year_id == school_year_id)
    rows = session.execute(
        select(CommitteeMember.class_id, func.count())
        .where(of_year, CommitteeMember.class_id.in_(in_view))
        .group_by(CommitteeMember.class_id)
    ).all()
    by_class = {int(class_id): int(n) for class_id, n in rows if class_id is not None}
    return CommitteeCounts(
        school_members=int(school_members or 0),
        class_members=sum(by_class.values()),
        classes_with_committee=len(by_class),
        by_class=by_class,
    )


REACH_SCHOOL, REACH_GRADE, REACH_CLASSES = "school", "grade", "classes"


@dataclass(frozen=True)
class NoticeSummary:
    """Notices of a period and their reach."""

    total: int
    whole_school: int  # reached every class of the school year
    grade_wide: int  # reached every class of one or more grades, not the whole school
    by_class: dict[int, int] = field(default_factory=dict)  # class_id → notices that reached it

    @property
    def school_or_grade(self) -> int:
        """Notices to the whole school or to whole grades (本期推送全校/年级通知 N 条)."""
        return self.whole_school + self.grade_wide


def reach_kind(class_ids: set[int], grades: dict[int, set[int]]) -> str:
    """ "school", "grade" or "classes": the reach of a notice that went to ``class_ids``.

    ``grades`` holds the classes of the school year per grade level.
    """
    every = set().union(*grades.values()) if grades else set()
    if class_ids and class_ids >= every:
        return REACH_SCHOOL
    whole_grades = all(ids <= class_ids or not (ids & class_ids) for ids in grades.values())
    if class_ids and class_ids <= every and whole_grades:
        return REACH_GRADE
    return REACH_CLASSES


def year_grades(session: Session, school_id: int, school_year_id: int) -> dict[int, set[int]]:
    """grade level → ids of the school year's classes of that grade."""
    grades: dict[int, set[int]] = defaultdict(set)
    for class_id, grade in session.execute(
        select(SchoolClass.id, SchoolClass.grade_level).where(
            SchoolClass.school_id == school_id, SchoolClass.school_year_id == school_year_id
        )
    ):
        grades[int(grade)].add(int(class_id))
    return dict(grades)


def notices(session: Session, period: Period, school_id: int) -> NoticeSummary:
    """The live notices dated in the period (its record days): how many, to the whole school, to grades, per class."""
    dated = select(Notice.id).where(
        Notice.school_id == school_id,
        Notice.deleted_at.is_(None),
        Notice.notice_date >= period.first_day,
        Notice.notice_date <= period.last_day,
    )
    ids = [int(i) for i in session.scalars(dated)]
    reach: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        for notice_id, class_id in session.execute(
            select(NoticeClass.notice_id, NoticeClass.class_id).where(NoticeClass.notice_id.in_(dated))
        ):
            reach[int(notice_id)].add(int(class_id))
    grades = year_grades(session, school_id, period.school_year_id)
    kinds = [reach_kind(classes, grades) for classes in reach.values()]
    by_class: dict[int, int] = defaultdict(int)
    for classes in reach.values():
        for class_id in classes:
            by_class[class_id] += 1
    return NoticeSummary(
        total=len(ids),
        whole_school=kinds.count(REACH_SCHOOL),
        grade_wide=kinds.count(REACH_GRADE),
        by_class=dict(by_class),
    )
