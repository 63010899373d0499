"""The meeting screen's slides: class-level aggregates only, safe to project in front of parents.

``gather`` reads the figures once (the same hxgy.metrics functions as the
dashboards); ``build_deck`` turns them into slides. Nothing here can show a
child: no student or guardian name is read, there are no individual scores,
and any group smaller than ``MIN_GROUP`` (students of a class or a grade,
requests, answers of a survey) is left out, with a line on the slide saying so,
together with whatever would let it be worked out by subtraction: the rule is
``hxgy.metrics.small_groups``, shared with the term report.
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
from hxgy.metrics import activities, judging, measures, overview, small_groups
from hxgy.metrics.overview import Figures
from hxgy.metrics.roster import ClassFilter
from hxgy.metrics.small_groups import HIDDEN, Hiding
from hxgy.terms import Period

MIN_GROUP = small_groups.MIN_GROUP  # groups with fewer are not shown on a projected screen

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
    hiding: Hiding | None = None  # small_groups.for_view: what the view may show (None: worked out from frame)


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
        hiding=small_groups.for_view(session, period, classes, frame=frame, figures=figures, now=now),
    )


def projectable(frame: pd.DataFrame, totals: Mapping[str, float] | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """The classes that may be shown, with figures on too small a base blanked; and which classes were left out.

    The rule is ``small_groups.hide_small_groups``: a class of fewer than MIN_GROUP students is left out, and
    so is a class whose figures would let someone work out a left-out class (or grade) by subtraction. Each
    figure is treated the same way on its own base (e.g. a satisfaction survey answered by 4 parents is blank).
    """
    hiding = small_groups.hide_small_groups(frame, totals)
    return _kept(frame, hiding), hiding.left_out


def _kept(frame: pd.DataFrame, hiding: Hiding) -> pd.DataFrame:
    """The classes shown, hidden figures blanked."""
    return hiding.mask(frame)[~hiding.left_out.to_numpy()].reset_index(drop=True)


def _small_base(figures: Mapping[str, float], key: str) -> bool:
    """The view's figure rests on fewer than MIN_GROUP students, answers or requests (its base, a mean's weight)."""
    return small_groups.too_small(figures, key)


def _shown(figures: Mapping[str, float], key: str) -> float:
    """A figure as it may be projected: NaN where its base is a group smaller than MIN_GROUP."""
    return math.nan if _small_base(figures, key) else figures.get(key, math.nan)


def _view_hidden(data: MeetingFigures, hiding: Hiding, key: str) -> bool:
    """The view's own figure ``key`` may not be shown: on a small base, or to keep a small group elsewhere hidden."""
    return hiding.total_hidden(key) or _small_base(data.figures, key)


def _plain(data: MeetingFigures, hiding: Hiding, key: str, text: str) -> str:
    """A count or figure of the view as written, or 不显示 when its base is hidden."""
    return HIDDEN if _view_hidden(data, hiding, key) else text


def _figure(data: MeetingFigures, hiding: Hiding, key: str) -> BigFigure:
    """A measure of the view as a big figure: value, then target and status, then the change on the comparison."""
    figures, before = data.figures, data.before
    if _view_hidden(data, hiding, key) and not formats.missing(figures.get(key)):
        return BigFigure(measures.label(key), HIDDEN, small_groups.reason(key))
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


def _hidden_notes(data: MeetingFigures, hiding: Hiding, kept: pd.DataFrame, key: str) -> list[str]:
    """What the slide says of a measure's classes: hidden because their groups are small, or no data at all."""
    frame = data.frame.reset_index(drop=True)
    base = small_groups.base_of(key)
    with_data = frame[base].fillna(0).to_numpy() > 0 if base in frame else False
    hidden = int((hiding.class_hidden(key).to_numpy() & ~hiding.left_out.to_numpy() & with_data).sum())
    if kept.empty or kept[key].isna().all():
        if hiding.hidden_with_data(data.frame, key):
            return [f"各班{small_groups.reason(key)}。"]
        return ["各班本期尚无该项数据。"]
    if hidden and small_groups.base_of(key) != small_groups.STUDENTS:
        return [f"另有 {hidden} 个班级该项{small_groups.reason(key)}（或可据此推算出这样的班级）。"]
    return []


