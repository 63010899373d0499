"""德育评价: class × dimension averages, 优良率, levels, change on last term, rater gaps, completion."""

import pandas as pd
import streamlit as st

from hxgy import charts, formats
from hxgy.metrics import moral
from hxgy.ui import data, details, measure_page, widgets
from hxgy.ui.measure_page import open_page

page = open_page("moral", "德育评价", evaluation=True)
view, now, stamp = page.view, page.now, page.stamp
term_id = view.period.evaluation_term_id
if term_id is None:
    st.info("所选时间内没有学期，暂无德育评价。")
    st.stop()
scheme = data.moral_scheme(view.school_id)
frame, figures = page.frame, page.figures
notes = {
    "moral_good_rate": f"{figures.count('moral_good'):,} / {figures.count('moral_evaluated'):,} 名参评学生",
    "moral_completion": f"教师评已完成 {figures.count('moral_scored'):,} / {figures.count('students'):,} 名学生",
}
page.cards(("moral_good_rate", "moral_completion", "moral_average"), notes)
weights = "，".join(f"{name} {weight:g}" for _, _, name, weight in scheme.raters)
levels = "，".join(f"{name} ≥ {low:g}" for name, low, _ in scheme.levels)
st.caption(f"权重：{weights}（缺少某一评价主体时按其余权重折算）。等级：{levels}。")
page.trend(("moral_good_rate", "moral_completion", "moral_average"))

if figures["moral_evaluated"] == 0:
    st.info("本学期尚无德育评分。")
    st.stop()

scores = details.moral_details(term_id, view.classes)
names = dict(zip(frame["class_id"], frame["class_name"], strict=True))
dimension_names = {i: n for i, _, n in scheme.dimensions}
class_order = frame["class_name"].tolist()

st.subheader("各班各维度平均分")
dims = scores["dimensions"]
shown = dims.assign(
    班级=dims["class_id"].map(names), 维度=dims["dimension_id"].map(dimension_names), 平均分=dims["average"].round(1)
)
title = "各班各维度平均分"
chart = charts.heatmap(
    shown,
    x="维度",
    x_order=list(dimension_names.values()),
    y="班级",
    y_order=class_order,
    colour="平均分",
    scheme="greens",
    text="平均分",
    title=title,
    stamp=stamp,
)
page.chart(chart, shown, ["班级", "维度", "平均分"], title=title, key="dims")

left, right = st.columns(2)
with left:
    extra = {"优良学生": "moral_good", "参评学生": "moral_evaluated"}
    page.class_bars("moral_good_rate", extra, download_key="good")
with right:
    lv = scores["levels"]
    shown = lv.assign(班级=lv["class_id"].map(names), 等级=lv["level"], 人数=lv["students"])
    title = "各班等级分布"
    level_names = [name for name, _, _ in scheme.levels]
    chart = charts.bars(
        shown,
        category="班级",
        order=class_order,
        colour="等级",
        colour_order=level_names,
        colours=charts.LEVEL_COLOURS[: len(level_names)],
        value="人数",
        title=title,
        stamp=stamp,
    )
    page.chart(chart, shown, ["班级", "等级", "人数"], title=title, key="levels")

st.subheader("教师评、家长评与自评")
raters = scores["raters"]
rater_names = {i: n for i, _, n, _ in scheme.raters}
shown = raters.assign(
    班级=raters["class_id"].map(names), 评价主体=raters["rater_id"].map(rater_names), 平均分=raters["average"].round(1)
)
title, groups = "各班三方评价对比", list(rater_names.values())
chart = charts.dots(
    shown,
    category="班级",
    order=class_order,
    value="平均分",
    group="评价主体",
    group_order=groups,
    title=title,
    stamp=stamp,
)
page.chart(chart, shown, ["班级", "评价主体", "平均分"], title=title, key="raters")
gaps = measure_page.rater_gaps(raters, scheme)
if gaps.empty:
    st.caption(f"各班家长评、自评与教师评的差距均在 {moral.GAP_FLAG_POINTS:g} 分以内。")
else:
    gaps = gaps.assign(班级=gaps["class_id"].map(names))
    st.warning(f"以下班级的评价差距超过 {moral.GAP_FLAG_POINTS:g} 分，建议了解原因：")
    widgets.show_table(
        gaps[["班级", "rater_name", "teacher_average", "average", "gap"]]
        .rename(columns={"rater_name": "评价主体", "teacher_average": "教师评", "average": "该主体", "gap": "差距"})
        .round(1),
        placeholder=None,
    )

st.subheader("与上学期相比")
earlier = data.earlier_class_measures(view.period, view.classes, now)
change = measure_page.class_changes(frame, earlier, "moral_good_rate")
shown = pd.DataFrame(
    {
        "班级": change["class_name"],
        "本期优良率": [formats.percent(v) for v in change["now"]],
        (page.compared.term_label if page.compared else "上学期"): [formats.percent(v) for v in change["before"]],
        "变化（百分点）": ((change["now"] * 100).round(1) - (change["before"] * 100).round(1)).round(1),
        "评价完成率": [formats.percent(v) for v in frame["moral_completion"]],
    }
)
widgets.table_block(shown, title="各班优良率变化与评价完成率", stamp=page.stamp, allowed=page.allowed, key="change")
st.caption("“上学期”指同一批学生所在的班级（年级升级后按原班号对应）。")
