"""家长诉求: register what parents asked, then the school's reply; open requests past the limit first."""

from datetime import datetime, time

import streamlit as st

from hxgy import config, rights, ui
from hxgy.entry import records
from hxgy.entry.records import RequestEntry
from hxgy.glossary import REQUEST_STATUS_LABELS
from hxgy.queries import entry as entry_queries
from hxgy.ui import data
from hxgy.ui import entry as forms
from hxgy.ui import todo as links

user = ui.guard("request_entry")
FORM = "request"

st.title("家长诉求")
classes = data.writable_classes(user)
school_wide = rights.school_wide(user.role, rights.Action.WRITE_REQUEST)
if not classes and not school_wide:
    st.info("您本学年没有可登记的班级。")
    st.stop()
today = data.today()
limit = data.response_limit_hours(user.school_id)
forms.show_flash()

st.subheader("待答复")
sent = links.take_request(term_key="reply-term", pick_key="reply-pick")  # a request tapped on 待办: every term
term_id = forms.backlog_term(user.school_id, today, key="reply-term")
own = None if school_wide else [c for c, _ in classes]
with data.read_session() as session:
    waiting = entry_queries.open_requests(session, user, config.now(), own, term_id)
    everywhere = len(entry_queries.open_requests(session, user, config.now(), own)) if term_id else len(waiting)
if everywhere > len(waiting):
    st.warning(f"其他学期还有 {everywhere - len(waiting)} 件未答复，换学期可查看。")
if waiting.empty:
    st.caption("这个学期没有待答复的诉求。")
else:
    overdue = int((waiting["status"] == "overdue").sum())
    st.markdown(
        f"学校要求 **{limit} 小时** 内答复；待答复 **{len(waiting)}** 件，"
        f"其中{REQUEST_STATUS_LABELS['overdue']} **{overdue}** 件。"
        "最早收到的排在最前。"
    )
    st.dataframe(
        waiting, hide_index=True, width="stretch", column_order=["状态", "收到时间", "班级", "诉求内容", "渠道"]
    )
    labels = {int(r.id): f"{r.收到时间} {r.班级} {r.诉求内容[:20]}" for r in waiting.itertuples(index=False)}
    if sent is not None and sent not in labels:  # answered meanwhile: the box chooses as usual
        st.session_state.pop("reply-pick", None)
    with st.form("reply-form"):
        request_id = forms.choose_one("答复哪一件", labels, key="reply-pick", placeholder="请选择…")
        reply = st.text_area("答复内容", max_chars=2000, key="reply-text")
        cols = st.columns(2)
        reply_day = cols[0].date_input("答复日期", value=today, max_value=today, format="YYYY-MM-DD", key="reply-day")
        reply_time = cols[1].time_input("答复时间", value=config.now().time().replace(second=0, microsecond=0))
        if st.form_submit_button("保存答复", type="primary"):
            replied_at = datetime.combine(reply_day, reply_time)
            ok, _ = forms.save(
                lambda session: records.reply_to_request(
                    session, user, request_id, reply=reply, replied_at=replied_at, today=today
                )
            )
            if ok:
                forms.flash("已保存答复。")

st.subheader("登记新诉求")
options = ([(0, "全校（不指定班级）")] if school_wide else []) + classes
with st.form("request-form"):
    class_id = forms.pick("班级", options, key="request-class", placeholder="请选择班级…")
    channel_id = forms.pick(
        "反映渠道", data.categories(user.school_id, "request_channel"), key="request-channel", placeholder="请选择…"
    )
    category_id = forms.pick(
        "诉求类别",
        data.categories(user.school_id, "request_category"),
        key="request-category",
        index=None,
        placeholder="可不选",
    )
    cols = st.columns(2)
    received_day = cols[0].date_input("收到日期", value=today, max_value=today, format="YYYY-MM-DD", key="request-day")
    received_time = cols[1].time_input("收到时间", value=time(8, 0), key="request-time")
    content = st.text_area("诉求内容", max_chars=2000, key="request-content")
    if st.form_submit_button("保存", type="primary"):
        entry = RequestEntry(
            received_at=datetime.combine(received_day, received_time),
            channel_id=channel_id,
            content=content,
            class_id=class_id or None,
            category_id=category_id,
        )
        forms.save_entry(
            FORM, records.record_request, user, entry, today=today, done="已登记。", again="这件诉求已经登记过了。"
        )
