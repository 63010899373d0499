"""The meeting screen's slides: class-level aggregates only, safe to project in front of parents.

``gather`` reads the figures once (the same hxgy.metrics functions as the
dashboards); ``build_deck`` turns them into slides. Nothing here can show a
child: no student or guardian name is read, there are no individual scores,
and any group smaller than ``MIN_GROUP`` students (a class, a grade, a
satisfaction survey) is left out, with a line on the slide saying so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import altair as alt
import pandas as pd
from sqlalchemy.orm import Session

from hxgy import charts, formats
from hxgy.glossary import STATUS_LABELS, grade_name
from hxgy.metrics import activities, judging, measures, overview
from hxgy.metrics.overview import Figures
from hxgy.metrics.roster import ClassFilter
from hxgy.terms import Period

MIN_GROUP = 5  # groups with fewer students are not shown on a projected screen

SECTIONS: dict[str, str] = {"school": "学校总览", "measures": "各项指标", "grades": "各年级"}

# the measures with a slide of their own, in the order a meeting goes through them
MEASURE_SLIDES: tuple[str, ...] = (
    "home_visit_coverage",
    "contact_coverage",
    "contacts_per_family",
    "response_on_time",
    "volunteer_participation",
    "moral_good_rate",
    "satisfaction",
)
# the measures on the overview slide and on each grade's slide
KEY_MEASURES: tuple[str, ...] = (
    "home_visit_coverage",
    "contact_coverage",
    "contacts_per_family",
    "volunteer_participation",
    "moral_good_rate",
    "satisfaction",
)


@dataclass(frozen=True)
class BigFigure:
    """One large number on a slide: what it is, the figure, and a line of context (target, change)."""

    label: str
    value: str
    detail: str = ""
    status: str = "grey"  # green / amber / red / grey, as on the dashboards


@dataclass(frozen=True)
class Slide:
    """One slide: a title, a few large figures, at most one chart, and short notes."""

    key: str
    section: str  # a key of SECTIONS
    title: str
    figures: tuple[BigFigure, ...] = ()
    chart: alt.LayerChart | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeetingFigures:
    """Everything the slides show, read once: per-class counts and rates, school figures, targets, activities."""

    period: Period
    previous_label: str | None
    frame: pd.DataFrame  # overview.class_measures: one row per class
    figures: Figures  # overview.school_figures
    before: Figures | None  # the same figures for the comparison period
    goals: dict[str, float]  # judging.targets
    activity_types: pd.DataFrame  # type_name, activities
    participation: dict[str, int | None]  # activities.participation_totals
    partners_active: int  # partners with at least one activity in the period
    completion_min: float = judging.DEFAULT_COMPLETION_MIN  # below it 德育 rates show 评价未完成


def gather(session: Session, period: Period, classes: ClassFilter, *, now: datetime) -> MeetingFigures:
    """Read the figures of the slides from the database (no names are read)."""
    frame = overview.class_measures(session, period, classes, now=now)
    figures = overview.school_figures(session, period, classes, now=now, frame=frame)
    basis = overview.baseline(session, period, classes)
    earlier = basis.period if basis else None
    before = None
    if basis is not None:
        before = overview.school_figures(session, basis.period, basis.classes, now=now)
    by_month = activities.activities_by_type_month(session, period, classes)
    types = (
        by_month.groupby("type_name", as_index=False)["activities"].sum().sort_values("activities", ascending=False)
        if not by_month.empty
        else pd.DataFrame(columns=["type_name", "activities"])
    )
    partners = activities.partner_summary(session, period, classes)
    return MeetingFigures(
        period=period,
        previous_label=earlier.label if earlier else None,
        frame=frame,
        figures=figures,
        before=before,
        goals=judging.targets(session, term_id=period.term_id),
        activity_types=types.reset_index(drop=True),
        participation=activities.participation_totals(session, period, classes),
        partners_active=int((partners["activities"] > 0).sum()) if not partners.empty else 0,
        completion_min=judging.completion_min(session, school_id=classes.school_id),
    )


def _complement(sizes: pd.Series, grades: pd.Series, shown: pd.Series) -> pd.Series:
    """Hide more cells until what is hidden inside every total on screen is 0 or at least MIN_GROUP.

    A grade's figure minus its classes on screen (or the school's minus every class on screen) must never
    give back a group of 1–4 students, so the smallest class still shown is hidden too, as often as needed.
    Totals shown are each grade of MIN_GROUP or more and the whole view.
    """
    shown = shown.copy()
    totals = [grades == grade for grade in grades.unique() if sizes[grades == grade].sum() >= MIN_GROUP]
    for members in [*totals, pd.Series(True, index=sizes.index)]:
        while 0 < sizes[members & ~shown].sum() < MIN_GROUP and (members & shown).any():
            shown[sizes[members & shown].idxmin()] = False
    return shown


def projectable(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The classes that may be shown, with rates on too small a base blanked; and which classes were left out.

    A class of fewer than MIN_GROUP students is left out, and so is a class whose figures would let
    someone work out a left-out class by subtraction (see ``_complement``). Each rate is treated the
    same way on its own base (e.g. a satisfaction survey answered by 4 parents is blank).
    """
    frame = frame.reset_index(drop=True)
    grades = frame["grade_level"]
    shown_rows = _complement(frame["students"], grades, frame["students"] >= MIN_GROUP)
    kept = frame.copy()
    for key, measure in measures.MEASURES.items():
        base = measure.denominator
        if measure.rollup == "ratio" and base and base != "students" and key in kept and base in kept:
            cells = _complement(kept[base], grades, shown_rows & (kept[base] >= MIN_GROUP))
            kept.loc[~cells, key] = math.nan
    return kept[shown_rows].reset_index(drop=True), ~shown_rows


