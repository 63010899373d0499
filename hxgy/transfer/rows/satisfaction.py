"""满意度: one row per term and class (no class: the whole school), under the rules of the 满意度 form
(hxgy.entry.checks)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry import checks
from hxgy.models import SatisfactionResult
from hxgy.models.base import utcnow
from hxgy.transfer.lookup import Lookup
from hxgy.transfer.reading import RowReader
from hxgy.transfer.rows.base import Handler, Key, Prepared, Stored, Values, columns_of
from hxgy.transfer.rows.cells import checked, class_cell, integer_cell, term_cell
from hxgy.transfer.values import clean_text


@dataclass(frozen=True, slots=True)
class SurveyRow:
    """A term's survey result for a class (or the school): the columns of satisfaction_result."""

    term_id: int
    class_id: int | None
    respondents: int
    satisfied: int
    note: str


class Satisfaction(Handler[SurveyRow]):
    model = SatisfactionResult
    compared = ("respondents", "satisfied", "note")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared[SurveyRow]]:
        term = term_cell(r, lk)
        year = next((y for y in lk.years if term and y.id == term.school_year_id), None)
        class_id = None
        if clean_text(r.raw("class")):
            class_id = class_cell(r, lk, year)
        elif lk.own_classes is not None:
            r.fail("class", "请填写班级：全校的满意度只有德育处或管理员可以导入")
        answered = integer_cell(r, "respondents", 1)
        count = integer_cell(r, "satisfied", 0)
        if answered is not None and count is not None:
            checked(r, "satisfied", checks.satisfied, count, answered)
        note = r.text("note")
        if not r.ok or term is None or answered is None or count is None:
            return []
        record = SurveyRow(term.id, class_id, answered, count, note)
        return [Prepared(r.number, (term.id, class_id), record, class_id, term.start)]

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared[SurveyRow]]) -> dict[Key, Stored]:
        m = SatisfactionResult
        rows = session.execute(select(m).where(m.school_id == lk.school_id)).scalars()
        return {(s.term_id, s.class_id): Stored(s.id, {c: getattr(s, c) for c in self.compared}) for s in rows}

    def insert_values(self, p: Prepared[SurveyRow], lk: Lookup, user: CurrentUser) -> Values:
        return {"school_id": lk.school_id, **columns_of(p.record), "created_at": utcnow()}
