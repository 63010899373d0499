"""Every measure side by side: the per-class table, the school's figures, targets and status.

``class_measures`` is the one table the overview, the district drill-down,
``python -m hxgy metrics`` and the term report all read. School (or grade)
figures are the class numerators and denominators added up, so they always
equal the weighted combination of the class figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy.metrics import activities, communication, moral, satisfaction, volunteers
from hxgy.metrics.roster import ClassFilter, classes_in_view, period_roster, students_by_class
from hxgy.models import School, SchoolClass, Target
from hxgy.terms import SAME_PERIOD, Period, comparison_period


@dataclass(frozen=True)
class Measure:
    """A measure the dashboards show: how to read it, how to write it and how to judge it against a target."""

    key: str
    kind: str  # "rate" (0–1, shown as %), "count", "hours", "ratio", "score"
    cumulative: bool  # grows through the term: targets are read on pace while it runs
    numerator: str | None = None
    denominator: str | None = None
    unit: str = ""  # written after the figure: 次, 小时, 场, 分 (rates: %)
    digits: int = 1  # decimals everywhere the figure is written: page, slide, report, Excel

    def rounded(self, value: float | None) -> float | None:
        """The figure as written (rates to 0.1 percentage point): status is judged on what people read."""
        if value is None or math.isnan(value):
            return value
        if self.kind == "rate":  # as percent() writes it: 63/80 = 78.75 % is shown and judged 78.8 %
            return round(float(value) * 100, self.digits) / 100
        return round(float(value), self.digits)


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure("contact_coverage", "rate", True, "contacted_students", "students"),
        Measure("home_visit_coverage", "rate", True, "visited_students", "students"),
        Measure("contacts_per_family", "ratio", True, "individual_contacts", "students", unit="次"),
        Measure("contacts_per_week", "ratio", False, unit="次"),
        Measure("response_on_time", "rate", False, "requests_on_time", "requests_due"),
        Measure("volunteer_hours", "hours", True, unit="小时"),
        Measure("volunteer_participation", "rate", True, "volunteer_families", "students"),
        Measure("hours_per_family", "ratio", True, "volunteer_hours", "students", unit="小时"),
        Measure("moral_good_rate", "rate", False, "moral_good", "moral_evaluated"),
        Measure("moral_completion", "rate", True, "moral_scored", "students"),
        Measure("moral_average", "score", False, unit="分"),
        Measure("satisfaction", "rate", False, "satisfaction_satisfied", "satisfaction_respondents"),
        Measure("activities", "count", True, unit="场", digits=0),
        Measure("parent_attendance", "rate", False, "parents_attended", "attendance_base"),
    )
}


def measure(key: str) -> Measure:
    """The measure of a key; an unknown key is read as a plain figure with one decimal."""
    return MEASURES.get(key) or Measure(key, "ratio", False)


COUNT_COLUMNS = [
    "students", "contacts", "individual_contacts", "contacted_students", "visited_students",
    "requests", "requests_on_time", "requests_due", "volunteer_records", "volunteer_hours", "volunteer_families",
    "moral_evaluated", "moral_good", "moral_scored", "satisfaction_respondents", "satisfaction_satisfied",
    "class_activities", "parents_attended", "attendance_base",
]  # fmt: skip
RATE_COLUMNS = [key for key, m in MEASURES.items() if m.numerator] + ["contacts_per_week", "moral_average"]


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
    requests = communication.requests_by_class(session, period, classes, now=now).dropna(subset=["class_id"])
    requests = pd.DataFrame(
        {
            "class_id": requests["class_id"],
            "requests": requests["requests"],
            "requests_on_time": requests["on_time"],
            "requests_due": requests["on_time"] + requests["late"] + requests["overdue"],
        }
    )
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
    frame[COUNT_COLUMNS] = counts.astype({c: (float if c == "volunteer_hours" else int) for c in COUNT_COLUMNS})
    frame["moral_average"] = frame["moral_average"].astype(float) if "moral_average" in frame else math.nan
    return add_rates(frame, period)


def add_rates(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Rates from the counts of each row (NaN where the denominator is zero)."""
    frame = frame.copy()
    for key, measure in MEASURES.items():
        if measure.numerator and measure.denominator:
            den = frame[measure.denominator].astype(float)
            frame[key] = np.where(den > 0, frame[measure.numerator].astype(float) / den.where(den > 0, 1), np.nan)
    frame["contacts_per_week"] = frame["contacts"] / (period.days / 7)
    return frame


def combine(frame: pd.DataFrame, period: Period) -> dict[str, float]:
    """The figures of all rows together: counts added up, rates recomputed from the sums."""
    sums = {column: float(frame[column].sum()) if column in frame else 0.0 for column in COUNT_COLUMNS}
    totals = add_rates(pd.DataFrame([sums]), period).iloc[0].to_dict()
    if "moral_average" in frame:
        weighted = frame["moral_average"] * frame["moral_evaluated"]
        evaluated = frame.loc[frame["moral_average"].notna(), "moral_evaluated"].sum()
        totals["moral_average"] = ratio(weighted.sum(), evaluated)
    else:
        totals["moral_average"] = math.nan
    return {k: float(v) for k, v in totals.items() if k in COUNT_COLUMNS or k in RATE_COLUMNS}


