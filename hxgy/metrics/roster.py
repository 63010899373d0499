"""Who counts: the students of each class in a period, and the classes in view.

A student counts once per period, in the class they were in at the end of it
(the enrolment overlapping the period that began last). Records still count
for the class they were made in. So class figures add up to the school's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from hxgy.models import Enrolment, SchoolClass, SchoolYear
from hxgy.terms import Period

CLASS_COLUMNS = ["class_id", "class_name", "grade_level", "class_no", "cohort"]


@dataclass(frozen=True)
class ClassFilter:
    """Which classes of a school are in view: all, one grade, or chosen classes."""

    school_id: int
    grade_level: int | None = None
    class_ids: tuple[int, ...] | None = None

    def ids_in(self, period: Period) -> Select:
        """The ids of the selected classes of the period's school year (a grade is that year's grade)."""
        return select(SchoolClass.id).where(self.condition(), SchoolClass.school_year_id == period.school_year_id)

    def condition(self) -> ColumnElement[bool]:
        """A WHERE clause on SchoolClass."""
        parts = [SchoolClass.school_id == self.school_id]
        if self.grade_level is not None:
            parts.append(SchoolClass.grade_level == self.grade_level)
        if self.class_ids is not None:
            parts.append(SchoolClass.id.in_(self.class_ids))
        return and_(*parts)


def enrolment_last_day() -> ColumnElement:
    """An enrolment's last day: its own, or the end of its class's school year."""
    return func.coalesce(Enrolment.end_date, SchoolYear.end_date)


def _overlapping(period: Period, enrolment: type[Enrolment], school_id: int) -> Select:
    """Enrolments of the school's classes that overlap the period."""
    school_class = aliased(SchoolClass)
    school_year = aliased(SchoolYear)
    return (
        select(enrolment.student_id, enrolment.class_id)
        .join(school_class, school_class.id == enrolment.class_id)
        .join(school_year, school_year.id == school_class.school_year_id)
        .where(school_class.school_id == school_id)
        .where(enrolment.start_date <= period.end)
        .where(func.coalesce(enrolment.end_date, school_year.end_date) >= period.start)
    )


def period_roster(period: Period, classes: ClassFilter) -> Select:
    """(student_id, class_id): each student once, in their class at the end of the period.

    An enrolment counts unless a later-starting enrolment of the same student also
    overlaps the period (an anti-join: both databases estimate it well).
    """
    current = aliased(Enrolment)
    later = aliased(Enrolment)
    superseded = (
        _overlapping(period, later, classes.school_id)
        .where(later.student_id == current.student_id)
        .where(
            (later.start_date > current.start_date)
            | ((later.start_date == current.start_date) & (later.id > current.id))
        )
        .exists()
    )
    in_view = select(SchoolClass.id).where(classes.condition())
    return _overlapping(period, current, classes.school_id).where(~superseded).where(current.class_id.in_(in_view))


def classes_in_view(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """The classes of the period's school year that the filter selects, by grade and number."""
    stmt = (
        select(
            SchoolClass.id.label("class_id"),
            SchoolClass.name.label("class_name"),
            SchoolClass.grade_level,
            SchoolClass.class_no,
            SchoolClass.cohort,
        )
        .where(classes.condition(), SchoolClass.school_year_id == period.school_year_id)
        .order_by(SchoolClass.grade_level, SchoolClass.class_no)
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=CLASS_COLUMNS)


def students_by_class(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """class_id, students: the denominator of every per-class rate."""
    roster = period_roster(period, classes).subquery()
    stmt = select(roster.c.class_id, func.count().label("students")).group_by(roster.c.class_id)
    return pd.DataFrame(session.execute(stmt).all(), columns=["class_id", "students"])
