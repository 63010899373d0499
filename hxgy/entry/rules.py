"""The rules every write keeps, whatever screen or file it comes from.

- who may write for which class (refused here, not only hidden in the UI);
- validation with a Chinese message naming the field; nothing is written while any field is wrong;
- the audit log: who, when, what it was before and after.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser, add_audit
from hxgy.changes import mark_changed, mark_records_changed
from hxgy.entry.refusals import log_refusal
from hxgy.metrics.roster import enrolment_last_day
from hxgy.models import Category, Enrolment, SchoolClass, SchoolYear, Student, Term
from hxgy.models.base import Base
from hxgy.terms import HolidayRefused, counting_term

DATA_CHANGES = frozenset({"create", "update", "delete", "confirm", "import"})  # audit actions that change data
# the records counted in the figures, by part (hxgy.changes.PARTS): a change to one moves only that part's
# version of the terms it counts for
RECORD_ENTITIES = {
    "communication": "communication",
    "parent_request": "requests",
    "volunteer_record": "volunteering",
    "activity": "activities",
    "activity_class": "activities",
    "activity_attendance": "activities",
    "moral_score": "moral",
    "satisfaction_result": "satisfaction",
}
MAX_TEXT_CHARS = 2000


class WriteRefused(PermissionError):
    """The user may not make this change; the refusal is in the audit log."""


@dataclass
class FieldProblem:
    """One thing wrong with an entry: the field (in Chinese) and why."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}：{self.message}"


class InvalidEntry(ValueError):
    """An entry with one or more wrong fields; nothing was written."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("；".join(str(p) for p in problems))


class LikelyDuplicate(ValueError):
    """A record very like this one exists; save again with confirm_duplicate=True to keep both."""

    def __init__(self, existing_id: int, message: str) -> None:
        self.existing_id = existing_id
        super().__init__(message)


@dataclass
class Problems:
    """Collects what is wrong with an entry, then raises them all at once."""

    found: list[FieldProblem] = field(default_factory=list)

    def add(self, field_name: str, message: str) -> None:
        """Note one problem."""
        self.found.append(FieldProblem(field_name, message))

    def raise_if_any(self) -> None:
        """Raise InvalidEntry when anything was noted."""
        if self.found:
            raise InvalidEntry(self.found)


# ---- who may write ----------------------------------------------------------------------------


def refuse(session: Session, user: CurrentUser, what: str) -> WriteRefused:
    """The error to raise for a refused write; the refusal goes into the audit log in its own transaction.

    The caller's transaction is left alone: raising the error rolls it back (``refusals.log_refusal``).
    """
    log_refusal(session, user, what)
    return WriteRefused(f"您无权{what}。")


def require_class_write(
    session: Session, user: CurrentUser, class_id: int, what: str, *, action: rights.Action
) -> SchoolClass:
    """The class, when the user may do ``action`` for it (hxgy.rights); otherwise the refusal is logged and raised."""
    school_class = session.get(SchoolClass, class_id)
    if user.school_id is None or school_class is None or school_class.school_id != user.school_id:
        raise refuse(session, user, f"{what}（班级 {class_id} 不属于本校）")
    if not rights.may(session, user, action, class_id):
        raise refuse(session, user, f"{what}（{school_class.name}不是您任教的班级）")
    return school_class


def require_school_write(session: Session, user: CurrentUser, what: str, action: rights.Action) -> int:
    """The user's school id when the role may do ``action`` for the whole school; otherwise refuse."""
    if user.school_id is None or not rights.may(session, user, action):
        raise refuse(session, user, what)
    return user.school_id


def require_settings_write(session: Session, user: CurrentUser, what: str) -> int:
    """The user's school id when the role may change the school's settings (设置); otherwise refuse."""
    return require_school_write(session, user, what, rights.Action.MANAGE_SETTINGS)


# ---- what is valid ----------------------------------------------------------------------------


def check_day(
    session: Session, problems: Problems, school_id: int, day: date | None, today: date, label: str = "日期"
) -> Term | None:
    """A date must be given, not be in the future, and be counted by a term of the school.

    A day in a holiday counts for the next term by default (暑期家访 → the autumn term), or the term
    before, or is refused, by the school's setting (``terms.counting_term``). Returns the counting term.
    """
    if day is None:
        problems.add(label, "必须填写")
        return None
    if day > today:
        problems.add(label, f"{day:%Y-%m-%d} 晚于今天，不能登记未来的日期")
        return None
    try:
        return counting_term(session, school_id=school_id, day=day)
    except HolidayRefused as exc:
        problems.add(label, str(exc))
        return None


