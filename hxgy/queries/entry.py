"""What the entry forms offer: the user's classes, students, guardians, categories, records to confirm or answer.

Plain reads (no Streamlit); hxgy.entry decides what may be written.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry.rules import students_of_class
from hxgy.glossary import REQUEST_STATUS_LABELS
from hxgy.metrics.communication import request_status
from hxgy.models import (
    Activity,
    Category,
    Communication,
    Guardian,
    ParentRequest,
    Partner,
    School,
    SchoolClass,
    SchoolYear,
    Student,
    Term,
    VolunteerRecord,
)
from hxgy.rights import Action
from hxgy.terms import HolidayRefused, counting_term, on_days


def writable_classes(session: Session, user: CurrentUser, today: date) -> list[tuple[int, str]]:
    """(id, name) of the classes the entry forms offer: those of the forms' school year the user may enter records
    for (hxgy.rights), head-teacher classes first.

    The forms' school year is the year of the term today's records count for, not always today's: in the summer
    holiday a 暑期家访 counts for the autumn term (terms.counting_term), so the forms offer the new classes.
    """
    if user.school_id is None:
        return []
    stmt = select(SchoolClass.id, SchoolClass.name).where(SchoolClass.school_id == user.school_id)
    try:  # in a holiday, the year of the term today's records count for (暑期家访 → the new classes)
        term = counting_term(session, school_id=user.school_id, day=today)
        stmt = stmt.where(SchoolClass.school_year_id == term.school_year_id)
        year_day = term.start_date
    except HolidayRefused:
        stmt = stmt.join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id).where(
            SchoolYear.start_date <= today, SchoolYear.end_date >= today
        )
        year_day = today
    mine = rights.class_scope(session, user, Action.WRITE_CONTACT, on_day=year_day)
    if mine is None:
        return [
            (cid, name) for cid, name in session.execute(stmt.order_by(SchoolClass.grade_level, SchoolClass.class_no))
        ]
    if not mine:
        return []
    heads = rights.my_class_ids(session, staff_id=user.staff_id, on_day=year_day, head_only=True)
    head_first = case((SchoolClass.id.in_(heads), 0), else_=1)
    stmt = stmt.where(SchoolClass.id.in_(sorted(mine))).order_by(
        head_first, SchoolClass.grade_level, SchoolClass.class_no
    )
    return [(cid, name) for cid, name in session.execute(stmt)]


def class_students(session: Session, class_id: int, on_day: date) -> list[tuple[int, str]]:
    """(id, "姓名（学号）") of the class's students on a day."""
    return [(s.id, f"{s.name}（{s.student_no}）") for s in students_of_class(session, class_id, on_day, on_day)]


def class_guardians(session: Session, class_id: int, on_day: date) -> list[tuple[int, str]]:
    """(guardian id, "家长名（孩子名的父亲）") of the families of the class's students on a day."""
    students = students_of_class(session, class_id, on_day, on_day)
    by_family = {s.family_id: s for s in students if s.family_id is not None}
    if not by_family:
        return []
    guardians = session.scalars(
        select(Guardian).where(Guardian.family_id.in_(list(by_family))).order_by(Guardian.family_id, Guardian.id)
    )
    return [(g.id, f"{g.name}（{by_family[g.family_id].name}的{g.relation}）") for g in guardians]


def class_grades(session: Session, class_ids: list[int]) -> dict[int, int]:
    """class id -> grade (1 = 一年级) of the given classes."""
    if not class_ids:
        return {}
    stmt = select(SchoolClass.id, SchoolClass.grade_level).where(SchoolClass.id.in_(class_ids))
    return {cid: grade for cid, grade in session.execute(stmt)}


def _active_categories(school_id: int, kind: str) -> Select[int, str, bool]:
    """id, name, may be class-wide (channels) of a school's active categories of one kind, in its order."""
    return (
        select(Category.id, Category.name, Category.class_wide)
        .where(Category.school_id == school_id, Category.kind == kind, Category.active.is_(True))
        .order_by(Category.sort_order, Category.id)
    )


def categories(session: Session, school_id: int, kind: str) -> list[tuple[int, str]]:
    """(id, name) of a school's active categories of one kind, in its order."""
    return [(cid, name) for cid, name, _ in session.execute(_active_categories(school_id, kind))]


def partners(session: Session, school_id: int) -> list[tuple[int, str]]:
    """(id, name) of the school's active partners."""
    stmt = (
        select(Partner.id, Partner.name)
        .where(Partner.school_id == school_id, Partner.active.is_(True))
        .order_by(Partner.name)
    )
    return [(pid, name) for pid, name in session.execute(stmt)]


def _listed(
    record: type[Communication] | type[VolunteerRecord], day: InstrumentedAttribute[date], *columns: ColumnElement[Any]
) -> Select[*tuple[Any, ...]]:
    """Live records of one kind as the entry pages list them: id, 日期 (``day``), 班级, then ``columns``."""
    return (
        select(record.id, day.label("日期"), SchoolClass.name.label("班级"), *columns)
        .join(SchoolClass, SchoolClass.id == record.class_id)
        .where(record.deleted_at.is_(None))
    )


