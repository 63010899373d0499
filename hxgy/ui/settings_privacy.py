"""设置 → 家庭数据（查询与删除）: a family's request to see or erase its data, and the 留存年限 (docs/privacy.md).

Admin and dean only (the 设置 page's guard; the writes ask hxgy.rights again). The family's file is served by
``hxgy.ui.downloads.private_download``: once, to this signed-in browser, written to the audit log.
"""

from __future__ import annotations

import streamlit as st

from hxgy.auth import SchoolUser
from hxgy.privacy import erase, family, people, retention
from hxgy.ui import data
from hxgy.ui import entry as forms
from hxgy.ui.downloads import private_download

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def privacy_tab(user: SchoolUser) -> None:
    """Find a student; export everything about them and their family; erase one who left; the retention."""
    st.subheader("家庭数据（查询与删除）")
    st.caption(
        "家长申请查阅时，导出该生及其家庭在系统中的全部信息（Word 文件，可直接交给家长）；"
        "学生离校后，家长可申请删除，删除后各班各学期的统计数字不变。导出和删除都记入操作日志。"
    )
    school_id = user.school_id
    today = data.today()
    text = st.text_input("查找学生（姓名或学号）", key="privacy-search", max_chars=40)
    if text.strip():
        with data.read_session() as session:
            found = people.find_students(session, school_id, text)
        if not found:
            st.info(f"没有姓名或学号包含“{text.strip()}”的学生。")
        else:
            labels = {s.id: s.label(today) for s in found}
            student_id = forms.choose("学生", labels, key="privacy-student")
            if student_id is not None:
                _student(user, next(s for s in found if s.id == student_id))
    _retention(user)


def _student(user: SchoolUser, student: people.StudentStatus) -> None:
    school_id, today = user.school_id, data.today()

    def make() -> tuple[bytes, int]:
        with data.read_session() as session:
            return family.family_file(session, school_id, student.id, today=today)

    private_download(
        "导出该生全部数据",
        make=make,
        file_name=f"家庭数据_{student.name}_{today:%Y%m%d}.docx",
        mime=DOCX,
        what=f"家庭数据（学生编号 {student.id}）",
        key=f"privacy-export-{student.id}",
    )
    with data.read_session() as session:
        plan = erase.plan_erasure(session, school_id, student.id, today=today)
    if plan is None:
        return
    if plan.problem:
        st.info(f"{plan.problem}。")
        return
    st.warning(plan.summary())
    with st.form(f"privacy-erase-{student.id}"):
        typed = st.text_input(
            f"请输入该生姓名“{student.name}”以确认删除", max_chars=40, key=f"privacy-confirm-{student.id}"
        )
        if st.form_submit_button("删除该生个人信息", type="primary"):
            if typed.strip() != student.name:
                st.error(f"输入的姓名与该生姓名“{student.name}”不一致，未删除。")
                return
            ok, done = forms.save(lambda session: erase.erase_student(session, user, student.id, today=today))
            if ok and done is not None:
                forms.flash(
                    f"已删除该生（编号 {done.student_id}）及 {done.guardians} 名监护人的个人信息；"
                    "记录保留，各班各学期的统计数字不变。"
                )


def _retention(user: SchoolUser) -> None:
    with data.read_session() as session:
        years = retention.retention_years(session, user.school_id)
    with st.form("privacy-retention"):
        chosen = st.number_input(
            "个人信息留存年限（学生离校后保留的年数）",
            min_value=retention.MIN_YEARS,
            max_value=retention.MAX_YEARS,
            value=years,
            key="privacy-retention-years",
            help="离校超过该年数的学生，由管理员运行 python -m hxgy purge（先加 --dry-run 查看名单）"
            "删除其个人信息（姓名、电话、标记、文字内容），各班统计数字不变。",
        )
        if st.form_submit_button("保存留存年限"):
            ok, _ = forms.save(lambda session: retention.set_retention_years(session, user, int(chosen)))
            if ok:
                forms.flash("个人信息留存年限已保存。")
