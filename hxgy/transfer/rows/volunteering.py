"""志愿服务: one row is the hours one guardian served on one day."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry.records import MAX_HOURS_A_DAY
from hxgy.models import (
    VolunteerRecord,
)
from hxgy.models.base import utcnow
from hxgy.transfer.lookup import Lookup, key_text
from hxgy.transfer.reading import RowReader
from hxgy.transfer.rows.base import (
    Handler,
    Prepared,
    Stored,
    between,
)
from hxgy.transfer.rows.cells import (
    category_cell,
    class_cell,
    duration_cell,
    in_class_on,
    name_cell,
    record_day,
    student_cell,
    yes_no_cell,
)


class Volunteering(Handler):
    model = VolunteerRecord
    compared = ("hours", "note", "confirmed")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        when = record_day(r, "service_date", lk)
        day, _term, year = when if when else (None, None, None)
        class_id = class_cell(r, lk, year)
        student = student_cell(r, lk, class_id=class_id, day=day)
        if day is not None:
            in_class_on(r, lk, student, class_id, day)
        guardian_id = None
        name = name_cell(r, "guardian_name")
        if student is not None and name:
            guardian_id = lk.guardians.get((student.family_id, key_text(name))) if student.family_id else None
            if guardian_id is None:
                r.fail("guardian_name", f"该学生的家庭没有名为“{name}”的监护人（请先导入监护人）")
        activity_id = category_cell(r, lk, "activity")
        hours = duration_cell(r, "hours", "hour")
        if hours is not None and not 0 < hours <= MAX_HOURS_A_DAY:
            r.fail("hours", f"应大于 0 且不超过 {MAX_HOURS_A_DAY:g} 小时（一天）")
        note = r.text("note")
        confirmed = yes_no_cell(r, "confirmed")
        if confirmed and not rights.can(user.role, rights.Action.CONFIRM_VOLUNTEERING):
            confirmed = False
        if not r.ok:
            return []
        return [
            Prepared(
                r.number,
                (guardian_id, class_id, activity_id, day),
                {
                    "class_id": class_id,
                    "guardian_id": guardian_id,
                    "activity_id": activity_id,
                    "service_date": day,
                    "hours": float(hours),
                    "note": note,
                    "confirmed": confirmed,
                },
                class_id,
                day,
            )
        ]

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
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

    def insert_values(self, p: Prepared, lk: Lookup, user: CurrentUser) -> dict[str, Any]:
        values = {k: v for k, v in p.values.items() if k != "confirmed"}
        now = utcnow()
        confirmed = p.values["confirmed"]
        return {
            "school_id": lk.school_id,
            **values,
            "confirmed_by": user.id if confirmed else None,
            "confirmed_at": now if confirmed else None,
            "created_by": user.id,
            "created_at": now,
        }

    def update_values(self, p: Prepared, stored: Stored, user: CurrentUser) -> dict[str, Any]:
        values: dict[str, Any] = {"hours": p.values["hours"], "deleted_at": None, "updated_at": utcnow()}
        if self.said(p, "note"):
            values["note"] = p.values["note"]
        if self.said(p, "confirmed") and p.values["confirmed"] != stored.values["confirmed"]:
            values["confirmed_by"] = user.id if p.values["confirmed"] else None
            values["confirmed_at"] = utcnow() if p.values["confirmed"] else None
        return values