def _contact_list() -> Select[*tuple[Any, ...]]:
    """Communication records listed: id, 日期, 班级, 学生 (class-wide: 全班), 方式."""
    channel = aliased(Category)
    student = func.coalesce(Student.name, "全班").label("学生")
    return (
        _listed(Communication, Communication.contact_date, student, channel.name.label("方式"))
        .join(channel, channel.id == Communication.channel_id)
        .outerjoin(Student, Student.id == Communication.student_id)
    )


def _volunteer_list(school_id: int) -> Select[*tuple[Any, ...]]:
    """A school's volunteer records listed: id, 日期, 班级, 家长, 项目, 时长, 备注."""
    activity = aliased(Category)
    shown = (
        Guardian.name.label("家长"),
        activity.name.label("项目"),
        VolunteerRecord.hours.label("时长"),
        VolunteerRecord.note.label("备注"),
    )
    return (
        _listed(VolunteerRecord, VolunteerRecord.service_date, *shown)
        .join(Guardian, Guardian.id == VolunteerRecord.guardian_id)
        .join(activity, activity.id == VolunteerRecord.activity_id)
        .where(VolunteerRecord.school_id == school_id)
    )


def recent_contacts(session: Session, user: CurrentUser, limit: int = 20) -> pd.DataFrame:
    """The user's latest communication records (not deleted), newest first."""
    topic = aliased(Category)
    stmt = (
        _contact_list()
        .add_columns(func.coalesce(topic.name, ""), func.coalesce(Communication.summary, ""))
        .outerjoin(topic, topic.id == Communication.topic_id)
        .where(Communication.created_by == user.id)
        .order_by(Communication.id.desc())
        .limit(limit)
    )
    columns = ["id", "沟通日期", "班级", "学生", "方式", "内容", "简要记录"]
    return pd.DataFrame(session.execute(stmt).all(), columns=columns)


def channels(session: Session, school_id: int) -> list[tuple[int, str, bool]]:
    """(id, name, may be class-wide) of the school's active 沟通方式, in its order."""
    return [(cid, name, bool(wide)) for cid, name, wide in session.execute(_active_categories(school_id, "channel"))]


def channel_class_wide(session: Session, school_id: int) -> dict[int, bool]:
    """Every 沟通方式 of the school, hidden ones too: id -> may a class-wide record use it."""
    stmt = select(Category.id, Category.class_wide).where(Category.school_id == school_id, Category.kind == "channel")
    return {cid: bool(wide) for cid, wide in session.execute(stmt)}


def backlog_terms(session: Session, school_id: int, today: date) -> tuple[list[tuple[int, str]], int | None]:
    """The terms a backlog can be filtered by (started ones, newest first) and the one to show first.

    The first is the term containing today, else the latest that has started (between two terms).
    """
    started = session.execute(
        select(Term.id, Term.name)
        .where(Term.school_id == school_id, Term.start_date <= today)
        .order_by(Term.start_date.desc())
    ).all()
    options = [(t.id, t.name) for t in started]
    return options, (started[0].id if started else None)


def _term_span(session: Session, school_id: int, term_id: int | None) -> tuple[date, date] | None:
    if term_id is None:
        return None
    term = session.get(Term, term_id)
    if term is None or term.school_id != school_id:
        return None
    return term.start_date, term.end_date


def _with_year(day: date | datetime | None, *, time_too: bool = False) -> str:
    """2026-10-08 (or 2026-10-08 14:30): the year is always shown, a backlog can hold last term's items."""
    if day is None or pd.isna(day):
        return ""
    return day.strftime("%Y-%m-%d %H:%M" if time_too else "%Y-%m-%d")


def volunteering_to_confirm(
    session: Session, user: CurrentUser, today: date, term_id: int | None = None
) -> pd.DataFrame:
    """Unconfirmed volunteer records the user may confirm (head-teacher classes; every class for leaders).

    Oldest first; ``term_id`` keeps one term's records (None: every term). 服务日期 is text with the year.
    """
    columns = ["id", "服务日期", "班级", "家长", "志愿项目", "时长", "备注"]
    if user.school_id is None:
        return pd.DataFrame(columns=columns)
    stmt = (
        _volunteer_list(user.school_id)
        .where(VolunteerRecord.confirmed_at.is_(None))
        .order_by(VolunteerRecord.service_date, VolunteerRecord.id)
    )
    own = rights.class_scope(session, user, Action.CONFIRM_VOLUNTEERING, on_day=today)
    if own is not None:
        stmt = stmt.where(VolunteerRecord.class_id.in_(sorted(own)))
    span = _term_span(session, user.school_id, term_id)
    if span is not None:
        stmt = stmt.where(VolunteerRecord.service_date.between(*span))
    frame = pd.DataFrame(session.execute(stmt).all(), columns=columns)
    frame["服务日期"] = [_with_year(d) for d in frame["服务日期"]]
    frame["备注"] = frame["备注"].fillna("")
    return frame


