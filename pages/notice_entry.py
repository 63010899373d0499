"""通知登记: notices sent to families, each recorded once with its reach (全校, some grades, some classes).

Notices are counted apart from 家校沟通's contacts (docs/measures.md): recording one changes no contact figure.
"""

from datetime import date

import streamlit as st

from hxgy import glossary, rights, ui
from hxgy.entry import notices
from hxgy.metrics.community import REACH_CLASSES, REACH_GRADE, REACH_SCHOOL, reach_kind, year_grades
from hxgy.metrics.community import notices as notice_summary
from hxgy.queries import community
from hxgy.queries import entry as entry_queries
from hxgy.ui import data
from hxgy.ui import entry as forms

user = ui.guard("notice_entry")
FORM = "notice"
KIND_TO_REACH = {REACH_SCHOOL: "school", REACH_GRADE: "grades", REACH_CLASSES: "classes"}

st.title("通知登记")
forms.show_flash()
today = data.today()
school_wide = rights.school_wide(user.role, rights.Action.WRITE_ACTIVITY)
st.caption(
    "发给全校或整个年级家长的通知登记一次，注明范围，不必每个班各记一条。"
    "通知单独统计（学期报告“推送重要通知 N 条”），不计入家校沟通的沟通记录。"
)
terms = data.school_terms(user.school_id)
if not terms:
    st.info("学校尚未设置学期。")
    st.stop()
term_id = forms.pick_term("学期", terms, data.current_term_id(user.school_id), key="notice-term")
period = data.period_for_term(term_id)
with data.read_session() as session:
    listed = community.term_notices(session, user.school_id, period.school_year_id, period.first_day, period.last_day)
    summary = notice_summary(session, period, user.school_id)
    grades_of_year = year_grades(session, user.school_id, period.school_year_id)
classes_only = summary.total - summary.school_or_grade
st.markdown(
    f"**本学期通知 {summary.total} 条**：全校 {summary.whole_school} 条，年级 {summary.grade_wide} 条，"
    f"部分班级 {classes_only} 条。"
)
st.dataframe(listed.drop(columns="id"), hide_index=True, width="stretch", placeholder="—")

if school_wide:
    year_classes = [(cid, name) for cid, name, _g in data.classes_of_year(user.school_id, period.school_year_id)]
    reaches = dict(notices.REACHES)
else:  # a head teacher: notices to their own classes only
    year_classes = [(cid, name) for cid, name, _g in data.own_classes(user)]
    reaches = {"classes": notices.REACHES["classes"]}
class_names = dict(year_classes)
channels = data.categories(user.school_id, "channel")
with data.read_session() as session:  # a notice goes out like a class-wide message: 微信/班级群 first chosen
    wide = entry_queries.channel_class_wide(session, user.school_id)
group_channels = [c for c, _name in channels if wide.get(c)]


def notice_form(key: str, *, day: date, title: str = "", channel_id: int | None = None, content: str = "",
                reach: str = "school", grades: list[int] | None = None,
                class_ids: list[int] | None = None) -> notices.NoticeEntry | None:  # fmt: skip
    """The fields of a notice; the entry when the form was submitted."""
    left, right = st.columns(2)
    with left:
        picked_day = st.date_input("通知日期", value=day, max_value=today, format="YYYY-MM-DD", key=f"{key}-date")
        picked_title = st.text_input("标题", value=title, max_chars=notices.TITLE_CHARS, key=f"{key}-title")
        picked_channel = forms.pick(
            "发送渠道", channels, key=f"{key}-channel", index=forms.index_of([c for c, _ in channels], channel_id),
        )  # fmt: skip
    with right:
        options = list(reaches)
        picked_reach = st.radio(
            "范围", options, index=options.index(reach) if reach in options else 0, format_func=reaches.get,
            horizontal=True, key=f"{key}-reach",
        )  # fmt: skip
        picked_grades = st.multiselect(
            "年级（范围为部分年级时）", sorted(grades_of_year),
            default=[g for g in grades or [] if g in grades_of_year], format_func=glossary.grade_name,
            key=f"{key}-grades", placeholder="请选择年级…",
        )  # fmt: skip
        picked_classes = st.multiselect(
            "班级（范围为部分班级时）", list(class_names), default=[c for c in class_ids or [] if c in class_names],
            format_func=class_names.__getitem__, key=f"{key}-classes", placeholder="请选择班级…",
        )  # fmt: skip
    picked_content = st.text_area("内容摘要", value=content, max_chars=2000, key=f"{key}-content")
    if not st.form_submit_button("保存", type="primary"):
        return None
    return notices.NoticeEntry(
        picked_day, picked_title, picked_channel, picked_content, picked_reach or "school",
        tuple(picked_grades), tuple(picked_classes),
    )  # fmt: skip


def edit_notice(notice_id: int) -> None:
    """The correction form of one notice, and its 删除 button."""
    with data.read_session() as session:
        found = community.notice_as_entered(session, notice_id)
    if found is None:
        return
    notice, reached = found
    kind = reach_kind(set(reached), grades_of_year)
    chosen_grades = [g for g, ids in grades_of_year.items() if ids <= set(reached)]
    with st.form(f"notice-edit-{notice_id}"):
        change = notice_form(
            f"notice-edit-{notice_id}", day=notice.notice_date, title=notice.title, channel_id=notice.channel_id,
            content=notice.content, reach=KIND_TO_REACH[kind], grades=chosen_grades, class_ids=reached,
        )  # fmt: skip
    if change is not None:
        corrected = change
        ok, _ = forms.save(lambda session: notices.update_notice(session, user, notice_id, corrected, today=today))
        if ok:
            forms.flash("已修改。")
    if st.button("删除这条通知", key=f"notice-delete-{notice_id}"):
        ok, _ = forms.save(lambda session: notices.delete_notice(session, user, notice_id))
        if ok:
            forms.flash("已删除。")


st.subheader("登记通知")
with st.form("notice-add", clear_on_submit=False):
    entry = notice_form("notice-add", day=today, channel_id=group_channels[0] if group_channels else None)
if entry is not None:
    forms.save_entry(
        FORM, notices.record_notice, user, entry, today=today, done="已登记通知。", again="这条通知已登记过。"
    )

if not listed.empty:
    st.subheader("修改或删除")
    labels = {int(r.id): f"{r.日期:%Y-%m-%d} {r.标题}（{r.范围}）" for r in listed.itertuples(index=False)}
    chosen = forms.choose("通知", labels, index=None, key="notice-edit", placeholder="请选择要修改的通知…")
    if chosen is not None:
        edit_notice(chosen)
