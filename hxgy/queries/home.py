"""Figures for the home page of each role: counts of this term's people and records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Select, and_, distinct, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from hxgy.models import (
    HOME_VISIT_CODE,
    Activity,
    Category,
    Communication,
    ParentRequest,
    School,
    SchoolClass,
    Staff,
    VolunteerRecord,
)
from hxgy.queries.roster import enrolled
from hxgy.terms import Period

COUNT_COLUMNS = [
    "students",
    "communications",
    "contacted_students",
    "visited_students",
    "volunteer_records",
    "volunteer_hours",
]
CLASS_COLUMNS = ["class_id", "class_name", "grade_level", *COUNT_COLUMNS]


@dataclass(frozen=True)
class SchoolSnapshot:
    """This term at a glance, for one school."""

    school_name: str
    classes: int
    students: int
    staff: int
    communications: int
    home_visits: int
    volunteer_records: int
    volunteer_hours: float
    activities: int
    open_requests: int


def _in_period(column: ColumnElement[date] | InstrumentedAttribute[date], period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column <= period.end)


def _classes_query(*, school_id: int, school_year_id: int) -> Select:
    return select(SchoolClass.id).where(
        SchoolClass.school_id == school_id, SchoolClass.school_year_id == school_year_id
    )


def school_snapshot(session: Session, *, school_id: int, period: Period) -> SchoolSnapshot:
    """Counts for one school over a term (its classes are those of the term's school year)."""
    school = session.get(School, school_id)
    if school is None:
        raise LookupError(f"no school {school_id}")
    classes = _classes_query(school_id=school_id, school_year_id=period.school_year_id or -1)
    students = enrolled(start=period.start, end=period.end).where(SchoolClass.school_id == school_id).subquery()
    home_visit = select(Category.id).where(
        Category.school_id == school_id, Category.code == HOME_VISIT_CODE, Category.kind == "channel"
    )
    comm = and_(
        Communication.school_id == school_id,
        Communication.deleted_at.is_(None),
        _in_period(Communication.contact_date, period),
    )
    vol = and_(
        VolunteerRecord.school_id == school_id,
        VolunteerRecord.deleted_at.is_(None),
        _in_period(VolunteerRecord.service_date, period),
    )
    return SchoolSnapshot(
        school_name=school.name,
        classes=session.scalar(select(func.count()).select_from(classes.subquery())) or 0,
        students=session.scalar(select(func.count(distinct(students.c.student_id)))) or 0,
        staff=session.scalar(select(func.count()).where(Staff.school_id == school_id, Staff.active.is_(True))) or 0,
        communications=session.scalar(select(func.count()).where(comm)) or 0,
        home_visits=session.scalar(select(func.count()).where(comm, Communication.channel_id.in_(home_visit))) or 0,
        volunteer_records=session.scalar(select(func.count()).where(vol)) or 0,
        volunteer_hours=float(
            session.scalar(
                select(func.sum(VolunteerRecord.hours)).where(vol, VolunteerRecord.confirmed_at.is_not(None))
            )
            or 0
        ),
        activities=session.scalar(
            select(func.count()).where(
                Activity.school_id == school_id,
                Activity.deleted_at.is_(None),
                _in_period(Activity.activity_date, period),
            )
        )
        or 0,
        open_requests=session.scalar(
            select(func.count()).where(
                ParentRequest.school_id == school_id,
                ParentRequest.deleted_at.is_(None),
                ParentRequest.replied_at.is_(None),
                ParentRequest.received_at >= period.first_moment,
                ParentRequest.received_at < period.after_last_moment,
            )
        )
        or 0,
    )


def _counts_by(session: Session, *, key: str, class_ids: list[int], period: Period) -> pd.DataFrame:
    """Counts per class (key='class_id') or per grade (key='grade_level'); students counted once per group."""
    group = SchoolClass.id if key == "class_id" else SchoolClass.grade_level
    in_classes = SchoolClass.id.in_(class_ids)
    roster = enrolled(start=period.start, end=period.end).where(in_classes).subquery()
    student_counts = (
        select(group.label("k"), func.count(distinct(roster.c.student_id)).label("students"))
        .join(roster, roster.c.class_id == SchoolClass.id)
        .group_by(group)
        .subquery()
    )
    live_contacts = and_(Communication.deleted_at.is_(None), _in_period(Communication.contact_date, period), in_classes)
    comms = (
        select(
            group.label("k"),
            func.count().label("communications"),
            func.count(distinct(Communication.student_id)).label("contacted_students"),
        )
        .join(SchoolClass, SchoolClass.id == Communication.class_id)
        .where(live_contacts)
        .group_by(group)
        .subquery()
    )
    visits = (
        select(group.label("k"), func.count(distinct(Communication.student_id)).label("visited_students"))
        .join(SchoolClass, SchoolClass.id == Communication.class_id)
        .join(Category, Category.id == Communication.channel_id)
        .where(live_contacts, Category.code == HOME_VISIT_CODE)
        .group_by(group)
        .subquery()
    )
    vols = (
        select(
            group.label("k"),
            func.count().label("volunteer_records"),
            func.sum(VolunteerRecord.hours).filter(VolunteerRecord.confirmed_at.is_not(None)).label("volunteer_hours"),
        )
        .join(SchoolClass, SchoolClass.id == VolunteerRecord.class_id)
        .where(VolunteerRecord.deleted_at.is_(None), _in_period(VolunteerRecord.service_date, period), in_classes)
        .group_by(group)
        .subquery()
    )
    groups = (
        select(group.label("k"), func.count(distinct(SchoolClass.id)).label("classes"))
        .where(in_classes)
        .group_by(group)
        .subquery()
    )
    stmt = (
        select(
            groups.c.k,
            groups.c.classes,
            func.coalesce(student_counts.c.students, 0).label("students"),
            func.coalesce(comms.c.communications, 0).label("communications"),
            func.coalesce(comms.c.contacted_students, 0).label("contacted_students"),
            func.coalesce(visits.c.visited_students, 0).label("visited_students"),
            func.coalesce(vols.c.volunteer_records, 0).label("volunteer_records"),
            func.coalesce(vols.c.volunteer_hours, 0.0).label("volunteer_hours"),
        )
        .outerjoin(student_counts, student_counts.c.k == groups.c.k)
        .outerjoin(comms, comms.c.k == groups.c.k)
        .outerjoin(visits, visits.c.k == groups.c.k)
        .outerjoin(vols, vols.c.k == groups.c.k)
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=[key, "classes", *COUNT_COLUMNS])
    frame["volunteer_hours"] = frame["volunteer_hours"].astype(float)
    for column in COUNT_COLUMNS[:-1]:
        frame[column] = frame[column].astype(int)
    return frame


def class_snapshot(session: Session, *, class_ids: list[int], period: Period) -> pd.DataFrame:
    """One row per class: students, this period's contacts, home visits and volunteering."""
    if not class_ids:
        return pd.DataFrame(columns=CLASS_COLUMNS)
    counts = _counts_by(session, key="class_id", class_ids=class_ids, period=period)
    names = pd.DataFrame(
        session.execute(
            select(SchoolClass.id, SchoolClass.name, SchoolClass.grade_level, SchoolClass.class_no).where(
                SchoolClass.id.in_(class_ids)
            )
        ).all(),
        columns=["class_id", "class_name", "grade_level", "class_no"],
    )
    frame = names.merge(counts.drop(columns="classes"), on="class_id").sort_values(["grade_level", "class_no"])
    return frame[CLASS_COLUMNS].reset_index(drop=True)


def grade_snapshot(session: Session, *, school_id: int, period: Period) -> pd.DataFrame:
    """One row per grade; a student who changed class within the grade counts once."""
    class_ids = list(session.scalars(_classes_query(school_id=school_id, school_year_id=period.school_year_id or -1)))
    if not class_ids:
        return pd.DataFrame(columns=["grade_level", "classes", *COUNT_COLUMNS])
    frame = _counts_by(session, key="grade_level", class_ids=class_ids, period=period)
    return frame.sort_values("grade_level").reset_index(drop=True)


def district_snapshot(session: Session, *, periods: dict[int, Period]) -> pd.DataFrame:
    """One row per school of a district, each over its own current term (``periods`` by school id)."""
    rows = []
    for school_id, period in periods.items():
        snap = school_snapshot(session, school_id=school_id, period=period)
        rows.append(
            {
                "school_id": school_id,
                "school_name": snap.school_name,
                "term_name": period.label,
                **{k: v for k, v in snap.__dict__.items() if k != "school_name"},
            }
        )
    return pd.DataFrame(rows)


def district_schools(session: Session, *, district: str) -> list[School]:
    """The schools of a district, by code."""
    return list(session.scalars(select(School).where(School.district == district).order_by(School.code)))
