"""Who counts: the students of each class in a period, and the classes in view.

A student counts once per period, in the class they were in at the end of it
(the enrolment overlapping the period that began last). Records still count
for the class they were made in. So class figures add up to the school's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session
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


def period_roster(period: Period, classes: ClassFilter) -> Select:
    """(student_id, class_id): each student once, in their class at the end of the period."""
    ranked = (
        select(
            Enrolment.student_id,
            Enrolment.class_id,
            func.row_number()
            .over(partition_by=Enrolment.student_id, order_by=(Enrolment.start_date.desc(), Enrolment.id.desc()))
            .label("rank"),
        )
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
        .where(SchoolClass.school_id == classes.school_id)
        .where(Enrolment.start_date <= period.end, enrolment_last_day() >= period.start)
        .subquery()
    )
    in_view = select(SchoolClass.id).where(classes.condition())
    return select(ranked.c.student_id, ranked.c.class_id).where(ranked.c.rank == 1, ranked.c.class_id.in_(in_view))


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
