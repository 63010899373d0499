"""协同活动: activities held, by type and month, participation, per-class parent attendance, partners.

Definitions (docs/measures.md):
- activities held: activities dated in the period whose scope includes a class in view
  (school-wide ones always count);
- per-class parent attendance rate = parents who came ÷ (activities with attendance × students of the class).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Integer, and_, distinct, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery
from sqlalchemy.sql.elements import ColumnElement

from hxgy.metrics.roster import ClassFilter
from hxgy.models import Activity, ActivityClass, Category, Partner
from hxgy.sqlfuncs import month_start
from hxgy.terms import Period


def live_activities(period: Period, classes: ClassFilter) -> ColumnElement[bool]:
    """Activities of the school in the period that reach a class in view (or the whole school)."""
    in_view = classes.ids_in(period)
    reaches = select(ActivityClass.activity_id).where(ActivityClass.class_id.in_(in_view))
    return and_(
        Activity.school_id == classes.school_id,
        Activity.deleted_at.is_(None),
        Activity.activity_date >= period.first_day,
        Activity.activity_date <= period.last_day,
        or_(Activity.scope == "school", Activity.id.in_(reaches)),
    )


def _class_attendance(period: Period, classes: ClassFilter) -> Subquery:
    """Per activity: students and parents who came from the classes in view (NULL where none was recorded)."""
    in_view = classes.ids_in(period)
    return (
        select(
            ActivityClass.activity_id,
            func.sum(ActivityClass.students_attended).label("students"),
            func.sum(ActivityClass.parents_attended).label("parents"),
        )
        .where(ActivityClass.class_id.in_(in_view))
        .group_by(ActivityClass.activity_id)
        .subquery()
    )


# what activity_list shows of each activity (after its activity_id)
LIST_COLUMNS = [
    "activity_date", "title", "type_name", "scope", "partner_name",
    "students_count", "parents_count", "families_count", "outcome",
]  # fmt: skip


def activity_list(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """Every activity in view: date, title, type, scope, partner, students, parents, families, outcome.

    Below the school the students and parents are those of the classes in view (per-class attendance;
    blank where none was recorded) and families are not known (blank), as in ``participation_totals``.
    """
    if classes.grade_level is None and classes.class_ids is None:
        counts: tuple[ColumnElement[int | None], ...] = (
            Activity.students_count.expression,
            Activity.parents_count.expression,
            Activity.families_count.expression,
        )
        attendance = None
    else:
        attendance = _class_attendance(period, classes)
        counts = (attendance.c.students, attendance.c.parents, literal(None, Integer))
    stmt = (
        select(
            Activity.id,
            Activity.activity_date,
            Activity.title,
            Category.name,
            Activity.scope,
            Partner.name,
            *counts,
            Activity.outcome,
        )
        .join(Category, Category.id == Activity.type_id)
        .outerjoin(Partner, Partner.id == Activity.partner_id)
        .where(live_activities(period, classes))
        .order_by(Activity.activity_date, Activity.id)
    )
    if attendance is not None:
        stmt = stmt.outerjoin(attendance, attendance.c.activity_id == Activity.id)
    return pd.DataFrame(session.execute(stmt).all(), columns=["activity_id", *LIST_COLUMNS])


def activities_by_type_month(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """month (first day), type_name, activities."""
    month = month_start(Activity.activity_date).label("month")
    stmt = (
        select(month, Category.name, func.count())
        .join(Category, Category.id == Activity.type_id)
        .where(live_activities(period, classes))
        .group_by(month, Category.name)
        .order_by(month)
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=["month", "type_name", "activities"])


def participation_totals(session: Session, period: Period, classes: ClassFilter) -> dict[str, int | None]:
    """activities, students (人次), parents (人次) and families (户次) taking part, over the activities in view.

    For the whole school these are the activities' own totals. Below the school (a grade or
    classes) only the per-class attendance of the classes in view counts: students and parents
    are the per-class figures added up, families are not known per class (None), and
    ``without_class_figures`` counts the activities in view that recorded no per-class
    attendance for these classes (they count as activities but add no attendance).
    """
    if classes.grade_level is None and classes.class_ids is None:
        stmt = select(
            func.count(),
            func.coalesce(func.sum(Activity.students_count), 0),
            func.coalesce(func.sum(Activity.parents_count), 0),
            func.coalesce(func.sum(Activity.families_count), 0),
        ).where(live_activities(period, classes))
        activities, students, parents, families = session.execute(stmt).one()
        return {
            "activities": int(activities or 0),
            "students": int(students or 0),
            "parents": int(parents or 0),
            "families": int(families or 0),
            "without_class_figures": 0,
        }
    per_class = _class_attendance(period, classes)
    stmt = (
        select(
            func.count(),
            func.coalesce(func.sum(per_class.c.students), 0),
            func.coalesce(func.sum(per_class.c.parents), 0),
            func.count().filter(per_class.c.parents.is_(None) & per_class.c.students.is_(None)),
        )
        .select_from(Activity)
        .outerjoin(per_class, per_class.c.activity_id == Activity.id)
        .where(live_activities(period, classes))
    )
    activities, students, parents, without = session.execute(stmt).one()
    return {
        "activities": int(activities or 0),
        "students": int(students or 0),
        "parents": int(parents or 0),
        "families": None,
        "without_class_figures": int(without or 0),
    }


def attendance_by_class(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """Per class: class_activities (activities it took part in), parents_attended, attended_activities."""
    in_view = classes.ids_in(period)
    stmt = (
        select(
            ActivityClass.class_id,
            func.count(distinct(ActivityClass.activity_id)),
            func.coalesce(func.sum(ActivityClass.parents_attended), 0),
            func.count(ActivityClass.parents_attended),
        )
        .join(Activity, Activity.id == ActivityClass.activity_id)
        .where(live_activities(period, classes), ActivityClass.class_id.in_(in_view))
        .group_by(ActivityClass.class_id)
    )
    columns = ["class_id", "class_activities", "parents_attended", "attended_activities"]
    return pd.DataFrame(session.execute(stmt).all(), columns=columns)


def partner_summary(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """Each partner of the school: type, activities with it in the period, and their titles."""
    partner_type = Category.__table__.alias("partner_type")
    done = (
        select(Activity.partner_id, func.count().label("activities"), func.max(Activity.activity_date).label("latest"))
        .where(live_activities(period, classes), Activity.partner_id.is_not(None))
        .group_by(Activity.partner_id)
        .subquery()
    )
    stmt = (
        select(Partner.id, Partner.name, partner_type.c.name, func.coalesce(done.c.activities, 0), done.c.latest)
        .outerjoin(partner_type, partner_type.c.id == Partner.type_id)
        .outerjoin(done, done.c.partner_id == Partner.id)
        .where(Partner.school_id == classes.school_id, Partner.active.is_(True))
        .order_by(func.coalesce(done.c.activities, 0).desc(), Partner.name)
    )
    frame = pd.DataFrame(
        session.execute(stmt).all(), columns=["partner_id", "partner_name", "partner_type", "activities", "latest"]
    )
    titles = activity_list(session, period, classes)
    named = titles.dropna(subset=["partner_name"]).groupby("partner_name")["title"].agg("；".join)
    frame["titles"] = [named.get(name, "") for name in frame["partner_name"]]
    return frame
