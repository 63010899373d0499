"""The report page's pieces: which term to offer first, drafting the report with a progress bar, its preview."""

from __future__ import annotations

import html
from datetime import date

import pandas as pd
import streamlit as st

from hxgy import report
from hxgy.auth import SchoolUser
from hxgy.entry import report_parts as entry_parts
from hxgy.glossary import HONOUR_RECIPIENT_LABELS, REPORT_PART_LABELS
from hxgy.models.community import HONOUR_LEVELS, HONOUR_RECIPIENTS
from hxgy.queries import report_parts
from hxgy.report.blocks import Block, Draft
from hxgy.ui import data, entry
from hxgy.ui.widgets import BLANK, plain

LONG_PARTS = ("measures", "cases", "plan")  # text areas; title and signer are one line, signed_on a date
PART_HELP = {
    "title": "留空则为“学校＋学期＋家校社协同育人工作情况报告”（仅全校报告使用此标题）。",
    "measures": "写在各项数据之后。每行一段。",
    "cases": "写在“工作举措与成效”之后。请勿写学生全名（可写“三年级学生小张”）。每行一段。",
    "plan": "写在“需要关注的事项”（由数据生成）之前。每行一段。",
}


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
        return f"{'#####' if block.level == 1 else '######'} {plain(block.text)}"
    if block.kind == "paragraph":
        lead = f"<strong>{plain(block.lead)}</strong>" if block.lead else ""
        return lead + plain(block.text)
    if block.kind == "bullet":
        return f"- {plain(block.text)}"
    if block.kind == "chart":
        return f"〔{plain(block.text)}〕"
    if block.kind == "signature":
        # inside an HTML block Markdown escapes are not read: HTML-escaped instead
        return f'<div style="text-align: right">{html.escape(block.text)}<br>{html.escape(block.lead)}</div>'
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
            st.markdown(block_markdown(block), unsafe_allow_html=block.kind in ("paragraph", "signature"))


def saved_parts(school_id: int, term_id: int) -> dict[str, str]:
    """The dean's parts saved for the term (read now: never cached)."""
    with data.read_session() as session:
        return report_parts.report_texts(session, school_id, term_id)


def term_honours(school_id: int, term_id: int) -> pd.DataFrame:
    """The term's honours (read now: never cached)."""
    with data.read_session() as session:
        return report_parts.honours(session, school_id, term_id)


def text_editor(user: SchoolUser, term_id: int, term_name: str) -> None:
    """The dean's parts of the chosen term's report, one box each, saved together with 保存."""
    saved = saved_parts(user.school_id, term_id)
    school = data.school_name(user.school_id)
    with st.form(f"report-text-{term_id}", border=False):
        st.caption(f"{term_name}报告中由学校撰写的部分，按学期保存；生成报告时放在数据之后，落款放在正文末尾。")
        values: dict[str, str | date | None] = {
            "title": st.text_input(
                REPORT_PART_LABELS["title"],
                value=saved.get("title", ""),
                placeholder=f"{school}{term_name}家校社协同育人工作情况报告",
                help=PART_HELP["title"],
                key=f"report-part-title-{term_id}",
            )
        }
        for part in LONG_PARTS:
            values[part] = st.text_area(
                REPORT_PART_LABELS[part],
                value=saved.get(part, ""),
                height=160,
                help=PART_HELP[part],
                key=f"report-part-{part}-{term_id}",
            )
        left, right = st.columns(2)
        values["signer"] = left.text_input(
            REPORT_PART_LABELS["signer"],
            value=saved.get("signer", ""),
            placeholder=school,
            help="留空则为学校名称。",
            key=f"report-part-signer-{term_id}",
        )
        stored_day = saved.get("signed_on")
        values["signed_on"] = right.date_input(
            REPORT_PART_LABELS["signed_on"],
            value=date.fromisoformat(stored_day) if stored_day else None,
            format="YYYY-MM-DD",
            help="留空则为生成报告当天。",
            key=f"report-part-signed-on-{term_id}",
        )
        if st.form_submit_button("保存", type="primary", key=f"report-text-save-{term_id}"):
            ok, changed = entry.save(
                lambda session: entry_parts.save_report_text(session, user, term_id=term_id, texts=values)
            )
            if ok:
                entry.flash(f"已保存{term_name}的报告文字" if changed else "内容没有变化")


def honours_editor(user: SchoolUser, term_id: int, term_name: str) -> None:
    """The term's honours: the list, removing one, adding one."""
    listing = term_honours(user.school_id, term_id)
    if listing.empty:
        st.caption(f"{term_name}尚未登记荣誉。")
    else:
        shown = pd.DataFrame(
            {
                "荣誉名称": listing["title"],
                "级别": listing["level"],
                "获奖对象": listing["recipient_kind"].map(HONOUR_RECIPIENT_LABELS),
                "获奖者": listing["recipient"],
                "获奖日期": listing["awarded_on"],
            }
        )
        st.dataframe(shown, hide_index=True, width="stretch", placeholder=BLANK)
        st.caption("报告中学生荣誉只写人数（如：3 名学生获评区级“新时代好少年”），不写姓名。")
        names = {
            int(i): f"{t}（{HONOUR_RECIPIENT_LABELS.get(k, k)}：{r}）"
            for i, t, k, r in zip(
                listing["honour_id"], listing["title"], listing["recipient_kind"], listing["recipient"], strict=True
            )
        }
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        chosen = left.selectbox(
            "删除登记有误的荣誉",
            list(names),
            index=None,
            format_func=names.__getitem__,
            placeholder="选择要删除的荣誉",
            key=f"honour-remove-{term_id}",
        )
        if right.button("删除", key=f"honour-remove-button-{term_id}", disabled=chosen is None) and chosen:
            ok, _ = entry.save(lambda session: entry_parts.remove_honour(session, user, honour_id=chosen))
            if ok:
                entry.flash("已删除该荣誉")
    with st.form(f"honour-add-{term_id}", clear_on_submit=True):
        st.markdown("**登记荣誉**")
        first, second = st.columns(2)
        title = first.text_input("荣誉名称", placeholder="如：新时代好少年、优秀家长志愿者、家庭教育示范校")
        level = second.selectbox("级别", HONOUR_LEVELS, index=len(HONOUR_LEVELS) - 1)
        third, fourth, fifth = st.columns(3)
        kind = third.selectbox("获奖对象", HONOUR_RECIPIENTS, format_func=HONOUR_RECIPIENT_LABELS.__getitem__)
        recipient = fourth.text_input("获奖者", placeholder="学校、班级名称或姓名")
        awarded_on = fifth.date_input("获奖日期", value=None, format="YYYY-MM-DD")
        if st.form_submit_button("登记"):
            ok, _ = entry.save(
                lambda session: entry_parts.add_honour(
                    session,
                    user,
                    term_id=term_id,
                    title=title,
                    level=level,
                    recipient_kind=kind,
                    recipient=recipient,
                    awarded_on=awarded_on,
                    today=data.today(),
                )
            )
            if ok:
                entry.flash(f"已登记荣誉：{title}")
