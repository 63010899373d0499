"""设置 → 家委会: a school year's class and school committees; add a guardian (class → student → guardian), remove."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from hxgy.auth import SchoolUser
from hxgy.entry import committee
from hxgy.metrics.community import committee_counts
from hxgy.metrics.roster import ClassFilter
from hxgy.models.community import COMMITTEE_POSITIONS
from hxgy.queries import community
from hxgy.ui import data
from hxgy.ui import entry as forms

SCHOOL_COMMITTEE = 0  # the 家委会 box's value for the school's committee


def committee_tab(user: SchoolUser, terms: pd.DataFrame) -> None:
    """The members of the chosen school year (the current one first), a form to add one and a box to remove one."""
    years = dict(zip(terms["year_id"].astype(int), terms["学年"], strict=False))
    if not years:
        st.info("请先在“学年学期”中添加学年。")
        return
    with data.read_session() as session:
        current = community.school_year_on(session, user.school_id, data.today())
    ids = list(years)
    year_id = forms.choose(
        "学年", years, index=ids.index(current.id) if current and current.id in ids else 0, key="committee-year"
    )
    if year_id is None:
        return
    with data.read_session() as session:
        members = community.committee_members(session, user.school_id, year_id)
        counts = committee_counts(session, year_id, ClassFilter(user.school_id))
    classes = [(cid, name) for cid, name, _grade in data.classes_of_year(user.school_id, year_id)]
    st.caption(
        f"校级家委会 {counts.school_members} 人；班级家委会 {counts.class_members} 人，"
        f"{counts.classes_with_committee}/{len(classes)} 个班已成立。学期报告统计这些人数。"
    )
    st.dataframe(members.drop(columns="id"), hide_index=True, width="stretch", placeholder="—")
    _add_member(user, year_id, classes)
    _remove_member(user, members)


def _add_member(user: SchoolUser, year_id: int, classes: list[tuple[int, str]]) -> None:
    st.markdown("**添加成员**")
    committees = {SCHOOL_COMMITTEE: community.SCHOOL_LEVEL} | {cid: f"{name}家委会" for cid, name in classes}
    top_left, top_right = st.columns(2)
    with top_left:
        which = forms.choose("家委会", committees, key="committee-which")
    with top_right:
        if which:  # a class's committee: its own students' guardians
            class_id: int | None = which
            st.selectbox("学生所在班级", [committees[which].removesuffix("家委会")], disabled=True)
        else:
            class_id = forms.pick("学生所在班级", classes, key="committee-class", index=None, placeholder="请选择班级…")
    left, right = st.columns(2)
    students: list[tuple[int, str]] = []
    guardians: list[tuple[int, str]] = []
    with data.read_session() as session:
        if class_id:
            students = community.year_students(session, class_id)
    with left:
        student_id = forms.pick("学生", students, key="committee-student", index=None, placeholder="请选择学生…")
    if student_id is not None:
        with data.read_session() as session:
            guardians = community.student_guardians(session, student_id)
    with right:
        guardian_id = forms.pick("家长", guardians, key="committee-guardian", index=None, placeholder="请先选择学生…")
    position = right.selectbox("职务", COMMITTEE_POSITIONS, index=2, key="committee-position")
    if st.button("添加", key="committee-add", type="primary"):
        entry = committee.CommitteeEntry(year_id, guardian_id, which or None, position)
        ok, _ = forms.save(lambda session: committee.add_member(session, user, entry))
        if ok:
            forms.flash("已添加家委会成员。")


def _remove_member(user: SchoolUser, members: pd.DataFrame) -> None:
    if members.empty:
        return
    st.markdown("**移除成员**")
    labels = {int(r.id): f"{r.范围} · {r.家长}（{r.职务}）" for r in members.itertuples(index=False)}
    member_id = forms.choose("成员", labels, index=None, key="committee-remove", placeholder="请选择要移除的成员…")
    if st.button("移除", key="committee-remove-button", disabled=member_id is None) and member_id is not None:
        ok, _ = forms.save(lambda session: committee.remove_member(session, user, member_id))
        if ok:
            forms.flash("已移除。")
