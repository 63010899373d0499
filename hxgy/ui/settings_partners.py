"""设置 → 合作单位: the school's partners (社区服务中心, 企事业单位, 文化场馆, 校外实践基地): list, add, change.

Phones are shown masked (hxgy.formats.mask_phone); the change form shows the stored number masked too, and a
number left as shown is kept (hxgy.entry.partners.update_partner). Many partners at once: 导入导出 → 合作单位.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from hxgy import formats
from hxgy.auth import SchoolUser
from hxgy.entry.partners import PartnerEntry, add_partner, update_partner
from hxgy.queries import partners as partner_queries
from hxgy.ui import data
from hxgy.ui import entry as forms


def partners_tab(user: SchoolUser) -> None:
    """The list, then 新增 and 修改 side by side."""
    today = data.today()
    with data.read_session() as session:
        table = partner_queries.partner_table(session, user.school_id)
        types = partner_queries.partner_types(session, user.school_id)
    st.caption(
        "学校签订协议的社区、企事业单位、文化场馆和校外实践基地。学期报告按类型统计已签约的单位"
        "（填写了签约日期且启用），并统计本学期开展过活动的校外实践基地；录入或导入协同活动时可选择这里登记的单位。"
        "单位较多时可在“导入导出”中导入“合作单位”。"
    )
    if table.empty:
        st.caption("暂无合作单位。")
    else:
        st.dataframe(_shown(table), hide_index=True, width="stretch", placeholder="—")
    left, right = st.columns(2)
    with left:
        _add_form(user, types, today)
    with right:
        _edit_form(user, table, types, today)


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    shown = table.drop(columns=["id", "type_id"]).copy()
    shown["联系电话"] = shown["联系电话"].map(lambda phone: formats.mask_phone(phone or ""))
    shown["签约日期"] = shown["签约日期"].map(lambda day: f"{day:%Y-%m-%d}" if isinstance(day, date) else "未签约")
    shown["启用"] = shown["启用"].map({True: "启用", False: "停用"})
    shown["单位类型"] = shown["单位类型"].fillna("未分类")
    return shown.rename(columns={"启用": "状态"})


def _add_form(user: SchoolUser, types: dict[int, str], today: date) -> None:
    with st.form("add-partner", clear_on_submit=False):
        st.markdown("**新增合作单位**")
        name = st.text_input("单位名称", max_chars=100)
        type_id = forms.choose("单位类型", types, placeholder="请在 设置 → 类别 中添加合作单位类型")
        contact = st.text_input("联系人", max_chars=40)
        phone = st.text_input("联系电话", max_chars=20)
        signed = st.date_input("签约日期（未签协议可不填）", value=None, format="YYYY-MM-DD", key="partner-new-signed")
        services = st.text_area("服务内容", height=80)
        if st.form_submit_button("添加"):
            entry = PartnerEntry(name, type_id, contact, phone, signed, services, True)
            ok, _ = forms.save(lambda session: add_partner(session, user, entry, today=today))
            if ok:
                forms.flash(f"已添加合作单位“{name.strip()}”。")


def _edit_form(user: SchoolUser, table: pd.DataFrame, types: dict[int, str], today: date) -> None:
    st.markdown("**修改合作单位**")
    if table.empty:
        st.caption("暂无可修改的单位。")
        return
    names = dict(zip(table["id"].astype(int), table["单位名称"], strict=True))
    partner_id = forms.choose_one("选择单位", names, key="partner-edit-choice")
    row = table.loc[table["id"] == partner_id].iloc[0]
    stored_type = int(row["type_id"]) if pd.notna(row["type_id"]) else None
    # a type switched off since stays choosable for the partner that has it
    options = dict(types)
    if stored_type is not None and stored_type not in options:
        options[stored_type] = str(row["单位类型"])
    signed_on = row["签约日期"] if isinstance(row["签约日期"], date) else None
    with st.form(f"edit-partner-{partner_id}"):
        name = st.text_input("单位名称", value=str(row["单位名称"]), max_chars=100)
        type_id = forms.choose(
            "单位类型", options, index=forms.index_of(options, stored_type), placeholder="请选择类型"
        )
        contact = st.text_input("联系人", value=str(row["联系人"] or ""), max_chars=40)
        phone = st.text_input(
            "联系电话（显示已隐去中间几位；不改则保留原号码）",
            value=formats.mask_phone(str(row["联系电话"] or "")),
            max_chars=20,
        )
        signed = st.date_input("签约日期（未签协议可不填）", value=signed_on, format="YYYY-MM-DD")
        services = st.text_area("服务内容", value=str(row["服务内容"] or ""), height=80)
        active = st.checkbox(
            "启用（停用后不再计入报告，录入活动时不再可选，原有活动记录不变）", value=bool(row["启用"])
        )
        if st.form_submit_button("保存"):
            entry = PartnerEntry(name, type_id, contact, phone, signed, services, active)
            ok, changed = forms.save(lambda session: update_partner(session, user, partner_id, entry, today=today))
            if ok:
                forms.flash("已保存。" if changed else "没有改动。")
