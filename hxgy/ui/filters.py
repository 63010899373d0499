"""The filters on every page: term or date range, grade, class; kept while moving between pages.

They sit at the top of the page body (not in the sidebar, which a phone hides behind the menu): a breadcrumb
全校 › 三年级 › 三(2)班 that leads back up, buttons for the next level down, and a 筛选 popover with the
term, a custom date range, grade and class. Charts that list classes (总览's status grid, 家校沟通's
coverage bars) open a class when clicked, through ``open_from_chart``.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from hxgy import auth, rights
from hxgy.glossary import grade_name
from hxgy.metrics.roster import ClassFilter
from hxgy.terms import Period, PeriodError
from hxgy.ui import data
from hxgy.ui.widgets import chinese_date, term_picker

_KEEP = "_hxgy_filters"  # values that outlive a page switch (widget state does not)
_GRADE_OF = "_hxgy_grade_of"  # class id → grade of the classes in the current school year, for chart clicks
SCHOOL = "全校"


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
    if user.role not in rights.STAFF_LINKED_ROLES:
        return None
    own = data.own_classes(user)
    return (own[0][2], own[0][0]) if own else None


def open_level(grade: int | None, class_id: int | None) -> None:
    """Look at the whole school (None, None), one grade (grade, None) or one class (its grade, its id).

    Used as a widget callback: it runs before the next script run, so the filter boxes show the new choice.
    (The boxes also get ``index=`` from the kept values, which a page switch needs; the value set here wins,
    and .streamlit/config.toml silences Streamlit's log warning about having both.)
    """
    _kept().update(grade=grade, **{"class": class_id})
    st.session_state["f-grade"] = grade
    st.session_state["f-class"] = class_id


def open_class(class_id: int) -> None:
    """Open one class of the current school year (its grade follows); a callback like open_level."""
    grade = st.session_state.get(_GRADE_OF, {}).get(class_id)
    if grade is not None:
        open_level(grade, class_id)


def open_from_chart(chart_key: str) -> None:
    """on_select callback of a chart whose selection carries ``class_id`` (or ``grade_level``): open it."""
    state = st.session_state.get(chart_key) or {}
    grade_of = st.session_state.get(_GRADE_OF, {})
    for points in (state.get("selection") or {}).values():
        for point in points if isinstance(points, list) else ():
            class_id = point.get("class_id")
            if class_id is not None and int(class_id) in grade_of:
                open_level(grade_of[int(class_id)], int(class_id))
                return
            grade = point.get("grade_level")
            if grade is not None:
                open_level(int(grade), None)
                return


def _open_picked(key: str, grade: int | None) -> None:
    """Callback of the next-level buttons: a grade (at 全校) or a class (at a grade)."""
    picked = st.session_state.get(key)
    st.session_state[key] = None  # the buttons are a way down, not a state
    if picked is None:
        return
    if grade is None:
        open_level(int(picked), None)
    else:
        open_level(grade, int(picked))


def view_filters(user: auth.SchoolUser) -> View | None:
    """Draw the breadcrumb and filters at the top of the page and return the view; None when there are no terms."""
    school_id = user.school_id
    terms = data.school_terms(school_id)
    if not terms:
        st.info("学校尚未设置学期。请管理员在设置中添加学年和学期。")
        return None
    kept = _kept()
    current = data.current_term_id(school_id)
    options = [t[0] for t in reversed(terms)]
    names = {t[0]: t[1] for t in terms}
    bar = st.container(horizontal=True, vertical_alignment="center", gap="small", key="hxgy-filter-bar")
    crumbs = bar.container(horizontal=True, vertical_alignment="center", gap="xsmall", width="content")
    below = bar.container(horizontal=True, vertical_alignment="center", gap="small", width="stretch")
    shown_term = st.session_state.get("f-term", kept.get("term", current))
    with bar.popover(
        f"筛选 · {names.get(shown_term, '学期')}", icon=":material/filter_list:", key="f-popover", width="content"
    ) as popover:
        term_id = term_picker(popover, options, names, kept.get("term", current), key="f-term")
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
            placeholder="全部年级",
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
            placeholder="全部班级",
        )
    kept.update(term=term_id, custom=custom, grade=grade, **{"class": class_id})
    st.session_state[_GRADE_OF] = {cid: g for cid, _, g in classes}
    _breadcrumb(crumbs, grade, class_names[class_id] if class_id else None)
    if not _next_level(below, grade, class_id, grades, [(cid, name) for cid, name, g in classes if g == grade]):
        below.space("stretch")  # the 筛选 button stays at the right end of the row
    class_filter = ClassFilter(school_id, grade, (class_id,) if class_id else None)
    parts = [data.school_name(school_id), _period_text(period)]
    parts += [grade_name(grade)] if grade else []
    parts += [class_names[class_id]] if class_id else []
    return View(school_id, period, class_filter, grade, class_id, " · ".join(parts))


def _breadcrumb(row, grade: int | None, class_name: str | None) -> None:  # noqa: ANN001 - a container
    """全校 › 三年级 › 三(2)班: every level above the current one is a button that goes back to it."""
    levels: list[tuple[str, tuple[int | None, int | None]]] = [(SCHOOL, (None, None))]
    if grade is not None:
        levels.append((grade_name(grade), (grade, None)))
    if class_name:
        levels.append((class_name, (grade, None)))  # the current level: text, not a button
    for number, (label, target) in enumerate(levels):
        if number:
            row.markdown("›", width="content")
        if number == len(levels) - 1:
            row.markdown(f"**{label}**", width="content")
        else:
            row.button(label, key=f"crumb-{number}", type="tertiary", on_click=open_level, args=target)


def _next_level(row, grade: int | None, class_id: int | None, grades: list[int], classes: list) -> bool:  # noqa: ANN001
    """Buttons for the level below: the grades at 全校, the classes in a grade; none for one class.

    True when drawn.
    """
    if class_id is not None:
        return False
    if grade is None:
        key, options, names = "f-down-school", grades, {g: grade_name(g) for g in grades}
    else:
        key, options, names = f"f-down-{grade}", [cid for cid, _ in classes], dict(classes)
    if len(options) < 2:
        return False
    row.pills(
        "查看下一级",
        options,
        format_func=names.get,
        key=key,
        label_visibility="collapsed",
        wrap=True,  # a phone shows every grade on two lines rather than cutting the last ones off
        on_change=_open_picked,
        args=(key, grade),
    )
    return True


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
