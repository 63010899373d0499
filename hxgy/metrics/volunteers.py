"""家长志愿: hours, 人次, participating families, trend, activities, ranking.

Definitions (docs/measures.md): only **confirmed** records count —
- hours: hours of confirmed records counted for the class in the period;
- 人次: number of confirmed records; participating families: distinct families with a confirmed record;
- participation rate and hours per family divide by the students of the class.
Records not yet confirmed count nowhere; ``unconfirmed_records`` says how many wait (待确认 N 条).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, distinct, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hxgy.metrics.roster import ClassFilter, period_roster
from hxgy.models import Category, Guardian, SchoolClass, Student, VolunteerRecord
from hxgy.sqlfuncs import week_start
from hxgy.terms import Period


def live_volunteering(period: Period, classes: ClassFilter) -> ColumnElement[bool]:
    """Volunteer records of the classes in view, in the period, not deleted."""
    in_view = classes.ids_in(period)
    return and_(
        VolunteerRecord.school_id == classes.school_id,
        VolunteerRecord.deleted_at.is_(None),
        VolunteerRecord.service_date >= period.first_day,
        VolunteerRecord.service_date <= period.last_day,
        VolunteerRecord.class_id.in_(in_view),
    )


def counted_volunteering(period: Period, classes: ClassFilter) -> ColumnElement[bool]:
    """The records every volunteer figure counts: live ones (live_volunteering) that have been confirmed."""
    return and_(live_volunteering(period, classes), VolunteerRecord.confirmed_at.is_not(None))


def _hours() -> ColumnElement[float]:
    return func.coalesce(func.sum(VolunteerRecord.hours), 0.0)


def unconfirmed_records(session: Session, period: Period, classes: ClassFilter) -> int:
    """Live records of the classes in view and the period still waiting to be confirmed (counted nowhere)."""
    stmt = select(func.count()).where(live_volunteering(period, classes), VolunteerRecord.confirmed_at.is_(None))
    return int(session.scalar(stmt) or 0)


def volunteers_by_class(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """Per class, confirmed records only: volunteer_records (人次), volunteer_hours, volunteer_families."""
    stmt = (
        select(
            VolunteerRecord.class_id,
            func.count().label("volunteer_records"),
            _hours().label("volunteer_hours"),
            func.count(distinct(Guardian.family_id)).label("volunteer_families"),
        )
        .join(Guardian, Guardian.id == VolunteerRecord.guardian_id)
        .where(counted_volunteering(period, classes))
        .group_by(VolunteerRecord.class_id)
    )
    columns = ["class_id", "volunteer_records", "volunteer_hours", "volunteer_families"]
    frame = pd.DataFrame(session.execute(stmt).all(), columns=columns)
    frame["volunteer_hours"] = frame["volunteer_hours"].astype(float)
    return frame


def unique_families(session: Session, period: Period, classes: ClassFilter) -> int:
    """Distinct families with a confirmed record in the period (a family volunteering for two classes counts once)."""
    stmt = (
        select(func.count(distinct(Guardian.family_id)))
        .join(VolunteerRecord, VolunteerRecord.guardian_id == Guardian.id)
        .where(counted_volunteering(period, classes))
    )
    return int(session.scalar(stmt) or 0)


def hours_by_week(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """week (Monday), volunteer_records, volunteer_hours of confirmed records: the trend over the period."""
    week = week_start(VolunteerRecord.service_date).label("week")
    stmt = (
        select(week, func.count(), _hours()).where(counted_volunteering(period, classes)).group_by(week).order_by(week)
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=["week", "volunteer_records", "volunteer_hours"])
    frame["volunteer_hours"] = frame["volunteer_hours"].astype(float)
    return frame


def activity_mix(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """Per volunteer activity (护学岗, 陪餐 …): 人次 and hours of confirmed records, in the school's order."""
    stmt = (
        select(Category.code, Category.name, func.count(), _hours())
        .join(VolunteerRecord, VolunteerRecord.activity_id == Category.id)
        .where(counted_volunteering(period, classes))
        .group_by(Category.code, Category.name, Category.sort_order)
        .order_by(Category.sort_order)
    )
    columns = ["activity_code", "activity_name", "volunteer_records", "volunteer_hours"]
    frame = pd.DataFrame(session.execute(stmt).all(), columns=columns)
    frame["volunteer_hours"] = frame["volunteer_hours"].astype(float)
    return frame


# what volunteer_ranking shows of each volunteer (after the guardian_id; a rank is put before them)
RANKING_COLUMNS = ["guardian_name", "relation", "child_name", "class_name", "volunteer_records", "volunteer_hours"]


def volunteer_ranking(session: Session, period: Period, classes: ClassFilter, *, top: int = 20) -> pd.DataFrame:
    """The guardians with the most confirmed hours — names included, for the 优秀家长志愿者 award.

    The child shown is the family's child in the classes in view (the first by
    name when there are several); only confirmed records count (人次 and hours), and
    guardians with no confirmed hours are not ranked.
    Only for roles allowed to see names; the caller checks.
    """
    roster = period_roster(period, classes).subquery()
    children = (
        select(Student.family_id, func.min(Student.name).label("child_name"))
        .join(roster, roster.c.student_id == Student.id)
        .group_by(Student.family_id)
        .subquery()
    )
    hours = _hours().label("volunteer_hours")
    stmt = (
        select(
            Guardian.id,
            Guardian.name,
            Guardian.relation,
            children.c.child_name,
            func.min(SchoolClass.name),
            func.count().label("volunteer_records"),
            hours,
        )
        .join(VolunteerRecord, VolunteerRecord.guardian_id == Guardian.id)
        .join(SchoolClass, SchoolClass.id == VolunteerRecord.class_id)
        .outerjoin(children, children.c.family_id == Guardian.family_id)
        .where(counted_volunteering(period, classes))
        .group_by(Guardian.id, Guardian.name, Guardian.relation, children.c.child_name)
        .having(hours > 0)
        .order_by(hours.desc(), Guardian.id)
        .limit(top)
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=["guardian_id", *RANKING_COLUMNS])
    frame["volunteer_hours"] = frame["volunteer_hours"].astype(float)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def families_sentence(records: int, families: int, unique: int, waiting: int) -> str:
    """What the 家长志愿 figures cover, in a principal's words (户 per class vs distinct families, 待确认).

    ``families`` is the per-class count added up (a family helping two classes counts in each),
    ``unique`` the distinct families; both, like ``records``, from confirmed records only.
    """
    if not records:
        text = "本期尚无已确认的志愿服务记录。"
    else:
        per_family = records / unique if unique else 0.0
        text = f"本期有 **{unique:,}** 户家庭参与志愿服务，共 **{records:,}** 人次，平均每户 {per_family:.1f} 人次。"
        if families != unique:
            text += (
                f"各班参与家庭合计为 {families:,} 户：家中孩子在两个班（兄弟姐妹或转班）、为两个班都服务过的家庭，"
                "在每个班各算一户；各班参与率按本班的户数计算。"
            )
    if waiting:
        text += f"另有 **{waiting:,}** 条记录待确认，确认后才计入时长、人次和参与家庭。"
    return text
