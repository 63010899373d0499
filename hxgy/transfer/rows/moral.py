"""德育评分: a long sheet (one row per dimension) or a wide one (one column per dimension)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models import (
    MoralScore,
)
from hxgy.models.base import utcnow
from hxgy.transfer.kinds import (
    NUMBER,
    Column,
)
from hxgy.transfer.lookup import Lookup, StudentInfo, TermInfo
from hxgy.transfer.reading import RowReader
from hxgy.transfer.rows.base import (
    Handler,
    Prepared,
    Stored,
)
from hxgy.transfer.rows.cells import (
    named,
    student_cell,
    term_cell,
)
from hxgy.transfer.values import (
    read_number,
)


class MoralScores(Handler):
    model = MoralScore
    compared = ("score", "class_id")

    def _student_and_class(self, r: RowReader, lk: Lookup) -> tuple[TermInfo | None, StudentInfo | None, int | None]:
        term = term_cell(r, lk)
        student = student_cell(r, lk)
        class_id = None
        if term is not None and student is not None:
            class_id = lk.class_in_term(student, term)
            if class_id is None:
                r.fail("student_no", f"该学生在{term.name}不在任何班级")
            elif not lk.may_write(class_id):
                r.fail("student_no", "该学生不在您任教的班级")
        return term, student, class_id

    def _score(self, r: RowReader, key: str) -> float | None:
        score = r.read(key, read_number)
        if score is not None and not 0 <= score <= 100:
            r.fail(key, "分数应在 0 到 100 之间")
            return None
        return score

    def _rater(self, r: RowReader, lk: Lookup) -> int | None:
        return r.lookup("rater", lambda t: named(lk.raters, lk.rater_names, t, "评价主体"))

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        term, student, class_id = self._student_and_class(r, lk)
        dimension_id = r.lookup("dimension", lambda t: named(lk.dimensions, lk.dimension_names, t, "德育维度"))
        rater_id = self._rater(r, lk)
        score = self._score(r, "score")
        if not r.ok:
            return []
        return [self._prepared(r.number, lk, user, term, student, class_id, dimension_id, rater_id, score)]

    @staticmethod
    def _prepared(row, lk, user, term, student, class_id, dimension_id, rater_id, score) -> Prepared:  # noqa: ANN001
        return Prepared(
            row,
            (student.id, term.id, dimension_id, rater_id),
            {
                "student_id": student.id,
                "term_id": term.id,
                "class_id": class_id,
                "dimension_id": dimension_id,
                "rater_id": rater_id,
                "score": float(score),
            },
            class_id,
            term.start,
        )

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        m = MoralScore
        term_ids = sorted({p.values["term_id"] for p in prepared})
        rows = session.execute(
            select(m.id, m.student_id, m.term_id, m.dimension_id, m.rater_id, m.score, m.class_id).where(
                m.school_id == lk.school_id, m.term_id.in_(term_ids)
            )
        )
        return {
            (row.student_id, row.term_id, row.dimension_id, row.rater_id): Stored(
                row.id, {"score": row.score, "class_id": row.class_id}
            )
            for row in rows
        }

    def insert_values(self, p: Prepared, lk: Lookup, user: CurrentUser) -> dict[str, Any]:
        return {"school_id": lk.school_id, **p.values, "entered_by": user.id, "updated_at": utcnow()}

    def update_values(self, p: Prepared, stored: Stored, user: CurrentUser) -> dict[str, Any]:
        return {
            "score": p.values["score"],
            "class_id": p.values["class_id"],
            "entered_by": user.id,
            "updated_at": utcnow(),
        }


class MoralScoresWide(MoralScores):
    def extra_columns(self, lookup: Lookup) -> list[Column]:
        return [
            Column(f"dimension:{dimension_id}", name, NUMBER, help="0 到 100，未评不填", example=90)
            for name, dimension_id in zip(lookup.dimension_names, lookup.dimensions.values(), strict=True)
        ]

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        term, student, class_id = self._student_and_class(r, lk)
        rater_id = self._rater(r, lk)
        scores = {}
        for key in r.located.positions:
            if key.startswith("dimension:"):
                score = self._score(r, key)
                if score is not None:
                    scores[int(key.split(":")[1])] = score
        if not scores and r.ok:
            r.fail("", "这一行没有任何维度的分数")
        if not r.ok:
            return []
        return [
            self._prepared(r.number, lk, user, term, student, class_id, dimension_id, rater_id, score)
            for dimension_id, score in scores.items()
        ]
