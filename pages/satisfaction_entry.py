"""满意度录入: a term's parent-satisfaction survey, for the whole school or one class."""

import streamlit as st

from hxgy import rights, ui
from hxgy.entry import records
from hxgy.ui import data
from hxgy.ui import entry as forms

user = ui.guard("satisfaction_entry")

st.title("满意度录入")
forms.show_flash()
classes = data.writable_classes(user)
school_wide = rights.school_wide(user.role, rights.Action.WRITE_SATISFACTION)
options = ([(0, "全校问卷")] if school_wide else []) + classes
if not options:
    st.info("您本学年没有可录入的班级。")
    st.stop()
terms = data.school_terms(user.school_id)
if not terms:
    st.info("学校尚未设置学期。")
    st.stop()
st.caption(
    "填写问卷的答卷人数和选择“满意”或“非常满意”的人数。全校问卷优先于各班问卷之和。再次录入同一学期、同一范围即为更正。"
)
with st.form("satisfaction-form"):
    term_id = forms.pick_term("学期", terms, data.current_term_id(user.school_id))
    class_id = forms.pick("范围", options, key="satisfaction-class", placeholder="请选择范围")
    cols = st.columns(2)
    respondents = cols[0].number_input("答卷人数", min_value=0, value=None, step=1, key="satisfaction-n")
    satisfied = cols[1].number_input("满意人数", min_value=0, value=None, step=1, key="satisfaction-ok")
    note = st.text_input("说明", max_chars=200, key="satisfaction-note")
    if st.form_submit_button("保存", type="primary"):
        ok, _ = forms.save(
            lambda session: records.save_satisfaction(
                session,
                user,
                term_id=term_id,
                class_id=class_id or None,
                respondents=respondents,
                satisfied=satisfied,
                note=note,
                today=data.today(),
            )
        )
        if ok:
            forms.flash("已保存，总览的家长满意度已更新。")
