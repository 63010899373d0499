"""教职工与任课: one row per member of staff and class taught; rows with the same 工号 are one person."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models import ClassAssignment, Staff
from hxgy.models.base import utcnow
from hxgy.transfer.kinds import ASSIGNMENT_WORDS, GENDERS, Kind
from hxgy.transfer.lookup import Lookup, key_text
from hxgy.transfer.reading import Problem, RowReader
from hxgy.transfer.rows.base import Changes, Handler, Key, Prepared, Stored, Values, merge_by_key, merged
from hxgy.transfer.rows.cells import choice_cell, class_cell, name_cell, words_cell, year_cell
from hxgy.transfer.rows.phones import MaskedPhones, phone_cell
from hxgy.transfer.values import clean_text

STAFF_FIELDS = ("name", "gender", "phone", "title")
HEADERS = {"name": "姓名", "gender": "性别", "phone": "联系电话", "title": "职务"}


@dataclass(frozen=True, order=True, slots=True)
class Assignment:
    """A class a member of staff teaches: as 班主任 or 任课教师, and the subject."""

    class_id: int
    role: str
    subject: str


@dataclass(frozen=True, slots=True)
class StaffRow:
    """A member of staff as their rows give them: the columns of the staff table and the classes they teach."""

    staff_no: str
    name: str
    gender: str
    phone: str
    title: str
    assignments: frozenset[Assignment]

    def columns(self) -> Values:
        """The staff table's columns, without the 工号."""
        return {c: getattr(self, c) for c in STAFF_FIELDS}


class StaffRows(Handler[StaffRow]):
    model = Staff
    compared = STAFF_FIELDS

    def __init__(self, kind: Kind) -> None:
        super().__init__(kind)
        self.masked = MaskedPhones("教职工")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared[StaffRow]]:
        staff_no = r.text("staff_no", limit=32)
        name = name_cell(r, "name")
        gender = choice_cell(r, "gender", GENDERS)
        phone = phone_cell(r, checked=False)
        title = r.text("title", limit=40)
        assignments: set[Assignment] = set()
        if clean_text(r.raw("class")):
            year = year_cell(r, lk)
            class_id = class_cell(r, lk, year)
            role = words_cell(r, "assignment", ASSIGNMENT_WORDS, None)
            if role is None and r.ok:
                r.fail("assignment", "填写了任教班级，也要填写任教身份（班主任或任课教师）")
            subject = r.text("subject", limit=20)
            if r.ok and class_id is not None and role is not None:
                assignments.add(Assignment(class_id, role, subject))
        if not r.ok:
            return []
        record = StaffRow(staff_no, name, gender, phone, title, frozenset(assignments))
        key = (key_text(staff_no),)
        self.masked.note(r, key, phone)
        return [Prepared(r.number, key, record, None, lk.today, rows=(r.number,))]

    def against_stored(self, p: Prepared[StaffRow], stored: Stored | None) -> Prepared[StaffRow] | Problem:
        return self.masked.unmasked(p, stored)

    def group(self, prepared: list[Prepared[StaffRow]], problems: list[Problem]) -> list[Prepared[StaffRow]]:
        def join(first: Prepared[StaffRow], p: Prepared[StaffRow]) -> Prepared[StaffRow]:
            filled: Values = {}
            for name in STAFF_FIELDS:
                mine, theirs = p.value(name), first.value(name)
                if mine and theirs and mine != theirs:
                    problems.append(
                        Problem(p.row, HEADERS[name], "", "", f"与第 {first.row} 行同一工号的“{HEADERS[name]}”不一致")
                    )
                elif mine:
                    filled[name] = mine
            assignments = first.record.assignments | p.record.assignments
            return merged(first, replace(first.record, **filled, assignments=assignments), p.row)

        return merge_by_key(prepared, join)

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared[StaffRow]]) -> dict[Key, Stored]:
        assignments: dict[int, set[Assignment]] = {}
        for a in session.execute(
            select(ClassAssignment.staff_id, ClassAssignment.class_id, ClassAssignment.role, ClassAssignment.subject)
        ):
            assignments.setdefault(a.staff_id, set()).add(Assignment(a.class_id, a.role, a.subject))
        found: dict[Key, Stored] = {}
        for s in session.scalars(select(Staff).where(Staff.school_id == lk.school_id)):
            values = {c: getattr(s, c) for c in STAFF_FIELDS}
            values["assignments"] = assignments.get(s.id, set())
            found[(key_text(s.staff_no),)] = Stored(s.id, values)
        return found

    def differs(self, p: Prepared[StaffRow], stored: Stored) -> bool:
        return any(p.value(c) != stored.values[c] for c in STAFF_FIELDS if self.said(p, c)) or not (
            p.record.assignments <= stored.values["assignments"]
        )

    def write(self, session: Session, changes: Changes[StaffRow]) -> None:
        lk, new, changed = changes.lk, changes.new, changes.changed
        pairs: list[tuple[Prepared[StaffRow], int, set[Assignment]]] = []
        for p in new:
            staff_id = session.scalar(
                insert(Staff)
                .values(school_id=lk.school_id, staff_no=p.record.staff_no, **p.record.columns(), created_at=utcnow())
                .returning(Staff.id)
            )
            assert staff_id is not None  # INSERT … RETURNING gives the new id
            pairs.append((p, staff_id, set()))
        for p, stored in changed:
            said = {c: p.value(c) for c in STAFF_FIELDS if self.said(p, c)}
            if said:
                session.execute(update(Staff).where(Staff.id == stored.id).values(**said))
            pairs.append((p, stored.id, stored.values["assignments"]))
        rows = [
            {"class_id": a.class_id, "staff_id": staff_id, "role": a.role, "subject": a.subject}
            for p, staff_id, have in pairs
            for a in sorted(p.record.assignments - have)
        ]
        if rows:
            session.execute(insert(ClassAssignment), rows)

    def refresh_scope(self, lk: Lookup, written: list[Prepared[StaffRow]]) -> tuple[list[date], list[int] | None]:
        return [], None
