"""家长学校签到: which guardians of one class came to one guidance session (hxgy.metrics.parent_school counts it).

``set_attendance`` sets the whole answer for one session and one class: the guardians ticked are those who came,
every other guardian of the class's families did not. Saving the same ticks again changes nothing (idempotent);
a change is written to the audit log with the guardians before and after. Only roles that may write activities
(rights.Action.WRITE_ACTIVITY) may do it, a head or subject teacher only for their own classes of the session's
school year.

The guardians of a class are those of the families of the students in the class on the session's day. A family
with children in two classes is in both lists: unticking it in one class unticks it for the session.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.changes import mark_term
from hxgy.entry.rules import Problems, audit, refuse, students_of_class
from hxgy.models import Activity, ActivityAttendance, ActivityClass, Category, Guardian, SchoolClass
from hxgy.rights import Action
from hxgy.terms import HolidayRefused, counting_term


@dataclass(frozen=True)
class AttendanceSaved:
    """What a save of one class's sign-in did: guardians added and removed, and how many of the class came."""

    added: int
    removed: int
    present: int

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return bool(self.added or self.removed)


def guidance_activity_or_none(session: Session, school_id: int, activity_id: int) -> Activity | None:
    """The school's live guidance session (家长学校) with this id, or None."""
    return session.scalar(
        select(Activity)
        .join(Category, Category.id == Activity.type_id)
        .where(
            Activity.id == activity_id,
            Activity.school_id == school_id,
            Activity.deleted_at.is_(None),
            Category.guidance.is_(True),
        )
    )


def offered_to(session: Session, activity: Activity, school_class: SchoolClass) -> bool:
    """Whether the session was for the class: school-wide (any class of its school year) or listing the class."""
    try:
        year_id = counting_term(session, school_id=activity.school_id, day=activity.activity_date).school_year_id
    except HolidayRefused:
        return False
    if school_class.school_year_id != year_id:
        return False
    if activity.scope == "school":
        return True
    listed = session.scalar(
        select(ActivityClass.id).where(
            ActivityClass.activity_id == activity.id, ActivityClass.class_id == school_class.id
        )
    )
    return listed is not None


def class_guardian_ids(session: Session, class_id: int, day: date) -> set[int]:
    """The guardians of the families of the class's students on ``day``."""
    families = {s.family_id for s in students_of_class(session, class_id, day, day) if s.family_id is not None}
    if not families:
        return set()
    return set(session.scalars(select(Guardian.id).where(Guardian.family_id.in_(families))))


def set_attendance(
    session: Session,
    user: CurrentUser,
    activity_id: int,
    class_id: int,
    guardian_ids: Collection[int],
    *,
    today: date,
) -> AttendanceSaved:
    """Set who of the class's guardians came to the guidance session: ``guardian_ids`` came, the others did not."""
    what = "登记家长学校签到"
    school_id = user.school_id
    activity = guidance_activity_or_none(session, school_id, activity_id) if school_id is not None else None
    school_class = session.get(SchoolClass, class_id)
    if school_id is None or activity is None or school_class is None or school_class.school_id != school_id:
        raise refuse(session, user, f"{what}（活动 {activity_id} 或班级 {class_id} 不属于本校）")
    if not rights.may(session, user, Action.WRITE_ACTIVITY, class_id, on_day=activity.activity_date):
        raise refuse(session, user, f"{what}（{school_class.name}不是您任教的班级）")
    problems = Problems()
    if activity.activity_date > today:
        problems.add("活动", f"{activity.activity_date:%Y-%m-%d} 晚于今天，活动举行后才能签到")
    if not offered_to(session, activity, school_class):
        problems.add("班级", f"“{activity.title}”不面向{school_class.name}")
    of_class = class_guardian_ids(session, class_id, activity.activity_date)
    wanted = {int(g) for g in guardian_ids}
    if wanted - of_class:
        problems.add("家长", f"有 {len(wanted - of_class)} 位家长不是{school_class.name}学生的家长")
    problems.raise_if_any()
    before = set(
        session.scalars(
            select(ActivityAttendance.guardian_id).where(
                ActivityAttendance.activity_id == activity.id, ActivityAttendance.guardian_id.in_(of_class)
            )
        )
    )
    added, removed = wanted - before, before - wanted
    if removed:
        session.execute(
            delete(ActivityAttendance).where(
                ActivityAttendance.activity_id == activity.id, ActivityAttendance.guardian_id.in_(removed)
            )
        )
    session.add_all(
        ActivityAttendance(school_id=school_id, activity_id=activity.id, guardian_id=g, created_by=user.id)
        for g in sorted(added)
    )
    session.flush()
    if added or removed:
        audit(
            session,
            user,
            "update",
            "activity_attendance",
            activity.id,
            before={"class_id": class_id, "guardian_ids": sorted(before)},
            after={"class_id": class_id, "guardian_ids": sorted(wanted)},
            detail=f"家长学校签到 {school_class.name}：新增 {len(added)} 人，取消 {len(removed)} 人",
        )
        mark_term(session, counting_term(session, school_id=school_id, day=activity.activity_date).id)
    return AttendanceSaved(added=len(added), removed=len(removed), present=len(wanted))
