"""The 重点关爱学生 block of 家校沟通: flagged students against the other students of their classes.

Drawn only for the roles with rights.Action.VIEW_FLAGS, over the classes that right covers (hxgy.privacy.flagged:
admin, principal and dean the view; a teacher the classes of it they are 班主任 of); nothing for anyone else. The
figures are hxgy.metrics.special_groups (hidden groups say 人数不足5人，不显示); the named list of flagged students
not contacted opens on a button, and each opening is written to the audit log as 查看.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from hxgy import charts, formats, rights
from hxgy.metrics import special_groups as sg
from hxgy.metrics.roster import ClassFilter
from hxgy.privacy import flagged
from hxgy.terms import Period
from hxgy.ui import data, widgets
from hxgy.ui import entry as forms
from hxgy.ui.data import figures, read_session
from hxgy.ui.measure_page import MeasurePage

TITLE = "重点关爱学生"
FIGURE_LABELS = {
    "contact_coverage": "沟通覆盖率",
    "home_visit_coverage": "家访覆盖率",
    "contacts_per_student": "人均沟通次数",
}
REACHED = {"contact_coverage": "contacted_students", "home_visit_coverage": "visited_students"}


@figures("communication")
def _special_groups(period: Period, classes: ClassFilter) -> sg.SpecialGroups:
    """special_groups.special_groups, cached under the view (the scope is in the arguments)."""
    with read_session() as session:
        return sg.special_groups(session, period, classes)


def _cell(row: pd.Series, key: str) -> str:
    if bool(row["hidden"]):
        return sg.TOO_FEW
    if not row["students"]:
        return "无"
    if key == "contacts_per_student":
        return f"{row[key]:.1f} 次"
    if key == "students":
        return f"{int(row[key])} 人"
    return f"{formats.percent(row[key])}（{int(row[REACHED[key]])}/{int(row['students'])}）"


def comparison_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per flag and group (关爱学生, then 其他学生 of the same classes): 人数 and each figure, written."""
    rows = []
    for flag in sg.FLAGS:
        mine = frame[frame["flag"] == flag].set_index("group")
        for group in (sg.FLAGGED, sg.OTHERS):
            if group not in mine.index:
                continue
            row = {"类别": sg.FLAG_LABELS[flag], "组别": sg.GROUP_LABELS[group]}
            row["人数"] = _cell(mine.loc[group], "students")
            row.update({label: _cell(mine.loc[group], key) for key, label in FIGURE_LABELS.items()})
            rows.append(row)
    return pd.DataFrame(rows)


def class_table(frame: pd.DataFrame, flag: str) -> pd.DataFrame:
    """One row per class for one flag: 班级, 关爱学生 (how many), then each figure of both groups side by side."""
    rows = []
    for class_name, mine in frame[frame["flag"] == flag].groupby("class_name", sort=False):
        groups = mine.set_index("group")
        row: dict[str, str] = {"班级": str(class_name), "关爱学生": _cell(groups.loc[sg.FLAGGED], "students")}
        for key, label in FIGURE_LABELS.items():
            for group in (sg.FLAGGED, sg.OTHERS):
                cell = _cell(groups.loc[group], key)
                row[f"{label}·{sg.GROUP_LABELS[group]}"] = cell.split("（")[0] if key in REACHED else cell
        rows.append(row)
    return pd.DataFrame(rows)


