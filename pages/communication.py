"""家校沟通: how often school and home talk, through which channels, and who has not been reached."""

import streamlit as st

from hxgy import charts, formats
from hxgy.glossary import REQUEST_STATUS_LABELS
from hxgy.metrics import community, judging, measures
from hxgy.ui import data, details, filters, measure_page, special_groups, widgets
from hxgy.ui.measure_page import open_page

page = open_page("communication", "家校沟通")
page.holiday_note()
user, view, now, allowed, stamp = page.user, page.view, page.now, page.allowed, page.stamp
frame, figures = page.frame, page.figures
GRADE_MEASURES = ("contact_coverage", "home_visit_coverage", "contacts_per_family")
page.cards((*GRADE_MEASURES, "contacts_per_week"))
with data.read_session() as session:  # notices are counted apart: no contact figure above includes them
    sent = community.notices(session, view.period, user.school_id).school_or_grade
st.caption(f"本期推送全校/年级通知 {sent} 条（单独统计，不计入沟通次数）。")
page.trend((*GRADE_MEASURES, "contacts_per_week"))

if view.grade_level is None and view.class_id is None:
    st.subheader("各年级")
    grades = measure_page.by_grade(frame, view.period)
    columns = ["grade_level", "classes", "students", "contacts", *GRADE_MEASURES]
    widgets.table_block(
        widgets.labelled(grades, columns),
        title="各年级家校沟通",
        stamp=stamp,
        allowed=allowed,
        key="grades",
    )
    st.caption("点击页面上方的年级、或图中的班级可逐级查看；点击“全校”返回。")

st.subheader("各班覆盖率")
clickable = view.class_id is None  # a bar opens its class (the filters follow)
pick_hint = "点击某个班级的条形可查看该班。" if clickable else ""
left, right = st.columns(2)
for column, key in ((left, "contact_coverage"), (right, "home_visit_coverage")):
    reached = {
        "覆盖学生": "contacted_students" if key == "contact_coverage" else "visited_students",
        "学生数": "students",
    }
    shown = page.class_table(key, reached)
    title = f"各班{measures.label(key)}"
    chart = charts.coverage_bars(
        shown,
        value=measures.label(key),
        title=title,
        stamp=stamp,
        status="目标状态",
        on_pace=None if shown.empty else judging.goal_now(page.goals, key, view.period),  # scaled by time gone
        term_target=page.goals.get(key),
        tooltip=list(reached),
        pick="pick" if clickable else None,
    )
    with column:
        widgets.show_chart(
            chart,
            key=f"chart-{key}",
            on_select=(lambda chart_key=f"chart-{key}": filters.open_from_chart(chart_key)) if clickable else "ignore",
        )
        widgets.downloads(
            title,
            stamp,
            chart=chart,
            data=shown[["班级", measures.label(key), *reached, "目标状态"]],
            allowed=allowed,
            key=key,
        )
if view.period.in_progress:
    st.caption("灰色虚线：全覆盖 100%；红色虚线：按进度目标（学期目标按本学期已过去的时间折算）。" + pick_hint)
else:
    st.caption("灰色虚线：全覆盖 100%；红色虚线：本学期目标。" + pick_hint)

st.subheader("沟通次数")
left, right = st.columns(2)
with left:
    shown = frame.assign(班级=frame["class_name"], 沟通次数=frame["contacts"], 个别沟通=frame["individual_contacts"])
    title = "各班沟通次数"
    chart = charts.class_bars(shown, value="沟通次数", title=title, stamp=stamp, tooltip=["个别沟通"])
    page.chart(chart, shown, ["班级", "沟通次数", "个别沟通"], title=title, key="contacts")
with right:
    mix = details.channel_mix(view.period, view.classes)
    shown = mix.assign(沟通方式=mix["channel_name"], 次数=mix["contacts"])
    title = "沟通方式构成"
    chart = charts.bars(
        shown, category="沟通方式", value="次数", title=title, stamp=stamp, order=mix["channel_name"].tolist()
    )
    page.chart(chart, shown, ["沟通方式", "次数"], title=title, key="mix")

weekly = details.contacts_by_week(view.period, view.classes)
if not weekly.empty:
    names = dict(zip(frame["class_id"], frame["class_name"], strict=True))
    shown = weekly.assign(
        班级=weekly["class_id"].map(names),
        周=[f"第{view.period.week_of(w)}周" for w in weekly["week"]],
        次数=weekly["contacts"],
        周一=weekly["week"].astype(str),
    )
    weeks = list(dict.fromkeys(shown.sort_values("周一")["周"]))
    title = "每周沟通次数"
    classes = frame["class_name"].tolist()
    chart = charts.heatmap(
        shown, x="周", x_order=weeks, y="班级", y_order=classes, colour="次数", text="次数", title=title, stamp=stamp
    )
    page.chart(chart, shown, ["班级", "周", "周一", "次数"], title=title, key="weeks")

st.subheader("家长诉求答复")
limit = data.response_limit_hours(view.school_id)
requests = details.requests_by_class(view.period, view.classes, now=now)
names = dict(zip(frame["class_id"], frame["class_name"], strict=True))
requests = requests.assign(class_name=requests["class_id"].map(names).fillna("全校（未指定班级）"))
st.markdown(
    f"学校要求 **{limit} 小时** 内答复。本期按时答复率 **{formats.percent(figures['response_on_time'])}**"
    f"（{int(figures['requests_on_time'])} / {int(figures['requests_due'])} 件已到期的诉求）。"
)
shown = requests.rename(columns={"class_name": "班级", "requests": "诉求", **REQUEST_STATUS_LABELS})
columns = ["班级", "诉求", *REQUEST_STATUS_LABELS.values()]
widgets.table_block(shown[columns], title="各班家长诉求答复", stamp=stamp, allowed=allowed, key="requests")

named = filters.names_for(user, view)
if view.class_id is not None:
    st.subheader("尚未沟通的家庭")
    if named is None:
        st.info("您的角色不显示学生和家长姓名。")
    else:
        tabs = st.tabs(["尚未沟通", "尚未家访"])
        for tab, home_visit in zip(tabs, (False, True), strict=True):
            with tab:
                missing = details.students_not_reached(view.period, named, home_visit=home_visit)
                if missing.empty:
                    st.success("本期每位学生都已" + ("家访" if home_visit else "沟通") + "。")
                else:
                    columns = ["student_no", "student_name", "guardian_name"]
                    title = "尚未家访名单" if home_visit else "尚未沟通名单"
                    page.table(missing, columns, title=title, key=f"missing-{home_visit}")

special_groups.special_groups_block(page)  # 重点关爱学生: only for roles that may see flags
