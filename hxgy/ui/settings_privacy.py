"""设置 → 家庭数据（查询与删除）: a family's request to see or erase its data, a student who left mid-year
(登记离校（转出）, and 回到在读 to undo it), and the 留存年限 (docs/privacy.md).

Admin and dean only (the 设置 page's guard; the writes ask hxgy.rights again). The family's file is served by
``hxgy.ui.downloads.private_download``: once, to this signed-in browser, written to the audit log.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from hxgy.auth import SchoolUser
from hxgy.formats import beijing_time
from hxgy.privacy import erase, family, leaving, people, retention
from hxgy.ui import data
from hxgy.ui import entry as forms
from hxgy.ui.downloads import private_download

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_SHOWN = 30  # students listed for one search
_CHOSEN = "privacy-chosen"  # the student chosen in the 学生 box (its key changes with the labels)
_DONE = "privacy-done"  # the message of the last save, shown in this tab (not above the tabs: see _done)


def _done(message: str) -> None:
    """Show ``message`` in this tab, beside the student the dean is working on, after the rerun that brings it up to
    date with the save (``forms.flash`` shows it at the top of 设置, above the tabs, out of sight further down)."""
    st.session_state[_DONE] = message
    st.rerun()


def privacy_tab(user: SchoolUser) -> None:
    """Find a student; export everything about them and their family; erase one who left; the retention."""
    st.subheader("家庭数据（查询与删除）")
    st.caption(
        "家长申请查阅时，导出该生及其家庭在系统中的全部信息（Word 文件，可直接交给家长）；"
        "学生学期中转出或离校时，在此登记离校；学生离校后，家长可申请删除，删除后各班各学期的统计数字不变。"
        "导出、登记离校和删除都记入操作日志。"
    )
    school_id = user.school_id
    today = data.today()
    text = st.text_input("查找学生（姓名或学号）", key="privacy-search", max_chars=40)
    if message := st.session_state.pop(_DONE, None):
        st.success(message)
    if text.strip():
        with data.read_session() as session:
            found = people.find_students(session, school_id, text, limit=_SHOWN + 1)
        if not found:
            st.info(f"没有姓名或学号包含“{text.strip()}”的学生。")
        else:
            if len(found) > _SHOWN:
                found = found[:_SHOWN]
                st.caption(f"符合的学生超过 {_SHOWN} 名，只列出学号最小的 {_SHOWN} 名：请输入完整的姓名或学号。")
            labels = {s.id: s.label(today) for s in found}
            ids, chosen = list(labels), st.session_state.get(_CHOSEN)
            # keyed by the labels too: a selectbox keyed alike keeps showing the old label (…，在读) after 登记离校;
            # the new one starts on the student chosen before, never silently on another child
            key = "privacy-student-" + hashlib.sha256("\n".join(labels.values()).encode()).hexdigest()[:16]
            # several found: none is chosen until the dean picks one (a first one chosen for them could be another
            # family's child whose file then goes to this parent)
            index = ids.index(chosen) if chosen in ids else (0 if len(ids) == 1 else None)
            student_id = forms.choose(
                "学生", labels, index=index, key=key, placeholder=f"找到 {len(ids)} 名学生，请按学号和班级选择"
            )
            st.session_state[_CHOSEN] = student_id
            if student_id is not None:
                _student(user, next(s for s in found if s.id == student_id))
    _retention(user)


def _student(user: SchoolUser, student: people.StudentStatus) -> None:
    school_id, today = user.school_id, data.today()

    def make() -> tuple[bytes, int]:
        with data.read_session() as session:
            return family.family_file(session, school_id, student.id, today=today)

    if student.erased_at is not None:  # nothing of the family is left to export, leave or erase
        st.info(
            f"该生（编号 {student.id}）的个人信息已于 {beijing_time(student.erased_at)} 删除：系统中已没有其姓名、"
            "学号和监护人的姓名、电话，没有可导出的家庭数据；其记录只以编号计入各班统计。"
        )
        return
    private_download(
        "导出该生全部数据",
        make=make,
        file_name=f"家庭数据_{student.name}_{today:%Y%m%d}.docx",
        mime=DOCX,
        what=f"家庭数据（学生编号 {student.id}）",
        key=f"privacy-export-{student.id}",
    )
    if student.active:
        _leave(user, student)
    else:
        _return(user, student)
    with data.read_session() as session:
        plan = erase.plan_erasure(session, school_id, student.id, today=today)
    if plan is None:
        return
    if plan.problem:
        if not student.active:
            then = ""
        elif student.last_day is not None and student.last_day < today:  # class ended, never marked as left
            then = "在上面“登记离校（转出）”中选“毕业”时离校日期可不填（即在班最后一天）。离校次日起即可删除。"
        else:
            then = "如该生已转出或离校，请先在上面“登记离校（转出）”，离校次日起即可删除。"
        st.info(f"{plan.problem}。{then}")
        return
    st.warning(plan.summary())
    with st.form(f"privacy-erase-{student.id}"):
        typed = st.text_input(
            f"请输入该生姓名“{student.name}”以确认删除", max_chars=40, key=f"privacy-confirm-{student.id}"
        )
        if st.form_submit_button("删除该生个人信息", type="primary"):
            if not typed.strip():
                st.error(f"未删除：请在上面的框里输入该生姓名“{student.name}”，再点“删除该生个人信息”。")
                return
            if typed.strip() != student.name:
                st.error(f"输入的姓名“{typed.strip()}”与该生姓名“{student.name}”不一致，未删除。")
                return
            ok, done = forms.save(lambda session: erase.erase_student(session, user, student.id, today=today))
            if ok and done is not None:
                _done(
                    f"已删除该生（编号 {done.student_id}）及 {done.guardians} 名监护人的个人信息；"
                    "记录保留，各班各学期的统计数字不变。"
                )


def _leave(user: SchoolUser, student: people.StudentStatus) -> None:
    """登记离校（转出）: the day a current student left and why; their enrolment ends that day."""
    today = data.today()
    with data.read_session() as session:
        stay = leaving.current_stay(session, student.id, today)
    if stay is None:
        st.info(f"{student.name}没有在班记录，无法登记离校。")
        return
    with st.expander("登记离校（转出）"), st.form(f"privacy-leave-{student.id}"):
        st.caption(
            f"{student.name}在{stay.class_name}的在班日期截至离校当天：当天及以前各学期、各时段的统计数字不变，"
            "从次日起不再计入任何班级的学生数和覆盖率。离校次日起，家长可申请删除其个人信息，否则按留存年限到期删除；"
            "登记有误可“回到在读”。"
        )
        # no min_value/max_value: the widget would silently keep the old date when a later one is typed;
        # record_leaving says in Chinese what is wrong with the day (later than today, before the class began)
        graduate = f"；毕业可不填，即 {stay.last:%Y-%m-%d}" if stay.last <= today else ""
        day = st.date_input(
            f"离校日期（{stay.enrolment.start_date:%Y-%m-%d} 至 {today:%Y-%m-%d} 之间{graduate}）",
            value=None,
            format="YYYY-MM-DD",
            key=f"privacy-left-on-{student.id}",
        )
        reason = st.radio("离校原因", leaving.REASONS, horizontal=True, key=f"privacy-reason-{student.id}")
        if st.form_submit_button("登记离校"):
            ok, left = forms.save(
                lambda session: leaving.record_leaving(
                    session, user, student.id, left_on=day, reason=str(reason), today=today
                )
            )
            if ok and left is not None:
                removed = f"；已撤出尚未开始的{'、'.join(left.removed)}" if left.removed else ""
                _done(
                    f"已登记{student.name}于 {left.left_on:%Y-%m-%d} 离校（{left.reason}）：从次日起不再计入"
                    f"{'、'.join(left.ended) or '任何班级'}{removed}。"
                )


def _return(user: SchoolUser, student: people.StudentStatus) -> None:
    """回到在读: undo a leaving recorded by mistake (a graduate is not brought back here)."""
    today = data.today()
    with data.read_session() as session:
        gone = leaving.last_leaving(session, user.school_id, student.id)
    if gone is None:
        return
    st.info(f"{student.name}{gone.sentence()}（{gone.username} 于 {beijing_time(gone.at)} 登记）。")
    if st.button("回到在读（撤销离校登记）", key=f"privacy-return-{student.id}"):
        ok, back = forms.save(lambda session: leaving.return_to_school(session, user, student.id, today=today))
        if ok and back is not None:
            _done(
                f"已撤销{student.name}于 {back.left_on:%Y-%m-%d} 的离校登记，该生回到在读"
                f"（{'、'.join(back.restored) or '在班记录'}恢复原样）。"
            )


def _retention(user: SchoolUser) -> None:
    with data.read_session() as session:
        years = retention.retention_years(session, user.school_id)
    st.divider()
    st.markdown("**个人信息留存年限**（全校适用）")
    with st.form("privacy-retention"):
        # no min_value/max_value: out of them the browser only reddens the box and the button does nothing, without
        # a word; set_retention_years says in Chinese what the range is
        chosen = st.number_input(
            f"个人信息留存年限（学生离校后保留的年数，{retention.MIN_YEARS} 到 {retention.MAX_YEARS} 年）",
            value=years,
            step=1,
            key="privacy-retention-years",
            help="离校超过该年数的学生，由管理员运行 python -m hxgy purge（先加 --dry-run 查看名单）"
            "删除其个人信息（姓名、电话、标记、文字内容），各班统计数字不变。",
        )
        if st.form_submit_button("保存留存年限"):
            ok, _ = forms.save(lambda session: retention.set_retention_years(session, user, int(chosen)))
            if ok:
                _done(f"个人信息留存年限已保存：学生离校 {int(chosen)} 年后删除其个人信息。")
