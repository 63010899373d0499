"""家长诉求: one row is one request received, and its reply when there is one (the rules of hxgy.entry.checks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry import checks
from hxgy.models import ParentRequest
from hxgy.transfer.lookup import Lookup
from hxgy.transfer.reading import RowReader
from hxgy.transfer.rows.base import Handler, Key, Prepared, Stored, between, occurrence, to_second
from hxgy.transfer.rows.cells import category_cell, checked, class_cell, in_class_on, record_time, student_cell
from hxgy.transfer.values import clean_text, read_datetime


@dataclass(frozen=True, slots=True)
class RequestRow:
    """A parent request as a row gives it: the columns of the parent_request table."""

    class_id: int | None
    student_id: int | None
    channel_id: int
    category_id: int | None
    received_at: datetime
    content: str
    replied_at: datetime | None
    reply: str
    handled_by: int | None


class Requests(Handler[RequestRow]):
    model = ParentRequest
    repeatable = True
    compared = ("category_id", "content", "replied_at", "reply")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared[RequestRow]]:
        when = record_time(r, "received_at", lk)
        received, year = when if when else (None, None)
        class_id = None
        if clean_text(r.raw("class")):
            class_id = class_cell(r, lk, year)
        elif lk.own_classes is not None:
            r.fail("class", "请填写班级：不限班级的诉求只有德育处或管理员可以导入")
        named = clean_text(r.raw("student_no")) or (r.has("student_name") and clean_text(r.raw("student_name")))
        student = student_cell(r, lk, class_id=class_id, day=received.date() if received else None) if named else None
        if received is not None and student is not None:
            if class_id is None and r.ok:
                class_id = lk.class_of(student, lk.roll_day(received.date()))
                if class_id is not None and not lk.may_write(class_id):
                    r.fail("student_no", "该学生不在您任教的班级")
            else:
                in_class_on(r, lk, student, class_id, received.date())
        channel_id = category_cell(r, lk, "channel")
        content = r.text("content")
        category_id = category_cell(r, lk, "category")
        written = r.read("replied_at", read_datetime)
        reply = r.text("reply")
        replied = checked(r, "replied_at", checks.reply_time, received, written, lk.today)
        checked(r, "reply", checks.time_without_reply, written, reply)
        checked(r, "replied_at", checks.reply_without_time, written, reply)
        if not r.ok or received is None or channel_id is None:
            return []
        student_id = student.id if student else None
        handled_by = user.staff_id if replied else None
        record = RequestRow(
            class_id, student_id, channel_id, category_id, received, content, replied, reply, handled_by
        )
        key = (received, channel_id, class_id, student_id)
        return [Prepared(r.number, key, record, class_id, received.date())]

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared[RequestRow]]) -> dict[Key, Stored]:
        m = ParentRequest
        rows = session.execute(
            select(m.id, m.received_at, m.channel_id, m.class_id, m.student_id, *(getattr(m, c) for c in self.compared))
            .where(m.school_id == lk.school_id, m.deleted_at.is_(None), between(m.received_at, prepared))
            .order_by(m.id)
        )
        found: dict[Key, Stored] = {}
        seen: dict[Key, int] = {}
        for row in rows:
            values = {c: getattr(row, c) for c in self.compared}
            values["replied_at"] = to_second(values["replied_at"])
            key = (to_second(row.received_at), row.channel_id, row.class_id, row.student_id)
            found[(*key, occurrence(seen, key))] = Stored(row.id, values)
        return found
