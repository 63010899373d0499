"""满意度: one row per term and class (no class: the whole school)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models import (
    SatisfactionResult,
)
from hxgy.models.base import utcnow
from hxgy.transfer.lookup import Lookup
from hxgy.transfer.reading import RowReader
from hxgy.transfer.rows.base import (
    Handler,
    Prepared,
    Stored,
)
from hxgy.transfer.rows.cells import (
    class_cell,
    integer_cell,
    term_cell,
)
from hxgy.transfer.values import (
    clean_text,
)


class Satisfaction(Handler):
    model = SatisfactionResult
    compared = ("respondents", "satisfied", "note")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        term = term_cell(r, lk)
        year = next((y for y in lk.years if term and y.id == term.school_year_id), None)
        class_id = None
        if clean_text(r.raw("class")):
            class_id = class_cell(r, lk, year)
        elif lk.own_classes is not None:
            r.fail("class", "请填写班级：全校的满意度只有德育处或管理员可以导入")
        respondents = integer_cell(r, "respondents", 1)
        satisfied = integer_cell(r, "satisfied", 0)
        if respondents is not None and satisfied is not None and satisfied > respondents:
            r.fail("satisfied", f"满意人数 {satisfied} 多于答卷人数 {respondents}")
        note = r.text("note")
        if not r.ok:
            return []
        values = {"term_id": term.id, "class_id": class_id, "respondents": respondents, "satisfied": satisfied}
        return [Prepared(r.number, (term.id, class_id), {**values, "note": note}, class_id, term.start)]

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        m = SatisfactionResult
        rows = session.execute(select(m).where(m.school_id == lk.school_id)).scalars()
        return {(s.term_id, s.class_id): Stored(s.id, {c: getattr(s, c) for c in self.compared}) for s in rows}

    def insert_values(self, p: Prepared, lk: Lookup, user: CurrentUser) -> dict[str, Any]:
        return {"school_id": lk.school_id, **p.values, "created_at": utcnow()}
