"""家长志愿: hours and 人次 per class, who takes part, the trend, and the 优秀家长志愿者 ranking."""

import pandas as pd
import streamlit as st

from hxgy import charts
from hxgy.metrics import measures, volunteers
from hxgy.ui import details, filters
from hxgy.ui.measure_page import open_page

page = open_page("volunteers", "家长志愿")
user, view, allowed, stamp = page.user, page.view, page.allowed, page.stamp
frame, figures = page.frame, page.figures
unique = details.volunteer_unique_families(view.period, view.classes)
waiting = details.volunteer_unconfirmed(view.period, view.classes)
records, families = figures.count("volunteer_records"), figures.count("volunteer_families")
notes = {
    "volunteer_hours": f"已确认 {records:,} 人次" + (f"；待确认 {waiting:,} 条（未计入）" if waiting else ""),
    "volunteer_participation": f"各班参与家庭合计 {families:,} 户 / {figures.count('students'):,} 名学生",
}
page.cards(("volunteer_hours", "volunteer_participation", "hours_per_family"), notes)
st.caption(volunteers.families_sentence(records, families, unique, waiting))
page.trend(("volunteer_hours", "volunteer_participation", "hours_per_family"))

st.subheader("各班志愿服务")
left, right = st.columns(2)
with left:
    shown = frame.assign(
        班级=frame["class_name"],
        志愿时长=frame["volunteer_hours"],
        人次=frame["volunteer_records"],
        户均时长=frame["hours_per_family"].round(measures.measure("hours_per_family").digits),
    )
    title = "各班志愿服务时长"
    chart = charts.class_bars(shown, value="志愿时长", title=title, stamp=stamp, tooltip=["人次", "户均时长"])
    page.chart(chart, shown, ["班级", "志愿时长", "人次", "户均时长"], title=title, key="hours")
with right:
    extra = {"参与家庭": "volunteer_families", "学生数": "students"}
    page.class_bars("volunteer_participation", extra, download_key="participation")

st.subheader("趋势与项目")
left, right = st.columns(2)
with left:
    trend = details.volunteer_trend(view.period, view.classes)
    shown = trend.assign(
        周=pd.to_datetime(trend["week"]), 志愿时长=trend["volunteer_hours"], 人次=trend["volunteer_records"]
    )
    title = "每周志愿服务时长"
    chart = charts.lines(shown, x="周", y="志愿时长", title=title, stamp=stamp)
    page.chart(chart, shown, ["周", "志愿时长", "人次"], title=title, key="trend")
with right:
    mix = details.volunteer_activity_mix(view.period, view.classes)
    shown = mix.assign(志愿项目=mix["activity_name"], 志愿时长=mix["volunteer_hours"], 人次=mix["volunteer_records"])
    title = "志愿服务项目构成"
    chart = charts.bars(shown, category="志愿项目", value="志愿时长", title=title, stamp=stamp)
    page.chart(chart, shown, ["志愿项目", "志愿时长", "人次"], title=title, key="mix")

st.subheader("优秀家长志愿者推荐")
named = filters.names_for(user, view)
if named is None:
    st.info("您的角色不显示家长姓名。")
else:
    ranking = details.volunteer_ranking(view.period, named)
    if ranking.empty:
        st.info("本期暂无已确认的志愿服务记录。")
    else:
        columns = ["rank", *volunteers.RANKING_COLUMNS]
        page.table(ranking, columns, title="优秀家长志愿者推荐名单", key="ranking")
        st.caption("按已确认的服务时长排序（人次也只计已确认的记录）；仅显示您有权查看的班级。")
