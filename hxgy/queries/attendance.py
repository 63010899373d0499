"""What 家长学校签到 offers: the school's guidance sessions, the classes each is for, and a class's sign-in list.

Plain reads (no Streamlit); hxgy.entry.attendance decides what may be written.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import compliance
from hxgy.entry.attendance import guidance_activity_or_none
from hxgy.entry.rules import students_of_class
from hxgy.metrics import parent_school
from hxgy.metrics.roster import ClassFilter
from hxgy.models import Activity, ActivityAttendance, ActivityClass, Category, Guardian, SchoolClass, Student, Term
from hxgy.terms import HolidayRefused, Period, counting_term, term_period

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


FAMILY_LIST_COLUMNS = ["班级", "学号", "学生", "家长", "参加场次", "面向本班场次", "本学年参加场次", "达到工作要求"]


def family_list(session: Session, period: Period, classes: ClassFilter, named: frozenset[int] | None) -> pd.DataFrame:
    """One row per student of the classes in view the reader may name (``named``: those classes; None: all):
    班级, 学号, 学生, 家长 (the family's guardians), 参加场次 (guidance sessions the family attended in the period),
    面向本班场次 (sessions offered to the class), 本学年参加场次 (from the school year's first term to the period's
    end), 达到工作要求 (是/否 against the school's enabled 家长学校参与 rule of 工作要求, as hxgy.compliance judges it;
    — without one); by class and 学号 (hxgy.metrics.parent_school.family_attendance)."""
    frame = parent_school.family_attendance(session, period, classes)
    if named is not None:
        frame = frame[frame["class_id"].isin(list(named))]
    if frame.empty:
        return pd.DataFrame(columns=FAMILY_LIST_COLUMNS)
    year = parent_school.family_attendance(session, year_so_far(session, period), classes)
    in_year = {int(f): int(n) for f, n in zip(year["family_id"], year["sessions"], strict=True) if f is not None}
    student_ids = [int(s) for s in frame["student_id"]]
    students = {
        sid: (no, name)
        for sid, no, name in session.execute(
            select(Student.id, Student.student_no, Student.name).where(Student.id.in_(student_ids))
        )
    }
    class_ids = sorted({int(c) for c in frame["class_id"]})
    class_rows = session.execute(
        select(SchoolClass.id, SchoolClass.name, SchoolClass.grade_level, SchoolClass.class_no).where(
            SchoolClass.id.in_(class_ids)
        )
    ).all()
    class_names = {cid: name for cid, name, _g, _n in class_rows}
    class_order = {cid: (grade, no) for cid, _name, grade, no in class_rows}
    family_ids = sorted({int(f) for f in frame["family_id"] if f is not None})
    guardians: dict[int, list[str]] = {}
    if family_ids:
        for family_id, name in session.execute(
            select(Guardian.family_id, Guardian.name)
            .where(Guardian.family_id.in_(family_ids))
            .order_by(Guardian.family_id, Guardian.is_primary.desc(), Guardian.id)
        ):
            guardians.setdefault(family_id, []).append(name)
    rule = next((r for r in compliance.rules(session, classes.school_id) if r.kind == "guidance_attendance"), None)
    rows = []
    for r in frame.itertuples(index=False):
        no, name = students[int(r.student_id)]
        family = guardians.get(int(r.family_id), []) if r.family_id is not None else []
        rows.append(
            (
                class_order[int(r.class_id)],
                class_names[int(r.class_id)],
                no,
                name,
                "、".join(family),
                r.sessions,
                r.offered,
                in_year.get(int(r.family_id), 0) if r.family_id is not None else 0,
                "—" if rule is None or r.family_id is None else ("是" if r.sessions >= rule.min_count else "否"),
            )
        )
    rows.sort(key=lambda row: (row[0], row[2]))
    return pd.DataFrame([row[1:] for row in rows], columns=FAMILY_LIST_COLUMNS)


def year_so_far(session: Session, period: Period) -> Period:
    """The period's school year from its first term (and the holiday records that term counts) to the period's end."""
    first = session.scalar(
        select(Term).where(Term.school_year_id == period.school_year_id).order_by(Term.start_date).limit(1)
    )
    if first is None or first.start_date >= period.start:
        return period
    return dataclasses.replace(
        period, start=first.start_date, records_start=term_period(first).records_start, label="本学年", term_id=None
    )
