"""What 家长学校签到 offers: the school's guidance sessions, the classes each is for, and a class's sign-in list.

Plain reads (no Streamlit); hxgy.entry.attendance decides what may be written.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.entry.attendance import guidance_activity_or_none
from hxgy.entry.rules import students_of_class
from hxgy.models import Activity, ActivityAttendance, ActivityClass, Category, Guardian, SchoolClass
from hxgy.terms import HolidayRefused, counting_term

SHEET_COLUMNS = ["guardian_id", "student_no", "student", "guardian", "relation", "came"]


def guidance_activities(session: Session, school_id: int, today: date, limit: int = 60) -> list[tuple[int, str]]:
    """(id, "2026-10-08 标题") of the school's live guidance sessions held by ``today``, latest first."""
    stmt = (
        select(Activity.id, Activity.activity_date, Activity.title)
        .join(Category, Category.id == Activity.type_id)
        .where(
            Activity.school_id == school_id,
            Activity.deleted_at.is_(None),
            Activity.activity_date <= today,
            Category.guidance.is_(True),
        )
        .order_by(Activity.activity_date.desc(), Activity.id.desc())
        .limit(limit)
    )
    return [(aid, f"{day:%Y-%m-%d} {title}") for aid, day, title in session.execute(stmt)]


def session_classes(session: Session, school_id: int, activity_id: int) -> list[tuple[int, str]]:
    """(id, name) of the classes the session was for: every class of its school year when school-wide, else the
    classes it lists; by grade and number."""
    activity = guidance_activity_or_none(session, school_id, activity_id)
    if activity is None:
        return []
    try:
        year_id = counting_term(session, school_id=school_id, day=activity.activity_date).school_year_id
    except HolidayRefused:
        return []
    stmt = select(SchoolClass.id, SchoolClass.name).where(
        SchoolClass.school_id == school_id, SchoolClass.school_year_id == year_id
    )
    if activity.scope != "school":
        listed = select(ActivityClass.class_id).where(ActivityClass.activity_id == activity_id)
        stmt = stmt.where(SchoolClass.id.in_(listed))
    return [(cid, name) for cid, name in session.execute(stmt.order_by(SchoolClass.grade_level, SchoolClass.class_no))]


def sign_in_sheet(session: Session, school_id: int, activity_id: int, class_id: int) -> pd.DataFrame:
    """One row per guardian of the class's families on the session's day: guardian_id, student_no, student (the
    class's children of that family, 、-joined), guardian, relation, came (ticked already); by 学号."""
    activity = guidance_activity_or_none(session, school_id, activity_id)
    if activity is None:
        return pd.DataFrame(columns=SHEET_COLUMNS)
    students = students_of_class(session, class_id, activity.activity_date, activity.activity_date)
    children: dict[int, list[tuple[str, str]]] = {}
    for s in students:
        if s.family_id is not None:
            children.setdefault(s.family_id, []).append((s.student_no, s.name))
    if not children:
        return pd.DataFrame(columns=SHEET_COLUMNS)
    came = set(
        session.scalars(select(ActivityAttendance.guardian_id).where(ActivityAttendance.activity_id == activity_id))
    )
    guardians = session.scalars(
        select(Guardian).where(Guardian.family_id.in_(list(children))).order_by(Guardian.family_id, Guardian.id)
    )
    rows = []
    for g in guardians:
        kids = children[g.family_id]
        rows.append((g.id, kids[0][0], "、".join(name for _no, name in kids), g.name, g.relation, g.id in came))
    rows.sort(key=lambda r: (r[1], r[0]))
    return pd.DataFrame(rows, columns=SHEET_COLUMNS)
