"""沟通记录: one row is one contact with a family (or a whole class), under the rules of the 记录沟通 form
(hxgy.entry.checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry import checks
from hxgy.models import Communication
from hxgy.transfer.kinds import DIRECTION_WORDS
from hxgy.transfer.lookup import Lookup, key_text
from hxgy.transfer.reading import RowReader
from hxgy.transfer.rows.base import Handler, Key, Prepared, Stored, between, occurrence
from hxgy.transfer.rows.cells import (
    category_cell,
    checked,
    dated_in_class,
    duration_cell,
    words_cell,
    yes_no_cell,
)
from hxgy.transfer.values import clean_text


@dataclass(frozen=True, slots=True)
class ContactRow:
    """A communication as a row gives it: the columns of the communication table."""

    class_id: int
    student_id: int | None
    staff_id: int | None
    channel_id: int
    topic_id: int | None
    direction: str
    contact_date: date
    duration_min: int | None
    summary: str
    follow_up: bool


class Communications(Handler[ContactRow]):
    model = Communication
    repeatable = True
    compared = ("topic_id", "direction", "duration_min", "summary", "follow_up")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared[ContactRow]]:
        dated = dated_in_class(r, lk, "contact_date")
        day, class_id, student = dated.day, dated.class_id, dated.student
        channel_id = category_cell(r, lk, "channel")
        direction = words_cell(r, "direction", DIRECTION_WORDS, "to_home")
        topic_id = category_cell(r, lk, "topic")
        minutes = duration_cell(r, "duration_min", "min")
        duration = checked(r, "duration_min", checks.contact_minutes, minutes, clean_text(r.raw("duration_min")))
        summary = r.text("summary")
        follow_up = yes_no_cell(r, "follow_up")
        staff_no = clean_text(r.raw("staff_no"))
        staff_id = user.staff_id
        if staff_no:
            staff_id = lk.staff.get(key_text(staff_no))
            if staff_id is None:
                r.fail("staff_no", f"工号 {staff_no} 不在教职工名单中")
        if channel_id is not None and r.ok:
            allowed = list(lk.class_wide_channels.values())
            wide = channel_id in lk.class_wide_channels
            checked(
                r, "channel", checks.contact_reaches, clean_text(r.raw("channel")), wide, student is not None, allowed
            )
        if not r.ok or day is None or class_id is None or channel_id is None or direction is None:
            return []
        student_id = student.id if student else None
        record = ContactRow(
            class_id, student_id, staff_id, channel_id, topic_id, direction, day, duration, summary, follow_up
        )
        return [Prepared(r.number, (class_id, student_id, day, channel_id, staff_id), record, class_id, day)]

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared[ContactRow]]) -> dict[Key, Stored]:
        m = Communication
        rows = session.execute(
            select(
                m.id,
                m.class_id,
                m.student_id,
                m.contact_date,
                m.channel_id,
                m.staff_id,
                *(getattr(m, c) for c in self.compared),
            )
            .where(m.school_id == lk.school_id, m.deleted_at.is_(None), between(m.contact_date, prepared))
            .order_by(m.id)
        )
        found: dict[Key, Stored] = {}
        seen: dict[Key, int] = {}
        for row in rows:
            key = (row.class_id, row.student_id, row.contact_date, row.channel_id, row.staff_id)
            found[(*key, occurrence(seen, key))] = Stored(row.id, {c: getattr(row, c) for c in self.compared})
        return found
