"""监护人: one row per guardian, matched by the student's family and the guardian's name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models import Family, Guardian, Student
from hxgy.models.base import utcnow
from hxgy.transfer.kinds import RELATIONS, Kind
from hxgy.transfer.lookup import Lookup, StudentInfo, key_text
from hxgy.transfer.reading import Problem, RowReader
from hxgy.transfer.rows.base import Changes, Handler, Key, Prepared, Stored, Values, chunks
from hxgy.transfer.rows.cells import choice_cell, name_cell, student_cell, yes_no_cell
from hxgy.transfer.rows.phones import MaskedPhones, phone_cell


@dataclass(frozen=True, slots=True)
class GuardianRow:
    """A guardian as a row gives them: the columns of the guardian table, and the student whose family it is."""

    name: str
    relation: str
    phone: str
    is_primary: bool
    work_unit: str
    student: StudentInfo  # a student without a family gets one when the guardian is written

    def columns(self) -> Values:
        """The guardian's own columns."""
        return {
            "name": self.name,
            "relation": self.relation,
            "phone": self.phone,
            "is_primary": self.is_primary,
            "work_unit": self.work_unit,
        }


class Guardians(Handler[GuardianRow]):
    model = Guardian
    compared = ("relation", "phone", "is_primary", "work_unit")

    def __init__(self, kind: Kind) -> None:
        super().__init__(kind)
        self.masked = MaskedPhones("监护人")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared[GuardianRow]]:
        student = student_cell(r, lk)
        name = name_cell(r, "name")
        relation = choice_cell(r, "relation", RELATIONS)
        phone = phone_cell(r, checked=True)
        primary = yes_no_cell(r, "is_primary")
        work_unit = r.text("work_unit", limit=100)
        if not r.ok or student is None:
            return []
        family = student.family_id if student.family_id is not None else ("student", student.id)
        record = GuardianRow(name, relation, phone, primary, work_unit, student)
        key = (family, key_text(name))
        self.masked.note(r, key, phone)
        return [Prepared(r.number, key, record, None, lk.today)]

    def against_stored(self, p: Prepared[GuardianRow], stored: Stored | None) -> Prepared[GuardianRow] | Problem:
        return self.masked.unmasked(p, stored)

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared[GuardianRow]]) -> dict[Key, Stored]:
        rows = session.scalars(select(Guardian).where(Guardian.school_id == lk.school_id))
        return {(g.family_id, key_text(g.name)): Stored(g.id, {c: getattr(g, c) for c in self.compared}) for g in rows}

    def write(self, session: Session, changes: Changes[GuardianRow]) -> None:
        lk, new, changed = changes.lk, changes.new, changes.changed
        made: dict[int, int] = {}
        rows = []
        for p in new:
            student = p.record.student
            family_id = student.family_id
            if family_id is None:
                family_id = made.get(student.id)
                if family_id is None:
                    no = next(k for k, v in lk.students.items() if v is student)
                    family_id = session.scalar(
                        insert(Family)
                        .values(school_id=lk.school_id, code=f"F{no}", created_at=utcnow())
                        .returning(Family.id)
                    )
                    session.execute(update(Student).where(Student.id == student.id).values(family_id=family_id))
                    assert family_id is not None  # INSERT … RETURNING gives the new id
                    made[student.id] = family_id
            rows.append(
                {"school_id": lk.school_id, "family_id": family_id, **p.record.columns(), "created_at": utcnow()}
            )
        for _start, chunk in chunks(rows):
            session.execute(insert(Guardian), chunk)
        updates = [{"id": s.id, **{c: p.value(c) for c in self.compared if self.said(p, c)}} for p, s in changed]
        for _start, chunk in chunks(updates):
            session.execute(update(Guardian), chunk)

    def refresh_scope(self, lk: Lookup, written: list[Prepared[GuardianRow]]) -> tuple[list[date], list[int] | None]:
        return [], None  # guardians change no figure until they volunteer