def _measure_grid(
    data: MeetingFigures, kept: pd.DataFrame, hidden: pd.Series, key: str, title: str
) -> alt.LayerChart | None:
    """Grades down, class numbers across, each cell the class's figure coloured by its target status."""
    if kept.empty:
        return None
    statuses = judging.class_status(kept, data.goals, data.period, (key,), completion_min=data.completion_min)
    grid = kept[["class_name", "grade_level", "class_no"]].assign(
        年级=kept["grade_level"].map(grade_name),
        班=kept["class_no"].map(lambda n: f"{n}班"),
        数值=[HIDDEN if h else formats.measure_value(key, v) for v, h in zip(kept[key], hidden, strict=True)],
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


def _school_slides(data: MeetingFigures, school_name: str, hiding: Hiding) -> list[Slide]:
    f = data.figures
    parents = f"{formats.number(data.participation['parents'], 0)} 人次"
    cover = Slide(
        "school-cover",
        "school",
        f"{school_name}家校社协同育人工作情况",
        (
            BigFigure("班级", formats.number(len(data.frame), 0)),
            BigFigure("学生", formats.number(f["students"], 0)),
            BigFigure("协同活动", f"{data.participation['activities']} 场"),
            BigFigure("家长参与", _plain(data, hiding, "parent_attendance", parents)),
            BigFigure(
                "志愿服务",
                _plain(data, hiding, "volunteer_hours", formats.measure_value("volunteer_hours", f["volunteer_hours"])),
            ),
            BigFigure("合作单位", f"{data.partners_active} 家"),
        ),
        notes=(data.period.label + (f"，与{data.previous_label}比较" if data.previous_label else ""),),
    )
    key_figures = Slide(
        "school-figures",
        "school",
        "主要指标",
        tuple(_figure(data, hiding, key) for key in KEY_MEASURES),
        notes=("颜色按本学期目标判断；学期进行中，累计指标按时间进度折算目标。",) if data.period.in_progress else (),
    )
    return [cover, key_figures]


def _measure_slides(data: MeetingFigures, hiding: Hiding) -> list[Slide]:
    kept = _kept(data.frame, hiding)
    hidden = int(hiding.left_out.sum())
    slides = []
    for key in MEASURE_SLIDES:
        label = measures.label(key)
        figure = _figure(data, hiding, key)
        f = data.figures
        extra: list[BigFigure] = []
        if key == "volunteer_participation":
            for name, count in (("志愿服务时长", "volunteer_hours"), ("户均志愿时长", "hours_per_family")):
                extra.append(BigFigure(name, _plain(data, hiding, count, formats.measure_value(count, f[count]))))
        if key in ("home_visit_coverage", "contact_coverage"):
            reached = "visited_students" if key == "home_visit_coverage" else "contacted_students"
            text = f"{formats.number(f[reached], 0)} / {formats.number(f['students'], 0)}"
            extra.append(BigFigure("覆盖学生", _plain(data, hiding, reached, text)))
        if key == "response_on_time":
            extra.append(BigFigure("家长诉求", f"{formats.number(f['requests'], 0)} 件"))
        if key == "moral_good_rate":
            average = formats.measure_value("moral_average", _shown(f, "moral_average"))
            extra.append(BigFigure("德育平均分", _plain(data, hiding, "moral_average", average)))
        statuses = judging.class_status(kept, data.goals, data.period, (key,), completion_min=data.completion_min)
        red = statuses[statuses["status"] == "red"]["class_name"].tolist()
        notes = [f"未达标班级（{len(red)} 个）：{formats.name_list(red, 12)}"] if red else []
        no_data = kept.empty or kept[key].isna().all()
        notes += _hidden_notes(data, hiding, kept, key)
        cells = hiding.class_hidden(key)[~hiding.left_out.to_numpy()].reset_index(drop=True)
        slides.append(
            Slide(
                f"measure-{key}",
                "measures",
                label,
                (figure, *extra),
                None if no_data else _measure_grid(data, kept, cells, key, f"各班{label}"),
                (*notes, *_left_out(hidden)),
            )
        )
    slides.append(_activity_slide(data, hiding))
    return slides


def _activity_slide(data: MeetingFigures, hiding: Hiding) -> Slide:
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
            BigFigure("学生参与", _plain(data, hiding, "students", f"{formats.number(totals['students'], 0)} 人次")),
            BigFigure(
                "家长参与", _plain(data, hiding, "parent_attendance", f"{formats.number(totals['parents'], 0)} 人次")
            ),
            *(
                (
                    BigFigure(
                        "参与家庭", _plain(data, hiding, "students", f"{formats.number(totals['families'], 0)} 户次")
                    ),
                )
                if totals["families"] is not None
                else ()
            ),
            BigFigure(
                "家长到场率",
                _plain(data, hiding, "parent_attendance", formats.percent(_shown(data.figures, "parent_attendance"))),
            ),
            BigFigure("合作单位", f"{data.partners_active} 家"),
        ),
        chart,
    )


