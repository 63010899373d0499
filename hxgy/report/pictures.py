"""The report's charts: the dashboards' Altair builders (hxgy.charts), drawn to PNG.

Each chart is keyed as the draft's chart blocks name it. The Word caption
below the picture says what it shows, so the picture carries no title of its
own: only axis and legend labels.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd

from hxgy import charts
from hxgy.glossary import STATUS_LABELS
from hxgy.metrics import judging, measures, small_groups
from hxgy.report.figures import ReportFigures

REPORT_WIDTH = 720  # pixels; placed 16 cm wide on an A4 page


def _status_grid(fig: ReportFigures) -> alt.LayerChart:
    shown = fig.shown_classes
    statuses = fig.statuses[fig.statuses["class_id"].isin(shown["class_id"])]
    cells = charts.status_cells(statuses)
    if fig.hiding is not None and not statuses.empty:
        cells.loc[fig.hiding.hidden_cells(fig.classes, statuses).to_numpy(), "数值"] = small_groups.HIDDEN
    return charts.status_grid(
        statuses,
        measures=measures.CLASS_STATUS_MEASURES,
        class_order=shown["class_name"].tolist(),
        title="",
        stamp="",
        cells=cells,
    )


def _channels(fig: ReportFigures) -> alt.LayerChart:
    mix = fig.channels
    shown = mix.assign(沟通方式=mix["channel_name"], 次数=mix["contacts"])
    return charts.bars(shown, category="沟通方式", value="次数", title="", stamp="", order=mix["channel_name"].tolist())


def _class_rate(fig: ReportFigures, key: str) -> alt.LayerChart:
    classes = fig.shown_classes
    statuses = judging.class_status(classes, fig.goals, fig.period, (key,), completion_min=fig.completion_min)
    label = measures.label(key)
    shown = pd.DataFrame(
        {
            "班级": classes["class_name"],
            label: classes[key],
            "目标状态": statuses["status"].map(STATUS_LABELS).to_numpy(),
        }
    )
    target = statuses["target"].iloc[0] if not statuses.empty else None
    return charts.class_bars(shown, value=label, title="", stamp="", percent=True, status="目标状态", target=target)


def _moral_levels(fig: ReportFigures) -> alt.LayerChart:
    classes = fig.classes[~fig.class_hidden("moral_good_rate").to_numpy()]
    names = dict(zip(classes["class_id"], classes["class_name"], strict=True))
    levels = fig.levels[fig.levels["class_id"].isin(classes["class_id"])]
    shown = pd.DataFrame({"班级": levels["class_id"].map(names), "等级": levels["level"], "人数": levels["students"]})
    level_names = [name for name, _, _ in fig.scheme.levels]
    return charts.bars(
        shown,
        category="班级",
        value="人数",
        colour="等级",
        title="",
        stamp="",
        order=classes["class_name"].tolist(),
        colour_order=level_names,
        colours=charts.LEVEL_COLOURS[: len(level_names)],
    )


def _activities(fig: ReportFigures) -> alt.LayerChart:
    by_month = fig.activity_months
    shown = pd.DataFrame(
        {
            "月份": [f"{m.year}年{m.month}月" for m in by_month["month"]],
            "活动类型": by_month["type_name"],
            "场次": by_month["activities"],
        }
    )
    return charts.bars(
        shown,
        category="月份",
        value="场次",
        colour="活动类型",
        title="",
        stamp="",
        horizontal=False,
        order=list(dict.fromkeys(shown["月份"])),
    )


CHARTS: dict[str, Callable[[ReportFigures], alt.LayerChart]] = {
    "status": _status_grid,
    "channels": _channels,
    "home_visits": lambda fig: _class_rate(fig, "home_visit_coverage"),
    "volunteers": lambda fig: _class_rate(fig, "volunteer_participation"),
    "moral_levels": _moral_levels,
    "activities": _activities,
    "satisfaction": lambda fig: _class_rate(fig, "satisfaction"),
}


def chart_png(fig: ReportFigures, key: str, *, width: int = REPORT_WIDTH) -> bytes:
    """The chart ``key`` of the report as a PNG, without a title inside the picture."""
    chart = CHARTS[key](fig).copy(deep=False)
    chart.title = alt.Undefined
    return charts.to_png(chart, width=width)
