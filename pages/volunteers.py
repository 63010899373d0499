"""家长志愿: hours and 人次 per class, who takes part, the trend, and the 优秀家长志愿者 ranking."""

import pandas as pd
import streamlit as st

from hxgy import auth, charts, ui
from hxgy.glossary import MEASURE_LABELS, STATUS_LABELS
from hxgy.metrics import overview, volunteers
from hxgy.ui import data, filters, widgets

user = ui.guard("volunteers")
view = filters.view_filters(user)
if view is None:
    st.stop()
now = data.this_hour()
allowed = auth.may_download(user.role)
stamp = view.stamp

st.title("家长志愿")
st.caption(stamp)
frame = data.class_measures(view.period, view.classes, now)
figures = data.school_figures(view.period, view.classes, now)
goals = data.targets(view.period.term_id)
before = data.earlier_figures(view.period, view.classes, now)
compared = data.comparison(view.period)
cards = overview.figure_cards(
    figures, before, goals, view.period, ("volunteer_hours", "volunteer_participation", "hours_per_family")
)
unique = data.volunteer_unique_families(view.period, view.classes)
waiting = data.volunteer_unconfirmed(view.period, view.classes)
records = int(figures["volunteer_records"])
families = int(figures["volunteer_families"])
cards[0]["note"] = f"已确认 {records:,} 人次" + (f"；待确认 {waiting:,} 条（未计入）" if waiting else "")
cards[1]["note"] = f"各班参与家庭合计 {families:,} 户 / {int(figures['students']):,} 名学生"
widgets.card_grid(
    [{**c, "before_label": compared.label if compared else None} for c in cards],
    data.baseline(view.period, view.classes),
)
st.caption(volunteers.families_sentence(records, families, unique, waiting))

st.subheader("各班志愿服务")
left, right = st.columns(2)
with left:
    shown = frame.assign(
        班级=frame["class_name"],
        志愿时长=frame["volunteer_hours"],
        人次=frame["volunteer_records"],
        户均时长=frame["hours_per_family"].round(overview.MEASURES["hours_per_family"].digits),
    )
    title = "各班志愿服务时长"
    chart = charts.class_bars(shown, value="志愿时长", title=title, stamp=stamp, tooltip=["人次", "户均时长"])
    widgets.chart_block(
        chart, shown[["班级", "志愿时长", "人次", "户均时长"]], title=title, stamp=stamp, allowed=allowed, key="hours"
    )
with right:
    key = "volunteer_participation"
    statuses = overview.class_status(frame, goals, view.period, (key,))
    shown = frame.assign(
        班级=frame["class_name"],
        **{MEASURE_LABELS[key]: frame[key]},
        目标状态=statuses["status"].map(STATUS_LABELS).to_numpy(),
        参与家庭=frame["volunteer_families"],
        学生数=frame["students"],
    )
    title = "各班家长志愿参与率"
    chart = charts.class_bars(
        shown,
        value=MEASURE_LABELS[key],
        title=title,
        stamp=stamp,
        percent=True,
        status="目标状态",
        target=statuses["target"].iloc[0] if not statuses.empty else None,
        tooltip=["参与家庭", "学生数"],
    )
    widgets.chart_block(
        chart,
        shown[["班级", MEASURE_LABELS[key], "参与家庭", "学生数", "目标状态"]],
        title=title,
        stamp=stamp,
        allowed=allowed,
        key="participation",
    )

st.subheader("趋势与项目")
left, right = st.columns(2)
with left:
    trend = data.volunteer_trend(view.period, view.classes)
    shown = trend.assign(
        周=pd.to_datetime(trend["week"]), 志愿时长=trend["volunteer_hours"], 人次=trend["volunteer_records"]
    )
    title = "每周志愿服务时长"
    chart = charts.lines(shown, x="周", y="志愿时长", title=title, stamp=stamp)
    widgets.chart_block(
        chart, shown[["周", "志愿时长", "人次"]], title=title, stamp=stamp, allowed=allowed, key="trend"
    )
with right:
    mix = data.volunteer_activity_mix(view.period, view.classes)
    shown = mix.assign(志愿项目=mix["activity_name"], 志愿时长=mix["volunteer_hours"], 人次=mix["volunteer_records"])
    title = "志愿服务项目构成"
    chart = charts.bars(shown, category="志愿项目", value="志愿时长", title=title, stamp=stamp)
    widgets.chart_block(
        chart, shown[["志愿项目", "志愿时长", "人次"]], title=title, stamp=stamp, allowed=allowed, key="mix"
    )

st.subheader("优秀家长志愿者推荐")
named = filters.names_for(user, view)
if named is None:
    st.info("您的角色不显示家长姓名。")
else:
    ranking = data.volunteer_ranking(view.period, named)
    if ranking.empty:
        st.info("本期暂无已确认的志愿服务记录。")
    else:
        widgets.table_block(
            widgets.labelled(
                ranking,
                [
                    "rank",
                    "guardian_name",
                    "relation",
                    "child_name",
                    "class_name",
                    "volunteer_records",
                    "volunteer_hours",
                ],
            ),
            title="优秀家长志愿者推荐名单",
            stamp=stamp,
            allowed=allowed,
            key="ranking",
        )
        st.caption("按已确认的服务时长排序（人次也只计已确认的记录）；仅显示您有权查看的班级。")
