"""志愿服务: one row is the hours one guardian served on one day (the rules of hxgy.entry.checks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry import checks
from hxgy.models import VolunteerRecord
from hxgy.models.base import utcnow
from hxgy.transfer.lookup import Lookup, key_text
from hxgy.transfer.reading import RowReader
from hxgy.transfer.rows.base import Handler, Key, Prepared, Stored, Values, between, columns_of
from hxgy.transfer.rows.cells import (
    category_cell,
    checked,
    dated_in_class,
    duration_cell,
    name_cell,
    yes_no_cell,
)


@dataclass(frozen=True, slots=True)
class VolunteerRow:
    """Hours a guardian served as a row gives them: the columns of volunteer_record, and whether confirmed."""

    class_id: int
    guardian_id: int
    activity_id: int
    service_date: date
    hours: float
    note: str
    confirmed: bool  # stored as who confirmed it and when


class Volunteering(Handler[VolunteerRow]):
    model = VolunteerRecord
    compared = ("hours", "note", "confirmed")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared[VolunteerRow]]:
        dated = dated_in_class(r, lk, "service_date")
        day, class_id, student = dated.day, dated.class_id, dated.student
        guardian_id = None
        name = name_cell(r, "guardian_name")
        if student is not None and name:
            guardian_id = lk.guardians.get((student.family_id, key_text(name))) if student.family_id else None
            if guardian_id is None:
                r.fail("guardian_name", f"该学生的家庭没有名为“{name}”的监护人（请先导入监护人）")
        activity_id = category_cell(r, lk, "activity")
        written = duration_cell(r, "hours", "hour")
        hours = checked(r, "hours", checks.volunteer_hours, written) if written is not None else None
        note = r.text("note")
        confirmed = yes_no_cell(r, "confirmed")
        if confirmed and not rights.can(user.role, rights.Action.CONFIRM_VOLUNTEERING):
            confirmed = False
        if not r.ok or day is None or class_id is None or guardian_id is None or activity_id is None or hours is None:
            return []
        record = VolunteerRow(class_id, guardian_id, activity_id, day, hours, note, confirmed)
        return [Prepared(r.number, (guardian_id, class_id, activity_id, day), record, class_id, day)]

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared[VolunteerRow]]) -> dict[Key, Stored]:
        m = VolunteerRecord
        rows = session.execute(
            select(
                m.id, m.guardian_id, m.class_id, m.activity_id, m.service_date, m.hours, m.note, m.confirmed_at,
                m.deleted_at,
            ).where(m.school_id == lk.school_id, between(m.service_date, prepared))
        )  # fmt: skip
        return {
            (row.guardian_id, row.class_id, row.activity_id, row.service_date): Stored(
                row.id,
                {"hours": row.hours, "note": row.note, "confirmed": row.confirmed_at is not None},
                row.deleted_at is not None,
            )
            for row in rows
        }

    def insert_values(self, p: Prepared[VolunteerRow], lk: Lookup, user: CurrentUser) -> Values:
        values = {k: v for k, v in columns_of(p.record).items() if k != "confirmed"}
        now = utcnow()
        confirmed = p.record.confirmed
        return {
            "school_id": lk.school_id,
            **values,
            "confirmed_by": user.id if confirmed else None,
            "confirmed_at": now if confirmed else None,
            "created_by": user.id,
            "created_at": now,
        }

    def update_values(self, p: Prepared[VolunteerRow], stored: Stored, user: CurrentUser) -> Values:
        values: Values = {"hours": p.record.hours, "deleted_at": None, "updated_at": utcnow()}
        if self.said(p, "note"):
            values["note"] = p.record.note
        if self.said(p, "confirmed") and p.record.confirmed != stored.values["confirmed"]:
            values["confirmed_by"] = user.id if p.record.confirmed else None
            values["confirmed_at"] = utcnow() if p.record.confirmed else None
        return values
