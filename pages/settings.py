"""设置: terms, classes and teachers, accounts, lists, 德育 scheme, targets and limits, a new school year."""

import pandas as pd
import streamlit as st
from sqlalchemy import select

from hxgy import formats, ui
from hxgy.entry import settings
from hxgy.entry.settings import CATEGORY_KINDS, YearPlan
from hxgy.glossary import ASSIGNMENT_ROLE_LABELS, HOLIDAY_POLICY_LABELS, MEASURE_LABELS, ROLE_LABELS
from hxgy.models import TARGET_MEASURES, SchoolYear
from hxgy.queries import entry as entry_queries
from hxgy.queries import settings as queries
from hxgy.ui import data
from hxgy.ui import entry as forms

user = ui.guard("settings")
school_id = user.school_id
today = data.today()

st.title("设置")
forms.show_flash()
tabs = st.tabs(["学年学期", "班级与教师", "账户", "类别", "德育评价", "目标与时限", "升年级"])

with data.read_session() as session:
    terms = queries.years_and_terms(session, school_id)


def year_dates(plan: YearPlan, key: str) -> YearPlan:
    """Inputs for a school year's first and last day and its two terms (inside a form), as a plan."""
    dates = []
    for label, (first, last), keys in (
        ("学年", (plan.start_date, plan.end_date), ("start", "end")),
        ("第一学期", plan.term1, ("t1s", "t1e")),
        ("第二学期", plan.term2, ("t2s", "t2e")),
    ):
        cols = st.columns(2)
        dates.append(
            (
                cols[0].date_input(f"{label}开始", value=first, key=f"{key}-{keys[0]}"),
                cols[1].date_input(f"{label}结束", value=last, key=f"{key}-{keys[1]}"),
            )
        )
    (start, end), t1, t2 = dates
    return YearPlan(plan.start_year, start, end, t1, t2)


with tabs[0]:
    with data.read_session() as session:
        years = session.scalars(
            select(SchoolYear).where(SchoolYear.school_id == school_id).order_by(SchoolYear.start_date.desc())
        ).all()
        plans = {
            y.id: YearPlan(y.start_year, y.start_date, y.end_date, *((t.start_date, t.end_date) for t in y.terms))
            for y in years
            if len(y.terms) == 2
        }
        suggested = settings.next_year_plan(years[0]) if years else settings.first_year_plan(today)
    if terms.empty:
        st.info("还没有学年。请先在下面添加学年及其两个学期，再导入教职工、学生名册和各项记录。")
    else:
        st.dataframe(terms.drop(columns=["year_id", "term_id"]), hide_index=True, width="stretch", placeholder="—")
    add_col, edit_col = st.columns(2) if plans else (st.container(), None)
    with add_col, st.form("add-year"):
        st.markdown("**添加学年**")
        start_year = st.number_input(
            "学年（起始年份）",
            min_value=2000,
            max_value=2100,
            value=suggested.start_year,
            help="如 2026 表示 2026-2027学年",
        )
        new_plan = year_dates(suggested, "add-year")
        if st.form_submit_button("添加学年"):
            new_plan = YearPlan(int(start_year), new_plan.start_date, new_plan.end_date, new_plan.term1, new_plan.term2)
            ok, added = forms.save(lambda session: settings.add_school_year(session, user, new_plan).name)
            if ok:
                forms.flash(f"已添加{added}及其两个学期。")
    if edit_col is not None:
        with edit_col:
            names = {y.id: y.name for y in years if y.id in plans}
            edit_id = st.selectbox("修改学年", list(names), format_func=names.get, key="edit-year-id")
            with st.form("edit-year"):
                st.markdown(f"**修改{names[edit_id]}的日期**")
                edited = year_dates(plans[edit_id], f"edit-year-{edit_id}")
                if st.form_submit_button("保存学年"):
                    ok, _ = forms.save(
                        lambda session: settings.update_school_year(session, user, edit_id, edited, today=today)
                    )
                    if ok:
                        forms.flash("学年日期已保存。")

