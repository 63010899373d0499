"""全区: every school of the district side by side on the same measures, then down to a school's classes."""

import streamlit as st

from hxgy import charts, formats, rights, ui
from hxgy.metrics import measures, overview
from hxgy.ui import data, details, district_export, widgets

user = ui.guard("district")
now = data.this_hour()
allowed = rights.can(user.role, rights.Action.DOWNLOAD)
stamp = f"{user.district} · 各校当前学期"

st.title(f"{user.district}各校")
schools = details.district_school_table(user.district, now)
if schools.empty:
    st.info("本区暂无学校数据。")
    st.stop()
periods = details.district_terms(user.district)
totals = overview.combine(schools, next(iter(periods.values())))
widgets.figure_cards(
    [
        ("学校（所）", f"{len(schools)}", "本区共用此系统的学校"),
        ("在校学生", f"{int(totals['students']):,}", "各校当前学期学生之和"),
        (measures.label("home_visit_coverage"), formats.percent(totals["home_visit_coverage"]), "全区合计"),
        (measures.label("moral_good_rate"), formats.percent(totals["moral_good_rate"]), "全区合计"),
    ]
)
st.caption(
    f"已包含截至 {formats.beijing_time(schools['refreshed_at'].max())}（北京时间）的全部录入和导入；"
    "每次录入或导入后即时更新。"
)

measure = st.selectbox(
    "比较指标",
    [*measures.CLASS_STATUS_MEASURES, "volunteer_hours", "response_on_time"],
    format_func=measures.label,
)
name = measures.label(measure)
shown = schools.assign(学校=schools["school_name"], **{name: schools[measure]})
title = f"各校{name}"
chart = charts.class_bars(
    shown, value=name, title=title, stamp=stamp, percent=measures.is_rate(measure), category="学校"
)
widgets.chart_block(
    chart,
    shown[["学校", name]],
    title=title,
    stamp=stamp,
    allowed=allowed,
    key="schools-chart",
)

columns = [
    "school_name",
    "term_name",
    "students",
    "contact_coverage",
    "home_visit_coverage",
    "contacts_per_family",
    "response_on_time",
    "volunteer_hours",
    "volunteer_participation",
    "moral_good_rate",
    "satisfaction",
]
widgets.table_block(widgets.labelled(schools, columns), title="各校指标", stamp=stamp, allowed=allowed, key="schools")

district_export.table_download(user, allowed=allowed)

st.subheader("查看一所学校的各班")
names = dict(zip(schools["school_id"], schools["school_name"], strict=True))
school_id = st.selectbox("学校", list(names), format_func=lambda s: names[s])
classes = details.district_class_table(user.district, school_id)
class_columns = [
    "class_name",
    "students",
    "contact_coverage",
    "home_visit_coverage",
    "contacts_per_family",
    "volunteer_hours",
    "volunteer_participation",
    "moral_good_rate",
    "moral_completion",
    "satisfaction",
]
widgets.table_block(
    widgets.labelled(classes, class_columns),
    title=f"{names[school_id]}各班指标",
    stamp=f"{names[school_id]} · {periods[school_id].label}",
    allowed=allowed,
    key="classes",
)
