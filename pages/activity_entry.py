"""活动录入: an activity's result — who it was for, the partner, how many took part, parents per class."""

import pandas as pd
import streamlit as st

from hxgy import glossary, ui
from hxgy.entry import records
from hxgy.entry.records import ActivityEntry
from hxgy.queries import entry as entry_queries
from hxgy.ui import data
from hxgy.ui import entry as forms
from hxgy.ui.attendance import sign_in_section

user = ui.guard("activity_entry")
FORM = "activity"
SCOPES = {"school": "全校", "grade": "年级", "class": "班级"}

st.title("活动录入")
classes = forms.classes_or_stop(user)
today = data.today()
forms.show_flash()
st.caption("德育主任录入全校、年级活动；班主任可录入本班的班级活动。")

title = st.text_input("活动名称", max_chars=200, key="activity-title")
left, right = st.columns(2)
with left:
    type_id = forms.pick(
        "活动类型", data.categories(user.school_id, "activity_type"), key="activity-type", placeholder="请选择…"
    )
    day = st.date_input("活动日期", value=today, max_value=today, format="YYYY-MM-DD", key="activity-date")
with right:
    scope = st.radio("范围", list(SCOPES), format_func=SCOPES.get, horizontal=True, key="activity-scope")
    partner_id = forms.pick(
        "合作单位", data.partners(user.school_id), key="activity-partner", index=None, placeholder="无"
    )
names = dict(classes)
with data.read_session() as session:
    grade_of = entry_queries.class_grades(session, list(names))
if scope == "school":
    default, classes_key = list(names), "activity-classes-school"
elif scope == "grade":
    # one step: the grades chosen bring all their classes; a class that did not take part can still be removed
    chosen_grades = st.multiselect(
        "年级",
        sorted(set(grade_of.values())),
        format_func=glossary.grade_name,
        key="activity-grades",
        placeholder="请选择年级（可多选）…",
    )
    default = [c for c in names if grade_of.get(c) in chosen_grades]
    classes_key = "activity-classes-grade-" + "-".join(map(str, chosen_grades))
else:
    default, classes_key = [], "activity-classes-class"
class_ids = st.multiselect(
    "参与班级", list(names), default=default, format_func=names.__getitem__, key=classes_key, placeholder="请选择班级…"
)
counts = st.columns(3)
students = counts[0].number_input("参与学生人次", min_value=0, value=None, step=1, key="activity-students")
parents = counts[1].number_input("参与家长人次", min_value=0, value=None, step=1, key="activity-parents")
families = counts[2].number_input("参与家庭户数", min_value=0, value=None, step=1, key="activity-families")
st.markdown("**各班家长到场人数**（未统计的班级留空；各班合计不能多于参与家长人次，总数留空时按各班合计）")
attendance = st.data_editor(
    pd.DataFrame(
        {
            "class_id": class_ids,
            "班级": [names[c] for c in class_ids],
            "到场家长": pd.Series([pd.NA] * len(class_ids), dtype="Int64"),
        }
    ),
    hide_index=True,
    width="stretch",
    disabled=["class_id", "班级"],
    column_config={"class_id": None, "到场家长": st.column_config.NumberColumn(min_value=0, step=1)},
    key=f"activity-attendance-{'-'.join(map(str, class_ids))}",
    placeholder="未统计",
)
came = {int(r.class_id): (None if pd.isna(r.到场家长) else int(r.到场家长)) for r in attendance.itertuples(index=False)}
counted = [n for n in came.values() if n is not None]
if counted:
    per_class = sum(counted)
    if parents is not None and per_class > parents:
        st.warning(f"各班家长到场合计 {per_class} 人，多于参与家长人次 {parents}：请核对，保存时会被拒绝。")
    else:
        st.caption(f"已统计 {len(counted)} 个班，家长到场合计 {per_class} 人。")
entry = ActivityEntry(
    title=title,
    type_id=type_id,
    activity_date=day,
    scope=scope,
    class_ids=class_ids,
    partner_id=partner_id,
    students_count=students,
    parents_count=parents,
    families_count=families,
    parents_attended={c: n for c, n in came.items() if n is not None},
    outcome=st.text_area("活动成效", max_chars=2000, key="activity-outcome"),
)
if st.button("保存活动", type="primary", width="stretch", key="activity-save"):
    forms.save_entry(
        FORM,
        records.record_activity,
        user,
        entry,
        today=today,
        done="已保存。 协同活动页已更新。",
        again="这项活动已经保存过了。 协同活动页已更新。",
    )

st.divider()
sign_in_section(user)