def _small_base(figures: Mapping[str, float], key: str) -> bool:
    """The figure rests on fewer than MIN_GROUP students, answers or requests (a rate's base, a mean's weight)."""
    measure = measures.measure(key)
    base = measure.denominator if measure.rollup == "ratio" else measure.weight
    return bool(base and figures.get(base, 0) < MIN_GROUP)


def _shown(figures: Mapping[str, float], key: str) -> float:
    """A figure as it may be projected: NaN where its base is a group smaller than MIN_GROUP."""
    return math.nan if _small_base(figures, key) else figures.get(key, math.nan)


def _figure(
    data: MeetingFigures, figures: Mapping[str, float], before: Mapping[str, float] | None, key: str
) -> BigFigure:
    """A measure as a big figure: value, then target and status, then the change against the comparison."""
    if _small_base(figures, key) and not formats.missing(figures.get(key)):
        return BigFigure(measures.label(key), "不显示", f"人数不足 {MIN_GROUP} 人，为保护隐私不显示")
    card = judging.figure_cards(
        {**figures, key: _shown(figures, key)},
        {key: _shown(before, key)} if before else None,
        data.goals,
        data.period,
        (key,),
        completion_min=data.completion_min,
    )[0]
    parts = []
    if card.target is not None:
        goal = f"目标 {formats.target_value(key, card.target)}"
        if card.target_now is not None and abs(card.target_now - card.target) > 1e-9:
            goal += f"，按进度 {formats.measure_value(key, card.target_now)}"
        parts.append(f"{goal}（{'尚无数据' if formats.missing(card.value) else STATUS_LABELS[card.status]}）")
    change = formats.measure_delta(key, card.value, card.before)
    if change and data.previous_label:
        parts.append(f"较上学期{'同期' if data.previous_label.endswith('同期') else ''} {change}")
    return BigFigure(measures.label(key), formats.measure_value(key, card.value), " · ".join(parts), card.status)


def _left_out(hidden: int) -> tuple[str, ...]:
    if not hidden:
        return ()
    return (f"为保护学生隐私，{hidden} 个班级未单独显示（学生不足 {MIN_GROUP} 人，或可据此推算出这样的班级）。",)


