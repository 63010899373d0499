"""教职工与任课: one row per member of staff and class taught; rows with the same 工号 are one person."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models import (
    ClassAssignment,
    Staff,
)
from hxgy.models.base import utcnow
from hxgy.transfer.kinds import (
    ASSIGNMENT_WORDS,
    GENDERS,
)
from hxgy.transfer.lookup import Lookup, key_text
from hxgy.transfer.reading import Problem, RowReader
from hxgy.transfer.rows.base import (
    Handler,
    Prepared,
    Stored,
)
from hxgy.transfer.rows.cells import (
    choice_cell,
    class_cell,
    name_cell,
    words_cell,
    year_cell,
)
from hxgy.transfer.values import (
    clean_text,
)

STAFF_FIELDS = ("name", "gender", "phone", "title")


class StaffRows(Handler):
    model = Staff
    compared = STAFF_FIELDS

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        staff_no = r.text("staff_no", limit=32)
        name = name_cell(r, "name")
        gender = choice_cell(r, "gender", GENDERS)
        phone = r.text("phone", limit=20)
        title = r.text("title", limit=40)
        assignments = set()
        if clean_text(r.raw("class")):
            year = year_cell(r, lk)
            class_id = class_cell(r, lk, year)
            role = words_cell(r, "assignment", ASSIGNMENT_WORDS, None)
            if role is None and r.ok:
                r.fail("assignment", "填写了任教班级，也要填写任教身份（班主任或任课教师）")
            subject = r.text("subject", limit=20)
            if r.ok:
                assignments.add((class_id, role, subject))
        if not r.ok:
            return []
        values = {"staff_no": staff_no, "name": name, "gender": gender, "phone": phone, "title": title}
        return [
            Prepared(
                r.number, (key_text(staff_no),), {**values, "assignments": assignments}, None, lk.today, rows=[r.number]
            )
        ]

    def group(self, prepared: list[Prepared], problems: list[Problem]) -> list[Prepared]:
        merged: dict[tuple, Prepared] = {}
        headers = {"name": "姓名", "gender": "性别", "phone": "联系电话", "title": "职务"}
        for p in prepared:
            first = merged.setdefault(p.key, p)
            if first is p:
                continue
            for name in STAFF_FIELDS:
                if p.values[name] and first.values[name] and p.values[name] != first.values[name]:
                    problems.append(
                        Problem(p.row, headers[name], "", "", f"与第 {first.row} 行同一工号的“{headers[name]}”不一致")
                    )
                elif p.values[name]:
                    first.values[name] = p.values[name]
            first.values["assignments"] |= p.values["assignments"]
            first.rows.append(p.row)
        return list(merged.values())

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        assignments: dict[int, set] = {}
        for a in session.execute(
            select(ClassAssignment.staff_id, ClassAssignment.class_id, ClassAssignment.role, ClassAssignment.subject)
        ):
            assignments.setdefault(a.staff_id, set()).add((a.class_id, a.role, a.subject))
        found = {}
        for s in session.scalars(select(Staff).where(Staff.school_id == lk.school_id)):
            values = {c: getattr(s, c) for c in STAFF_FIELDS}
            values["assignments"] = assignments.get(s.id, set())
            found[(key_text(s.staff_no),)] = Stored(s.id, values)
        return found

    def differs(self, p: Prepared, stored: Stored) -> bool:
        return any(p.values[c] != stored.values[c] for c in STAFF_FIELDS if self.said(p, c)) or not (
            p.values["assignments"] <= stored.values["assignments"]
        )

    def write(self, session, user, lk, new, changed, progress) -> None:  # noqa: ANN001
        pairs: list[tuple[Prepared, int, set]] = []
        for p in new:
            staff_id = session.scalar(
                insert(Staff)
                .values(
                    school_id=lk.school_id,
                    staff_no=p.values["staff_no"],
                    **{c: p.values[c] for c in STAFF_FIELDS},
                    created_at=utcnow(),
                )
                .returning(Staff.id)
            )
            pairs.append((p, staff_id, set()))
        for p, stored in changed:
            said = {c: p.values[c] for c in STAFF_FIELDS if self.said(p, c)}
            if said:
                session.execute(update(Staff).where(Staff.id == stored.id).values(**said))
            pairs.append((p, stored.id, stored.values["assignments"]))
        rows = [
            {"class_id": c, "staff_id": staff_id, "role": role, "subject": subject}
            for p, staff_id, have in pairs
            for c, role, subject in sorted(p.values["assignments"] - have)
        ]
        if rows:
            session.execute(insert(ClassAssignment), rows)

    def refresh_scope(self, lk: Lookup, written: list[Prepared]) -> tuple[list[date], list[int] | None]:
        return [], None