def check_class_term(session: Session, problems: Problems, class_id: int | None, term: Term | None) -> None:
    """A record's class must belong to the school year of the term it counts for.

    (A 暑期家访 counts for the autumn term, so it is recorded for the new class, not last year's.)
    """
    if class_id is None or term is None:
        return
    year_id = session.scalar(select(SchoolClass.school_year_id).where(SchoolClass.id == class_id))
    if year_id is not None and year_id != term.school_year_id:
        year = session.get(SchoolYear, term.school_year_id)
        problems.add("班级", f"这一天的记录计入{term.name}，请选择{year.name if year else '该学年'}的班级")


def roll_day(session: Session, school_id: int, day: date) -> date:
    """The day on which a record's student must be in its class: the day itself in a term; for a holiday
    record, the first day of the term it counts for (or the last day of the term before, by the policy)."""
    try:
        term = counting_term(session, school_id=school_id, day=day)
    except HolidayRefused:
        return day
    return min(max(day, term.start_date), term.end_date)


def check_category(
    session: Session, problems: Problems, school_id: int, kind: str, category_id: int | None, label: str
) -> None:
    """A category chosen from the school's active list of that kind."""
    if category_id is None:
        problems.add(label, "必须选择")
        return
    found = session.scalar(
        select(Category.id).where(
            Category.id == category_id,
            Category.school_id == school_id,
            Category.kind == kind,
            Category.active.is_(True),
        )
    )
    if found is None:
        problems.add(label, "不是本校可选的项目")


def check_text(problems: Problems, text: str | None, label: str, *, required: bool = False) -> str:
    """Free text, stored exactly as typed (trimmed at the ends); never longer than MAX_TEXT_CHARS."""
    value = (text or "").strip()
    if required and not value:
        problems.add(label, "必须填写")
    if len(value) > MAX_TEXT_CHARS:
        problems.add(label, f"不能超过 {MAX_TEXT_CHARS} 个字（现有 {len(value)} 个）")
    return value


def student_in_class(session: Session, student_id: int, class_id: int, day: date) -> bool:
    """Whether the student was in the class on ``day``."""
    stmt = (
        select(func.count())
        .select_from(Enrolment)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
        .where(
            Enrolment.student_id == student_id,
            Enrolment.class_id == class_id,
            Enrolment.start_date <= day,
            enrolment_last_day() >= day,
        )
    )
    return bool(session.scalar(stmt))


def students_of_class(session: Session, class_id: int, start: date, end: date) -> list[Student]:
    """Students enrolled in the class at any time between ``start`` and ``end``, by 学号."""
    stmt = (
        select(Student)
        .join(Enrolment, Enrolment.student_id == Student.id)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
        .where(and_(Enrolment.class_id == class_id, Enrolment.start_date <= end, enrolment_last_day() >= start))
        .order_by(Student.student_no)
        .distinct()
    )
    return list(session.scalars(stmt))


# ---- the audit log ----------------------------------------------------------------------------


def as_dict(row: Base, columns: list[str] | None = None) -> dict[str, Any]:
    """A row's columns as JSON-ready values (dates as ISO text)."""
    names = columns or [c.key for c in row.__table__.columns]
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(row, name)
        out[name] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


def audit(
    session: Session,
    user: CurrentUser,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    detail: str = "",
) -> None:
    """Write who did what, with the record before and after, in the same transaction as the change.

    A change (not a view) also gives the data a new version, so every app process drops its cached figures.
    """
    if action in DATA_CHANGES and entity in RECORD_ENTITIES:
        # the figures of that part of the records, in the terms the write refreshes (hxgy.changes)
        mark_records_changed(session, RECORD_ENTITIES[entity])
    elif action in DATA_CHANGES:
        mark_changed(session)
    add_audit(
        session,
        user,
        action,
        entity=entity,
        entity_id=entity_id,
        before=json.dumps(before, ensure_ascii=False, default=str) if before is not None else None,
        after=json.dumps(after, ensure_ascii=False, default=str) if after is not None else None,
        detail=detail,
    )
