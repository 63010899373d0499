"""德育评价: weighted dimension scores, totals, levels, 优良率, completion, rater gaps.

Definitions (docs/measures.md):
- a student's dimension score is the weighted mean of the raters present
  (weights renormalised when a rater is missing); the total is the mean of
  the dimension scores; the level is the highest whose threshold the total reaches;
- 优良率 = students whose level counts as good ÷ students evaluated, by the class
  they were scored in; completion = students of the class with every active
  dimension scored by the teacher ÷ students of the class.
Dimensions, raters, weights and thresholds are read from the database on every call.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hxgy.metrics.roster import ClassFilter, period_roster
from hxgy.models import MoralDimension, MoralLevel, MoralRater, MoralScore, SchoolClass
from hxgy.terms import Period

TEACHER_RATER = "teacher"
GAP_FLAG_POINTS = 5.0  # a parent or self rating this far from the teacher's is flagged
_EPSILON = 1e-6  # 89.9999999 from floating point still reaches 90


@dataclass(frozen=True)
class MoralScheme:
    """A school's 德育 settings as they are now."""

    dimensions: tuple[tuple[int, str, str], ...]  # id, code, name (active, in order)
    raters: tuple[tuple[int, str, str, float], ...]  # id, code, name, weight (active, weight > 0)
    levels: tuple[tuple[str, float, bool], ...]  # name, lowest total, is good; highest first

    @property
    def good_minimum(self) -> float | None:
        """The lowest total that counts toward 优良率."""
        good = [low for _, low, is_good in self.levels if is_good]
        return min(good) if good else None


def moral_scheme(session: Session, *, school_id: int) -> MoralScheme:
    """Read the school's dimensions, raters, weights and level thresholds."""
    dimensions = session.execute(
        select(MoralDimension.id, MoralDimension.code, MoralDimension.name)
        .where(MoralDimension.school_id == school_id, MoralDimension.active.is_(True))
        .order_by(MoralDimension.sort_order, MoralDimension.id)
    ).all()
    raters = session.execute(
        select(MoralRater.id, MoralRater.code, MoralRater.name, MoralRater.weight)
        .where(MoralRater.school_id == school_id, MoralRater.active.is_(True), MoralRater.weight > 0)
        .order_by(MoralRater.sort_order, MoralRater.id)
    ).all()
    levels = session.execute(
        select(MoralLevel.name, MoralLevel.min_score, MoralLevel.is_good)
        .where(MoralLevel.school_id == school_id)
        .order_by(MoralLevel.min_score.desc())
    ).all()
    return MoralScheme(
        tuple((i, c, n) for i, c, n in dimensions),
        tuple((i, c, n, float(w)) for i, c, n, w in raters),
        tuple((n, float(m), bool(g)) for n, m, g in levels),
    )


def _scores(scheme: MoralScheme, term_id: int, classes: ClassFilter) -> Select:
    in_view = select(SchoolClass.id).where(classes.condition())
    return select(MoralScore).where(
        MoralScore.school_id == classes.school_id,
        MoralScore.term_id == term_id,
        MoralScore.class_id.in_(in_view),
        MoralScore.rater_id.in_([r[0] for r in scheme.raters]),
        MoralScore.dimension_id.in_([d[0] for d in scheme.dimensions]),
    )


def _dimension_scores(scheme: MoralScheme, term_id: int, classes: ClassFilter):
    """student_id, class_id, dimension_id, dim_score (weighted mean of the raters present)."""
    scores = _scores(scheme, term_id, classes).subquery()
    weight = case(*[(scores.c.rater_id == rid, literal(w)) for rid, _, _, w in scheme.raters], else_=literal(0.0))
    return (
        select(
            scores.c.student_id,
            scores.c.class_id,
            scores.c.dimension_id,
            (func.sum(scores.c.score * weight) / func.sum(weight)).label("dim_score"),
        )
        .group_by(scores.c.student_id, scores.c.class_id, scores.c.dimension_id)
        .subquery()
    )


def _totals(scheme: MoralScheme, term_id: int, classes: ClassFilter):
    dims = _dimension_scores(scheme, term_id, classes)
    return (
        select(dims.c.student_id, dims.c.class_id, func.avg(dims.c.dim_score).label("total"))
        .group_by(dims.c.student_id, dims.c.class_id)
        .subquery()
    )


def _level_of(total: ColumnElement[float], scheme: MoralScheme) -> ColumnElement[str]:
    whens = [(total + _EPSILON >= low, literal(name)) for name, low, _ in scheme.levels]
    return case(*whens, else_=literal(scheme.levels[-1][0] if scheme.levels else ""))


