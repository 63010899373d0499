"""记录沟通: log a call, a message or a home visit in a few taps, mostly on a phone."""

import streamlit as st

from hxgy import ui
from hxgy.entry import records
from hxgy.entry.records import ContactEntry
from hxgy.entry.rules import LikelyDuplicate
from hxgy.models.records import TO_HOME, TO_SCHOOL
from hxgy.queries import entry as entry_queries
from hxgy.ui import data
from hxgy.ui import entry as forms
from hxgy.ui import todo as links

user = ui.guard("log_contact")
FORM = "contact"
PENDING = "_hxgy_contact_pending"  # an entry waiting for "仍然保存" after a likely-duplicate warning

# a family tapped on 待办: its class, the student and 家访 chosen (through the session, never the URL)
links.take_contact(
    user, class_key="contact-class", student_key="contact-student", channel_key="contact-channel",
    whole_key="contact-whole-class",
)  # fmt: skip
class_id = forms.class_page(user, "记录沟通", key="contact-class")
today = data.today()
students = data.class_students(class_id, today)
with data.read_session() as session:
    channels = entry_queries.channels(session, user.school_id)  # (id, name, may be class-wide)
links.choose_student(user, class_id, students, [cid for cid, _name, _wide in channels])
back = links.back_link()  # 待办 or 学生档案 sent this family: a link back there
if back is not None:
    st.page_link(back[0], label=back[1], icon=":material/arrow_back:")
topics = data.categories(user.school_id, "topic")
# a home visit or a call reaches one family: a class-wide record offers only the class-wide channels
whole_class = st.toggle("面向全班（班级群通知、家长会等，不指定学生）", key="contact-whole-class")
class_wide_names = [name for _id, name, wide in channels if wide]
if whole_class:
    st.caption(
        "面向全班的记录只能用："
        + ("、".join(class_wide_names) if class_wide_names else "（本校尚未指定）")
        + "。德育主任可在 设置 → 类别 → 沟通方式 中修改。"
    )


def _save(entry: ContactEntry, *, confirm: bool) -> None:
    key = forms.submission_key(FORM)
    try:
        ok, saved = forms.save(
            lambda session: records.log_contact(
                session, user, entry, today=today, submission_key=key, confirm_duplicate=confirm
            )
        )
    except LikelyDuplicate as duplicate:
        st.session_state[PENDING] = entry
        st.warning(str(duplicate))
        return
    st.session_state.pop(PENDING, None)
    if ok and saved is not None:
        forms.next_submission(FORM)
        for key in ("contact-student", "contact-topic", "contact-min", "contact-summary", "contact-follow"):
            st.session_state.pop(key, None)  # ready for the next family; class, channel and date stay
        message = ("已保存。" if saved.created else "这条记录已经保存过了。") + " 总览和家校沟通页已更新。"
        links.back_after_save(entry.student_id, message)  # back to 待办 (the item gone) or 学生档案
        forms.flash(message)


with st.form("contact-form", clear_on_submit=False, border=False):
    if whole_class:
        student_id = None
        channel_names = {cid: name for cid, name, wide in channels if wide}
        channel_key = "contact-channel-class"  # its own key: the one-family choice (家访 …) stays for later
    else:
        student_id = forms.pick(
            "学生（输入姓名或学号查找）", students, key="contact-student", index=None, placeholder="请选择学生…"
        )
        channel_names = {cid: name for cid, name, _wide in channels}
        channel_key = "contact-channel"
    channel_id = st.radio(
        "方式",
        list(channel_names),
        format_func=channel_names.get,
        horizontal=True,
        key=channel_key,
        index=0 if channel_names else None,
    )
    contact_date = st.date_input("日期", value=today, max_value=today, format="YYYY-MM-DD", key="contact-date")
    with st.expander("更多（方向、内容、时长、备注）"):
        entry = ContactEntry(
            class_id=class_id,
            contact_date=contact_date,
            channel_id=channel_id,
            student_id=student_id,
            direction=st.radio(
                "方向",
                [TO_HOME, TO_SCHOOL],
                format_func={TO_HOME: "学校→家庭", TO_SCHOOL: "家庭→学校"}.get,
                horizontal=True,
                key="contact-direction",
            ),
            topic_id=forms.pick("沟通内容", topics, key="contact-topic", index=None, placeholder="可不选"),
            duration_min=st.number_input(
                "时长（分钟）", min_value=1, max_value=records.MAX_DURATION_MIN, value=None, step=5, key="contact-min"
            ),
            summary=st.text_area("简要记录", max_chars=2000, key="contact-summary"),
            follow_up=st.checkbox("需要跟进", key="contact-follow"),
        )
    submitted = st.form_submit_button("保存", type="primary", width="stretch", icon=":material/save:")

if submitted and not whole_class and student_id is None:
    st.error("请选择学生。面向全班的沟通（如班级群通知）请打开上方的“面向全班”。")
elif submitted and channel_id is None:
    st.error("请选择沟通方式。本校尚未指定可用于全班的沟通方式，请德育主任在 设置 → 类别 → 沟通方式 中勾选。")
elif submitted:
    _save(entry, confirm=False)
elif PENDING in st.session_state:
    st.warning("同一天已有一条相同学生、相同方式的沟通记录。")
    keep, drop = st.columns(2)
    if keep.button("仍然保存", key="contact-confirm"):
        _save(st.session_state[PENDING], confirm=True)
    if drop.button("不保存", key="contact-drop"):
        st.session_state.pop(PENDING, None)
        forms.next_submission(FORM)
        st.rerun()

st.subheader("我最近的记录")
recent = data.recent_contacts(user)
if recent.empty:
    st.caption("还没有记录。")
else:
    st.dataframe(recent.drop(columns="id"), hide_index=True, width="stretch")
    with st.expander("删除一条记录"):
        labels = {int(r.id): f"{r.沟通日期} {r.班级} {r.学生} {r.方式}" for r in recent.itertuples(index=False)}
        chosen = forms.choose_one("记录", labels, key="contact-delete-pick", placeholder="请选择…")
        if st.button("删除", key="contact-delete"):
            ok, _ = forms.save(
                lambda session: records.delete_record(session, user, "communication", chosen, today=today)
            )
            if ok:
                forms.flash("已删除。")
