"""首页: this term at a glance, shaped by the user's role."""

import streamlit as st

from hxgy import ui
from hxgy.ui import data, widgets

user = ui.guard("home")

if user.role == "district":
    st.title(f"{user.district}各校概况")
    frame = data.district_snapshot(user.district)
    if frame.empty:
        st.info("本区暂无学校数据。")
        st.stop()
    widgets.figure_cards(
        [
            ("学校（所）", f"{len(frame)}", "本区共用此系统的学校"),
            ("在校学生", f"{frame['students'].sum():,}", "各校当前学期在籍学生之和"),
            ("班级", f"{frame['classes'].sum():,}", "各校本学年班级数之和"),
            ("本学期沟通记录", f"{frame['communications'].sum():,}", "各校当前学期沟通记录之和"),
        ]
    )
    st.subheader("各校当前学期")
    widgets.table(
        frame,
        [
            "school_name",
            "term_name",
            "classes",
            "students",
            "communications",
            "home_visits",
            "volunteer_hours",
            "activities",
        ],
    )
    st.stop()

period = data.current_period(user.school_id)
st.title(data.school_name(user.school_id))
if period is None:
    st.info("学校尚未设置学期。请管理员在设置中添加学年和学期。")
    st.stop()
st.caption(widgets.period_caption(period, data.today()))

if user.role in ("head_teacher", "teacher"):
    classes = data.own_classes(user)
    if not classes:
        st.info("本学年您还没有任教班级。请联系教务处在设置中分配班级。")
        st.stop()
    frame = data.class_snapshot(tuple(cid for cid, _ in classes), period)
    for row in frame.itertuples():
        st.subheader(row.class_name)
        widgets.figure_cards(
            [
                ("学生", f"{row.students}", "本学期在班学生数"),
                ("本学期沟通（次）", f"{row.communications}", "含全班通知，每条记录计一次"),
                ("已沟通学生", f"{row.contacted_students} / {row.students}", "本学期至少有一条个别沟通记录的学生"),
                ("已家访学生", f"{row.visited_students} / {row.students}", "本学期至少家访一次的学生"),
                ("志愿服务（人次）", f"{row.volunteer_records}", "本学期家长志愿服务记录数"),
                ("志愿时长（小时）", widgets.hours(row.volunteer_hours), "已确认的志愿服务时长"),
            ]
        )
    st.stop()

snap = data.school_snapshot(user.school_id, period)
widgets.figure_cards(
    [
        ("在校学生", f"{snap.students:,}", "本学期在籍学生"),
        ("班级", f"{snap.classes}", "本学年班级数"),
        ("本学期沟通记录", f"{snap.communications:,}", "含全班通知，每条记录计一次"),
        ("本学期家访（次）", f"{snap.home_visits:,}", "本学期家访记录数"),
        ("志愿服务（人次）", f"{snap.volunteer_records:,}", "本学期家长志愿服务记录数"),
        ("志愿时长（小时）", widgets.hours(snap.volunteer_hours), "已确认的志愿服务时长"),
        ("协同活动（场）", f"{snap.activities}", "本学期已开展的家校社协同活动"),
        ("待答复家长诉求（件）", f"{snap.open_requests}", "本学期收到、尚未答复"),
    ]
)
st.subheader("各年级本学期情况")
widgets.table(
    data.grade_snapshot(user.school_id, period),
    ["grade_level", "classes", "students", "communications", "visited_students", "volunteer_hours"],
)
