"""全区: every school of the district side by side on the same measures, then down to a school's classes."""

import streamlit as st

from hxgy import auth, charts, formats, ui
from hxgy.glossary import MEASURE_LABELS
from hxgy.metrics import overview
from hxgy.ui import data, widgets

user = ui.guard("district")
now = data.this_hour()
allowed = auth.may_download(user.role)
stamp = f"{user.district} · 各校当前学期"

st.title(f"{user.district}各校")
schools = data.district_school_table(user.district, now)
if schools.empty:
    st.info("本区暂无学校数据。")
    st.stop()
periods = data.district_terms(user.district)
totals = overview.combine(schools, next(iter(periods.values())))
widgets.figure_cards(
    [
        ("学校（所）", f"{len(schools)}", "本区共用此系统的学校"),
        ("在校学生", f"{int(totals['students']):,}", "各校当前学期学生之和"),
        (MEASURE_LABELS["home_visit_coverage"], formats.percent(totals["home_visit_coverage"]), "全区合计"),
        (MEASURE_LABELS["moral_good_rate"], formats.percent(totals["moral_good_rate"]), "全区合计"),
    ]
)
st.caption(
    f"已包含截至 {formats.beijing_time(schools['refreshed_at'].max())}（北京时间）的全部录入和导入；"
    "每次录入或导入后即时更新。"
)

measure = st.selectbox(
    "比较指标",
    [*list(overview.CLASS_STATUS_MEASURES), "volunteer_hours", "response_on_time"],
    format_func=MEASURE_LABELS.get,
)
is_rate = overview.MEASURES[measure].kind == "rate"
shown = schools.assign(学校=schools["school_name"], **{MEASURE_LABELS[measure]: schools[measure]})
title = f"各校{MEASURE_LABELS[measure]}"
chart = charts.class_bars(
    shown, value=MEASURE_LABELS[measure], title=title, stamp=stamp, percent=is_rate, category="学校"
)
widgets.chart_block(
    chart,
    shown[["学校", MEASURE_LABELS[measure]]],
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

st.subheader("查看一所学校的各班")
names = dict(zip(schools["school_id"], schools["school_name"], strict=True))
school_id = st.selectbox("学校", list(names), format_func=names.get)
classes = data.district_class_table(user.district, school_id)
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
