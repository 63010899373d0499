"""Shared widgets: figure cards and tables with Chinese headers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
import streamlit as st

from hxgy.glossary import COLUMN_LABELS, grade_name
from hxgy.terms import Period

CARDS_PER_ROW = 4


def figure_cards(items: Sequence[tuple[str, str, str | None]]) -> None:
    """A grid of (label, value, help) cards; rows wrap on a phone."""
    for start in range(0, len(items), CARDS_PER_ROW):
        row = items[start : start + CARDS_PER_ROW]
        for column, (label, value, help_text) in zip(st.columns(CARDS_PER_ROW), row, strict=False):
            column.metric(label, value, help=help_text, border=True)


def labelled(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The chosen columns with Chinese headers; grade numbers become 一年级 …"""
    shown = frame[list(columns)].copy()
    if "grade_level" in shown:
        shown["grade_level"] = shown["grade_level"].map(grade_name)
    return shown.rename(columns=COLUMN_LABELS)


def table(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """A read-only table of the chosen columns with Chinese headers."""
    st.dataframe(labelled(frame, columns), hide_index=True, width="stretch")


def hours(value: float) -> str:
    """Hours as people write them: 12 or 12.5."""
    return f"{value:,.1f}".rstrip("0").rstrip(".")


def chinese_date(day: date) -> str:
    """2026年9月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def period_caption(period: Period, today: date) -> str:
    """e.g. 2026-2027学年第一学期 · 2026年9月1日—2027年1月20日 · 今天是第12周."""
    parts = [period.label, f"{chinese_date(period.start)}—{chinese_date(period.end)}"]
    if period.start <= today <= period.end:
        parts.append(f"今天是第{period.week_of(today)}周")
    elif today > period.end:
        parts.append("本学期已结束")
    return " · ".join(parts)