with tabs[1]:
    if terms.empty:
        st.info("请先在“学年学期”中添加学年。")
    else:
        years = dict(zip(terms["year_id"], terms["学年"], strict=True))
        year_id = st.selectbox("学年", list(years), format_func=years.get, key="settings-year")
        with data.read_session() as session:
            teachers = queries.class_teachers(session, year_id)
            staff = queries.staff_list(session, school_id)
        st.dataframe(
            teachers[["班级", "职责", "教师", "学科"]].fillna(""), hide_index=True, width="stretch", placeholder="—"
        )
        classes = dict(zip(teachers["class_id"], teachers["班级"], strict=True))
        left, right = st.columns(2)
        with left, st.form("assign-teacher"):
            st.markdown("**安排班主任或任课教师**")
            class_id = st.selectbox("班级", list(classes), format_func=classes.get, placeholder="该学年还没有班级")
            staff_id = forms.pick("教师", staff, key="assign-staff", placeholder="请先添加教职工")
            role = st.radio(
                "职责", list(ASSIGNMENT_ROLE_LABELS), format_func=ASSIGNMENT_ROLE_LABELS.get, horizontal=True
            )
            subject = st.text_input("学科", max_chars=20)
            if st.form_submit_button("保存"):
                ok, _ = forms.save(
                    lambda session: settings.assign_teacher(
                        session, user, class_id=class_id, staff_id=staff_id, role=role, subject=subject
                    )
                )
                if ok:
                    forms.flash("已安排。班主任每班一位，新的班主任替换原来的。")
        with right, st.form("add-class"):
            st.markdown("**添加班级**")
            cols = st.columns(2)
            grade = cols[0].number_input("年级", min_value=1, max_value=6, value=1)
            class_no = cols[1].number_input("班号", min_value=1, max_value=30, value=1)
            if st.form_submit_button("添加"):
                ok, _ = forms.save(
                    lambda session: settings.add_class(
                        session, user, school_year_id=year_id, grade=int(grade), class_no=int(class_no)
                    )
                )
                if ok:
                    forms.flash("班级已添加。")
        assigned = teachers.dropna(subset=["assignment_id"])
        if not assigned.empty:
            with st.form("remove-assignment"):
                labels = {int(r.assignment_id): f"{r.班级} {r.职责} {r.教师}" for r in assigned.itertuples(index=False)}
                assignment_id = st.selectbox(
                    "取消任课", list(labels), format_func=labels.get, placeholder="暂无任课安排"
                )
                if st.form_submit_button("取消"):
                    ok, _ = forms.save(lambda session: settings.remove_assignment(session, user, assignment_id))
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
                    lambda session: settings.add_staff(session, user, staff_no=staff_no, name=staff_name, title=title)
                )
                if ok:
                    forms.flash("教职工已添加。")

with tabs[2]:
    with data.read_session() as session:
        accounts = queries.accounts(session, school_id)
        staff = queries.staff_list(session, school_id)
    last_login = ["从未登录" if pd.isna(t) else formats.beijing_time(t) for t in accounts["最近登录"]]
    st.dataframe(
        accounts[["用户名", "姓名", "角色", "状态"]].assign(最近登录=last_login), hide_index=True, width="stretch"
    )
    if password := st.session_state.pop("_hxgy_new_password", None):
        st.warning(f"请把新密码告诉本人（只显示这一次）：`{password}`")
    left, right = st.columns(2)
    with left, st.form("new-account"):
        st.markdown("**新建账户**")
        username = st.text_input("用户名", max_chars=60)
        display_name = st.text_input("姓名", max_chars=60)
        roles = [r for r in ROLE_LABELS if r != "district" and (r != "admin" or user.role == "admin")]
        role = st.selectbox("角色", roles, format_func=ROLE_LABELS.get)
        linked = forms.pick(
            "关联教职工（班主任、任课教师必填）", staff, key="account-staff", index=None, placeholder="请选择教职工"
        )
        if st.form_submit_button("创建"):
            ok, result = forms.save(
                lambda session: settings.create_account(
                    session, user, username=username, display_name=display_name, role=role, staff_id=linked
                )
            )
            if ok:
                st.session_state["_hxgy_new_password"] = result[1]
                forms.flash(f"账户 {result[0].username} 已创建。")
    with right, st.form("manage-account"):
        st.markdown("**停用、启用或重置密码**")
        labels = {int(r.id): f"{r.用户名}（{r.姓名}，{r.状态}）" for r in accounts.itertuples(index=False)}
        account_id = st.selectbox("账户", list(labels), format_func=labels.get, placeholder="暂无账户")
        action = st.radio("操作", ["停用", "启用", "重置密码"], horizontal=True)
        if st.form_submit_button("执行"):
            if action == "重置密码":
                ok, new_password = forms.save(lambda session: settings.reset_password(session, user, account_id))
                if ok:
                    st.session_state["_hxgy_new_password"] = new_password
                    forms.flash("密码已重置，该账户需重新登录。")
            else:
                ok, _ = forms.save(
                    lambda session: settings.set_account_active(session, user, account_id, action == "启用")
                )
                if ok:
                    forms.flash(f"已{action}。")

