"""设置 → 类别, 德育评价 and 目标与时限: the school's lists, its 德育 scheme, targets and school-wide rules."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from hxgy.auth import SchoolUser
from hxgy.entry import categories, school_settings
from hxgy.glossary import CATEGORY_KIND_LABELS, HOLIDAY_POLICY_LABELS, MEASURE_LABELS
from hxgy.metrics.measures import TARGET_MEASURES
from hxgy.queries import entry as entry_queries
from hxgy.queries import school_setup
from hxgy.ui import data
from hxgy.ui import entry as forms


def lists_tab(user: SchoolUser) -> None:
    """One list at a time: its entries, 添加, 修改 (rename or hide), and which 沟通方式 a class-wide record may use."""
    kind = forms.choose("列表", CATEGORY_KIND_LABELS, key="settings-kind") or "channel"
    with data.read_session() as session:
        entries = school_setup.category_table(session, user.school_id, kind)
        class_wide = entry_queries.channel_class_wide(session, user.school_id) if kind == "channel" else {}
    if kind == "channel":  # which channels a class-wide record (no student) may use
        entries["可用于全班"] = [class_wide.get(int(i), False) for i in entries["id"]]
    st.dataframe(entries.drop(columns="id"), hide_index=True, width="stretch", placeholder="—")
    left, right = st.columns(2)
    with left, st.form("add-category"):
        name = st.text_input("新增一项", max_chars=40)
        if st.form_submit_button("添加"):
            ok, _ = forms.save(lambda session: categories.add_category(session, user, kind=kind, name=name))
            if ok:
                forms.flash("已添加。")
    with right, st.form("edit-category"):
        labels = dict(zip(entries["id"], entries["名称"], strict=True))
        category_id = forms.choose("修改", labels, placeholder="列表为空")
        new_name = st.text_input("名称", value=labels.get(category_id, ""), max_chars=40)
        active = st.checkbox("启用（停用后不再出现在录入表单中，原有记录不变）", value=True)
        if st.form_submit_button("保存") and category_id is not None:
            ok, _ = forms.save(
                lambda session: categories.update_category(session, user, category_id, name=new_name, active=active)
            )
            if ok:
                forms.flash("已保存。")
    if kind == "channel":
        _class_wide_channels(user, entries, class_wide)
    if kind in FLAGGED_SETTINGS:
        _flagged_entries(user, kind, entries)


# the settings 工作要求 reads from a list: which 沟通方式 are in-person 家访, which 活动类型 are 家长学校
FLAGGED_SETTINGS = {
    "channel": (
        "in_person",
        "计入上门家访的沟通方式（工作要求中的全员家访、新生家访只计这些方式的记录）",
        "视频家访、电话家访等不上门的方式不要选。",
    ),
    "activity_type": (
        "guidance",
        "计入家长学校的活动类型（家庭教育指导；工作要求中的家长学校场次和家庭参与只计这些活动）",
        "家长学校签到按家长记录到场，用于统计每户家庭参加的场次。",
    ),
}


def _flagged_entries(user: SchoolUser, kind: str, entries: pd.DataFrame) -> None:
    column, label, help_text = FLAGGED_SETTINGS[kind]
    with data.read_session() as session:
        flagged = school_setup.flagged_categories(session, user.school_id, kind, column)
    with st.form(f"flagged-{kind}"):
        names = dict(zip(entries["id"].astype(int), entries["名称"], strict=True))
        chosen = st.multiselect(
            label,
            list(names),
            default=[c for c in names if c in flagged],
            format_func=names.__getitem__,
            placeholder="请选择…",
            help=help_text,
        )
        if st.form_submit_button("保存"):
            ok, _ = forms.save(lambda session: categories.set_flagged_categories(session, user, kind, chosen))
            if ok:
                forms.flash("已保存。")


def _class_wide_channels(user: SchoolUser, entries: pd.DataFrame, class_wide: dict[int, bool]) -> None:
    with st.form("class-wide-channels"):
        channel_names = dict(zip(entries["id"].astype(int), entries["名称"], strict=True))
        wide = st.multiselect(
            "可用于全班记录的沟通方式（不指定学生的记录，如班级群通知、家长会）",
            list(channel_names),
            default=[c for c in channel_names if class_wide.get(c)],
            format_func=channel_names.__getitem__,
            placeholder="请选择…",
            help="家访、电话、面谈等面向一户家庭，记录时必须选择学生；家访不能用于全班。",
        )
        if st.form_submit_button("保存"):
            ok, _ = forms.save(lambda session: categories.set_class_wide_channels(session, user, wide))
            if ok:
                forms.flash("已保存。")


def moral_tab(user: SchoolUser) -> None:
    """Rater weights, level thresholds and active dimensions, saved together (the figures are recomputed)."""
    with data.read_session() as session:
        scheme = school_setup.moral_settings(session, user.school_id)
    st.caption(
        "总评 = 各评价主体分数按权重加权平均（缺少的评价主体不计，权重自动折算）。"
        "修改后各页面的德育指标立即按新设置计算。"
    )
    with st.form("moral-scheme"):
        st.markdown("**评价主体权重**")
        weights = {
            int(r.id): st.number_input(r.评价主体, min_value=0.0, max_value=1.0, value=float(r.权重), step=0.05)
            for r in scheme["raters"].itertuples(index=False)
        }
        st.markdown("**等级分数线**（总评不低于该分即为该等级）")
        thresholds = {
            int(r.id): st.number_input(
                f"{r.等级}{'（计入优良）' if r.计入优良 else ''}", min_value=0.0, max_value=100.0, value=float(r.最低分)
            )
            for r in scheme["levels"].itertuples(index=False)
        }
        st.markdown("**评价维度**")
        active = {
            int(r.id): st.checkbox(r.维度, value=bool(r.启用)) for r in scheme["dimensions"].itertuples(index=False)
        }
        if st.form_submit_button("保存德育设置"):
            ok, _ = forms.save(
                lambda session: school_settings.update_moral_scheme(
                    session, user, weights=weights, thresholds=thresholds, active_dimensions=active, today=data.today()
                )
            )
            if ok:
                forms.flash("德育评价设置已保存，指标已按新设置重新计算。")


def targets_tab(user: SchoolUser, terms: dict[int, str]) -> None:
    """A term's targets, then the reply limit, the 德育 completion threshold and the holiday rule."""
    if terms:
        ids = list(terms)
        current = data.current_term_id(user.school_id)
        index = ids.index(current) if current in ids else 0
        term_id = forms.choose("学期", terms, index=index, key="target-term")
        if term_id is not None:
            _targets(user, term_id)
    with st.form("limit"):
        hours = st.number_input(
            "家长诉求答复时限（小时）", min_value=1, max_value=720, value=data.response_limit_hours(user.school_id)
        )
        if st.form_submit_button("保存时限"):
            ok, _ = forms.save(lambda session: school_settings.set_response_limit(session, user, int(hours)))
            if ok:
                forms.flash("答复时限已保存。")
    with st.form("completion"):
        percent = st.number_input(
            "德育评价完成率门槛（%）",
            min_value=0,
            max_value=100,
            value=round(data.completion_min(user.school_id) * 100),
            help="教师评完成率低于此值时，德育优良率和平均分显示“评价未完成”，不判断是否达标。",
        )
        if st.form_submit_button("保存门槛"):
            ok, _ = forms.save(lambda session: school_settings.set_moral_completion_min(session, user, int(percent)))
            if ok:
                forms.flash("德育评价完成率门槛已保存。")
    with st.form("holidays"):
        policies = list(HOLIDAY_POLICY_LABELS)
        policy = st.radio(
            "假期中的记录（如暑期家访）",
            policies,
            index=policies.index(data.holiday_policy(user.school_id)),
            format_func=HOLIDAY_POLICY_LABELS.__getitem__,
        )
        if st.form_submit_button("保存假期规则"):
            ok, _ = forms.save(lambda session: school_settings.set_holiday_policy(session, user, policy))
            if ok:
                forms.flash("假期记录的计入方式已保存。")


def _targets(user: SchoolUser, term_id: int) -> None:
    with data.read_session() as session:
        targets = school_setup.term_targets(session, term_id)
    with st.form("targets"):
        st.caption("比率类指标填百分数（如 95 表示 95%）；留空表示不设目标。")
        values = {
            measure: st.number_input(MEASURE_LABELS[measure], min_value=0.0, value=targets.get(measure), step=1.0)
            for measure in TARGET_MEASURES
        }
        if st.form_submit_button("保存目标"):
            ok, _ = forms.save(
                lambda session: school_settings.set_targets(session, user, term_id=term_id, values=values)
            )
            if ok:
                forms.flash("目标已保存。")
