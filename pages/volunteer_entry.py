"""志愿登记: a guardian's volunteer hours, and confirming the hours others entered."""

import streamlit as st

from hxgy import ui
from hxgy.entry import records
from hxgy.entry.records import VolunteerEntry
from hxgy.queries import entry as entry_queries
from hxgy.ui import data
from hxgy.ui import entry as forms
from hxgy.ui import todo as links

user = ui.guard("volunteer_entry")
FORM = "volunteer"

from_todo = links.take_volunteer(user, class_key="volunteer-class")  # 待办's class, whose hours wait
class_id = forms.class_page(user, "志愿登记", key="volunteer-class")
if from_todo:
    st.info("待确认的记录在下方“待确认的志愿时长”：勾选后点下方的确认按钮。")
today = data.today()
guardians = data.class_guardians(class_id, today)
activities = data.categories(user.school_id, "volunteer_activity")

with st.form("volunteer-form", border=False):
    entry = VolunteerEntry(
        class_id=class_id,
        guardian_id=forms.pick(
            "家长（输入家长或孩子姓名查找）", guardians, key="volunteer-guardian", placeholder="请选择家长…"
        ),
        activity_id=forms.pick("志愿项目", activities, key="volunteer-activity", placeholder="请选择…"),
        service_date=st.date_input("服务日期", value=today, max_value=today, format="YYYY-MM-DD", key="volunteer-date"),
        hours=st.number_input(
            "时长（小时）", min_value=0.5, max_value=records.MAX_HOURS_A_DAY, value=2.0, step=0.5, key="volunteer-hours"
        ),
        note=st.text_input("备注", max_chars=200, key="volunteer-note"),
        confirmed=st.checkbox("我已核实，直接确认（班主任、德育主任）", value=True, key="volunteer-confirmed"),
    )
    submitted = st.form_submit_button("保存", type="primary", width="stretch", icon=":material/save:")

if submitted:
    forms.save_entry(
        FORM, records.record_volunteering, user, entry, today=today, done="已保存。", again="这条记录已经保存过了。"
    )

st.subheader("待确认的志愿时长")
term_id = forms.backlog_term(user.school_id, today, key="volunteer-term")
with data.read_session() as session:
    waiting = entry_queries.volunteering_to_confirm(session, user, today, term_id)
    everywhere = len(entry_queries.volunteering_to_confirm(session, user, today)) if term_id else len(waiting)
if everywhere > len(waiting):
    st.caption(f"其他学期还有 {everywhere - len(waiting)} 条待确认，换学期可查看。")
if waiting.empty:
    st.caption("这个学期没有需要您确认的记录。")
else:
    st.caption("最早的排在最前。只有确认后的时长计入志愿服务时长；勾选要确认的记录，再点下方按钮。")
    select_all = st.checkbox(f"全选（{len(waiting)} 条）", key=f"volunteer-all-{term_id}")
    table = waiting.assign(确认=select_all)[["确认", "服务日期", "班级", "家长", "志愿项目", "时长", "备注"]]
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        disabled=["服务日期", "班级", "家长", "志愿项目", "时长", "备注"],
        column_config={
            "确认": st.column_config.CheckboxColumn("确认", help="勾选后点“确认选中的记录”", width="small"),
            "时长": st.column_config.NumberColumn("时长（小时）", format="%.1f"),
        },
        key=f"volunteer-waiting-{term_id}-{select_all}",
    )
    ids = [int(i) for i, ticked in zip(waiting["id"], edited["确认"], strict=True) if ticked]
    if st.button(
        f"确认选中的 {len(ids)} 条", disabled=not ids, type="primary", key="volunteer-confirm", width="stretch"
    ):
        ok, count = forms.save(lambda session: records.confirm_volunteering(session, user, ids, today=today))
        if ok:
            forms.flash(f"已确认 {count} 条，志愿服务时长已更新。")