def _measure_grid(data: MeetingFigures, kept: pd.DataFrame, key: str, title: str) -> alt.LayerChart | None:
    """Grades down, class numbers across, each cell the class's figure coloured by its target status."""
    if kept.empty:
        return None
    statuses = judging.class_status(kept, data.goals, data.period, (key,), completion_min=data.completion_min)
    grid = kept[["class_name", "grade_level", "class_no"]].assign(
        年级=kept["grade_level"].map(grade_name),
        班=kept["class_no"].map(lambda n: f"{n}班"),
        数值=[formats.measure_value(key, v) for v in kept[key]],
        状态=statuses["status"].map(STATUS_LABELS).to_numpy(),
    )
    return charts.heatmap(
        grid,
        x="班",
        y="年级",
        colour="状态",
        text="数值",
        title=title,
        stamp="",
        x_order=[f"{n}班" for n in sorted(kept["class_no"].unique())],
        y_order=[grade_name(g) for g in sorted(kept["grade_level"].unique())],
        status_colours=True,
    )


def _school_slides(data: MeetingFigures, school_name: str) -> list[Slide]:
    f = data.figures
    cover = Slide(
        "school-cover",
        "school",
        f"{school_name}家校社协同育人工作情况",
        (
            BigFigure("班级", formats.number(len(data.frame), 0)),
            BigFigure("学生", formats.number(f["students"], 0)),
            BigFigure("协同活动", f"{data.participation['activities']} 场"),
            BigFigure("家长参与", f"{formats.number(data.participation['parents'], 0)} 人次"),
            BigFigure("志愿服务", formats.measure_value("volunteer_hours", f["volunteer_hours"])),
            BigFigure("合作单位", f"{data.partners_active} 家"),
        ),
        notes=(data.period.label + (f"，与{data.previous_label}比较" if data.previous_label else ""),),
    )
    key_figures = Slide(
        "school-figures",
        "school",
        "主要指标",
        tuple(_figure(data, f, data.before, key) for key in KEY_MEASURES),
        notes=("颜色按本学期目标判断；学期进行中，累计指标按时间进度折算目标。",) if data.period.in_progress else (),
    )
    return [cover, key_figures]


def _measure_slides(data: MeetingFigures, kept: pd.DataFrame, hidden: int) -> list[Slide]:
    slides = []
    for key in MEASURE_SLIDES:
        label = measures.label(key)
        figure = _figure(data, data.figures, data.before, key)
        extra: list[BigFigure] = []
        if key == "volunteer_participation":
            extra.append(
                BigFigure("志愿服务时长", formats.measure_value("volunteer_hours", data.figures["volunteer_hours"]))
            )
            extra.append(
                BigFigure("户均志愿时长", formats.measure_value("hours_per_family", data.figures["hours_per_family"]))
            )
        if key in ("home_visit_coverage", "contact_coverage"):
            reached = "visited_students" if key == "home_visit_coverage" else "contacted_students"
            extra.append(
                BigFigure(
                    "覆盖学生",
                    f"{formats.number(data.figures[reached], 0)} / {formats.number(data.figures['students'], 0)}",
                )
            )
        if key == "response_on_time":
            extra.append(BigFigure("家长诉求", f"{formats.number(data.figures['requests'], 0)} 件"))
        if key == "moral_good_rate":
            extra.append(
                BigFigure("德育平均分", formats.measure_value("moral_average", _shown(data.figures, "moral_average")))
            )
        statuses = judging.class_status(kept, data.goals, data.period, (key,), completion_min=data.completion_min)
        red = statuses[statuses["status"] == "red"]["class_name"].tolist()
        notes = [f"未达标班级（{len(red)} 个）：{formats.name_list(red, 12)}"] if red else []
        no_data = kept.empty or kept[key].isna().all()
        if no_data:
            notes.append("各班本期尚无该项数据。")
        slides.append(
            Slide(
                f"measure-{key}",
                "measures",
                label,
                (figure, *extra),
                None if no_data else _measure_grid(data, kept, key, f"各班{label}"),
                (*notes, *_left_out(hidden)),
            )
        )
    slides.append(_activity_slide(data))
    return slides


