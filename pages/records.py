"""记录管理: find a record, correct it or delete it (soft: it leaves the figures, the audit log keeps it)."""

from datetime import timedelta

import streamlit as st

from hxgy import rights, ui
from hxgy.entry import records
from hxgy.entry.records import ContactEntry, VolunteerEntry
from hxgy.queries.entry import RECORD_KINDS
from hxgy.ui import data
from hxgy.ui import entry as forms

user = ui.guard("records")

st.title("记录管理")
forms.show_flash()
today = data.today()
classes = data.writable_classes(user)
class_ids = None if rights.school_wide(user.role, *rights.WRITE_ACTIONS) else [c for c, _ in classes]
cols = st.columns(3)
with cols[0]:
    kind = forms.choose_one("记录类型", RECORD_KINDS, key="records-kind")
start = cols[1].date_input("从", value=today - timedelta(days=30), max_value=today, key="records-start")
end = cols[2].date_input("到", value=today, max_value=today, key="records-end")
found = data.records_to_manage(user, kind, start, end, class_ids)
if found.empty:
    st.info("这段时间没有您可以修改的记录。" + ("（活动由德育主任管理。）" if kind == "activity" and class_ids else ""))
    st.stop()
shown = [
    c for c in found.columns if not c.endswith("_id") and c not in ("id", "direction", "duration_min", "follow_up")
]
st.dataframe(found[shown], hide_index=True, width="stretch", placeholder="—")
st.caption(f"共 {len(found)} 条（最多显示 500 条）。")

labels = {int(r["id"]): " · ".join(str(r[c]) for c in shown[:4]) for r in found.to_dict("records")}
record_id = forms.choose_one("选择一条记录", labels, key="records-pick")
row = found.set_index("id").loc[record_id]

if kind == "communication":
    with st.form("edit-contact"):
        st.markdown("**修改沟通记录**")
        class_names = dict(classes)
        class_id = int(row["class_id"])
        students = [(0, "全班"), *data.class_students(class_id, row["日期"])]
        student_names = dict(students)
        student_id = forms.choose_one("学生", student_names, index=forms.index_of(student_names, row["student_id"]))
        channels = dict(data.categories(user.school_id, "channel"))
        channel_id = forms.choose("方式", channels, index=forms.index_of(channels, row["channel_id"]))
        day = st.date_input("日期", value=row["日期"], max_value=today)
        summary = st.text_area("简要记录", value=row["记录"], max_chars=2000)
        if st.form_submit_button("保存修改"):
            contact = ContactEntry(
                class_id=class_id,
                contact_date=day,
                channel_id=channel_id,
                student_id=student_id or None,
                direction=row["direction"],
                topic_id=None if row["topic_id"] != row["topic_id"] else int(row["topic_id"]),
                duration_min=None if row["duration_min"] != row["duration_min"] else int(row["duration_min"]),
                summary=summary,
                follow_up=bool(row["follow_up"]),
            )
            ok, _ = forms.save(lambda session: records.update_contact(session, user, record_id, contact, today=today))
            if ok:
                forms.flash(f"已修改（{class_names.get(class_id, '')}）。")
elif kind == "volunteer_record":
    with st.form("edit-volunteer"):
        st.markdown("**修改志愿服务记录**")
        activities = dict(data.categories(user.school_id, "volunteer_activity"))
        activity_id = forms.choose("志愿项目", activities, index=forms.index_of(activities, row["activity_id"]))
        day = st.date_input("服务日期", value=row["日期"], max_value=today)
        hours = st.number_input(
            "时长（小时）", min_value=0.5, max_value=records.MAX_HOURS_A_DAY, value=float(row["时长"])
        )
        note = st.text_input("备注", value=row["备注"], max_chars=200)
        if st.form_submit_button("保存修改"):
            volunteering = VolunteerEntry(
                class_id=0, guardian_id=None, activity_id=activity_id, service_date=day, hours=hours, note=note
            )
            ok, _ = forms.save(
                lambda session: records.update_volunteering(session, user, record_id, volunteering, today=today)
            )
            if ok:
                forms.flash("已修改。")

with st.expander("删除这条记录"):
    st.caption("删除后不再计入任何指标；操作日志保留删除前的内容。")
    if st.button("确认删除", type="primary", key="records-delete"):
        ok, _ = forms.save(lambda session: records.delete_record(session, user, kind, record_id, today=today))
        if ok:
            forms.flash("已删除。")
