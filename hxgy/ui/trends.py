"""各学期趋势 and 同比 on the measure pages.

``trend_block`` draws a measure across every term on record for the page's view (a point per term, the term's
target as a dashed line; a picker when the page has several measures). ``year_on_year_notes`` gives each card
its 同比 line (the same term last year, 同期 while this one runs, for the same children) and the caption that
says what it compares with. Figures come from hxgy.ui.data (trend, year_on_year), computed in
hxgy.metrics.trends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from hxgy import charts, formats
from hxgy.glossary import TREND_LABELS, YEAR_ON_YEAR, term_short_name
from hxgy.memo import remembered
from hxgy.metrics import measures
from hxgy.ui import data

if TYPE_CHECKING:
    from hxgy.ui.measure_page import MeasurePage

TERM, TERM_NAME, SERIES, VALUE = TREND_LABELS["term"], "学期名称", TREND_LABELS["series"], "数值"
FIGURE, TARGET = TREND_LABELS["value"], TREND_LABELS["target"]


@remembered
def chart_frame(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """One measure's rows of a trend, long for the chart: 学期 (short), 学期名称, 图例 (实际 / 目标), 数值."""
    rows = frame[frame["measure"] == key]
    terms = rows["start_date"].map(term_short_name)
    figure = pd.DataFrame({TERM: terms, TERM_NAME: rows["term_name"], SERIES: FIGURE, VALUE: rows["value"]})
    target = figure.assign(**{SERIES: TARGET, VALUE: rows["target"]})
    return pd.concat([figure, target], ignore_index=True)


@remembered
def table_frame(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """What the download holds: 学期, 指标, 实际, 目标 (figures as the measure writes them)."""
    rows = frame[frame["measure"] == key]
    return pd.DataFrame(
        {
            TERM: rows["term_name"],
            TREND_LABELS["measure"]: measures.label(key),
            FIGURE: [formats.measure_value(key, v) for v in rows["value"]],
            TARGET: [formats.target_value(key, v) if pd.notna(v) else "" for v in rows["target"]],
        }
    )


def trend_block(page: MeasurePage, keys: tuple[str, ...]) -> None:
    """各学期趋势 of the page's view: one of ``keys`` (a picker when there are several) across the terms."""
    frame = data.trend(page.period, page.view.classes, page.now)
    if frame.empty:
        return
    with st.container(border=True):
        st.markdown(f"**{TREND_LABELS['title']}**")
        key = keys[0]
        if len(keys) > 1:
            key = st.selectbox(
                TREND_LABELS["measure"],
                keys,
                format_func=measures.label,
                key=f"trend-{'-'.join(keys)}",
                label_visibility="collapsed",
            )
        title = f"{measures.label(key)}{TREND_LABELS['title']}"
        chart = charts.trend(
            chart_frame(frame, key),
            term=TERM,
            value=VALUE,
            series=SERIES,
            title=title,
            stamp=page.stamp,
            percent=measures.is_rate(key),
            tooltip=(TERM_NAME,),
        )
        table = table_frame(frame, key)
        page.chart(chart, table, list(table.columns), title=title, key="term-trend")
        st.caption(_trend_caption(frame, page))


def _trend_caption(frame: pd.DataFrame, page: MeasurePage) -> str:
    """What the chart shows: the running term counted to today, the dashed targets, the children followed."""
    parts = []
    running = frame[frame["in_progress"]]
    if not running.empty:
        parts.append(f"{term_short_name(running['start_date'].iloc[0])}{TREND_LABELS['running']}")
    parts.append("虚线为各学期目标（未设目标的学期不画）")
    if page.view.grade_level is not None or page.view.class_id is not None:
        parts.append("往年为这些学生当时所在的班级")
    return "；".join(parts) + "。"


def year_on_year_notes(
    page: MeasurePage, keys: tuple[str, ...], notes: Mapping[str, str] | None = None
) -> tuple[dict[str, str], str | None]:
    """Each card's note with its 同比 line added (同比 +5.2 个百分点), and the caption saying what 同比 compares
    with; the notes unchanged and no caption when there is no 同比 (a first school year, a custom range)."""
    merged = dict(notes or {})
    found = data.year_on_year(page.period, page.view.classes, page.now)
    if found is None:
        return merged, None
    before, figures, _ = found
    for key in keys:
        delta = formats.measure_delta(key, page.figures.get(key), figures.get(key))
        if delta is None:
            continue
        line = f"{YEAR_ON_YEAR}{delta}" if delta == formats.UNCHANGED else f"{YEAR_ON_YEAR} {delta}"
        merged[key] = f"{merged[key]} · {line}" if merged.get(key) else line
    whom = "全校" if page.view.grade_level is None and page.view.class_id is None else "这些学生当时所在的班级"
    return merged, f"{YEAR_ON_YEAR}：与{before.label}相比（{whom}）。"
