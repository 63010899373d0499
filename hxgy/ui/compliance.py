"""合规: each rule of 工作要求 for the view, per class, the students behind it and its history across terms.

Every figure comes from hxgy.compliance (through the cached hxgy.ui.data.compliance_results); names only through
compliance.behind_list, which checks the right and writes the view to the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from hxgy import compliance
from hxgy.auth import SchoolUser
from hxgy.compliance import MET, NO_SUBJECTS, NOT_DUE, NOT_MET, STATUS_LABELS, SUBJECT_UNITS, Result
from hxgy.metrics.roster import ClassFilter
from hxgy.terms import Period
from hxgy.ui import data, widgets
from hxgy.ui import entry as forms

STATUS_MARKS = {
    MET: ":green[**达标**]",
    NOT_MET: ":red[**未达标**]",
    NOT_DUE: ":orange[**未到期**]",
    NO_SUBJECTS: "无需检查",
}
ROW_PX = 35  # a row of st.dataframe
CELL_COLOURS = {"达标": "#c8e6c9", "未达标": "#ffcdd2", "未到期": "#ffe0b2", "无需检查": "#eeeeee"}


def progress_text(result: Result, running: bool = False) -> str:
    """已达到 3/5 名学生（60%）, how many can no longer reach it while the term runs, or the rule's own note."""
    if result.note:
        return result.note
    if not result.subjects:
        return "本期没有需要检查的对象"
    unit, n = SUBJECT_UNITS[result.rule.kind], result.subjects
    if result.rule.kind == "request_reply":
        return f"按时答复 {result.met}/{n} 条（{result.met / n:.0%}）" + (
            f"，{result.failed} 条超时" if result.failed else ""
        )
    if running and result.rule.kind == "flag_contact":
        waiting = len(result.behind) - result.failed
        text = f"截至目前每月均已联系 {result.met + result.on_track}/{n} {unit}"
        text += f"，{waiting} {unit}本月尚未联系" if waiting else ""
        return text + (f"，{result.failed} {unit}有月份未联系" if result.failed else "")
    text = f"已达到 {result.met}/{n} {unit}（{result.met / n:.0%}）"
    return text + (f"，{result.failed} {unit}已无法达到" if running and result.failed else "")


def headline(results: Sequence[Result]) -> str:
    """N 项要求：达标 a 项、未达标 b 项、未到期 c 项."""
    counts = {status: sum(r.status == status for r in results) for status in (MET, NOT_MET, NOT_DUE, NO_SUBJECTS)}
    parts = [f"{STATUS_LABELS[status]} **{n}** 项" for status, n in counts.items() if n]
    return f"{len(results)} 项要求：" + "、".join(parts) + "。"


def summary(results: Sequence[Result], limit_hours: int, *, running: bool) -> None:
    """One line per rule for the view: the status, the rule in words and how far it is."""
    for result in results:
        with st.container(border=True):
            st.markdown(f"{STATUS_MARKS[result.status]} · **{widgets.plain(result.rule.label)}**")
            st.caption(f"{result.rule.text(limit_hours)}。{progress_text(result, running)}")


def class_grid(results: Sequence[Result], class_names: dict[int, str]) -> None:
    """Classes × rules: 达标 / 未达标 / 未到期, coloured."""
    rows = [r for r in results if r.class_id is not None]
    if not rows:
        return
    frame = pd.DataFrame(
        [(class_names.get(r.class_id or 0, ""), r.rule.label, STATUS_LABELS[r.status]) for r in rows],
        columns=["班级", "要求", "状态"],
    )
    order = list(dict.fromkeys(frame["要求"]))
    grid = frame.pivot(index="班级", columns="要求", values="状态")[order]
    grid = grid.reindex([n for n in class_names.values() if n in grid.index])
    styled = grid.style.map(lambda v: f"background-color: {CELL_COLOURS.get(v, 'white')}")
    st.dataframe(styled, width="stretch", height=ROW_PX * (len(grid) + 1) + 3)  # every class, no inner scroll


def names_behind(user: SchoolUser, result: Result, period: Period, classes: ClassFilter, where: str) -> None:
    """A button that opens (and audits) the list of those behind one result of the view."""
    if not result.behind:
        return
    # the term and the view in the key: a list opened for one view never shows under another
    key = f"compliance-names-{period.term_id}-{where}-{result.rule.code}"
    unit = (
        "条" if result.rule.kind == "request_reply" else ("户" if result.rule.kind == "guidance_attendance" else "人")
    )
    if st.button(f"查看名单（{len(result.behind)} {unit}）", key=key, icon=":material/list:"):
        ok, frame = forms.record_view(
            lambda session: compliance.behind_list(session, user, result, period, classes, where, on_day=data.today())
        )
        if ok and frame is not None:
            st.session_state[key + "-shown"] = frame
    shown = st.session_state.get(key + "-shown")
    if isinstance(shown, pd.DataFrame):
        st.dataframe(shown, hide_index=True, width="stretch")
        st.caption("已记入操作日志（查看）。")


def history(rows: list[tuple[str, list[Result]]]) -> None:
    """Rules × terms: the view's status in each term on record."""
    records = [(term, r.rule.label, STATUS_LABELS[r.status]) for term, results in rows for r in results]
    if not records:
        st.caption("尚无往期记录。")
        return
    frame = pd.DataFrame(records, columns=["学期", "要求", "状态"])
    terms = list(dict.fromkeys(frame["学期"]))
    rules = list(dict.fromkeys(frame["要求"]))
    grid = frame.pivot(index="要求", columns="学期", values="状态").reindex(index=rules)[terms]
    st.dataframe(grid.style.map(lambda v: f"background-color: {CELL_COLOURS.get(v, 'white')}"), width="stretch")