def coverage_chart(frame: pd.DataFrame, key: str, *, stamp: str) -> alt.LayerChart | None:
    """关爱学生 beside 其他学生 for each flag shown (hidden flags are left out of the chart); None: nothing shown."""
    shown = frame[~frame["hidden"] & (frame["students"] > 0)]
    flags = [f for f in sg.FLAGS if (shown["flag"] == f).sum() == 2]  # both sides, or neither
    shown = shown[shown["flag"].isin(flags)]
    if shown.empty:
        return None
    label = FIGURE_LABELS[key]
    data = pd.DataFrame(
        {
            "类别": shown["flag"].map(sg.FLAG_LABELS),
            "组别": shown["group"].map(sg.GROUP_LABELS),
            label: shown[key].astype(float),
        }
    )
    return charts.side_by_side(
        data,
        category="类别",
        group="组别",
        value=label,
        title=f"关爱学生与其他学生的{label}",
        stamp=stamp,
        order=[sg.FLAG_LABELS[f] for f in flags],
        groups=list(sg.GROUP_LABELS.values()),
    )


def special_groups_block(page: MeasurePage) -> None:
    """The block, for a user who may see flags of some classes of the view; nothing otherwise."""
    user, view = page.user, page.view
    if not rights.can(user.role, rights.Action.VIEW_FLAGS):
        return
    today = data.today()
    with read_session() as session:
        allowed = flagged.flag_view(session, user, view.period, view.classes, today=today)
    if allowed is None:
        return
    result = _special_groups(view.period, allowed)
    st.subheader(TITLE)
    own = allowed.class_ids is not None and view.classes.class_ids != allowed.class_ids
    names = "、".join(result.classes["class_name"].drop_duplicates())
    where = f"您担任班主任的班级（{names}）" if own else "本页所选范围"
    st.caption(
        f"{where}留守儿童、单亲家庭、困难家庭学生与同班其他学生的对比：沟通覆盖率、家访覆盖率和人均沟通次数"
        f"（个别沟通记录）。仅管理员、校长、德育主任和本班班主任可见；任一组不足 {sg.MIN_GROUP} 人时两组都不显示。"
    )
    widgets.show_table(comparison_table(result.total))
    left, right = st.columns(2)
    for column, key in ((left, "contact_coverage"), (right, "home_visit_coverage")):
        chart = coverage_chart(result.total, key, stamp=page.stamp)
        if chart is not None:
            with column:
                widgets.show_chart(chart)
    if result.total["hidden"].any():
        st.caption("图中不含人数不足 5 人（或可据此推算出这样一组）的类别。")
    if result.classes["class_id"].nunique() > 1:
        with st.expander("各班对比", icon=":material/table_rows:"):
            choice = st.segmented_control(
                "类别",
                list(sg.FLAGS),
                default=sg.ANY,
                format_func=sg.FLAG_LABELS.__getitem__,
                key="special-groups-flag",
            )
            widgets.show_table(class_table(result.classes, choice or sg.ANY))
            st.caption("隐藏的班级：关爱学生或其他学生不足 5 人，或可由合计减去其他班级推算出这样的一组。")
    _not_reached_list(page, allowed)


def _not_reached_list(page: MeasurePage, allowed: ClassFilter) -> None:
    user, view = page.user, page.view
    if not rights.can(user.role, rights.Action.VIEW_NAMES):
        return
    if not st.button(f"查看{flagged.LIST_TITLE}", icon=":material/visibility:", key="special-groups-list"):
        st.caption("名单含学生姓名和关爱类别，每次查看都记入操作日志。")
        return
    today = data.today()
    ok, listed = forms.record_view(
        lambda session: flagged.open_not_reached(session, user, view.period, allowed, today=today)
    )
    if not ok or listed is None:
        return
    if listed.empty:
        st.success("本期每位关爱学生都已沟通。")
        return
    st.markdown(f"**{flagged.LIST_TITLE}**（{view.period.label}，{len(listed)} 人）")
    shown = listed.rename(
        columns={"student_no": "学号", "student_name": "学生", "class_name": "班级", "flags": "关爱类别"}
    )
    shown = shown.assign(家长=listed["guardian_name"].fillna("—"))
    widgets.show_table(shown[["班级", "学号", "学生", "关爱类别", "家长"]])
    st.caption("已记入操作日志（查看）。名单不提供下载；点击页面其他位置后收起。")