def _grade_slides(data: MeetingFigures, hiding: Hiding) -> list[Slide]:
    slides = []
    frame = data.frame.reset_index(drop=True)
    kept = _kept(frame, hiding)
    hidden_by_grade = frame[hiding.left_out.to_numpy()].groupby("grade_level").size().to_dict()
    for grade, group in frame.groupby("grade_level", sort=True):
        if small_groups.small(group["students"].sum()) or not group["students"].sum():
            continue
        figures = overview.combine(group, data.period)
        shown = kept[kept["grade_level"] == grade]
        chart = None
        if not shown.empty:
            statuses = judging.class_status(
                shown, data.goals, data.period, KEY_MEASURES, completion_min=data.completion_min
            )
            cells = charts.status_cells(statuses)
            cells.loc[hiding.hidden_cells(frame, statuses).to_numpy(), "数值"] = HIDDEN
            chart = charts.status_grid(
                statuses,
                measures=KEY_MEASURES,
                class_order=shown["class_name"].tolist(),
                title=f"{grade_name(int(grade))}各班目标达成情况",
                stamp="",
                cells=cells,
            )
        covered = [hiding.grade_hidden(int(grade), key) for key in KEY_MEASURES]
        grade_figures = tuple(
            _plain_figure(data, figures, key, hidden=h) for key, h in zip(KEY_MEASURES, covered, strict=True)
        )
        notes = _left_out(hidden_by_grade.get(grade, 0))
        if any(h and not _small_base(figures, key) for key, h in zip(KEY_MEASURES, covered, strict=True)):
            notes += (
                "为保护学生隐私，本年级部分指标不显示（否则可由全校数字减去各年级数字，推算出人数不足 "
                f"{MIN_GROUP} 人的年级或班级）。",
            )
        slides.append(
            Slide(
                f"grade-{int(grade)}",
                "grades",
                f"{grade_name(int(grade))}（{len(group)} 个班，{int(group['students'].sum())} 名学生）",
                grade_figures,
                chart,
                notes,
            )
        )
    return slides


def _plain_figure(data: MeetingFigures, figures: Mapping[str, float], key: str, *, hidden: bool) -> BigFigure:
    """A measure as a big figure coloured by its status, without the lines of context (the grade slides)."""
    if (hidden or _small_base(figures, key)) and not formats.missing(figures.get(key)):
        return BigFigure(measures.label(key), HIDDEN)
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
    hiding = data.hiding or small_groups.hide_small_groups(data.frame, data.figures)
    deck: list[Slide] = []
    if "school" in sections:
        deck += _school_slides(data, school_name, hiding)
    if "measures" in sections:
        deck += _measure_slides(data, hiding)
    if "grades" in sections:
        deck += _grade_slides(data, hiding)
    return deck


def stamp_of(school_name: str, period: Period, grade_level: int | None) -> str:
    """What every slide says it shows: school, term (to date while it runs) and grade."""
    term = f"{period.label}（截至{period.end.month}月{period.end.day}日）" if period.in_progress else period.label
    return " · ".join([school_name, term, grade_name(grade_level) if grade_level else "全部年级"])
