"""志愿登记: a guardian's volunteer hours, and confirming the hours others entered."""

import streamlit as st

from hxgy import ui
from hxgy.entry import records
from hxgy.entry.records import VolunteerEntry
from hxgy.ui import data
from hxgy.ui import entry as forms

user = ui.guard("volunteer_entry")
FORM = "volunteer"

st.title("志愿登记")
classes = forms.classes_or_stop(user)
today = data.today()
forms.show_flash()
class_id = forms.pick("班级", classes, key="volunteer-class")
guardians = data.class_guardians(class_id, today)
activities = data.categories(user.school_id, "volunteer_activity")

with st.form("volunteer-form", border=False):
    guardian_id = forms.pick("家长（输入家长或孩子姓名查找）", guardians, key="volunteer-guardian")
    activity_id = forms.pick("志愿项目", activities, key="volunteer-activity")
    day = st.date_input("服务日期", value=today, max_value=today, format="YYYY-MM-DD", key="volunteer-date")
    hours = st.number_input(
        "时长（小时）", min_value=0.5, max_value=records.MAX_HOURS_A_DAY, value=2.0, step=0.5, key="volunteer-hours"
    )
    note = st.text_input("备注", max_chars=200, key="volunteer-note")
    confirmed = st.checkbox("我已核实，直接确认（班主任、德育主任）", value=True, key="volunteer-confirmed")
    submitted = st.form_submit_button("保存", type="primary", width="stretch", icon=":material/save:")

if submitted:
    entry = VolunteerEntry(
        class_id=class_id,
        guardian_id=guardian_id,
        activity_id=activity_id,
        service_date=day,
        hours=hours,
        note=note,
        confirmed=confirmed,
    )
    key = forms.submission_key(FORM)
    ok, saved = forms.save(
        lambda session: records.record_volunteering(session, user, entry, today=today, submission_key=key)
    )
    if ok:
        forms.next_submission(FORM)
        forms.flash("已保存。" if saved.created else "这条记录已经保存过了。")

st.subheader("待确认的志愿时长")
waiting = data.volunteering_to_confirm(user)
if waiting.empty:
    st.caption("没有需要您确认的记录。")
else:
    st.caption("只有确认后的时长计入志愿服务时长。")
    picked = st.dataframe(
        waiting.drop(columns="id"),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="multi-row",
        key="volunteer-waiting",
    )
    rows = picked.selection.rows if picked else []
    if st.button(f"确认选中的 {len(rows)} 条", disabled=not rows, key="volunteer-confirm"):
        ids = [int(waiting.iloc[i]["id"]) for i in rows]
        ok, count = forms.save(lambda session: records.confirm_volunteering(session, user, ids, today=today))
        if ok:
            forms.flash(f"已确认 {count} 条，志愿服务时长已更新。")
