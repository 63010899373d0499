"""Every measure side by side: the per-class table, the school's figures, and what they are compared with.

``class_measures`` is the one table the overview, the district drill-down,
``python -m hxgy metrics`` and the term report all read. School (or grade)
figures are the class numerators and denominators added up, so they always
equal the weighted combination of the class figures. What each measure is and
how it rolls up is in ``hxgy.metrics.measures``; targets and status in
``hxgy.metrics.targets``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy.metrics import activities, communication, moral, satisfaction, volunteers
from hxgy.metrics.measures import MEASURES
from hxgy.metrics.roster import ClassFilter, classes_in_view, period_roster, students_by_class
from hxgy.models import SchoolClass
from hxgy.terms import SAME_PERIOD, Period, comparison_period

COUNT_COLUMNS = [
    "students", "contacts", "individual_contacts", "contacted_students", "visited_students",
    "requests", "requests_on_time", "requests_due", "volunteer_records", "volunteer_hours", "volunteer_families",
    "moral_evaluated", "moral_good", "moral_scored", "satisfaction_respondents", "satisfaction_satisfied",
    "class_activities", "parents_attended", "attendance_base",
]  # fmt: skip
RATE_COLUMNS = [key for key, m in MEASURES.items() if m.rollup in ("ratio", "per_week", "mean")]


def ratio(numerator: float, denominator: float) -> float:
    """numerator ÷ denominator, or NaN ("no data") when there is nothing to divide by."""
    return float(numerator) / float(denominator) if denominator else math.nan


def _per_class(classes: pd.DataFrame, parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The class list with each part's columns beside it (one concat, not one merge per part)."""
    indexed = [part.set_index("class_id") for part in parts if not part.empty]
    joined = pd.concat(indexed, axis=1) if indexed else pd.DataFrame(index=pd.Index([], name="class_id"))
    joined = joined.reindex(classes["class_id"])
    return pd.concat([classes.set_index("class_id"), joined], axis=1).reset_index()


def class_measures(session: Session, period: Period, classes: ClassFilter, *, now: datetime) -> pd.DataFrame:
    """One row per class in view with every count and every rate of docs/measures.md."""
    class_list = classes_in_view(session, period, classes)
    scheme = moral.moral_scheme(session, school_id=classes.school_id)
    term = period.evaluation_term_id
    requests = requests_counts(session, period, classes, now=now)
    scores = moral.moral_by_class(session, scheme, term, classes) if term else pd.DataFrame(columns=["class_id"])
    frame = _per_class(
        class_list,
        [
            students_by_class(session, period, classes),
            communication.communication_by_class(session, period, classes),
            requests,
            volunteers.volunteers_by_class(session, period, classes),
            scores.rename(
                columns={"evaluated": "moral_evaluated", "good": "moral_good", "average_total": "moral_average"}
            ),
            moral.completion_by_class(session, scheme, period, classes).rename(columns={"scored": "moral_scored"}),
            satisfaction.satisfaction_by_class(session, term, classes).rename(
                columns={"respondents": "satisfaction_respondents", "satisfied": "satisfaction_satisfied"}
            ),
            activities.attendance_by_class(session, period, classes),
        ],
    )
    attended = frame.pop("attended_activities") if "attended_activities" in frame else 0
    frame["attendance_base"] = 0
    counts = frame.reindex(columns=COUNT_COLUMNS).fillna(0)
    counts["attendance_base"] = pd.Series(attended, index=frame.index).fillna(0) * counts["students"]
    return finish(frame, counts, period)


def requests_counts(session: Session, period: Period, classes: ClassFilter, *, now: datetime) -> pd.DataFrame:
    """class_id, requests, requests_on_time, requests_due: live, as replies are judged against ``now``."""
    requests = communication.requests_by_class(session, period, classes, now=now).dropna(subset=["class_id"])
    return pd.DataFrame(
        {
            "class_id": requests["class_id"],
            "requests": requests["requests"],
            "requests_on_time": requests["on_time"],
            "requests_due": requests["on_time"] + requests["late"] + requests["overdue"],
        }
    )


