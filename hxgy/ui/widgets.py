"""Shared widgets: measure cards with targets, charts and tables with their downloads."""

from __future__ import annotations

import copy
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Literal

import altair as alt
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import streamlit as st
from streamlit import dataframe_util
from streamlit.delta_generator import DeltaGenerator
from streamlit.elements import vega_charts

from hxgy import charts, exports, formats
from hxgy.glossary import COLUMN_LABELS, STATUS_LABELS, grade_name
from hxgy.memo import remembered
from hxgy.metrics import measures
from hxgy.metrics.judging import FigureCard
from hxgy.metrics.overview import Baseline
from hxgy.terms import Period
from hxgy.ui.downloads import private_download

CARDS_PER_ROW = 4
BLANK = "—"  # what a table shows in a cell with no value (Streamlit writes "None" otherwise)
NO_ROWS = "暂无记录。"
BADGE_COLOURS = {"green": "green", "amber": "orange", "red": "red", "grey": "gray", "incomplete": "gray"}


def plain(text: str) -> str:
    """Text shown as written in Markdown: characters Markdown would read as formatting are escaped."""
    return re.sub(r"([\\`*_\[\]#<>|~$:])", r"\\\1", text)


def chinese_date(day: date) -> str:
    """2026年9月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def period_caption(period: Period, today: date) -> str:
    """e.g. 2026-2027学年第一学期 · 2026年9月1日—2027年1月20日 · 今天是第12周."""
    end = period.full_end or period.end
    parts = [period.label, f"{chinese_date(period.start)}—{chinese_date(end)}"]
    if period.start <= today <= end and period.term_id is not None:
        parts.append(f"今天是第{period.week_of(today)}周")
    return " · ".join(parts)


def measure_card(card: FigureCard) -> None:
    """A card: the figure, its change against the comparison, and its target with a coloured status."""
    key, value, before, before_label, target = card.key, card.value, card.before, card.before_label, card.target
    with st.container(border=True):
        help_text = f"{before_label}：{formats.measure_value(key, before)}" if before_label else None
        delta = formats.measure_delta(key, value, before)
        st.metric(
            measures.label(key),
            formats.measure_value(key, value),
            delta=delta,
            delta_color="off" if delta == formats.UNCHANGED else "normal",
            delta_arrow="off" if delta == formats.UNCHANGED else "auto",
            help=help_text,
        )
        if target is None:
            line = "未设目标"
        elif formats.missing(value):
            line = f"本期尚无数据 · 目标 {formats.target_value(key, target)}"
        else:
            status = card.status
            line = f":{BADGE_COLOURS[status]}-badge[{STATUS_LABELS[status]}] 目标 {formats.target_value(key, target)}"
            if card.target_now is not None and abs(card.target_now - target) > 1e-9:
                line += f" · 按进度 {formats.measure_value(key, card.target_now)}"
        st.markdown(line)
        if formats.missing(value) and before_label and not formats.missing(before):
            st.caption(f"{before_label}：{formats.measure_value(key, before)}")
        if card.note:
            st.caption(card.note)


def card_grid(cards: Sequence[FigureCard], baseline: Baseline | None = None) -> None:
    """Measure cards, four to a row (they stack on a phone), and what their changes compare with."""
    for start in range(0, len(cards), CARDS_PER_ROW):
        for column, card in zip(st.columns(CARDS_PER_ROW), cards[start : start + CARDS_PER_ROW], strict=False):
            with column:
                measure_card(card)
    if baseline is not None:
        st.caption(f"增减：{baseline.caption}。")


def term_picker(
    where: DeltaGenerator,
    term_ids: Sequence[int],
    names: Mapping[int, str],
    default: int | None,
    *,
    key: str,
    help: str | None = None,
) -> int:
    """学期: a choice of terms (newest first as given), on ``default`` when it is one of them, else the first."""
    options = list(term_ids)
    index = options.index(default) if default in options else 0
    return where.selectbox("学期", options, index=index, format_func=lambda t: names[t], key=key, help=help)


def figure_cards(items: Sequence[tuple[str, str, str | None]]) -> None:
    """A grid of plain (label, value, help) cards."""
    for start in range(0, len(items), CARDS_PER_ROW):
        row = items[start : start + CARDS_PER_ROW]
        for column, (label, value, help_text) in zip(st.columns(CARDS_PER_ROW), row, strict=False):
            column.metric(label, value, help=help_text, border=True)


@remembered
def labelled(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The chosen columns with Chinese headers; grade numbers become 一年级, figures stay numbers.

    Rates stay fractions (written 96.5% on screen by table_block, formatted so in Excel),
    so the Excel download holds numbers a spreadsheet can sum. Remembered (hxgy.memo): never change the
    result in place.
    """
    shown = frame[list(columns)].copy()
    if "grade_level" in shown:
        shown["grade_level"] = shown["grade_level"].map(grade_name)
    for column in shown.columns:
        if shown[column].dtype == object and shown[column].isna().any():
            shown[column] = ["—" if pd.isna(v) else str(v) for v in shown[column]]
    return shown.rename(columns=COLUMN_LABELS)


def for_screen(frame: pd.DataFrame) -> pd.DataFrame:
    """A labelled table as people read it: measure columns written 96.6%, 12.5 小时, 无数据."""
    shown = frame.copy()
    for header in shown.columns:
        key = measures.header_measure(str(header))
        if key is not None and pd.api.types.is_numeric_dtype(shown[header]):
            shown[header] = [formats.measure_value(key, v) for v in shown[header]]
    return shown


