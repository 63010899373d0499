"""设置 → 班级与教师 and 账户: classes, staff, who teaches what, and the school's accounts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from hxgy import formats, rights
from hxgy.auth import SchoolUser
from hxgy.entry import accounts, school_classes
from hxgy.glossary import ASSIGNMENT_ROLE_LABELS, ROLE_LABELS
from hxgy.queries import school_setup
from hxgy.rights import Role
from hxgy.ui import data
from hxgy.ui import entry as forms
from hxgy.ui.settings_years import NO_YEAR

NEW_PASSWORD = "_hxgy_new_password"  # shown once, after the rerun that follows creating or resetting


def classes_tab(user: SchoolUser, terms: pd.DataFrame) -> None:
    """The classes of a year with their teachers; 安排, 添加班级, 取消任课, 添加教职工."""
    if terms.empty:
        st.info(NO_YEAR)
        return
    years = dict(zip(terms["year_id"], terms["学年"], strict=True))
    year_id = forms.choose("学年", years, key="settings-year")
    if year_id is None:
        return
    with data.read_session() as session:
        teachers = school_setup.class_teachers(session, year_id)
        staff = school_setup.staff_list(session, user.school_id)
    st.dataframe(
        teachers[["班级", "职责", "教师", "学科"]].fillna(""), hide_index=True, width="stretch", placeholder="—"
    )
    classes = dict(zip(teachers["class_id"], teachers["班级"], strict=True))
    left, right = st.columns(2)
    with left, st.form("assign-teacher"):
        st.markdown("**安排班主任或任课教师**")
        class_id = forms.choose("班级", classes, placeholder="该学年还没有班级")
        staff_id = forms.pick("教师", staff, key="assign-staff", placeholder="请先添加教职工")
        role = st.radio(
            "职责", list(ASSIGNMENT_ROLE_LABELS), format_func=ASSIGNMENT_ROLE_LABELS.__getitem__, horizontal=True
        )
        subject = st.text_input("学科", max_chars=20)
        if st.form_submit_button("保存"):
            ok, _ = forms.save(
                lambda session: school_classes.assign_teacher(
                    session, user, class_id=int(class_id or 0), staff_id=int(staff_id or 0), role=role, subject=subject
                )
            )
            if ok:
                forms.flash("已安排。班主任每班一位，新的班主任替换原来的。")
    with right, st.form("add-class"):
        st.markdown("**添加班级**")
        grade_col, number_col = st.columns(2)
        grade = grade_col.number_input("年级", min_value=1, max_value=6, value=1)
        class_no = number_col.number_input("班号", min_value=1, max_value=30, value=1)
        if st.form_submit_button("添加"):
            ok, _ = forms.save(
                lambda session: school_classes.add_class(
                    session, user, school_year_id=year_id, grade=int(grade), class_no=int(class_no)
                )
            )
            if ok:
                forms.flash("班级已添加。")
    assigned = teachers.dropna(subset=["assignment_id"])
    if not assigned.empty:
        with st.form("remove-assignment"):
            labels = {int(r.assignment_id): f"{r.班级} {r.职责} {r.教师}" for r in assigned.itertuples(index=False)}
            assignment_id = forms.choose("取消任课", labels, placeholder="暂无任课安排")
            if st.form_submit_button("取消") and assignment_id is not None:
                ok, _ = forms.save(lambda session: school_classes.remove_assignment(session, user, assignment_id))
                if ok:
                    forms.flash("已取消。")
    with st.form("add-staff"):
        st.markdown("**添加教职工**")
        cols = st.columns(3)
        staff_no = cols[0].text_input("工号", max_chars=32)
        staff_name = cols[1].text_input("姓名", max_chars=40)
        title = cols[2].text_input("职务", max_chars=40)
        if st.form_submit_button("添加"):
            ok, _ = forms.save(
                lambda session: school_classes.add_staff(session, user, staff_no=staff_no, name=staff_name, title=title)
            )
            if ok:
                forms.flash("教职工已添加。")


def accounts_tab(user: SchoolUser) -> None:
    """The school's accounts; 新建账户 and 停用、启用或重置密码 (a new password is shown once)."""
    with data.read_session() as session:
        table = school_setup.accounts(session, user.school_id)
        staff = school_setup.staff_list(session, user.school_id)
    last_login = ["从未登录" if pd.isna(t) else formats.beijing_time(t) for t in table["最近登录"]]
    st.dataframe(
        table[["用户名", "姓名", "角色", "状态"]].assign(最近登录=last_login), hide_index=True, width="stretch"
    )
    if password := st.session_state.pop(NEW_PASSWORD, None):
        st.warning(f"请把新密码告诉本人（只显示这一次）：`{password}`")
    left, right = st.columns(2)
    with left, st.form("new-account"):
        st.markdown("**新建账户**")
        username = st.text_input("用户名", max_chars=60)
        display_name = st.text_input("姓名", max_chars=60)
        admins = rights.can(user.role, rights.Action.MANAGE_ADMIN_ACCOUNTS)  # only an admin makes another
        roles = {r: name for r, name in ROLE_LABELS.items() if r in rights.SCHOOL_ROLES and (r != Role.ADMIN or admins)}
        role = forms.choose("角色", roles) or ""
        linked = forms.pick(
            "关联教职工（班主任、任课教师必填）", staff, key="account-staff", index=None, placeholder="请选择教职工"
        )
        if st.form_submit_button("创建"):
            ok, created = forms.save(
                lambda session: accounts.create_account(
                    session, user, username=username, display_name=display_name, role=role, staff_id=linked
                )
            )
            if ok and created is not None:
                st.session_state[NEW_PASSWORD] = created[1]
                forms.flash(f"账户 {created[0].username} 已创建。")
    with right, st.form("manage-account"):
        st.markdown("**停用、启用或重置密码**")
        labels = {int(r.id): f"{r.用户名}（{r.姓名}，{r.状态}）" for r in table.itertuples(index=False)}
        account_id = forms.choose("账户", labels, placeholder="暂无账户")
        action = st.radio("操作", ["停用", "启用", "重置密码"], horizontal=True)
        if st.form_submit_button("执行") and account_id is not None:
            _manage_account(user, account_id, action)


def _manage_account(user: SchoolUser, account_id: int, action: str) -> None:
    if action == "重置密码":
        ok, new_password = forms.save(lambda session: accounts.reset_password(session, user, account_id))
        if ok:
            st.session_state[NEW_PASSWORD] = new_password
            forms.flash("密码已重置，该账户需重新登录。")
        return
    ok, _ = forms.save(lambda session: accounts.set_account_active(session, user, account_id, action == "启用"))
    if ok:
        forms.flash(f"已{action}。")
