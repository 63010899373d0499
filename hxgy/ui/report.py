"""The report page's pieces: which term to offer first, and drafting the report with a progress bar."""

from __future__ import annotations

import streamlit as st

from hxgy import report
from hxgy.ui import data


def default_term_id(school_id: int) -> int | None:
    """The term the page offers first: the latest finished term, else the one running."""
    with data.read_session() as session:
        term = report.default_term(session, school_id, data.today())
        return term.id if term else None


def generate(school_id: int, term_id: int, grade_level: int | None) -> report.Report:
    """Draft the report now (never cached: it must show the latest records), moving a progress bar."""
    bar = st.progress(0.0, text="正在生成报告…")

    def progress(fraction: float, step: str) -> None:
        bar.progress(min(1.0, max(0.0, fraction)), text=f"正在生成报告：{step}")

    try:
        with data.read_session() as session:
            progress(0.0, "读取数据")
            fig = report.gather(
                session,
                school_id=school_id,
                term_id=term_id,
                grade_level=grade_level,
                today=data.today(),
                now=data.this_hour(),
            )
        progress(0.25, "数据读取完成")
        return report.build(fig, progress)
    finally:
        bar.empty()
