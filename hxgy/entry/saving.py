"""What every save of a record shares: Saved, a submission saved once (by its key), the figures brought up to date,
and finding a record the user may change or delete (delete_record).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry import checks
from hxgy.entry.rules import Problems, as_dict, audit, refuse, require_class_write
from hxgy.metrics import stats
from hxgy.models import Activity, Communication, ParentRequest, VolunteerRecord
from hxgy.models.base import utcnow
from hxgy.rights import Action


@dataclass(frozen=True)
class Saved:
    """What a save did: the record's id, and whether it was new (False: the same submission came again)."""

    id: int
    created: bool


# the records a form saves once per submission key (and may later change or delete)
Record = TypeVar("Record", Communication, ParentRequest, VolunteerRecord, Activity)
Editable = Communication | ParentRequest | VolunteerRecord | Activity
P = ParamSpec("P")
T = TypeVar("T")


def existing_record(session: Session, model: type[Record], submission_key: str | None) -> Record | None:
    """The record saved earlier by the same submission (a double click, a rerun), if any."""
    if not submission_key:
        return None
    return session.scalar(select(model).where(model.submission_key == submission_key))


def saved_before(session: Session, model: type[Record], submission_key: str | None) -> Saved | None:
    """What the same submission saved earlier (a double click, a rerun): not new; None when it is the first time."""
    seen = existing_record(session, model, submission_key)
    return Saved(seen.id, False) if seen is not None else None


def as_entered(entry: object, *names: str) -> dict[str, object]:
    """These fields of a form's entry, stored as entered (checked, not changed): name → value."""
    return {name: getattr(entry, name) for name in names}


def origin(user: CurrentUser, submission_key: str | None) -> dict[str, object]:
    """The columns every saved record keeps of how it came: who entered it, and the submission (blank: none)."""
    return {"created_by": user.id, "submission_key": submission_key or None}


def insert_once(session: Session, user: CurrentUser, record: Record, submission_key: str | None) -> Saved:
    """Insert and log, unless a concurrent save of the same submission got there first."""
    model = type(record)
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        again = saved_before(session, model, submission_key)
        if again is None:
            raise
        return again
    audit(session, user, "create", model.__tablename__, record.id, after=as_dict(record))
    return Saved(record.id, True)


def refresh(
    session: Session, school_id: int, days: Sequence[date], today: date, class_ids: Sequence[int] | None
) -> None:
    """Bring the figures of these days (and classes; None: every class) up to date."""
    stats.refresh_terms_on(session, school_id=school_id, days=days, today=today, now=utcnow(), class_ids=class_ids)


def refresh_part(
    session: Session, part: str, school_id: int, days: Sequence[date], today: date, class_ids: list[int]
) -> None:
    """Bring one part of the figures (communication, volunteering) of these days and classes up to date."""
    stats.refresh_part(session, school_id=school_id, days=days, today=today, class_ids=class_ids, part=part)


# ---- change and delete --------------------------------------------------------------------------

# kind -> (model, the column holding its date, Chinese name)
EDITABLE_MODELS = (Communication, ParentRequest, VolunteerRecord, Activity)
EDITABLE: dict[str, tuple[type[Editable], str, str]] = {
    "communication": (Communication, "contact_date", "沟通记录"),
    "volunteer_record": (VolunteerRecord, "service_date", "志愿服务记录"),
    "parent_request": (ParentRequest, "received_at", "家长诉求"),
    "activity": (Activity, "activity_date", "活动"),
}
EDIT_ACTIONS = {  # kind -> the right to change or delete it (hxgy.rights)
    "communication": Action.WRITE_CONTACT,
    "volunteer_record": Action.WRITE_VOLUNTEERING,
    "parent_request": Action.WRITE_REQUEST,
    "activity": Action.WRITE_ACTIVITY,
}


def record_for_change(session: Session, user: CurrentUser, kind: str, record_id: int, what: str) -> Editable:
    """The record of this kind, when the user may change or delete it (else refused, in the audit log)."""
    model, _date_column, name = EDITABLE[kind]
    record = session.get(model, record_id)
    if not isinstance(record, EDITABLE_MODELS) or record.school_id != user.school_id or record.deleted_at is not None:
        raise refuse(session, user, f"{what}{name} {record_id}")
    class_id = getattr(record, "class_id", None)
    if class_id is not None:
        require_class_write(session, user, class_id, f"{what}{name}", action=EDIT_ACTIONS[kind])
    elif not rights.may(session, user, EDIT_ACTIONS[kind]):
        raise refuse(session, user, f"{what}{name} {record_id}")
    return record


def delete_record(session: Session, user: CurrentUser, kind: str, record_id: int, *, today: date) -> None:
    """Soft-delete a record the user may change: it leaves every figure but stays in the database and the log."""
    record = record_for_change(session, user, kind, record_id, "删除")
    before = as_dict(record)
    record.deleted_at = utcnow()
    session.flush()
    audit(session, user, "delete", kind, record_id, before=before, after=as_dict(record))
    _model, date_column, _name = EDITABLE[kind]
    day = getattr(record, date_column)
    day = day.date() if isinstance(day, datetime) else day
    if kind != "parent_request":
        class_id = getattr(record, "class_id", None)
        refresh(session, record.school_id, [day], today, [class_id] if class_id is not None else None)


def checked(problems: Problems, field_name: str, rule: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
    """A value through one of the rules the importer keeps too (hxgy.entry.checks); refused: noted, None."""
    return checks.noted(lambda message: problems.add(field_name, message), rule, *args, **kwargs)
