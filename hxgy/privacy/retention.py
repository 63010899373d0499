"""Keep no longer than needed: the school's 留存年限 (``school.retention_years``, default 3) and the students past it.

A student who left is kept for that many years after their last day at the school (the last day of their last
class: for a graduate the end of the school year), then erased by ``python -m hxgy purge`` (hxgy.privacy.erase).
A graduate of a year ending 2026-08-31 with 3 years is erased from 2029-09-01: three whole school years later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry.rules import Problems, as_dict, audit, require_settings_write
from hxgy.models import School, Student
from hxgy.privacy.erase import ErasurePlan, plan_erasure
from hxgy.privacy.people import StudentStatus, statuses

MIN_YEARS, MAX_YEARS = 1, 30


def years_later(day: date, years: int) -> date:
    """The same day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_years(session: Session, school_id: int) -> int:
    """How many years after leaving the school keeps a student's personal data."""
    return int(session.get_one(School, school_id).retention_years)


def set_retention_years(session: Session, user: CurrentUser, years: int) -> None:
    """Change the school's 留存年限 (admin or dean), audited."""
    school_id = require_settings_write(session, user, "修改个人信息留存年限")
    problems = Problems()
    if not MIN_YEARS <= years <= MAX_YEARS:
        problems.add("留存年限", f"应在 {MIN_YEARS} 到 {MAX_YEARS} 年之间（现为 {years}）")
    problems.raise_if_any()
    school = session.get_one(School, school_id)
    before = as_dict(school, ["retention_years"])
    school.retention_years = int(years)
    session.flush()
    audit(session, user, "update", "school", school_id, before=before, after=as_dict(school, ["retention_years"]))


@dataclass(frozen=True)
class Due:
    """A student past the school's retention: who, since when gone, and what erasing them does."""

    student: StudentStatus
    erase_from: date  # the first day the student is past the retention
    plan: ErasurePlan

    def line(self) -> str:
        """One line of the dry run, in Chinese."""
        s = self.student
        left = f"{s.last_day:%Y-%m-%d} 离校" if s.last_day else "离校日期不详"
        guardians = f"，连同监护人 {len(self.plan.guardians_erased)} 名" if self.plan.guardians_erased else ""
        kept = f"（{self.plan.guardians_kept} 名监护人因家中另有学生而保留）" if self.plan.guardians_kept else ""
        return (
            f"{s.name}（学号 {s.student_no}，{s.last_class or '无班级'}）：{left}，"
            f"{self.erase_from:%Y-%m-%d} 起超过留存年限{guardians}{kept}"
        )


def due_for_erasure(session: Session, school_id: int, *, today: date) -> list[Due]:
    """Students of the school who left and are past the retention on ``today``, by 学号."""
    years = retention_years(session, school_id)
    students = session.scalars(
        select(Student)
        .where(Student.school_id == school_id, Student.active.is_(False), Student.erased_at.is_(None))
        .order_by(Student.student_no)
    ).all()
    due = []
    for student, status in zip(students, statuses(session, list(students)), strict=True):
        if not status.has_left(today):
            continue
        gone = status.last_day or student.created_at.date()  # never in a class: from when the row was made
        erase_from = years_later(gone, years) + timedelta(days=1)
        if erase_from <= today:
            plan = plan_erasure(session, school_id, status.id, today=today)
            if plan is not None and not plan.problem:
                due.append(Due(status, erase_from, plan))
    return due
