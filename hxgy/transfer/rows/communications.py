"""沟通记录: one row is one contact with a family (or a whole class); the same rules as the 记录沟通 form."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry.records import MAX_DURATION_MIN, class_wide_refusal
from hxgy.models import (
    Communication,
)
from hxgy.transfer.kinds import (
    DIRECTION_WORDS,
)
from hxgy.transfer.lookup import Lookup, key_text
from hxgy.transfer.reading import RowReader
from hxgy.transfer.rows.base import (
    Handler,
    Prepared,
    Stored,
    between,
    occurrence,
)
from hxgy.transfer.rows.cells import (
    category_cell,
    class_cell,
    duration_cell,
    in_class_on,
    record_day,
    student_cell,
    words_cell,
    yes_no_cell,
)
from hxgy.transfer.values import (
    clean_text,
)


class Communications(Handler):
    model = Communication
    repeatable = True
    compared = ("topic_id", "direction", "duration_min", "summary", "follow_up")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        when = record_day(r, "contact_date", lk)
        day, _term, year = when if when else (None, None, None)
        class_id = class_cell(r, lk, year)
        student = student_cell(r, lk, class_id=class_id, day=day)
        if day is not None:
            in_class_on(r, lk, student, class_id, day)
        channel_id = category_cell(r, lk, "channel")
        direction = words_cell(r, "direction", DIRECTION_WORDS, "to_home")
        topic_id = category_cell(r, lk, "topic")
        duration = duration_cell(r, "duration_min", "min")
        if duration is not None:
            if not float(duration).is_integer():
                r.fail("duration_min", f"“{clean_text(r.raw('duration_min'))}”应是整数分钟")
                duration = None
            elif not 1 <= duration <= MAX_DURATION_MIN:
                r.fail("duration_min", f"应在 1 到 {MAX_DURATION_MIN} 分钟之间")
                duration = None
            else:
                duration = int(duration)
        summary = r.text("summary")
        follow_up = yes_no_cell(r, "follow_up")
        staff_no = clean_text(r.raw("staff_no"))
        staff_id = user.staff_id
        if staff_no:
            staff_id = lk.staff.get(key_text(staff_no))
            if staff_id is None:
                r.fail("staff_no", f"工号 {staff_no} 不在教职工名单中")
        if channel_id is not None and student is None and channel_id not in lk.class_wide_channels and r.ok:
            # the same rule as the 记录沟通 form (hxgy.entry.records): a 家访 or a call reaches one family
            r.fail("channel", class_wide_refusal(clean_text(r.raw("channel")), list(lk.class_wide_channels.values())))
        if not r.ok:
            return []
        student_id = student.id if student else None
        return [
            Prepared(
                r.number,
                (class_id, student_id, day, channel_id, staff_id),
                {
                    "class_id": class_id,
                    "student_id": student_id,
                    "staff_id": staff_id,
                    "channel_id": channel_id,
                    "topic_id": topic_id,
                    "direction": direction,
                    "contact_date": day,
                    "duration_min": duration,
                    "summary": summary,
                    "follow_up": follow_up,
                },
                class_id,
                day,
            )
        ]

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
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
        found: dict[tuple, Stored] = {}
        seen: dict[tuple, int] = {}
        for row in rows:
            key = (row.class_id, row.student_id, row.contact_date, row.channel_id, row.staff_id)
            found[(*key, occurrence(seen, key))] = Stored(row.id, {c: getattr(row, c) for c in self.compared})
        return found
