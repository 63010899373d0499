"""德育 scores entered as a grid: one class, one term, one rater; a row per student, a column per dimension.

``grid_for`` reads what exists so the form is pre-filled; ``save_grid`` writes every change in one
transaction (a score added, changed, or cleared), with one audit entry per changed cell.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry import checks
from hxgy.entry.rules import Problems, audit, refuse, require_class_write, students_of_class
from hxgy.metrics import stats
from hxgy.metrics.moral import moral_scheme
from hxgy.models import MoralRater, MoralScore, Student, Term
from hxgy.models.base import utcnow
from hxgy.rights import Action

Cell = tuple[int, int]  # (student_id, dimension_id)


@dataclass(frozen=True)
class Grid:
    """Which grid: one class, one term, one rater."""

    class_id: int
    term_id: int
    rater_id: int


@dataclass(frozen=True)
class GridChange:
    """What a grid save did."""

    added: int
    changed: int
    cleared: int


def grid_for(session: Session, *, class_id: int, term_id: int, rater_id: int) -> pd.DataFrame:
    """The grid as stored: student_id, 学号, 姓名, then one column per active dimension (its name; NaN = none)."""
    term = session.get(Term, term_id)
    if term is None:
        return pd.DataFrame()
    scheme = moral_scheme(session, school_id=term.school_id)
    students = students_of_class(session, class_id, term.start_date, term.end_date)
    stored = {
        (s, d): v
        for s, d, v in session.execute(
            select(MoralScore.student_id, MoralScore.dimension_id, MoralScore.score).where(
                MoralScore.term_id == term_id, MoralScore.class_id == class_id, MoralScore.rater_id == rater_id
            )
        )
    }
    rows = []
    for student in students:
        row: dict[str, object] = {"student_id": student.id, "学号": student.student_no, "姓名": student.name}
        for dimension_id, _code, name in scheme.dimensions:
            row[name] = stored.get((student.id, dimension_id), math.nan)
        rows.append(row)
    columns = ["student_id", "学号", "姓名", *[name for _, _, name in scheme.dimensions]]
    return pd.DataFrame(rows, columns=columns)


def open_grid(session: Session, user: CurrentUser, *, class_id: int, term_id: int, rater_id: int) -> pd.DataFrame:
    """A class's individual scores, for someone who may write them; the viewing goes into the audit log.

    The caller commits (the audit entry); a user who may not write the class is refused, and that is logged too.
    """
    school_class = require_class_write(session, user, class_id, "查看德育评分", action=Action.WRITE_MORAL)
    term = session.get(Term, term_id)
    if term is None or term.school_id != user.school_id:
        raise refuse(session, user, f"查看学期 {term_id} 的德育评分")
    rater = session.get(MoralRater, rater_id)
    audit(
        session,
        user,
        "view",
        "moral_score",
        class_id,
        detail=f"{school_class.name} · {term.name} · {rater.name if rater else rater_id}",
    )
    return grid_for(session, class_id=class_id, term_id=term_id, rater_id=rater_id)


def save_grid(
    session: Session,
    user: CurrentUser,
    *,
    class_id: int,
    term_id: int,
    rater_id: int,
    scores: Mapping[Cell, float | None],
    today: date,
) -> GridChange:
    """Write the grid's cells: a number sets the score, None clears it. All or nothing."""
    term = session.get(Term, term_id)
    if term is None or term.school_id != user.school_id:
        raise refuse(session, user, f"录入学期 {term_id} 的德育评分")
    school_class = require_class_write(session, user, class_id, "录入德育评分", action=Action.WRITE_MORAL)
    scheme = moral_scheme(session, school_id=term.school_id)
    dimensions = {d_id: name for d_id, _code, name in scheme.dimensions}
    students = {s.id: s for s in students_of_class(session, class_id, term.start_date, term.end_date)}
    rater = session.get(MoralRater, rater_id)
    problems = Problems()
    if term.start_date > today:
        problems.add("学期", "该学期尚未开始，不能录入评分")
    if school_class.school_year_id != term.school_year_id:
        problems.add("班级", "不属于该学期所在学年")
    if rater is None or rater.school_id != term.school_id or not rater.active:
        problems.add("评价主体", "不是本校启用的评价主体")
    for (student_id, dimension_id), value in scores.items():
        student = students.get(student_id)
        if student is None:
            other = session.get(Student, student_id)
            if other is not None and other.school_id == term.school_id:
                where = f"{other.name}（{other.student_no}）"
            else:
                where = f"学生 {student_id}"
            problems.add("学生", f"{where}不在{school_class.name}")
            continue
        where = f"{student.name}（{student.student_no}）"
        if dimension_id not in dimensions:
            problems.add("评价维度", f"{where}：维度 {dimension_id} 不是本校启用的维度")
            continue
        if value is not None:
            try:
                checks.moral_score(value)  # the importer keeps the same rule
            except checks.ValueRefused as refused:
                problems.add(dimensions[dimension_id], f"{where}的分数 {value:g} {refused}")
    problems.raise_if_any()

    existing = {
        (s.student_id, s.dimension_id): s
        for s in session.scalars(
            select(MoralScore).where(
                MoralScore.term_id == term_id,
                MoralScore.rater_id == rater_id,
                MoralScore.student_id.in_(list(students)),
            )
        )
    }
    added = changed = cleared = 0
    now = utcnow()
    for (student_id, dimension_id), value in scores.items():
        old = existing.get((student_id, dimension_id))
        cell = {"student_id": student_id, "dimension_id": dimension_id, "rater_id": rater_id, "term_id": term_id}
        if value is None:
            if old is None:
                continue
            session.execute(delete(MoralScore).where(MoralScore.id == old.id))
            audit(session, user, "delete", "moral_score", old.id, before={**cell, "score": old.score})
            cleared += 1
        elif old is None:
            score = MoralScore(
                **cell,
                school_id=term.school_id,
                class_id=class_id,
                score=float(value),
                entered_by=user.id,
                updated_at=now,
            )
            session.add(score)
            session.flush()
            audit(session, user, "create", "moral_score", score.id, after={**cell, "score": float(value)})
            added += 1
        elif abs(old.score - float(value)) > 1e-9 or old.class_id != class_id:
            before = {**cell, "score": old.score}
            old.score, old.class_id, old.entered_by, old.updated_at = float(value), class_id, user.id, now
            audit(session, user, "update", "moral_score", old.id, before=before, after={**cell, "score": old.score})
            changed += 1
    session.flush()
    if added or changed or cleared:
        stats.refresh_term(
            session, school_id=term.school_id, term_id=term_id, today=today, now=now, class_ids=[class_id]
        )
    return GridChange(added, changed, cleared)


def changed_cells(
    before: pd.DataFrame, after: pd.DataFrame, dimension_ids: Mapping[str, int]
) -> dict[Cell, float | None]:
    """The cells that differ between the stored grid and the edited one (NaN and empty mean no score)."""
    changes: dict[Cell, float | None] = {}
    old = before.set_index("student_id")
    new = after.set_index("student_id")
    for name, dimension_id in dimension_ids.items():
        for student_id in new.index:
            now_value = new.at[student_id, name]
            was = old.at[student_id, name] if student_id in old.index else math.nan
            now_missing = now_value is None or pd.isna(now_value)
            was_missing = was is None or pd.isna(was)
            if now_missing and was_missing:
                continue
            if now_missing:
                changes[(int(student_id), dimension_id)] = None
            elif was_missing or abs(float(now_value) - float(was)) > 1e-9:
                changes[(int(student_id), dimension_id)] = float(now_value)
    return changes
