"""The report page's pieces: which term to offer first, drafting the report with a progress bar, its preview."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from hxgy import report
from hxgy.report.blocks import Block, Draft
from hxgy.ui import data
from hxgy.ui.widgets import BLANK, plain


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
        scope = report.ReportScope(school_id, term_id, data.today(), data.this_hour(), grade_level)
        with data.read_session() as session:  # closed before the slow part
            progress(0.0, report.READING)
            fig = report.gather(session, scope)
        progress(report.GATHERED, report.READ)
        return report.build(fig, progress)
    finally:
        bar.empty()


def block_markdown(block: Block) -> str:
    """A heading, paragraph, bullet or chart caption of the draft as Markdown that reads like the document.

    A paragraph's bold lead ends in Chinese punctuation (“（一）主要指标。”) right before a Chinese character,
    where Markdown does not close ``**`` (CommonMark's flanking rule) and shows the asterisks; the lead is
    bolded with ``<strong>`` instead. Every text is escaped (``plain``), so no text of the draft is read as
    Markdown or HTML.
    """
    if block.kind == "heading":
        return f"##### {plain(block.text)}"
    if block.kind == "paragraph":
        lead = f"<strong>{plain(block.lead)}</strong>" if block.lead else ""
        return lead + plain(block.text)
    if block.kind == "bullet":
        return f"- {plain(block.text)}"
    if block.kind == "chart":
        return f"〔{plain(block.text)}〕"
    raise ValueError(f"not a text block: {block.kind}")


def preview(draft: Draft) -> None:
    """The drafted report on the page, in reading order: headings, paragraphs, chart captions and tables."""
    st.markdown(f"#### {plain(draft.title)}")
    st.caption(plain(draft.stamp))
    for block in draft.blocks:
        if block.kind == "table":
            table = draft.tables[block.key]
            st.markdown(f"<strong>{plain(table.title)}</strong>", unsafe_allow_html=True)
            frame = pd.DataFrame(table.rows, columns=list(table.headers))
            st.dataframe(frame, hide_index=True, width="stretch", placeholder=BLANK)
        elif block.kind == "chart":
            st.caption(block_markdown(block))
        else:
            st.markdown(block_markdown(block), unsafe_allow_html=block.kind == "paragraph")