def open_requests(
    session: Session, user: CurrentUser, now: datetime, class_ids: list[int] | None, term_id: int | None = None
) -> pd.DataFrame:
    """Requests not yet answered, oldest first (so the longest overdue leads), and whether past the limit.

    ``term_id`` keeps the requests received in one term (None: every term). 收到时间 is text with the year.
    """
    if user.school_id is None:
        return pd.DataFrame(columns=["id", "收到时间", "班级", "渠道", "诉求内容", "状态"])
    channel = aliased(Category)
    status = request_status(School.response_limit_hours, now)
    stmt = (
        select(
            ParentRequest.id,
            ParentRequest.received_at,
            func.coalesce(SchoolClass.name, "全校"),
            channel.name,
            ParentRequest.content,
            status,
        )
        .join(School, School.id == ParentRequest.school_id)
        .join(channel, channel.id == ParentRequest.channel_id)
        .outerjoin(SchoolClass, SchoolClass.id == ParentRequest.class_id)
        .where(
            ParentRequest.school_id == user.school_id,
            ParentRequest.deleted_at.is_(None),
            ParentRequest.replied_at.is_(None),
        )
        .order_by(ParentRequest.received_at)
    )
    if class_ids is not None:
        stmt = stmt.where(ParentRequest.class_id.in_(class_ids))
    span = _term_span(session, user.school_id, term_id)
    if span is not None:
        stmt = stmt.where(on_days(ParentRequest.received_at, *span))
    columns = ["id", "收到时间", "班级", "渠道", "诉求内容", "status"]
    frame = pd.DataFrame(session.execute(stmt).all(), columns=columns)
    frame["收到时间"] = [_with_year(d, time_too=True) for d in frame["收到时间"]]
    frame["诉求内容"] = frame["诉求内容"].fillna("")
    frame["状态"] = frame["status"].map(REQUEST_STATUS_LABELS)  # status: overdue or pending (count by it)
    return frame


RECORD_KINDS = {
    "communication": "沟通记录",
    "volunteer_record": "志愿服务",
    "parent_request": "家长诉求",
    "activity": "协同活动",
}


def records_to_manage(
    session: Session, user: CurrentUser, kind: str, *, start: date, end: date, class_ids: list[int] | None
) -> pd.DataFrame:
    """Live records of one kind between two days that the user may change (class_ids None: every class).

    Columns: id, a date, 班级, a short description, and the fields an edit form pre-fills.
    """
    if user.school_id is None:
        return pd.DataFrame()
    # the statement's columns and the column holding the class differ by kind
    stmt: Select[*tuple[Any, ...]]
    class_column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None] | None
    if kind == "communication":
        stmt = (
            _contact_list()
            .add_columns(
                Communication.summary.label("记录"),
                Communication.class_id,
                Communication.student_id,
                Communication.channel_id,
                Communication.topic_id,
                Communication.direction,
                Communication.duration_min,
                Communication.follow_up,
            )
            .where(Communication.school_id == user.school_id)
            .where(Communication.contact_date.between(start, end))
            .order_by(Communication.contact_date.desc(), Communication.id.desc())
        )
        class_column = Communication.class_id
    elif kind == "volunteer_record":
        stmt = (
            _volunteer_list(user.school_id)
            .add_columns(VolunteerRecord.activity_id)
            .where(VolunteerRecord.service_date.between(start, end))
            .order_by(VolunteerRecord.service_date.desc(), VolunteerRecord.id.desc())
        )
        class_column = VolunteerRecord.class_id
    elif kind == "parent_request":
        stmt = (
            select(
                ParentRequest.id,
                ParentRequest.received_at.label("日期"),
                func.coalesce(SchoolClass.name, "全校").label("班级"),
                ParentRequest.content.label("诉求"),
                ParentRequest.reply.label("答复"),
            )
            .outerjoin(SchoolClass, SchoolClass.id == ParentRequest.class_id)
            .where(ParentRequest.school_id == user.school_id, ParentRequest.deleted_at.is_(None))
            .where(on_days(ParentRequest.received_at, start, end))
            .order_by(ParentRequest.received_at.desc())
        )
        class_column = ParentRequest.class_id
    else:
        stmt = (
            select(Activity.id, Activity.activity_date.label("日期"), Activity.title.label("活动"))
            .where(Activity.school_id == user.school_id, Activity.deleted_at.is_(None))
            .where(Activity.activity_date.between(start, end))
            .order_by(Activity.activity_date.desc())
        )
        class_column = None
    if class_ids is not None:
        if class_column is None:
            return pd.DataFrame()
        stmt = stmt.where(class_column.in_(class_ids))
    result = session.execute(stmt.limit(500))
    return pd.DataFrame(result.all(), columns=list(result.keys()))
