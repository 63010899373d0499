"""家长诉求: one row is one request received, and its reply when there is one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models import (
    ParentRequest,
)
from hxgy.transfer.lookup import Lookup
from hxgy.transfer.reading import RowReader
from hxgy.transfer.rows.base import (
    Handler,
    Prepared,
    Stored,
    between,
    occurrence,
    to_second,
)
from hxgy.transfer.rows.cells import (
    category_cell,
    class_cell,
    in_class_on,
    record_day,
    student_cell,
)
from hxgy.transfer.values import (
    clean_text,
    read_datetime,
)


class Requests(Handler):
    model = ParentRequest
    repeatable = True
    compared = ("category_id", "content", "replied_at", "reply")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        when = record_day(r, "received_at", lk, as_datetime=True)
        received, _term, year = when if when else (None, None, None)
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
        replied = r.read("replied_at", read_datetime)
        reply = r.text("reply")
        if replied is not None:
            if received is not None and replied < received:
                r.fail("replied_at", "不能早于收到时间")
            elif replied.date() > lk.today:
                r.fail("replied_at", "不能晚于今天")
            if not reply:
                r.fail("reply", "填写了答复时间，也要填写答复内容")
        elif reply:
            r.fail("replied_at", "填写了答复内容，也要填写答复时间")
        if not r.ok:
            return []
        student_id = student.id if student else None
        return [
            Prepared(
                r.number,
                (received, channel_id, class_id, student_id),
                {
                    "class_id": class_id,
                    "student_id": student_id,
                    "channel_id": channel_id,
                    "category_id": category_id,
                    "received_at": received,
                    "content": content,
                    "replied_at": replied,
                    "reply": reply,
                    "handled_by": user.staff_id if replied else None,
                },
                class_id,
                received.date(),
            )
        ]

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        m = ParentRequest
        rows = session.execute(
            select(m.id, m.received_at, m.channel_id, m.class_id, m.student_id, *(getattr(m, c) for c in self.compared))
            .where(m.school_id == lk.school_id, m.deleted_at.is_(None), between(m.received_at, prepared))
            .order_by(m.id)
        )
        found: dict[tuple, Stored] = {}
        seen: dict[tuple, int] = {}
        for row in rows:
            values = {c: getattr(row, c) for c in self.compared}
            values["replied_at"] = to_second(values["replied_at"])
            key = (to_second(row.received_at), row.channel_id, row.class_id, row.student_id)
            found[(*key, occurrence(seen, key))] = Stored(row.id, values)
        return found