def moral_by_class(session: Session, scheme: MoralScheme, term_id: int, classes: ClassFilter) -> pd.DataFrame:
    """Per class: evaluated students, good (优秀 or 良好), average total."""
    columns = ["class_id", "evaluated", "good", "average_total"]
    if not scheme.raters or not scheme.dimensions:
        return pd.DataFrame(columns=columns)
    totals = _totals(scheme, term_id, classes)
    good_min = scheme.good_minimum
    good = func.sum(case((totals.c.total + _EPSILON >= good_min, 1), else_=0)) if good_min is not None else literal(0)
    stmt = select(totals.c.class_id, func.count(), good, func.avg(totals.c.total)).group_by(totals.c.class_id)
    frame = pd.DataFrame(session.execute(stmt).all(), columns=columns)
    frame["average_total"] = frame["average_total"].astype(float)
    frame["good"] = frame["good"].astype(int)
    return frame


def level_distribution(session: Session, scheme: MoralScheme, term_id: int, classes: ClassFilter) -> pd.DataFrame:
    """class_id, level, students: how many students reached each level."""
    if not scheme.raters or not scheme.dimensions or not scheme.levels:
        return pd.DataFrame(columns=["class_id", "level", "students"])
    totals = _totals(scheme, term_id, classes)
    level = _level_of(totals.c.total, scheme).label("level")
    stmt = select(totals.c.class_id, level, func.count()).group_by(totals.c.class_id, level)
    return pd.DataFrame(session.execute(stmt).all(), columns=["class_id", "level", "students"])


def dimension_averages(session: Session, scheme: MoralScheme, term_id: int, classes: ClassFilter) -> pd.DataFrame:
    """class_id, dimension_id, average: the class × dimension heatmap."""
    if not scheme.raters or not scheme.dimensions:
        return pd.DataFrame(columns=["class_id", "dimension_id", "average"])
    dims = _dimension_scores(scheme, term_id, classes)
    stmt = select(dims.c.class_id, dims.c.dimension_id, func.avg(dims.c.dim_score)).group_by(
        dims.c.class_id, dims.c.dimension_id
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=["class_id", "dimension_id", "average"])
    frame["average"] = frame["average"].astype(float)
    return frame


def rater_averages(session: Session, scheme: MoralScheme, term_id: int, classes: ClassFilter) -> pd.DataFrame:
    """class_id, rater_id, average, ratings: each rater's mean raw score, side by side."""
    scores = _scores(scheme, term_id, classes).subquery()
    stmt = select(scores.c.class_id, scores.c.rater_id, func.avg(scores.c.score), func.count()).group_by(
        scores.c.class_id, scores.c.rater_id
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=["class_id", "rater_id", "average", "ratings"])
    frame["average"] = frame["average"].astype(float)
    return frame


def completion_by_class(session: Session, scheme: MoralScheme, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """class_id, scored: students of the class the teacher has scored on every active dimension."""
    teacher = next((rid for rid, code, _, _ in scheme.raters if code == TEACHER_RATER), None)
    if teacher is None or not scheme.dimensions or period.evaluation_term_id is None:
        return pd.DataFrame(columns=["class_id", "scored"])
    complete = (
        select(MoralScore.student_id)
        .where(
            MoralScore.term_id == period.evaluation_term_id,
            MoralScore.rater_id == teacher,
            MoralScore.dimension_id.in_([d[0] for d in scheme.dimensions]),
        )
        .group_by(MoralScore.student_id)
        .having(func.count(func.distinct(MoralScore.dimension_id)) == len(scheme.dimensions))
    )
    roster = period_roster(period, classes).subquery()
    stmt = select(roster.c.class_id, func.count()).where(roster.c.student_id.in_(complete)).group_by(roster.c.class_id)
    return pd.DataFrame(session.execute(stmt).all(), columns=["class_id", "scored"])


def rater_gaps(raters: pd.DataFrame, scheme: MoralScheme) -> pd.DataFrame:
    """Classes where a parent or self average is ``GAP_FLAG_POINTS`` or more from the teacher's."""
    teacher = next((rid for rid, code, _, _ in scheme.raters if code == TEACHER_RATER), None)
    columns = ["class_id", "rater_id", "rater_name", "teacher_average", "average", "gap"]
    if teacher is None or raters.empty:
        return pd.DataFrame(columns=columns)
    names = {rid: name for rid, _, name, _ in scheme.raters}
    base = raters[raters["rater_id"] == teacher][["class_id", "average"]].rename(columns={"average": "teacher_average"})
    others = raters[raters["rater_id"] != teacher].merge(base, on="class_id")
    others["gap"] = others["average"] - others["teacher_average"]
    flagged = others[others["gap"].abs() >= GAP_FLAG_POINTS].assign(rater_name=lambda f: f["rater_id"].map(names))
    return flagged.sort_values("gap", key=abs, ascending=False)[columns].reset_index(drop=True)