@remembered
def arrow_table(frame: pd.DataFrame, *, written: bool) -> pa.Table:
    """The Arrow table st.dataframe makes of ``frame`` (``written``: of ``for_screen(frame)``), made once for
    equal frames (hxgy.memo): a rerun sends the same bytes without formatting and converting them again."""
    return dataframe_util.convert_pandas_df_to_arrow_table(for_screen(frame) if written else frame)


def show_table(
    frame: pd.DataFrame,
    *,
    written: bool = False,
    height: int | Literal["auto"] = "auto",
    placeholder: str | None = BLANK,
) -> None:
    """st.dataframe(frame, hide_index=True, width="stretch", ...) from ``arrow_table``: the same table, the
    same bytes (``written``: measure columns written 96.5% as table_block shows them)."""
    st.dataframe(
        arrow_table(frame, written=written), hide_index=True, width="stretch", height=height, placeholder=placeholder
    )


def _file_stem(title: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", title).strip("_")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# columns that name a child or a family (under their Chinese headers, as ``labelled`` gives them)
PERSONAL_COLUMNS = frozenset(
    [COLUMN_LABELS.get(k, k) for k in ("student_no", "student_name", "guardian_name")]
    + ["学生姓名", "监护人", "家长姓名", "电话", "手机", "手机号", "联系电话"]
)


def personal(frame: pd.DataFrame) -> bool:
    """Whether a table names a child or a family: its Excel goes only to the browser that asked (private_download)."""
    return any(str(column) in PERSONAL_COLUMNS for column in frame.columns)


def downloads(
    title: str, stamp: str, *, chart: alt.LayerChart | None, data: pd.DataFrame, allowed: bool, key: str
) -> None:
    """PNG of the chart and Excel of the data behind it; nothing for roles that may not download. A table that
    names children or families (``personal``) is downloaded once, by this browser only, and audited."""
    if not allowed:
        return
    stem = _file_stem(title)
    row = st.container(horizontal=True, gap="small")
    if chart is not None:
        row.download_button(
            "下载图片",
            data=lambda: charts.to_png(chart),
            file_name=f"{stem}.png",
            mime="image/png",
            key=f"png-{key}",
            on_click="ignore",
            icon=":material/image:",
        )
    if personal(data):
        with row:
            private_download(
                "下载Excel",
                make=lambda: exports.excel_bytes({title: data}, stamp=stamp),
                file_name=f"{stem}.xlsx",
                mime=XLSX,
                what=f"{title}（{stamp}）",
                rows=len(data),
                key=f"xlsx-{key}",
                icon=":material/table:",
            )
        return
    row.download_button(
        "下载Excel",
        data=lambda: exports.excel_bytes({title: data}, stamp=stamp),
        file_name=f"{stem}.xlsx",
        mime=XLSX,
        key=f"xlsx-{key}",
        on_click="ignore",
        icon=":material/table:",
    )


SPECS_KEPT = 512  # charts whose Vega-Lite spec is kept (the charts hxgy.charts remembers, at most as many)
_specs: OrderedDict[int, tuple[alt.LayerChart, dict[str, Any]]] = OrderedDict()
_specs_lock = threading.Lock()


def vega_spec(chart: alt.LayerChart) -> dict[str, Any]:
    """The Vega-Lite spec st.altair_chart would send for ``chart`` (its data as Arrow datasets), made once per
    chart object: hxgy.charts returns the same object for the same figures, so a rerun skips Altair's
    conversion and schema validation. A fresh copy each call (Streamlit edits the spec it is given)."""
    with _specs_lock:
        kept = _specs.get(id(chart))
        if kept is not None and kept[0] is chart:  # the id of a chart still alive: the same chart
            _specs.move_to_end(id(chart))
            return _copy(kept[1])
    spec = vega_charts._convert_altair_to_vega_lite_spec(chart)  # what st.altair_chart does, done once
    with _specs_lock:
        _specs[id(chart)] = (chart, spec)
        while len(_specs) > SPECS_KEPT:
            _specs.popitem(last=False)
    return _copy(spec)


def _copy(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy Streamlit may change: it copies the top level itself but edits the top-level encoding's colour
    (st.vega_lite_chart's _patch_null_legend_titles); the rest it only reads."""
    copied = dict(spec)
    if "encoding" in copied:
        copied["encoding"] = copy.deepcopy(copied["encoding"])
    return copied


def show_chart(
    chart: alt.LayerChart,
    *,
    key: str | None = None,
    on_select: Literal["ignore", "rerun"] | Callable[..., None] = "ignore",
    height: int | Literal["content"] = "content",
) -> None:
    """st.altair_chart(chart, width="stretch", ...) drawn from the chart's kept spec (``vega_spec``)."""
    st.vega_lite_chart(spec=vega_spec(chart), width="stretch", height=height, key=key, on_select=on_select)


def chart_block(chart: alt.LayerChart, data: pd.DataFrame, *, title: str, stamp: str, allowed: bool, key: str) -> None:
    """A chart that fills the width, with its downloads under it."""
    show_chart(chart)
    downloads(title, stamp, chart=chart, data=data, allowed=allowed, key=key)


def table_block(
    frame: pd.DataFrame, *, title: str, stamp: str, allowed: bool, key: str, height: int | None = None
) -> None:
    """A read-only table (already labelled in Chinese) with its Excel download; 暂无记录 when it has no rows."""
    if frame.empty:  # Streamlit would draw an empty grid with the English word "empty"
        st.caption(NO_ROWS)
        return
    show_table(frame, written=True, height=height or "auto")
    downloads(title, stamp, chart=None, data=frame, allowed=allowed, key=key)


def hours(value: float) -> str:
    """Hours as people write them: 12 or 12.5."""
    return formats.number(value)
