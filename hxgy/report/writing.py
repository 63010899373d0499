"""The report's text: Chinese sentences in the style of the schools' own reports, written from the figures.

``draft`` turns a ``ReportFigures`` into a ``Draft``: a title, a stamp line and
a list of blocks (headings, paragraphs, bullet points, charts to draw, tables),
section by section (``hxgy.report.summary`` and ``hxgy.report.sections``, in the
words of ``hxgy.report.wording``).
"""

from __future__ import annotations

from hxgy.glossary import GRADE_NUMERALS, grade_name
from hxgy.report import parts, sections, summary
from hxgy.report.blocks import Draft, Writer
from hxgy.report.figures import ReportFigures
from hxgy.report.wording import chinese_day

TITLE_TAIL = "家校社协同育人工作情况报告"


def report_title(fig: ReportFigures) -> str:
    """东湖区实验小学2025-2026学年第二学期家校社协同育人工作情况报告 (with the grade when one is chosen).

    The whole school's report takes the title the dean saved for the term, when there is one.
    """
    if fig.grade_level is None and (saved := fig.texts.get("title", "").strip()):
        return saved
    grade = grade_name(fig.grade_level) if fig.grade_level else ""
    return f"{fig.school_name}{fig.term_name}{grade}{TITLE_TAIL}"


def file_name(fig: ReportFigures) -> str:
    """东湖区实验小学_2025-2026学年第二学期_家校社协同育人工作报告.docx (the grade added when chosen)."""
    parts = [fig.school_name, fig.term_name]
    if fig.grade_level:
        parts.append(grade_name(fig.grade_level))
    return "_".join([*parts, "家校社协同育人工作报告"]) + ".docx"


def draft(fig: ReportFigures) -> Draft:
    """The whole report as text blocks, charts to draw and tables, in reading order."""
    scope = "全校" if fig.grade_level is None else f"{GRADE_NUMERALS[fig.grade_level - 1]}年级"
    running = f"（进行中，统计至{fig.period.end.month}月{fig.period.end.day}日）" if fig.period.in_progress else ""
    stamp = "　".join(
        [
            f"学校：{fig.school_name}",
            f"学期：{fig.term_name}{running}",
            f"范围：{scope}",
            f"起草日期：{chinese_day(fig.drafted_on)}",
        ]
    )
    w = Writer(fig)
    summary.overview(w)
    sections.communication(w)
    sections.home_visits(w)
    sections.volunteers(w)
    sections.moral(w)
    sections.activities(w)
    sections.satisfaction(w)
    parts.work_rules(w)
    parts.committee_and_honours(w)
    parts.dean_section(w, "measures", "工作举措与成效")
    parts.dean_section(w, "cases", "典型案例")
    summary.next_steps(w)
    parts.signature(w)
    summary.appendix(w)
    return Draft(report_title(fig), stamp, w.blocks, w.tables, file_name(fig))
