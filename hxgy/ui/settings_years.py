"""设置 → 学年学期 and 升年级: the school's years and terms, added and moved, and opening the next year."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from hxgy import glossary
from hxgy.auth import SchoolUser
from hxgy.entry import promotion, school_years
from hxgy.entry.school_years import YearPlan
from hxgy.models import SchoolYear
from hxgy.queries import school_setup
from hxgy.ui import data
from hxgy.ui import entry as forms

NO_YEAR = "请先在“学年学期”中添加学年。"


def _year_dates(plan: YearPlan, key: str) -> YearPlan:
    """Inputs for a school year's first and last day and its two terms (inside a form), as a plan."""
    dates: list[tuple[date, date]] = []
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


def _plan_of(year: SchoolYear) -> YearPlan | None:
    """A stored year as a plan (None when it lacks one of its two terms)."""
    if len(year.terms) != 2:
        return None
    first, second = year.terms
    return YearPlan(
        year.start_year,
        year.start_date,
        year.end_date,
        (first.start_date, first.end_date),
        (second.start_date, second.end_date),
    )


def years_tab(user: SchoolUser, terms: pd.DataFrame, today: date) -> None:
    """The years and terms table, 添加学年, and 修改学年 for a year with both terms."""
    with data.read_session() as session:
        years = school_setup.school_years(session, user.school_id)
    plans = {y.id: plan for y in years if (plan := _plan_of(y)) is not None}
    suggested = school_years.next_year_plan(years[0]) if years else school_years.first_year_plan(today)
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
        dates = _year_dates(suggested, "add-year")
        if st.form_submit_button("添加学年"):
            new_plan = YearPlan(int(start_year), dates.start_date, dates.end_date, dates.term1, dates.term2)
            ok, added = forms.save(lambda session: school_years.add_school_year(session, user, new_plan).name)
            if ok:
                forms.flash(f"已添加{added}及其两个学期。")
    if edit_col is None:
        return
    with edit_col:
        names = {y.id: y.name for y in years if y.id in plans}
        edit_id = forms.choose("修改学年", names, key="edit-year-id")
        if edit_id is None:
            return
        with st.form("edit-year"):
            st.markdown(f"**修改{names[edit_id]}的日期**")
            edited = _year_dates(plans[edit_id], f"edit-year-{edit_id}")
            if st.form_submit_button("保存学年"):
                ok, _ = forms.save(
                    lambda session: school_years.update_school_year(session, user, edit_id, edited, today=today)
                )
                if ok:
                    forms.flash("学年日期已保存。")


def promotion_tab(user: SchoolUser, terms: pd.DataFrame) -> None:
    """升年级: the next year's dates, confirmed, then every class moves up a grade."""
    if terms.empty:
        st.info(NO_YEAR)
        return
    with data.read_session() as session:
        latest = session.get_one(SchoolYear, int(terms["year_id"].iloc[0]))
        plan = school_years.next_year_plan(latest)
    st.markdown(
        f"从 **{latest.name}** 升入 **{glossary.school_year_name(plan.start_year)}**："
        "各班升一个年级，学生和任课安排随班升级，六年级学生毕业。原学年的班级、学生名单和全部记录保留不变。"
    )
    with st.form("promote"):
        left, right = st.columns(2)
        start = left.date_input("新学年开始", value=plan.start_date)
        end = right.date_input("新学年结束", value=plan.end_date)
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
            _promote(user, latest.id, YearPlan(plan.start_year, start, end, t1, t2), confirmed=confirm)


def _promote(user: SchoolUser, from_year_id: int, plan: YearPlan, *, confirmed: bool) -> None:
    if not confirmed:
        st.error("请先勾选“我已确认新学年的日期”。")
        return
    ok, result = forms.save(
        lambda session: promotion.promote_to_new_year(session, user, from_year_id=from_year_id, plan=plan)
    )
    if ok and result is not None:
        forms.flash(
            f"已升年级：{result.classes} 个班、{result.students} 名学生进入新学年，"
            f"{result.graduated} 名六年级学生毕业。"
        )
