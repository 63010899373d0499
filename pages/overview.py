"""总览: every measure against its target and last term, the classes that lag, and what needs attention."""

import streamlit as st

from hxgy import charts, formats
from hxgy.glossary import REQUEST_STATUS_LABELS, STATUS_LABELS
from hxgy.metrics import measures
from hxgy.ui import data, details, filters, layout, measure_page, widgets
from hxgy.ui.measure_page import open_page

page = open_page("overview", "总览", dates=True)
page.holiday_note()
user, view, now, downloads = page.user, page.view, page.now, page.allowed
frame, figures, goals = page.frame, page.figures, page.goals

participation = page.figure_cards(("volunteer_participation",))[0]
waiting = details.volunteer_unconfirmed(view.period, view.classes)
base = f"{figures.count('students'):,} 名学生"
notes = {
    "volunteer_hours": f"参与率 {formats.percent(participation.value)}（{STATUS_LABELS[participation.status]}）"
    + (f"；待确认 {waiting:,} 条" if waiting else ""),
    "contact_coverage": f"{figures.count('contacted_students'):,} / {base}",
    "home_visit_coverage": f"{figures.count('visited_students'):,} / {base}",
}
keys = ("contact_coverage", "home_visit_coverage", "contacts_per_family", "response_on_time", "volunteer_hours")
page.cards((*keys, "moral_good_rate", "satisfaction", "activities"), notes, year_on_year=True)

st.subheader("各班目标达成")
statuses = measure_page.class_status(frame, goals, view.period, completion_min=page.completion_min)
if statuses.empty:
    st.info("当前筛选下没有班级。")
else:
    grid = charts.status_cells(statuses)
    title = "各班目标达成情况"
    clickable = view.class_id is None  # a class in the grid opens it (the filters follow)
    chart = charts.status_grid(
        statuses,
        measures=measures.CLASS_STATUS_MEASURES,
        class_order=frame["class_name"].tolist(),
        title=title,
        stamp=view.stamp,
        cells=grid,
        pick="pick" if clickable else None,
    )
    with layout.wide("status"):  # a phone gets the per-class list below instead
        widgets.show_chart(
            chart,
            key="status-grid",
            on_select=(lambda: filters.open_from_chart("status-grid")) if clickable else "ignore",
        )
    with layout.narrow("status"):
        layout.status_list(grid, filters.open_class if clickable else None)
    widgets.downloads(
        title, view.stamp, chart=chart, data=grid[["班级", "指标", "数值", "状态"]], allowed=downloads, key="status"
    )
    st.caption(
        "颜色按本学期目标判断；学期进行中，覆盖率、户均沟通等累计指标按时间进度折算目标。"
        + ("点击某个班级可查看该班。" if clickable else "")
    )

st.subheader("需要关注")
left, middle, right = st.columns(3)
with left, st.container(border=True):
    st.markdown("**未达标的班级**")
    red = measure_page.below_target(statuses)
    if red.empty:
        st.success("各班均已达到（按进度的）目标。")
    else:
        counts = red.groupby("measure")["class_name"].agg(list)
        for measure, names in counts.items():
            st.markdown(f"- {measures.label(measure)}：{len(names)} 个班（{formats.name_list(names)}）")
with middle, st.container(border=True):
    st.markdown("**尚未沟通 / 家访的学生**")
    not_contacted = int(figures["students_not_contacted"])
    not_visited = int(figures["students_not_visited"])
    st.markdown(f"- 本期尚未沟通：**{not_contacted}** 名学生\n- 本期尚未家访：**{not_visited}** 名学生")
    named = filters.names_for(user, view)
    if named is not None and (not_contacted or not_visited):
        with st.expander("查看名单"):
            missing = details.students_not_reached(view.period, named, home_visit=True)
            widgets.show_table(
                widgets.labelled(missing, ["class_name", "student_no", "student_name", "guardian_name"]),
                height=300,
                placeholder=None,
            )
            st.caption("名单为尚未家访的学生；仅显示您有权查看的班级。")
with right, st.container(border=True):
    st.markdown("**家长诉求答复**")
    late = details.late_requests(view.period, view.classes, now=now)
    limit = data.response_limit_hours(view.school_id)
    st.markdown(
        f"- 答复时限：{limit} 小时\n- 按时答复率：{formats.percent(figures['response_on_time'])}"
        f"\n- 超时答复或超时未答复：**{len(late)}** 件"
    )
    if not late.empty:
        with st.expander("查看明细"):
            shown = late.assign(status=late["status"].map(REQUEST_STATUS_LABELS))
            widgets.show_table(
                widgets.labelled(
                    shown, ["received_at", "class_name", "channel_name", "category_name", "status", "hours"]
                ),
                placeholder=None,
            )

# each measure across terms: after what needs attention now (the grid first: a principal's first look)
page.trend((*keys, "moral_good_rate", "satisfaction", "activities"))

st.subheader("各班指标明细")
widgets.table_block(
    widgets.labelled(frame, measures.CLASS_TABLE_COLUMNS),
    title="各班指标明细",
    stamp=view.stamp,
    allowed=downloads,
    key="classes",
)