def finish(frame: pd.DataFrame, counts: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The class table with its counts typed (whole numbers but hours), the 德育 average and every rate."""
    typed = {c: counts[c].to_numpy(dtype=float if c == "volunteer_hours" else np.int64) for c in COUNT_COLUMNS}
    typed["moral_average"] = (
        frame["moral_average"].to_numpy(dtype=float) if "moral_average" in frame else np.full(len(frame), np.nan)
    )
    order = [*frame.columns, *(c for c in typed if c not in frame)]
    rest = frame.drop(columns=[c for c in typed if c in frame])
    return add_rates(pd.concat([rest, pd.DataFrame(typed, index=frame.index)], axis=1)[order], period)


def _rates(column: Callable[[str], np.ndarray], period: Period) -> dict[str, np.ndarray]:
    """Every ratio and per-week measure of the registry from count columns (NaN where the denominator is 0)."""
    rates = {}
    for key, m in MEASURES.items():
        if m.rollup == "ratio" and m.numerator and m.denominator:
            den = column(m.denominator)
            with np.errstate(divide="ignore", invalid="ignore"):
                rates[key] = np.where(den > 0, column(m.numerator) / np.where(den > 0, den, 1), np.nan)
        elif m.rollup == "per_week" and m.column:
            rates[key] = column(m.column) / (period.days / 7)
    return rates


def add_rates(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Rates from the counts of each row (NaN where the denominator is zero), as the registry says."""
    rates = _rates(lambda name: frame[name].to_numpy(dtype=float), period)
    kept = frame.drop(columns=[k for k in rates if k in frame])
    return pd.concat([kept, pd.DataFrame(rates, index=frame.index)], axis=1)


def combine(frame: pd.DataFrame, period: Period) -> dict[str, float]:
    """The figures of all rows together: counts added up, rates recomputed from the sums, means weighted."""
    present = [c for c in COUNT_COLUMNS if c in frame]
    added = frame[present].to_numpy(dtype=float).sum(axis=0) if present else np.zeros(0)
    sums = {column: 0.0 for column in COUNT_COLUMNS} | {c: float(v) for c, v in zip(present, added, strict=True)}
    totals: dict[str, float] = dict(sums)
    totals |= {k: float(v[0]) for k, v in _rates(lambda name: np.array([sums[name]]), period).items()}
    for key, m in MEASURES.items():
        if m.rollup == "mean" and m.weight:
            if key in frame:
                values, weights = frame[key].to_numpy(dtype=float), frame[m.weight].to_numpy(dtype=float)
                known = ~np.isnan(values)
                totals[key] = ratio((values[known] * weights[known]).sum(), weights[known].sum())
            else:
                totals[key] = math.nan
    return {k: float(v) for k, v in totals.items() if k in COUNT_COLUMNS or k in RATE_COLUMNS}


@dataclass(frozen=True, eq=False)
class Figures(Mapping[str, float]):
    """The figures of a view (school, grade or class): every count and every measure, read-only.

    Read like a mapping (``figures["students"]``, ``figures.get("satisfaction")``); a page cannot change
    it in place. ``count`` gives a count as an int.
    """

    numbers: dict[str, float] = field(default_factory=dict)

    def __getitem__(self, key: str) -> float:
        return self.numbers[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.numbers)

    def __len__(self) -> int:
        return len(self.numbers)

    def count(self, key: str) -> int:
        """A count column as a whole number (students, contacted_students…)."""
        return int(self.numbers.get(key, 0))


def school_figures(
    session: Session, period: Period, classes: ClassFilter, *, now: datetime, frame: pd.DataFrame | None = None
) -> Figures:
    """The school's (or grade's, or class's) figures for the classes in view.

    Class rows added up (pass ``frame`` when class_measures has already run); the
    school-wide survey, requests not tied to a class and school-wide activities
    are added where the view is the whole school.
    """
    if frame is None:
        frame = class_measures(session, period, classes, now=now)
    figures = combine(frame, period)
    respondents, satisfied = satisfaction.school_satisfaction(session, period.evaluation_term_id, classes)
    figures["satisfaction_respondents"], figures["satisfaction_satisfied"] = respondents, satisfied
    figures["satisfaction"] = ratio(satisfied, respondents)
    requests = communication.requests_by_class(session, period, classes, now=now)
    due = requests["on_time"].sum() + requests["late"].sum() + requests["overdue"].sum()
    figures["requests"] = float(requests["requests"].sum())
    figures["requests_on_time"], figures["requests_due"] = float(requests["on_time"].sum()), float(due)
    figures["response_on_time"] = ratio(requests["on_time"].sum(), due)
    figures["activities"] = float(activities.participation_totals(session, period, classes)["activities"] or 0)
    figures["students_not_contacted"] = figures["students"] - figures["contacted_students"]
    figures["students_not_visited"] = figures["students"] - figures["visited_students"]
    return Figures(figures)


def whole_school(classes: ClassFilter) -> bool:
    """True when the filter selects every class of the school."""
    return classes.grade_level is None and classes.class_ids is None


def follow_classes(session: Session, classes: ClassFilter, current: Period, previous: Period) -> ClassFilter:
    """The classes the same children were in during an earlier period.

    Within a school year these are the same classes. Across a school year they are
    the classes of the earlier year that the students of the classes in view (at the
    end of ``current``) were enrolled in at the end of ``previous``. The whole school
    stays the whole school.
    """
    if whole_school(classes):
        return classes
    now_ids = session.scalars(
        select(SchoolClass.id)
        .where(classes.condition(), SchoolClass.school_year_id == current.school_year_id)
        .order_by(SchoolClass.id)
    ).all()
    if previous.school_year_id == current.school_year_id:
        return ClassFilter(classes.school_id, None, tuple(now_ids))
    children = period_roster(current, ClassFilter(classes.school_id, None, tuple(now_ids))).subquery()
    earlier = period_roster(previous, ClassFilter(classes.school_id)).subquery()
    came = func.count().filter(earlier.c.student_id.in_(select(children.c.student_id)))
    rows = session.execute(
        select(earlier.c.class_id, came, func.count()).group_by(earlier.c.class_id).order_by(earlier.c.class_id)
    ).all()
    # a class counts when at least half of its children are in the group: one child who changed class
    # does not pull a whole other class into the comparison
    mostly = tuple(cid for cid, moved, size in rows if moved and 2 * moved >= size)
    some = tuple(cid for cid, moved, _ in rows if moved)
    return ClassFilter(classes.school_id, None, mostly or some)


SAME_CLASSES = "与{label}同一批班级相比"
SAME_CHILDREN = "与这些学生{label}所在班级相比"


@dataclass(frozen=True)
class Baseline:
    """What a view is compared with: the earlier period and the classes the same children were in."""

    period: Period
    classes: ClassFilter
    class_names: tuple[str, ...]
    same_year: bool
    whole_school: bool

    @property
    def caption(self) -> str:
        """较上学期 explained: 与上学期同一批班级相比（三(1)班、三(2)班）."""
        label = "上学期同期" if self.period.label.endswith(SAME_PERIOD) else "上学期"
        if self.whole_school:
            return f"与{label}全校相比"
        text = (SAME_CLASSES if self.same_year else SAME_CHILDREN).format(label=label)
        if not self.class_names:
            return text + "（上学期没有这些学生的班级记录）"
        names = "、".join(self.class_names[:6]) + ("等" if len(self.class_names) > 6 else "")
        return f"{text}（{names}）"


def baseline(session: Session, period: Period, classes: ClassFilter) -> Baseline | None:
    """The comparison of a view (None for a custom range or a first term)."""
    before = comparison_period(session, period)
    if before is None:
        return None
    followed = follow_classes(session, classes, period, before)
    if followed.class_ids == ():
        return None  # the group's children were not at the school (a new 一年级): nothing to compare with
    names: tuple[str, ...] = ()
    if followed.class_ids is not None:
        names = tuple(
            session.scalars(
                select(SchoolClass.name)
                .where(SchoolClass.id.in_(followed.class_ids))
                .order_by(SchoolClass.grade_level, SchoolClass.class_no)
            ).all()
        )
    return Baseline(
        period=before,
        classes=followed,
        class_names=names,
        same_year=before.school_year_id == period.school_year_id,
        whole_school=whole_school(classes),
    )


def by_grade(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per grade: its classes' counts added up and rates recomputed (the drill-down's middle level)."""
    rows = [
        {"grade_level": grade, "classes": len(group), **combine(group, period)}
        for grade, group in frame.groupby("grade_level", sort=True)
    ]
    return pd.DataFrame(rows)


def class_changes(now: pd.DataFrame, before: pd.DataFrame | None, measure: str) -> pd.DataFrame:
    """Per class: the measure now, for the same children in the comparison period, and the change."""
    columns = ["class_id", "class_name", "now", "before", "change"]
    if before is None or before.empty:
        out = now[["class_id", "class_name", measure]].rename(columns={measure: "now"})
        return out.assign(before=math.nan, change=math.nan)[columns]
    earlier = before[["cohort", "class_no", measure]].rename(columns={measure: "before"})
    merged = now[["class_id", "class_name", "cohort", "class_no", measure]].merge(
        earlier, on=["cohort", "class_no"], how="left"
    )
    merged = merged.rename(columns={measure: "now"})
    merged["change"] = merged["now"] - merged["before"]
    return merged[columns]
