"""The term report (学期报告): figures → Chinese text → charts → a Word document. No Streamlit here.

    fig = gather(session, ReportScope(school_id=…, term_id=…, today=…, now=…, grade_level=None))
    report = build(fig, progress=lambda fraction, step: …)
    report.data       # the .docx bytes
    report.draft      # the text (headings, paragraphs, tables) for a preview
    report.file_name  # 东湖区实验小学_2025-2026学年第二学期_家校社协同育人工作报告.docx

``make_report`` does both in one call; the page and the command close their session before ``build``.
See docs/report.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from hxgy.report.document import write_docx
from hxgy.report.figures import (
    ReportError,
    ReportFigures,
    ReportScope,
    default_term,
    find_school,
    find_term,
    gather,
)
from hxgy.report.pictures import chart_png
from hxgy.report.writing import Draft, draft

Progress = Callable[[float, str], None]

__all__ = [
    "Draft",
    "Progress",
    "Report",
    "ReportError",
    "ReportFigures",
    "ReportScope",
    "build",
    "default_term",
    "find_school",
    "find_term",
    "gather",
    "make_report",
]

GATHERED, DRAFTED, CHARTS_DONE = 0.25, 0.3, 0.95
READING, READ = "读取数据", "数据读取完成"  # the steps before ``build``, for callers that gather themselves


@dataclass(frozen=True)
class Report:
    """A finished report: its text, the .docx bytes and the file name to save it under."""

    draft: Draft
    data: bytes
    file_name: str


def _quiet(_fraction: float, _step: str) -> None:
    """A progress callback that reports nowhere."""


def build(fig: ReportFigures, progress: Progress | None = None) -> Report:
    """Write the text, draw the charts (the slow part, ~0.4 s each) and save the .docx."""
    report_progress = progress or _quiet
    text = draft(fig)
    report_progress(DRAFTED, "撰写文字")
    keys = [b.key for b in text.blocks if b.kind == "chart"]
    pictures: dict[str, bytes] = {}
    for i, key in enumerate(keys):
        caption = next(b.text for b in text.blocks if b.kind == "chart" and b.key == key)
        report_progress(
            DRAFTED + (CHARTS_DONE - DRAFTED) * i / max(1, len(keys)),
            f"绘制{caption.split('　', 1)[-1].split('（')[0]}",
        )
        pictures[key] = chart_png(fig, key)
    report_progress(CHARTS_DONE, "生成 Word 文档")
    data = write_docx(text, pictures, progress=report_progress)
    report_progress(1.0, "完成")
    return Report(text, data, text.file_name)


def make_report(session: Session, scope: ReportScope, progress: Progress | None = None) -> Report:
    """Gather the figures of a term (optionally one grade) and build the report."""
    report_progress = progress or _quiet
    report_progress(0.0, READING)
    fig = gather(session, scope)
    report_progress(GATHERED, READ)
    return build(fig, report_progress)