def _activity_slide(data: MeetingFigures) -> Slide:
    totals = data.participation
    chart = None
    if not data.activity_types.empty:
        shown = data.activity_types.rename(columns={"type_name": "活动类型", "activities": "场次"})
        chart = charts.bars(shown, category="活动类型", value="场次", title="各类协同活动场次", stamp="", whole=True)
    return Slide(
        "measure-activities",
        "measures",
        "协同活动",
        (
            BigFigure("活动场次", f"{totals['activities']} 场"),
            BigFigure("学生参与", f"{formats.number(totals['students'], 0)} 人次"),
            BigFigure("家长参与", f"{formats.number(totals['parents'], 0)} 人次"),
            *(
                (BigFigure("参与家庭", f"{formats.number(totals['families'], 0)} 户次"),)
                if totals["families"] is not None
                else ()
            ),
            BigFigure("家长到场率", formats.percent(_shown(data.figures, "parent_attendance"))),
            BigFigure("合作单位", f"{data.partners_active} 家"),
        ),
        chart,
    )


def _grade_slides(data: MeetingFigures, kept: pd.DataFrame, hidden_by_grade: dict[int, int]) -> list[Slide]:
    slides = []
    for grade, group in data.frame.groupby("grade_level", sort=True):
        if group["students"].sum() < MIN_GROUP:
            continue
        figures = overview.combine(group, data.period)
        shown = kept[kept["grade_level"] == grade]
        chart = None
        if not shown.empty:
            statuses = judging.class_status(
                shown, data.goals, data.period, KEY_MEASURES, completion_min=data.completion_min
            )
            chart = charts.status_grid(
                statuses,
                measures=KEY_MEASURES,
                class_order=shown["class_name"].tolist(),
                title=f"{grade_name(int(grade))}各班目标达成情况",
                stamp="",
            )
        grade_figures = tuple(_plain_figure(data, figures, key) for key in KEY_MEASURES)
        slides.append(
            Slide(
                f"grade-{int(grade)}",
                "grades",
                f"{grade_name(int(grade))}（{len(group)} 个班，{int(group['students'].sum())} 名学生）",
                grade_figures,
                chart,
                _left_out(hidden_by_grade.get(int(grade), 0)),
            )
        )
    return slides


def _plain_figure(data: MeetingFigures, figures: Mapping[str, float], key: str) -> BigFigure:
    """A measure as a big figure coloured by its status, without the lines of context (the grade slides)."""
    if _small_base(figures, key) and not formats.missing(figures.get(key)):
        return BigFigure(measures.label(key), "不显示")
    value = figures.get(key, math.nan)
    goal = judging.goal_now(data.goals, key, data.period)
    return BigFigure(measures.label(key), formats.measure_value(key, value), "", judging.status(value, goal))


def build_deck(data: MeetingFigures, *, school_name: str, sections: Sequence[str] = tuple(SECTIONS)) -> list[Slide]:
    """The slides of the chosen sections, in meeting order (school, then each measure, then each grade)."""
    if data.figures.get("students", 0) < MIN_GROUP:
        return [
            Slide(
                "too-small",
                "school",
                "人数不足，不予显示",
                notes=(f"当前范围内学生不足 {MIN_GROUP} 人。为保护学生隐私，投屏不显示人数过少的群体。",),
            )
        ]
    kept, left_out = projectable(data.frame)
    hidden = int(left_out.sum())
    hidden_by_grade = data.frame.reset_index(drop=True)[left_out].groupby("grade_level").size().to_dict()
    deck: list[Slide] = []
    if "school" in sections:
        deck += _school_slides(data, school_name)
    if "measures" in sections:
        deck += _measure_slides(data, kept, hidden)
    if "grades" in sections:
        deck += _grade_slides(data, kept, {int(k): int(v) for k, v in hidden_by_grade.items()})
    return deck


def stamp_of(school_name: str, period: Period, grade_level: int | None) -> str:
    """What every slide says it shows: school, term (to date while it runs) and grade."""
    term = f"{period.label}（截至{period.end.month}月{period.end.day}日）" if period.in_progress else period.label
    return " · ".join([school_name, term, grade_name(grade_level) if grade_level else "全部年级"])