with tabs[3]:
    kind = st.selectbox("列表", list(CATEGORY_KINDS), format_func=CATEGORY_KINDS.get, key="settings-kind")
    with data.read_session() as session:
        entries = queries.category_table(session, school_id, kind)
        class_wide = entry_queries.channel_class_wide(session, school_id) if kind == "channel" else {}
    if kind == "channel":  # which channels a class-wide record (no student) may use
        entries["可用于全班"] = [class_wide.get(int(i), False) for i in entries["id"]]
    st.dataframe(entries.drop(columns="id"), hide_index=True, width="stretch", placeholder="—")
    left, right = st.columns(2)
    with left, st.form("add-category"):
        name = st.text_input("新增一项", max_chars=40)
        if st.form_submit_button("添加"):
            ok, _ = forms.save(lambda session: settings.add_category(session, user, kind=kind, name=name))
            if ok:
                forms.flash("已添加。")
    with right, st.form("edit-category"):
        labels = dict(zip(entries["id"], entries["名称"], strict=True))
        category_id = st.selectbox("修改", list(labels), format_func=labels.get, placeholder="列表为空")
        new_name = st.text_input("名称", value=labels.get(category_id, ""), max_chars=40)
        active = st.checkbox("启用（停用后不再出现在录入表单中，原有记录不变）", value=True)
        if st.form_submit_button("保存"):
            ok, _ = forms.save(
                lambda session: settings.update_category(session, user, category_id, name=new_name, active=active)
            )
            if ok:
                forms.flash("已保存。")
    if kind == "channel":
        with st.form("class-wide-channels"):
            channel_names = dict(zip(entries["id"].astype(int), entries["名称"], strict=True))
            enabled = dict(zip(entries["id"].astype(int), entries["启用"].astype(bool), strict=True))
            wide = st.multiselect(
                "可用于全班记录的沟通方式（不指定学生的记录，如班级群通知、家长会）",
                list(channel_names),
                default=[c for c in channel_names if class_wide.get(c)],
                format_func=channel_names.get,
                placeholder="请选择…",
                help="家访、电话、面谈等面向一户家庭，记录时必须选择学生；家访不能用于全班。",
            )
            if st.form_submit_button("保存"):
                ok, _ = forms.save(
                    lambda session: [
                        settings.update_category(session, user, c, name=n, active=enabled[c], class_wide=c in wide)
                        for c, n in channel_names.items()
                        if (c in wide) != class_wide.get(c, False)
                    ]
                )
                if ok:
                    forms.flash("已保存。")

with tabs[4]:
    with data.read_session() as session:
        scheme = queries.moral_settings(session, school_id)
    st.caption(
        "总评 = 各评价主体分数按权重加权平均（缺少的评价主体不计，权重自动折算）。"
        "修改后各页面的德育指标立即按新设置计算。"
    )
    with st.form("moral-scheme"):
        st.markdown("**评价主体权重**")
        weights = {
            int(r.id): st.number_input(r.评价主体, min_value=0.0, max_value=1.0, value=float(r.权重), step=0.05)
            for r in scheme["raters"].itertuples(index=False)
        }
        st.markdown("**等级分数线**（总评不低于该分即为该等级）")
        thresholds = {
            int(r.id): st.number_input(
                f"{r.等级}{'（计入优良）' if r.计入优良 else ''}", min_value=0.0, max_value=100.0, value=float(r.最低分)
            )
            for r in scheme["levels"].itertuples(index=False)
        }
        st.markdown("**评价维度**")
        active = {
            int(r.id): st.checkbox(r.维度, value=bool(r.启用)) for r in scheme["dimensions"].itertuples(index=False)
        }
        if st.form_submit_button("保存德育设置"):
            ok, _ = forms.save(
                lambda session: settings.update_moral_scheme(
                    session, user, weights=weights, thresholds=thresholds, active_dimensions=active, today=today
                )
            )
            if ok:
                forms.flash("德育评价设置已保存，指标已按新设置重新计算。")

