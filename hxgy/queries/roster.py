"""Who was in which class during a period: the base every per-class figure divides by."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hxgy.models import Enrolment, SchoolClass, SchoolYear


def enrolment_last_day() -> ColumnElement[date]:
    """An enrolment's last day: its own, or the end of its class's school year."""
    return func.coalesce(Enrolment.end_date, SchoolYear.end_date)


def enrolled(*, start: date, end: date) -> Select:
    """(class_id, student_id) for every enrolment that overlaps [start, end]."""
    return (
        select(Enrolment.class_id, Enrolment.student_id)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
        .where(and_(Enrolment.start_date <= end, enrolment_last_day() >= start))
    )


def classes_of_year(session: Session, *, school_id: int, school_year_id: int) -> list[SchoolClass]:
    """The classes of one school year, by grade and number."""
    return list(
        session.scalars(
            select(SchoolClass)
            .where(SchoolClass.school_id == school_id, SchoolClass.school_year_id == school_year_id)
            .order_by(SchoolClass.grade_level, SchoolClass.class_no)
        )
    )