def school_figures(
    session: Session, period: Period, classes: ClassFilter, *, now: datetime, frame: pd.DataFrame | None = None
) -> dict[str, float]:
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
    figures["activities"] = float(activities.participation_totals(session, period, classes)["activities"])
    figures["students_not_contacted"] = figures["students"] - figures["contacted_students"]
    figures["students_not_visited"] = figures["students"] - figures["visited_students"]
    return figures


def targets(session: Session, *, term_id: int | None) -> dict[str, float]:
    """The school's targets for a term, by measure; rates as fractions (targets are stored in %)."""
    if term_id is None:
        return {}
    rows = session.execute(select(Target.measure, Target.value).where(Target.term_id == term_id)).all()
    return {m: (v / 100 if MEASURES.get(m) and MEASURES[m].kind == "rate" else v) for m, v in rows}


def target_on_pace(measure: str, target: float, period: Period) -> float:
    """The target for today: a cumulative measure's target scaled by the share of the term gone."""
    if MEASURES[measure].cumulative and period.in_progress:
        return target * period.elapsed_share
    return target


AMBER_SHARE = 0.9  # within 90 % of the target is amber, below it red


def status(value: float | None, target: float | None) -> str:
    """green (target met), amber (within 90 % of it), red (below), grey (no data or no target)."""
    if target is None or value is None or math.isnan(value):
        return "grey"
    if value + 1e-9 >= target:
        return "green"
    return "amber" if value >= AMBER_SHARE * target else "red"


def whole_school(classes: ClassFilter) -> bool:
    """True when the filter selects every class of the school."""
    return classes.grade_level is None and classes.class_ids is None


DEFAULT_COMPLETION_MIN = 0.9
GATED_BY_COMPLETION = ("moral_good_rate", "moral_average")  # judged only once enough students are scored


def completion_min(session: Session, *, school_id: int) -> float:
    """The school's 德育 completion threshold as a fraction (below it 优良率 shows 评价未完成)."""
    value = session.scalar(select(School.moral_completion_min).where(School.id == school_id))
    return DEFAULT_COMPLETION_MIN if value is None else value / 100


def incomplete(key: str, completion: float | None, minimum: float) -> bool:
    """True when a 德育 figure rests on too few scored students to be judged against its target."""
    if key not in GATED_BY_COMPLETION or completion is None or math.isnan(completion):
        return False
    return completion + 1e-9 < minimum


def judged(key: str, value: float | None, target: float | None) -> str:
    """The status of a measure judged on the figures as written (the value and the target rounded alike).

    "协同活动场次 6 · 按进度 6" is met, although the unrounded on-pace target is 6.41.
    """
    m = measure(key)
    return status(m.rounded(value), m.rounded(target))


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


# the columns of the 各班指标明细 table: on 总览 and in the term report's appendix
CLASS_TABLE_COLUMNS: tuple[str, ...] = (
    "class_name",
    "students",
    "contact_coverage",
    "home_visit_coverage",
    "contacts_per_family",
    "response_on_time",
    "volunteer_hours",
    "volunteer_participation",
    "moral_good_rate",
    "moral_completion",
    "satisfaction",
    "parent_attendance",
)

CLASS_STATUS_MEASURES = (
    "contact_coverage",
    "home_visit_coverage",
    "contacts_per_family",
    "volunteer_participation",
    "moral_good_rate",
    "moral_completion",
    "satisfaction",
)


def class_status(
    frame: pd.DataFrame,
    goals: dict[str, float],
    period: Period,
    measures: tuple[str, ...] = CLASS_STATUS_MEASURES,
    *,
    completion_min: float = DEFAULT_COMPLETION_MIN,
) -> pd.DataFrame:
    """Long form: class × measure with value, target for today, and status (the lagging classes stand out)."""
    rows = []
    for record in frame.to_dict("records"):
        for key in measures:
            goal = goals.get(key)
            now_goal = target_on_pace(key, goal, period) if goal is not None else None
            value = record.get(key)
            rows.append(
                {
                    "class_id": record["class_id"],
                    "class_name": record["class_name"],
                    "measure": key,
                    "value": value,
                    "target": now_goal,
                    "status": "incomplete"
                    if incomplete(key, record.get("moral_completion"), completion_min)
                    else judged(key, value, now_goal),
                }
            )
    return pd.DataFrame(rows, columns=["class_id", "class_name", "measure", "value", "target", "status"])


def figure_cards(
    figures: dict[str, float],
    before: dict[str, float] | None,
    goals: dict[str, float],
    period: Period,
    keys: tuple[str, ...],
    *,
    completion_min: float = DEFAULT_COMPLETION_MIN,
) -> list[dict[str, object]]:
    """For each measure: value, comparison, target, target on pace, status — what a card shows."""
    cards = []
    for key in keys:
        goal = goals.get(key)
        now_goal = target_on_pace(key, goal, period) if goal is not None else None
        cards.append(
            {
                "key": key,
                "value": figures.get(key),
                "before": before.get(key) if before else None,
                "target": goal,
                "target_now": now_goal,
                "status": "incomplete"
                if incomplete(key, figures.get("moral_completion"), completion_min)
                else judged(key, figures.get(key, math.nan), now_goal),
            }
        )
    return cards


def below_target(statuses: pd.DataFrame) -> pd.DataFrame:
    """The class × measure cells in red, worst first."""
    red = statuses[statuses["status"] == "red"].copy()
    red["gap"] = red["target"] - red["value"]
    return red.sort_values(["measure", "gap"], ascending=[True, False])


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
