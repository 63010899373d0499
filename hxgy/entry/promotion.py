"""Moving up a school year (升年级): every class moves up a grade with its students and teachers; 六年级 graduates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy import glossary
from hxgy.auth import CurrentUser
from hxgy.entry.rules import Problems, audit, refuse, require_settings_write
from hxgy.entry.school_classes import TOP_GRADE
from hxgy.entry.school_years import YearPlan, add_school_year
from hxgy.metrics.roster import enrolment_last_day
from hxgy.models import (
    ClassAssignment,
    Enrolment,
    SchoolClass,
    SchoolYear,
    Student,
)


@dataclass(frozen=True)
class Promotion:
    """What moving up a year did."""

    classes: int
    students: int
    graduated: int


def promote_to_new_year(session: Session, user: CurrentUser, *, from_year_id: int, plan: YearPlan) -> Promotion:
    """Open the next school year: every class moves up a grade with its students and teachers; 六年级 graduates.

    The old year, its classes, enrolments and records stay as they were (history).
    """
    school_id = require_settings_write(session, user, "升年级")
    old_year = session.get(SchoolYear, from_year_id)
    if old_year is None or old_year.school_id != school_id:
        raise refuse(session, user, f"升年级（学年 {from_year_id}）")
    problems = Problems()
    if plan.start_date <= old_year.end_date:
        problems.add("新学年", f"必须在{old_year.name}结束（{old_year.end_date:%Y-%m-%d}）之后开始")
    if session.scalar(
        select(func.count())
        .select_from(SchoolYear)
        .where(SchoolYear.school_id == school_id, SchoolYear.start_date > old_year.end_date)
    ):
        problems.add("新学年", "已经有更晚的学年，不能重复升年级")
    problems.raise_if_any()
    new_year = add_school_year(session, user, plan)
    last_day = old_year.end_date
    moved = graduated = classes = 0
    old_classes = session.scalars(
        select(SchoolClass).where(SchoolClass.school_year_id == old_year.id).order_by(SchoolClass.grade_level)
    ).all()
    for old in old_classes:
        students = session.scalars(
            select(Student)
            .join(Enrolment, Enrolment.student_id == Student.id)
            .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
            .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
            .where(Enrolment.class_id == old.id, Student.active.is_(True))
            .where(Enrolment.start_date <= last_day, enrolment_last_day() >= last_day)
        ).all()
        if old.grade_level >= TOP_GRADE:
            for student in students:
                student.active = False
            graduated += len(students)
            continue
        new = SchoolClass(
            school_id=school_id,
            school_year_id=new_year.id,
            grade_level=old.grade_level + 1,
            class_no=old.class_no,
            cohort=old.cohort,
            name=glossary.class_name(old.grade_level + 1, old.class_no),
        )
        session.add(new)
        session.flush()
        classes += 1
        session.add_all(Enrolment(student_id=s.id, class_id=new.id, start_date=plan.start_date) for s in students)
        moved += len(students)
        for assignment in session.scalars(select(ClassAssignment).where(ClassAssignment.class_id == old.id)):
            session.add(
                ClassAssignment(
                    class_id=new.id, staff_id=assignment.staff_id, role=assignment.role, subject=assignment.subject
                )
            )
    session.flush()
    result = Promotion(classes, moved, graduated)
    audit(
        session,
        user,
        "create",
        "promotion",
        new_year.id,
        after=result.__dict__,
        detail=f"{old_year.name} → {new_year.name}",
    )
    return result
