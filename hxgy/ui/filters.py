"""The filters on every page: term or date range, grade, class; kept while moving between pages."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from hxgy import auth
from hxgy.glossary import grade_name
from hxgy.metrics.roster import ClassFilter
from hxgy.terms import Period, PeriodError
from hxgy.ui import data
from hxgy.ui.widgets import chinese_date

_KEEP = "_hxgy_filters"  # values that outlive a page switch (widget state does not)


@dataclass(frozen=True)
class View:
    """What the user chose to look at, and a one-line stamp of it for titles and exports."""

    school_id: int
    period: Period
    classes: ClassFilter
    grade_level: int | None
    class_id: int | None
    stamp: str


def _kept() -> dict:
    return st.session_state.setdefault(_KEEP, {})


def _default_class(user: auth.CurrentUser) -> tuple[int, int] | None:
    """A head teacher or teacher lands on their own (first) class: (grade, class id)."""
    if user.role not in ("head_teacher", "teacher"):
        return None
    own = data.own_classes(user)
    return (own[0][2], own[0][0]) if own else None


def view_filters(user: auth.CurrentUser) -> View | None:
    """Draw the filters in the sidebar and return the view; None when the school has no terms."""
    school_id = user.school_id
    terms = data.school_terms(school_id)
    if not terms:
        st.info("学校尚未设置学期。请管理员在设置中添加学年和学期。")
        return None
    kept = _kept()
    current = data.current_term_id(school_id)
    options = [t[0] for t in reversed(terms)]
    names = {t[0]: t[1] for t in terms}
    with st.sidebar:
        st.markdown("**筛选**")
        term_id = st.selectbox(
            "学期", options, index=options.index(kept.get("term", current)), format_func=names.get, key="f-term"
        )
        custom = st.toggle("自定义日期范围", value=kept.get("custom", False), key="f-custom")
        period = data.period_for_term(term_id)
        if custom:
            period = _custom_range(school_id, period, kept) or period
        classes = data.classes_of_year(school_id, period.school_year_id)
        grades = sorted({g for _, _, g in classes})
        default = _default_class(user)
        grade_default = kept.get("grade", default[0] if default else None)
        grade_options = [None, *grades]
        grade = st.selectbox(
            "年级",
            grade_options,
            key="f-grade",
            index=grade_options.index(grade_default) if grade_default in grade_options else 0,
            format_func=lambda g: "全部年级" if g is None else grade_name(g),
        )
        class_options = [None, *[cid for cid, _, g in classes if grade is None or g == grade]]
        class_default = kept.get("class", default[1] if default else None)
        class_names = {cid: name for cid, name, _ in classes}
        class_id = st.selectbox(
            "班级",
            class_options,
            key="f-class",
            index=class_options.index(class_default) if class_default in class_options else 0,
            format_func=lambda c: "全部班级" if c is None else class_names[c],
        )
    kept.update(term=term_id, custom=custom, grade=grade, **{"class": class_id})
    class_filter = ClassFilter(school_id, grade, (class_id,) if class_id else None)
    parts = [data.school_name(school_id), _period_text(period)]
    parts += [grade_name(grade)] if grade else []
    parts += [class_names[class_id]] if class_id else []
    return View(school_id, period, class_filter, grade, class_id, " · ".join(parts))


def _custom_range(school_id: int, term: Period, kept: dict) -> Period | None:
    first, last = data.school_year_span(term.school_year_id)
    chosen = kept.get("range", (term.start, term.end))
    picked = st.date_input(
        "日期范围", value=chosen, min_value=first, max_value=last, key="f-range", format="YYYY-MM-DD"
    )
    if not isinstance(picked, tuple) or len(picked) != 2:
        st.caption("请选择开始和结束日期。")
        return None
    try:
        period = data.custom_period(school_id, picked[0], picked[1])
    except PeriodError as exc:
        st.warning(str(exc))
        return None
    kept["range"] = picked
    return period


def _period_text(period: Period) -> str:
    if period.in_progress:
        return f"{period.label}（截至{chinese_date(period.end)}）"
    return period.label


def names_for(user: auth.CurrentUser, view: View) -> ClassFilter | None:
    """The part of the view whose names this user may see, or None when no names may be shown."""
    allowed = data.names_visible(user)
    if allowed is None:
        return view.classes
    in_view = set(data.class_ids_in(view))
    keep = tuple(sorted(in_view & allowed))
    return ClassFilter(view.school_id, None, keep) if keep else None
