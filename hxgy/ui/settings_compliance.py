"""设置 → 工作要求: the rules 合规 checks (hxgy.compliance), each turned on or off and its count and share changed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from hxgy import compliance
from hxgy.auth import SchoolUser
from hxgy.entry import work_rules
from hxgy.ui import data
from hxgy.ui import entry as forms


def rules_tab(user: SchoolUser) -> None:
    """The school's rules as a table a dean edits in place, saved together."""
    limit = data.response_limit_hours(user.school_id)
    with data.read_session() as session:
        rules = compliance.rules(session, user.school_id, enabled_only=False)
    st.caption(
        "合规页面按这些要求逐班检查：达标、未达标或未到期（学期未结束、仍可达到）。"
        "“次数”是每名学生（或每户家庭、每月、每学期）至少要达到的次数；“达标比例”是须达到要求的学生、家庭或诉求所占比例。"
        "上门家访只计“计入上门家访”的沟通方式，家长学校只计“计入家长学校”的活动类型（在“类别”中设置）。"
        "诉求答复不看“次数”（时限在“目标与时限”中设置），家长学校场次不看“达标比例”。"
    )
    if not rules:
        st.info("尚无工作要求。")
        return
    labels = {r.id: r.label for r in rules}
    table = pd.DataFrame(
        {
            "要求": [r.text(limit) for r in rules],
            "启用": [r.enabled for r in rules],
            # a setting a rule does not use is left blank: 诉求答复 has no count, 家长学校场次 no share
            "次数": [None if r.kind == "request_reply" else r.min_count for r in rules],
            "达标比例": [None if r.kind == "guidance_sessions" else r.share for r in rules],
        },
        index=[r.id for r in rules],
    )
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        disabled=["要求"],
        key="work-rules",
        placeholder="—",
        column_config={
            "要求": st.column_config.TextColumn("要求", width="large"),
            "启用": st.column_config.CheckboxColumn("启用"),
            "次数": st.column_config.NumberColumn("次数", min_value=1, max_value=work_rules.MAX_COUNT, step=1),
            "达标比例": st.column_config.NumberColumn("达标比例（%）", min_value=1, max_value=100, step=5),
        },
    )
    if st.button("保存工作要求", key="work-rules-save"):
        by_id = {r.id: r for r in rules}
        settings = {
            int(rule_id): work_rules.RuleSetting(
                enabled=bool(row["启用"]),
                # a blank a rule does not use keeps its value; a blank it uses is refused (-1, 0: out of range)
                min_count=_number(
                    row["次数"], by_id[int(rule_id)].min_count if by_id[int(rule_id)].kind == "request_reply" else -1
                ),
                share=_number(
                    row["达标比例"], by_id[int(rule_id)].share if by_id[int(rule_id)].kind == "guidance_sessions" else 0
                ),
            )
            for rule_id, row in edited.iterrows()
        }
        ok, changed = forms.save(lambda session: work_rules.update_rules(session, user, settings, labels))
        if ok:
            forms.flash(f"工作要求已保存（{changed} 项有改动）。" if changed else "没有改动。")


def _number(value: object, blank: float) -> float:
    """A cell of the table as a number (``blank`` when empty)."""
    return blank if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]
