"""操作日志: who created, changed, deleted or was refused what, and when (admin and dean)."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from hxgy import formats, ui
from hxgy.models.base import utcnow
from hxgy.queries.audit import describe_changes, describe_detail, entity_label
from hxgy.queries.audit_fields import AUDIT_ACTIONS
from hxgy.ui import data

user = ui.guard("audit")

st.title("操作日志")
today = (utcnow() + formats.BEIJING_OFFSET).date()  # the log keeps real time, even in a demo with a pinned date
cols = st.columns(3)
start = cols[0].date_input("从", value=today - timedelta(days=7), key="audit-start")
end = cols[1].date_input("到", value=today, key="audit-end")
action = cols[2].selectbox(
    "操作",
    [None, *AUDIT_ACTIONS],
    format_func=lambda a: "全部" if a is None else AUDIT_ACTIONS[a],
    key="audit-action",
    placeholder="全部",
)
log = data.audit_entries(user.school_id, start, end, action)
if log.empty:
    st.info("这段时间没有记录。")
    st.stop()

with data.read_session() as session:  # names of the classes, students, staff … the changes refer to
    changes = describe_changes(session, user.school_id, log)

shown = log.assign(
    时间=[formats.beijing_time(t) for t in log["at"]],
    用户=log["username"],
    操作=log["action"].map(lambda a: AUDIT_ACTIONS.get(a, a)),
    对象=[entity_label(e) for e in log["entity"]],
    编号=["" if pd.isna(i) else str(int(i)) for i in log["entity_id"]],
    说明=[describe_detail(d) for d in log["detail"]],
    变化=changes,
)
st.caption(f"共 {len(shown)} 条（最多显示最近 500 条；时间为北京时间）。")
st.dataframe(
    shown[["时间", "用户", "操作", "对象", "编号", "说明", "变化"]],
    hide_index=True,
    width="stretch",
    placeholder="—",
    column_config={  # the change is the long sentence: most of the width goes to it
        "时间": st.column_config.TextColumn(width=130),
        "用户": st.column_config.TextColumn(width=100),
        "操作": st.column_config.TextColumn(width="small"),
        "对象": st.column_config.TextColumn(width="small"),
        "编号": st.column_config.TextColumn(width="small"),
        "说明": st.column_config.TextColumn(width="medium"),
        "变化": st.column_config.TextColumn(width="large"),
    },
)
st.caption("“变化”写出改动的字段：修改为“原值 → 新值”，新增和删除为记录的内容。点一格可看全文。")
