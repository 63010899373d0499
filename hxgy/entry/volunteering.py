"""家长志愿: saving, confirming and correcting a guardian's volunteer hours; the rules are hxgy.entry.checks'."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry import checks, rules, saving
from hxgy.models import Guardian, SchoolClass, Student, VolunteerRecord
from hxgy.models.base import utcnow
from hxgy.rights import Action

# ---- 家长志愿 -----------------------------------------------------------------------------------


@dataclass
class VolunteerEntry:
    """Hours a guardian served on one day, for a class."""

    class_id: int
    guardian_id: int | None
    activity_id: int | None
    service_date: date | None
    hours: float | None
    note: str = ""
    confirmed: bool = False


def _may_confirm(session: Session, user: CurrentUser, class_id: int, day: date) -> bool:
    """Head teachers of the class (in the school year of ``day``), the dean, principal and admin confirm hours."""
    return rights.may(session, user, Action.CONFIRM_VOLUNTEERING, class_id, on_day=day)


def record_volunteering(
    session: Session, user: CurrentUser, entry: VolunteerEntry, *, today: date, submission_key: str | None = None
) -> saving.Saved:
    """Save a volunteer record; confirmed at once when the one entering it may confirm."""
    if seen := saving.saved_before(session, VolunteerRecord, submission_key):
        return seen
    school_class = rules.require_class_write(
        session, user, entry.class_id, "登记志愿服务", action=Action.WRITE_VOLUNTEERING
    )
    problems = rules.Problems()
    hours, note = _check_service(session, problems, school_class.school_id, entry.class_id, entry, today)
    guardian = session.get(Guardian, entry.guardian_id) if entry.guardian_id is not None else None
    if guardian is None or guardian.school_id != school_class.school_id:
        problems.add("家长", "必须选择本校学生的家长")
    elif entry.service_date is not None and not _family_in_class(
        session, guardian.family_id, entry.class_id, entry.service_date
    ):
        problems.add("家长", "该家长的孩子在这一天不在所选班级")
    problems.raise_if_any()
    assert entry.service_date is not None and hours is not None  # both were checked: refused above otherwise
    confirm = entry.confirmed and _may_confirm(session, user, entry.class_id, entry.service_date)
    record = VolunteerRecord(
        school_id=school_class.school_id,
        hours=hours,
        note=note,
        **saving.as_entered(entry, "class_id", "guardian_id", "activity_id", "service_date"),
        confirmed_by=user.id if confirm else None,
        confirmed_at=utcnow() if confirm else None,
        **saving.origin(user, submission_key),
    )
    saved = saving.insert_once(session, user, record, submission_key)
    if saved.created:
        saving.refresh_part(
            session, "volunteering", school_class.school_id, [record.service_date], today, [record.class_id]
        )
    return saved


def _check_service(
    session: Session, problems: rules.Problems, school_id: int, class_id: int, entry: VolunteerEntry, today: date
) -> tuple[float | None, str]:
    """The day (in a term of the class's year), the 志愿项目, the hours and the note of a record; (hours, note)."""
    day_term = rules.check_day(session, problems, school_id, entry.service_date, today, "服务日期")
    rules.check_class_term(session, problems, class_id, day_term)
    rules.check_category(session, problems, school_id, "volunteer_activity", entry.activity_id, "志愿项目")
    hours = saving.checked(problems, "时长", checks.volunteer_hours, entry.hours)
    return hours, rules.check_text(problems, entry.note, "备注")


def _family_in_class(session: Session, family_id: int, class_id: int, day: date) -> bool:
    children = session.scalars(select(Student.id).where(Student.family_id == family_id)).all()
    school_id = session.scalar(select(SchoolClass.school_id).where(SchoolClass.id == class_id))
    on_roll = rules.roll_day(session, school_id, day) if school_id is not None else day
    return any(rules.student_in_class(session, child, class_id, on_roll) for child in children)


def confirm_volunteering(session: Session, user: CurrentUser, record_ids: Sequence[int], *, today: date) -> int:
    """Confirm volunteer records (head teacher of the class, dean, principal, admin); returns how many."""
    records = session.scalars(select(VolunteerRecord).where(VolunteerRecord.id.in_(list(record_ids)))).all()
    touched: dict[tuple[int, int], set[date]] = {}  # (school, class) -> days
    for record in records:
        if record.school_id != user.school_id or not _may_confirm(session, user, record.class_id, record.service_date):
            raise rules.refuse(session, user, f"确认志愿服务记录 {record.id}")
    count = 0
    for record in records:
        if record.deleted_at is not None or record.confirmed_at is not None:
            continue
        before = rules.as_dict(record)
        record.confirmed_by, record.confirmed_at = user.id, utcnow()
        session.flush()
        rules.audit(session, user, "confirm", "volunteer_record", record.id, before=before, after=rules.as_dict(record))
        touched.setdefault((record.school_id, record.class_id), set()).add(record.service_date)
        count += 1
    for (school_id, class_id), days in touched.items():
        saving.refresh_part(session, "volunteering", school_id, sorted(days), today, [class_id])
    return count


def update_volunteering(
    session: Session, user: CurrentUser, record_id: int, entry: VolunteerEntry, *, today: date
) -> None:
    """Correct the hours, date, activity or note of a volunteer record (same class and guardian)."""
    record = saving.record_for_change(session, user, "volunteer_record", record_id, "修改")
    assert isinstance(record, VolunteerRecord)  # the kind's model
    problems = rules.Problems()
    hours, note = _check_service(session, problems, record.school_id, record.class_id, entry, today)
    problems.raise_if_any()
    # all three were checked: refused above otherwise
    assert entry.service_date is not None and entry.activity_id is not None and hours is not None
    before = rules.as_dict(record)
    old_day = record.service_date
    record.service_date, record.activity_id, record.hours, record.note = (
        entry.service_date,
        entry.activity_id,
        hours,
        note,
    )
    session.flush()
    rules.audit(session, user, "update", "volunteer_record", record.id, before=before, after=rules.as_dict(record))
    saving.refresh_part(
        session, "volunteering", record.school_id, [old_day, record.service_date], today, [record.class_id]
    )
