"""The report's parts beyond the measures: the dean's own text, 家委会, honours and the 落款.

- ``dean_paragraphs``: a part the dean wrote (工作举措与成效, 典型案例, 下一步工作计划), one paragraph per line;
- ``committee_sentence``: 家委会：校级家委会 N 人，N 个班级成立班级家委会，共 N 人;
- ``honour_sentence``: the term's honours; a school, class, teacher or parent is named, students are only counted
  ("3 名学生获评区级“新时代好少年”"), never named;
- ``signature``: the signer (default the school) and the date (default the day the report is made).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from hxgy.metrics.community import CommitteeCounts
from hxgy.report.blocks import Writer
from hxgy.report.figures import ReportFigures
from hxgy.report.wording import chinese_day, whole

NAMED_PREFIX = {"school": "", "class": "", "staff": "教师", "parent": "家长"}  # written once before the names


def dean_text(fig: ReportFigures, part: str) -> list[str]:
    """The paragraphs of a part the dean wrote: one per non-empty line, its leading spaces (全角 too) dropped."""
    body = fig.texts.get(part, "")
    return [line.strip().lstrip("\u3000").strip() for line in body.splitlines() if line.strip().lstrip("\u3000")]


def dean_paragraphs(w: Writer, part: str) -> bool:
    """Write the dean's part as paragraphs (kept as written); False when there is none."""
    paragraphs = dean_text(w.fig, part)
    for text in paragraphs:
        w.paragraph(text)
    return bool(paragraphs)


def dean_section(w: Writer, part: str, title: str) -> None:
    """A section of the dean's own text (工作举措与成效, 典型案例), left out when the dean wrote none."""
    if dean_text(w.fig, part):
        w.section(title)
        dean_paragraphs(w, part)


def committee_sentence(fig: ReportFigures) -> str:
    """家委会：校级家委会 N 人，N 个班级成立班级家委会，共 N 人 (counts only; a grade's report: its classes)."""
    counts: CommitteeCounts | None = fig.committee
    if counts is None or not (counts.school_members or counts.class_members):
        return ""
    parts = []
    if fig.grade_level is None:
        parts.append(f"校级家委会 {whole(counts.school_members)} 人")
    classes, formed = len(fig.classes), counts.classes_with_committee
    if classes and formed >= classes:
        parts.append(f"全部 {whole(classes)} 个班级均成立班级家委会，共 {whole(counts.class_members)} 人")
    else:
        among = f"{whole(classes)} 个班级中 " if classes else ""
        parts.append(f"{among}{whole(formed)} 个班级成立班级家委会，共 {whole(counts.class_members)} 人")
    return "家委会：" + "，".join(parts) + "。"


def honour_sentence(honours: pd.DataFrame | None) -> str:
    """The honours of the term, highest level first: named recipients by title, students counted, never named."""
    if honours is None or honours.empty:
        return ""
    items = []
    keys = ["level", "title", "recipient_kind"]
    for (level, title, kind), rows in honours.groupby(keys, sort=False):
        if kind == "student":
            items.append(f"{len(rows)} 名学生获评{level}“{title}”")
        else:
            names = NAMED_PREFIX.get(str(kind), "") + "、".join(str(r) for r in rows["recipient"])
            items.append(f"{names}获评{level}“{title}”")
    return f"本学期共获各级荣誉 {len(honours)} 项（人次）：" + "；".join(items) + "。"


def committee_and_honours(w: Writer) -> None:
    """家委会与荣誉表彰: the committee's counts and (the whole school's report) the honours; left out when empty."""
    committee = committee_sentence(w.fig)
    honours = honour_sentence(w.fig.honours) if w.fig.grade_level is None else ""
    if not committee and not honours:
        return
    w.section("家委会与荣誉表彰")
    w.paragraph(committee, lead="家长委员会")
    w.paragraph(honours, lead="荣誉表彰")


def signed_on(fig: ReportFigures) -> date:
    """The 落款 date: the dean's, else the day the report is made."""
    saved = fig.texts.get("signed_on", "")
    try:
        return date.fromisoformat(saved) if saved else fig.drafted_on
    except ValueError:
        return fig.drafted_on


def signature(w: Writer) -> None:
    """落款: the signer (the dean's, else the school) and the date, 2026年12月1日."""
    signer = w.fig.texts.get("signer", "").strip() or w.fig.school_name
    w.signature(signer, chinese_day(signed_on(w.fig)))
