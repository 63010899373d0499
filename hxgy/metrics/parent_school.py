"""家长学校 per family: guidance sessions held, and which families came.

Definitions (docs/measures.md):
- a guidance session is a live (not deleted) activity of the school whose type is a guidance type
  (``Category.guidance``: 家长学校 by default), dated from the period's first to its last record day;
- a session is *offered* to a class when it is school-wide (scope ``school``) or lists the class (``ActivityClass``:
  a grade's session lists the grade's classes);
- a family *attended* a session when any of its guardians did (``ActivityAttendance``); two guardians of one
  family at one session count once. A family's sessions are all the guidance sessions of the period it attended,
  whichever class they were offered to (a family that came to a sibling's class session came to a session);
- the families of a class are the families of the students on its roster in the period (``roster.period_roster``);
  a family with children in two classes counts in both classes, and once for the school or a grade;
  a student with no family has none (no row counts for it in the families).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hxgy.metrics.roster import ClassFilter, period_roster
from hxgy.models import Activity, ActivityAttendance, ActivityClass, Category, Guardian, Student
from hxgy.terms import Period

FAMILY_COLUMNS = ["class_id", "student_id", "family_id", "sessions", "offered"]
CLASS_COLUMNS = ["class_id", "families", "families_attended", "rate"]


def guidance_activity(period: Period, school_id: int) -> ColumnElement[bool]:
    """A WHERE clause on Activity: the school's live guidance sessions of the period."""
    guidance_types = select(Category.id).where(
        Category.school_id == school_id, Category.kind == "activity_type", Category.guidance.is_(True)
    )
    return and_(
        Activity.school_id == school_id,
        Activity.deleted_at.is_(None),
        Activity.activity_date >= period.first_day,
        Activity.activity_date <= period.last_day,
        Activity.type_id.in_(guidance_types),
    )


def guidance_sessions(session: Session, period: Period, school_id: int) -> int:
    """How many guidance sessions (家长学校) the school held in the period, at every scope."""
    return int(session.scalar(select(func.count()).where(guidance_activity(period, school_id))) or 0)


def _sessions_in_view(period: Period, classes: ClassFilter) -> ColumnElement[bool]:
    """Guidance sessions offered to a class in view (school-wide ones always)."""
    reaches = select(ActivityClass.activity_id).where(ActivityClass.class_id.in_(classes.ids_in(period)))
    return and_(guidance_activity(period, classes.school_id), or_(Activity.scope == "school", Activity.id.in_(reaches)))


def family_attendance(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """One row per student on the roster of the classes in view: class_id, student_id, family_id (None when the
    student has no family), sessions (guidance sessions of the period the family attended, 0 if none) and
    offered (guidance sessions of the period offered to the student's class: school-wide or listing the class)."""
    roster = period_roster(period, classes).subquery()
    attended = (
        select(Guardian.family_id, func.count(distinct(ActivityAttendance.activity_id)).label("sessions"))
        .join(ActivityAttendance, ActivityAttendance.guardian_id == Guardian.id)
        .join(Activity, Activity.id == ActivityAttendance.activity_id)
        .where(guidance_activity(period, classes.school_id))
        .group_by(Guardian.family_id)
        .subquery()
    )
    stmt = (
        select(roster.c.class_id, roster.c.student_id, Student.family_id, func.coalesce(attended.c.sessions, 0))
        .join(Student, Student.id == roster.c.student_id)
        .outerjoin(attended, attended.c.family_id == Student.family_id)
        .order_by(roster.c.class_id, roster.c.student_id)
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=FAMILY_COLUMNS[:4])
    frame["sessions"] = frame["sessions"].astype(int)
    frame["family_id"] = frame["family_id"].astype(object).where(frame["family_id"].notna(), None)
    offered = _offered_by_class(session, period, classes)
    frame["offered"] = [offered.get(class_id, offered.get(None, 0)) for class_id in frame["class_id"]]
    return frame


def _offered_by_class(session: Session, period: Period, classes: ClassFilter) -> dict[int | None, int]:
    """Guidance sessions offered to each class in view; key None: school-wide sessions (offered to every class)."""
    school_wide = session.scalar(
        select(func.count()).where(guidance_activity(period, classes.school_id), Activity.scope == "school")
    )
    listed = session.execute(
        select(ActivityClass.class_id, func.count(distinct(Activity.id)))
        .join(Activity, Activity.id == ActivityClass.activity_id)
        .where(
            guidance_activity(period, classes.school_id),
            Activity.scope != "school",
            ActivityClass.class_id.in_(classes.ids_in(period)),
        )
        .group_by(ActivityClass.class_id)
    ).all()
    offered: dict[int | None, int] = {None: int(school_wide or 0)}
    offered.update({class_id: int(school_wide or 0) + int(count) for class_id, count in listed})
    return offered


@dataclass(frozen=True)
class ParentSchoolSummary:
    """家长学校 N 场，覆盖 M 户家庭，户均参加 X 场: the figures of one view (the school, a grade or classes)."""

    sessions: int  # guidance sessions offered to a class in view (school-wide ones always)
    families: int  # distinct families of the students in view
    families_reached: int  # of them, those that attended at least one guidance session of the period
    attendances: int  # guardian attendances (人次) of those families at the period's guidance sessions
    mean_per_family: float | None  # sessions attended per family, over all families of the view; None: no family

    def sentence(self) -> str:
        """The report's sentence: 家长学校 N 场，覆盖 M 户家庭，户均参加 X 场."""
        mean = "—" if self.mean_per_family is None else f"{self.mean_per_family:.1f}"
        return f"家长学校 {self.sessions} 场，覆盖 {self.families_reached} 户家庭，户均参加 {mean} 场"


def summary(session: Session, period: Period, classes: ClassFilter) -> ParentSchoolSummary:
    """The view's sessions, families, families reached, guardian attendances and sessions per family."""
    held = int(session.scalar(select(func.count()).where(_sessions_in_view(period, classes))) or 0)
    frame = family_attendance(session, period, classes)
    families = frame.dropna(subset=["family_id"]).drop_duplicates("family_id")
    family_ids = [int(f) for f in families["family_id"]]
    attendances = 0
    if family_ids:
        attendances = int(
            session.scalar(
                select(func.count())
                .select_from(ActivityAttendance)
                .join(Guardian, Guardian.id == ActivityAttendance.guardian_id)
                .join(Activity, Activity.id == ActivityAttendance.activity_id)
                .where(guidance_activity(period, classes.school_id), Guardian.family_id.in_(family_ids))
            )
            or 0
        )
    count = len(families)
    return ParentSchoolSummary(
        sessions=held,
        families=count,
        families_reached=int((families["sessions"] > 0).sum()),
        attendances=attendances,
        mean_per_family=float(families["sessions"].sum()) / count if count else None,
    )


def class_attendance(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """Per class on the roster: families, families_attended (at least one guidance session of the period), rate
    (families_attended ÷ families; None for a class without families)."""
    frame = family_attendance(session, period, classes).dropna(subset=["family_id"])
    if frame.empty:
        return pd.DataFrame(columns=CLASS_COLUMNS)
    per_family = frame.drop_duplicates(["class_id", "family_id"])
    grouped = per_family.groupby("class_id").agg(
        families=("family_id", "size"), families_attended=("sessions", lambda s: int((s > 0).sum()))
    )
    out = grouped.reset_index()
    out["families"] = out["families"].astype(int)
    out["families_attended"] = out["families_attended"].astype(int)
    out["rate"] = [a / f if f else None for a, f in zip(out["families_attended"], out["families"], strict=True)]
    return out[CLASS_COLUMNS]
