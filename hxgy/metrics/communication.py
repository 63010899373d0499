"""家校沟通: contacts, family and home-visit coverage, channels, replies to parents.

Definitions (docs/measures.md):
- contacts: records of the class in the period; a class-wide record (no student) counts once;
- individual contacts: records about one student;
- contacted / visited students: students of the class with at least one individual
  record / one 家访 record in the period (made in any class of the school);
- replies: a home→school request is on time when answered within the school's limit;
  late when answered after it, or still open past it; pending while open within it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import DateTime, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from hxgy.metrics.roster import ClassFilter, period_roster
from hxgy.models import HOME_VISIT_CODE, Category, Communication, Guardian, ParentRequest, School, SchoolClass, Student
from hxgy.sqlfuncs import hours_between, week_start
from hxgy.terms import Period

REQUEST_STATUSES = ("on_time", "late", "overdue", "pending")
# one second of slack: a reply exactly at the limit is on time on both databases
_LIMIT_SLACK_HOURS = 1 / 3600


def live_contacts(period: Period, school_id: int) -> ColumnElement[bool]:
    """Communication rows of the school in the period that are not deleted."""
    return and_(
        Communication.school_id == school_id,
        Communication.deleted_at.is_(None),
        Communication.contact_date >= period.first_day,
        Communication.contact_date <= period.last_day,
    )


def _home_visit_channel(school_id: int):
    return (
        select(Category.id)
        .where(Category.school_id == school_id, Category.kind == "channel", Category.code == HOME_VISIT_CODE)
        .scalar_subquery()
    )


def reached_students(period: Period, school_id: int, *, home_visit: bool = False) -> Select:
    """The ids of the students reached in the period: ≥ 1 individual record (``home_visit``: ≥ 1 家访), made in
    any class of the school. The one definition of who counts for 沟通覆盖率 and 家访覆盖率 (a set: test a roster's
    students with IN against it)."""
    reached = select(Communication.student_id).where(
        live_contacts(period, school_id), Communication.student_id.is_not(None)
    )
    if home_visit:
        reached = reached.where(Communication.channel_id == _home_visit_channel(school_id))
    return reached


def holiday_contacts(session: Session, period: Period, classes: ClassFilter) -> dict[str, int]:
    """Contacts (and 家访) of the classes in view dated in the holidays the period counts (含暑期家访 N 次).

    ``summer``: the holiday before or after the term falls in July or August; else a winter holiday.
    """
    if not period.holiday_days:
        return {"contacts": 0, "home_visits": 0, "summer": 0}
    in_view = classes.ids_in(period)
    in_holiday = or_(*(Communication.contact_date.between(first, last) for first, last in period.holiday_days))
    visit = case((Communication.channel_id == _home_visit_channel(classes.school_id), 1), else_=0)
    contacts, visits = session.execute(
        select(func.count(), func.coalesce(func.sum(visit), 0)).where(
            live_contacts(period, classes.school_id), Communication.class_id.in_(in_view), in_holiday
        )
    ).one()
    summer = any(first.month in (7, 8) or last.month in (7, 8) for first, last in period.holiday_days)
    return {"contacts": int(contacts), "home_visits": int(visits), "summer": int(summer)}


def communication_by_class(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """Per class: contacts, individual contacts, contacted students, visited students."""
    in_view = classes.ids_in(period)
    counts = (
        select(
            Communication.class_id,
            func.count().label("contacts"),
            func.count(Communication.student_id).label("individual_contacts"),
        )
        .where(live_contacts(period, classes.school_id), Communication.class_id.in_(in_view))
        .group_by(Communication.class_id)
    )
    roster = period_roster(period, classes).subquery()
    contacted = reached_students(period, classes.school_id)
    visited = reached_students(period, classes.school_id, home_visit=True)
    # IN (subquery) lets both databases build one lookup set instead of joining row by row
    reached = select(
        roster.c.class_id,
        func.sum(case((roster.c.student_id.in_(contacted), 1), else_=0)).label("contacted_students"),
        func.sum(case((roster.c.student_id.in_(visited), 1), else_=0)).label("visited_students"),
    ).group_by(roster.c.class_id)
    left = pd.DataFrame(session.execute(counts).all(), columns=["class_id", "contacts", "individual_contacts"])
    right = pd.DataFrame(session.execute(reached).all(), columns=["class_id", "contacted_students", "visited_students"])
    return left.merge(right, on="class_id", how="outer")


def channel_mix(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """Contacts per channel (all channels of the school, zero where unused), in the school's order."""
    in_view = classes.ids_in(period)
    used = (
        select(Communication.channel_id, func.count().label("contacts"))
        .where(live_contacts(period, classes.school_id), Communication.class_id.in_(in_view))
        .group_by(Communication.channel_id)
        .subquery()
    )
    stmt = (
        select(Category.code, Category.name, func.coalesce(used.c.contacts, 0))
        .outerjoin(used, used.c.channel_id == Category.id)
        .where(Category.school_id == classes.school_id, Category.kind == "channel")
        .order_by(Category.sort_order, Category.id)
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=["channel_code", "channel_name", "contacts"])


