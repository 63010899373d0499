"""德育评分: a long sheet (one row per dimension) or a wide one (one column per dimension)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry import checks
from hxgy.models import MoralScore
from hxgy.models.base import utcnow
from hxgy.transfer.kinds import NUMBER, Column
from hxgy.transfer.lookup import Lookup, StudentInfo, TermInfo
from hxgy.transfer.reading import RowReader
from hxgy.transfer.rows.base import Handler, Key, Prepared, Stored, Values, columns_of
from hxgy.transfer.rows.cells import named, student_cell, term_cell
from hxgy.transfer.values import read_number


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One student's score in one dimension from one rater in a term: the columns of moral_score."""

    student_id: int
    term_id: int
    class_id: int
    dimension_id: int
    rater_id: int
    score: float


@dataclass(frozen=True, slots=True)
class Scored:
    """Who a row scores: the term, the student and their class in it."""

    term: TermInfo
    student: StudentInfo
    class_id: int


class MoralScores(Handler[ScoreRow]):
    model = MoralScore
    compared = ("score", "class_id")

    def _student_and_class(self, r: RowReader, lk: Lookup) -> Scored | None:
        term = term_cell(r, lk)
        student = student_cell(r, lk)
        if term is None or student is None:
            return None
        class_id = lk.class_in_term(student, term)
        if class_id is None:
            r.fail("student_no", f"该学生在{term.name}不在任何班级")
        elif not lk.may_write(class_id):
            r.fail("student_no", "该学生不在您任教的班级")
        else:
            return Scored(term, student, class_id)
        return None

    def _score(self, r: RowReader, key: str) -> float | None:
        score = r.read(key, read_number)
        if score is None:
            return None
        try:
            return checks.moral_score(score)  # the 德育 grid keeps the same rule
        except checks.ValueRefused as refused:
            r.fail(key, f"分数{refused}")
            return None

    def _rater(self, r: RowReader, lk: Lookup) -> int | None:
        return r.lookup("rater", lambda t: named(lk.raters, lk.rater_names, t, "评价主体"))

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared[ScoreRow]]:
        who = self._student_and_class(r, lk)
        dimension_id = r.lookup("dimension", lambda t: named(lk.dimensions, lk.dimension_names, t, "德育维度"))
        rater_id = self._rater(r, lk)
        score = self._score(r, "score")
        if not r.ok or who is None or dimension_id is None or rater_id is None or score is None:
            return []
        return [self._prepared(r.number, who, dimension_id, rater_id, score)]

    @staticmethod
    def _prepared(row: int, who: Scored, dimension_id: int, rater_id: int, score: float) -> Prepared[ScoreRow]:
        record = ScoreRow(who.student.id, who.term.id, who.class_id, dimension_id, rater_id, float(score))
        key = (who.student.id, who.term.id, dimension_id, rater_id)
        return Prepared(row, key, record, who.class_id, who.term.start)

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared[ScoreRow]]) -> dict[Key, Stored]:
        m = MoralScore
        term_ids = sorted({p.record.term_id for p in prepared})
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

    def insert_values(self, p: Prepared[ScoreRow], lk: Lookup, user: CurrentUser) -> Values:
        return {"school_id": lk.school_id, **columns_of(p.record), "entered_by": user.id, "updated_at": utcnow()}

    def update_values(self, p: Prepared[ScoreRow], stored: Stored, user: CurrentUser) -> Values:
        changed_at: datetime = utcnow()
        return {"score": p.record.score, "class_id": p.record.class_id, "entered_by": user.id, "updated_at": changed_at}


class MoralScoresWide(MoralScores):
    def extra_columns(self, lookup: Lookup) -> list[Column]:
        return [
            Column(f"dimension:{dimension_id}", name, NUMBER, help="0 到 100，未评不填", example=90)
            for name, dimension_id in zip(lookup.dimension_names, lookup.dimensions.values(), strict=True)
        ]

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared[ScoreRow]]:
        who = self._student_and_class(r, lk)
        rater_id = self._rater(r, lk)
        scores = {}
        for key in r.located.positions:
            if key.startswith("dimension:"):
                score = self._score(r, key)
                if score is not None:
                    scores[int(key.split(":")[1])] = score
        if not scores and r.ok:
            r.fail("", "这一行没有任何维度的分数")
        if not r.ok or who is None or rater_id is None:
            return []
        return [self._prepared(r.number, who, dimension_id, rater_id, score) for dimension_id, score in scores.items()]