with tabs[5]:
    if not terms.empty:
        names = dict(zip(terms["term_id"], terms["学期"], strict=True))
        current = data.current_term_id(school_id)
        ids = list(names)
        term_id = st.selectbox(
            "学期", ids, index=ids.index(current) if current in ids else 0, format_func=names.get, key="target-term"
        )
        with data.read_session() as session:
            targets = queries.term_targets(session, term_id)
        with st.form("targets"):
            st.caption("比率类指标填百分数（如 95 表示 95%）；留空表示不设目标。")
            values = {
                measure: st.number_input(MEASURE_LABELS[measure], min_value=0.0, value=targets.get(measure), step=1.0)
                for measure in TARGET_MEASURES
            }
            if st.form_submit_button("保存目标"):
                ok, _ = forms.save(lambda session: settings.set_targets(session, user, term_id=term_id, values=values))
                if ok:
                    forms.flash("目标已保存。")
    with st.form("limit"):
        hours = st.number_input(
            "家长诉求答复时限（小时）", min_value=1, max_value=720, value=data.response_limit_hours(school_id)
        )
        if st.form_submit_button("保存时限"):
            ok, _ = forms.save(lambda session: settings.set_response_limit(session, user, int(hours)))
            if ok:
                forms.flash("答复时限已保存。")
    with st.form("completion"):
        percent = st.number_input(
            "德育评价完成率门槛（%）",
            min_value=0,
            max_value=100,
            value=round(data.completion_min(school_id) * 100),
            help="教师评完成率低于此值时，德育优良率和平均分显示“评价未完成”，不判断是否达标。",
        )
        if st.form_submit_button("保存门槛"):
            ok, _ = forms.save(lambda session: settings.set_moral_completion_min(session, user, int(percent)))
            if ok:
                forms.flash("德育评价完成率门槛已保存。")
    with st.form("holidays"):
        policies = list(HOLIDAY_POLICY_LABELS)
        policy = st.radio(
            "假期中的记录（如暑期家访）",
            policies,
            index=policies.index(data.holiday_policy(school_id)),
            format_func=HOLIDAY_POLICY_LABELS.get,
        )
        if st.form_submit_button("保存假期规则"):
            ok, _ = forms.save(lambda session: settings.set_holiday_policy(session, user, policy))
            if ok:
                forms.flash("假期记录的计入方式已保存。")

with tabs[6]:
    if terms.empty:
        st.info("请先在“学年学期”中添加学年。")
    else:
        with data.read_session() as session:
            latest = session.get(SchoolYear, int(terms["year_id"].iloc[0]))
            plan = settings.next_year_plan(latest)
        st.markdown(
            f"从 **{latest.name}** 升入 **{plan.start_year}-{plan.start_year + 1}学年**："
            "各班升一个年级，学生和任课安排随班升级，六年级学生毕业。原学年的班级、学生名单和全部记录保留不变。"
        )
        with st.form("promote"):
            cols = st.columns(2)
            start = cols[0].date_input("新学年开始", value=plan.start_date)
            end = cols[1].date_input("新学年结束", value=plan.end_date)
            cols = st.columns(4)
            t1 = (
                cols[0].date_input("第一学期开始", value=plan.term1[0]),
                cols[1].date_input("第一学期结束", value=plan.term1[1]),
            )
            t2 = (
                cols[2].date_input("第二学期开始", value=plan.term2[0]),
                cols[3].date_input("第二学期结束", value=plan.term2[1]),
            )
            confirm = st.checkbox("我已确认新学年的日期")
            if st.form_submit_button("升年级", disabled=False):
                if not confirm:
                    st.error("请先勾选“我已确认新学年的日期”。")
                else:
                    new_plan = YearPlan(plan.start_year, start, end, t1, t2)
                    ok, result = forms.save(
                        lambda session: settings.promote_to_new_year(
                            session, user, from_year_id=latest.id, plan=new_plan
                        )
                    )
                    if ok:
                        forms.flash(
                            f"已升年级：{result.classes} 个班、{result.students} 名学生进入新学年，"
                            f"{result.graduated} 名六年级学生毕业。"
                        )