def contacts_by_topic(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """topic_code, topic_name, contacts: contacts of the classes in view per 沟通内容 (categories of kind
    ``topic``), every topic of the school in its order (zero where unused; a hidden topic only when used).

    Contacts with no topic are in no row: the rows add up to at most the period's contacts (channel_mix).
    """
    in_view = classes.ids_in(period)
    used = (
        select(Communication.topic_id, func.count().label("contacts"))
        .where(
            live_contacts(period, classes.school_id),
            Communication.class_id.in_(in_view),
            Communication.topic_id.is_not(None),
        )
        .group_by(Communication.topic_id)
        .subquery()
    )
    contacts = func.coalesce(used.c.contacts, 0)
    stmt = (
        select(Category.code, Category.name, contacts)
        .outerjoin(used, used.c.topic_id == Category.id)
        .where(Category.school_id == classes.school_id, Category.kind == "topic", or_(Category.active, contacts > 0))
        .order_by(Category.sort_order, Category.id)
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=["topic_code", "topic_name", "contacts"])


def contacts_by_week(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """class_id, week (Monday), contacts: the rhythm of contact over the period."""
    in_view = classes.ids_in(period)
    week = week_start(Communication.contact_date).label("week")
    stmt = (
        select(Communication.class_id, week, func.count().label("contacts"))
        .where(live_contacts(period, classes.school_id), Communication.class_id.in_(in_view))
        .group_by(Communication.class_id, week)
        .order_by(week)
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=["class_id", "week", "contacts"])
    if period.holiday_days and not frame.empty:
        # holiday records counted for the term go to its first or last week (the chart shows term weeks only)
        first = period.start - timedelta(days=period.start.weekday())
        last = period.end - timedelta(days=period.end.weekday())
        weeks = pd.to_datetime(frame["week"]).dt.date
        frame["week"] = [min(max(w, first), last) for w in weeks]
        frame = frame.groupby(["class_id", "week"], as_index=False)["contacts"].sum()
    return frame


def students_not_reached(
    session: Session, period: Period, classes: ClassFilter, *, home_visit: bool = False
) -> pd.DataFrame:
    """Students of the classes with no individual record (or no 家访) in the period — names included.

    Only for roles allowed to see names; the caller checks.
    """
    roster = period_roster(period, classes).subquery()
    # the students reached, once (a set); tested on the roster's side, so the work follows the classes in view:
    # on Student.id, PostgreSQL scanned every student of the district; a NOT EXISTS per student made SQLite
    # scan the school's contacts once a student
    reached = reached_students(period, classes.school_id, home_visit=home_visit)
    # the family's primary guardian, looked up per student listed (by the guardian.family_id index)
    primary_guardian = (
        select(func.min(Guardian.name))
        .where(Guardian.family_id == Student.family_id, Guardian.is_primary.is_(True))
        .correlate(Student)
        .scalar_subquery()
    )
    stmt = (
        select(Student.id, Student.student_no, Student.name, SchoolClass.id, SchoolClass.name, primary_guardian)
        .join(roster, roster.c.student_id == Student.id)
        .join(SchoolClass, SchoolClass.id == roster.c.class_id)
        .where(roster.c.student_id.not_in(reached))
        .order_by(SchoolClass.grade_level, SchoolClass.class_no, Student.student_no)
    )
    columns = ["student_id", "student_no", "student_name", "class_id", "class_name", "guardian_name"]
    return pd.DataFrame(session.execute(stmt).all(), columns=columns)


def request_status(limit_hours: ColumnElement[int] | InstrumentedAttribute[int], now: datetime) -> ColumnElement[str]:
    """on_time, late, overdue or pending for each request, judged at ``now``."""
    taken = hours_between(ParentRequest.received_at, ParentRequest.replied_at)
    waited = hours_between(ParentRequest.received_at, literal(now, DateTime()))
    return case(
        (and_(ParentRequest.replied_at.is_not(None), taken <= limit_hours + _LIMIT_SLACK_HOURS), "on_time"),
        (ParentRequest.replied_at.is_not(None), "late"),
        (waited > limit_hours + _LIMIT_SLACK_HOURS, "overdue"),
        else_="pending",
    )


def requests_in(period: Period, school_id: int) -> ColumnElement[bool]:
    """Requests of the school received in the period (records window) that are not deleted."""
    return and_(
        ParentRequest.school_id == school_id,
        ParentRequest.deleted_at.is_(None),
        ParentRequest.received_at >= period.first_moment,
        ParentRequest.received_at < period.after_last_moment,
    )


def requests_by_class(session: Session, period: Period, classes: ClassFilter, *, now: datetime) -> pd.DataFrame:
    """Per class (null: not tied to a class): requests, on_time, late (answered late), overdue, pending."""
    limit = select(School.response_limit_hours).where(School.id == classes.school_id).scalar_subquery()
    status = request_status(limit, now)
    whole_school = classes.grade_level is None and classes.class_ids is None
    in_view = classes.ids_in(period)
    class_condition: ColumnElement[bool] = ParentRequest.class_id.in_(in_view)
    if whole_school:
        class_condition = class_condition | ParentRequest.class_id.is_(None)
    counts = [func.sum(case((status == name, 1), else_=0)) for name in REQUEST_STATUSES]
    stmt = (
        select(ParentRequest.class_id, func.count(), *counts)
        .where(requests_in(period, classes.school_id), class_condition)
        .group_by(ParentRequest.class_id)
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=["class_id", "requests", *REQUEST_STATUSES])
    return frame.astype({name: int for name in ("requests", *REQUEST_STATUSES)})


def late_requests(session: Session, period: Period, classes: ClassFilter, *, now: datetime) -> pd.DataFrame:
    """Requests answered late or still open past the limit, oldest first (no names)."""
    limit = select(School.response_limit_hours).where(School.id == classes.school_id).scalar_subquery()
    status = request_status(limit, now)
    channel = Category.__table__.alias("channel")
    topic = Category.__table__.alias("topic")
    in_view = classes.ids_in(period)
    whole_school = classes.grade_level is None and classes.class_ids is None
    class_condition: ColumnElement[bool] = ParentRequest.class_id.in_(in_view)
    if whole_school:
        class_condition = class_condition | ParentRequest.class_id.is_(None)
    stmt = (
        select(
            ParentRequest.id,
            ParentRequest.received_at,
            SchoolClass.name,
            channel.c.name,
            topic.c.name,
            status,
            func.coalesce(
                hours_between(ParentRequest.received_at, ParentRequest.replied_at),
                hours_between(ParentRequest.received_at, literal(now, DateTime())),
            ),
        )
        .outerjoin(SchoolClass, SchoolClass.id == ParentRequest.class_id)
        .join(channel, channel.c.id == ParentRequest.channel_id)
        .outerjoin(topic, topic.c.id == ParentRequest.category_id)
        .where(requests_in(period, classes.school_id), class_condition, status.in_(("late", "overdue")))
        .order_by(ParentRequest.received_at)
    )
    columns = ["request_id", "received_at", "class_name", "channel_name", "category_name", "status", "hours"]
    frame = pd.DataFrame(session.execute(stmt).all(), columns=columns)
    frame["hours"] = frame["hours"].astype(float).round(1)
    return frame


def visited_families(session: Session, period: Period, classes: ClassFilter) -> int:
    """Families (户) with at least one child of the classes' roster visited at home (家访) in the period.

    The students counted are those of 家访覆盖率 (``reached_students`` with ``home_visit``); siblings count once.
    """
    roster = period_roster(period, classes).subquery()
    visited = reached_students(period, classes.school_id, home_visit=True)
    stmt = (
        select(func.count(func.distinct(Student.family_id)))
        .select_from(roster)
        .join(Student, Student.id == roster.c.student_id)
        .where(roster.c.student_id.in_(visited))
    )
    return int(session.scalar(stmt) or 0)


def requests_by_category(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """Requests received in the period by category (诉求类别), most first: category_name, requests.

    The requests of 诉求按时答复率's count (the view's classes; the whole school's view adds those tied to no
    class); a request without a category is 未分类.
    """
    whole_school = classes.grade_level is None and classes.class_ids is None
    class_condition: ColumnElement[bool] = ParentRequest.class_id.in_(classes.ids_in(period))
    if whole_school:
        class_condition = class_condition | ParentRequest.class_id.is_(None)
    name = func.coalesce(Category.name, "未分类")
    stmt = (
        select(name, func.count())
        .select_from(ParentRequest)
        .outerjoin(Category, Category.id == ParentRequest.category_id)
        .where(requests_in(period, classes.school_id), class_condition)
        .group_by(name)
        .order_by(func.count().desc(), name)
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=["category_name", "requests"])
    return frame.astype({"requests": int})
