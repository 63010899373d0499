"""学期报告: draft the term's 家校社协同育人工作情况报告 (Word) from the data, then download and edit it."""

import streamlit as st

from hxgy import report, ui
from hxgy.glossary import grade_name
from hxgy.ui import data, entry, widgets
from hxgy.ui import report as drafting

user = ui.guard("report")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RESULT_KEY = "_hxgy_report"  # the last report drafted in this session, with the choice it was drafted for

st.title("学期报告")
st.caption(
    "根据平台数据起草本学期家校社协同育人工作情况报告（Word）：各项指标及计算基数、与上学期和去年同期的比较、"
    "目标达成、图表、家委会与荣誉、下一步需要关注的事项和各班指标明细，以及学校撰写的工作举措、典型案例、"
    "工作计划和落款。报告只含班级和全校的汇总数字，不含学生姓名；下载后可直接修改。"
)

terms = data.school_terms(user.school_id)
if not terms:
    st.info("学校尚未设置学期。请管理员在设置中添加学年和学期。")
    st.stop()
names = dict(terms)
options = [term_id for term_id, _ in reversed(terms)]
default = drafting.default_term_id(user.school_id)
left, right = st.columns(2)
term_id = widgets.term_picker(left, options, names, default, key="report-term", help="默认为最近一个已结束的学期。")
period = data.period_for_term(term_id)
grades = sorted({grade for _, _, grade in data.classes_of_year(user.school_id, period.school_year_id)})
grade = right.selectbox(
    "范围",
    [None, *grades],
    format_func=lambda g: "全校" if g is None else grade_name(g),
    key="report-grade",
    placeholder="全校",
)
if period.in_progress:
    st.caption("该学期尚未结束：报告统计到今天，并与上学期同期比较。")

entry.show_flash()
with st.expander("报告文字：标题、工作举措与成效、典型案例、下一步工作计划、落款", icon=":material/edit_note:"):
    drafting.text_editor(user, term_id, names[term_id])
with st.expander("本学期荣誉", icon=":material/military_tech:"):
    drafting.honours_editor(user, term_id, names[term_id])

if st.button("生成报告", type="primary", key="report-make"):
    try:
        drafted = drafting.generate(user.school_id, term_id, grade)
    except report.ReportError as exc:
        st.error(f"无法生成报告：{exc}")
        st.stop()
    st.session_state[RESULT_KEY] = ((term_id, grade), drafted)

kept = st.session_state.get(RESULT_KEY)
if kept is None or kept[0] != (term_id, grade):
    st.info("选择学期和范围后，点击“生成报告”。生成约需十秒（图表较多）。")
    st.stop()
made: report.Report = kept[1]
st.download_button(
    "下载 Word 报告",
    data=made.data,
    file_name=made.file_name,
    mime=DOCX,
    icon=":material/download:",
    key="report-download",
)
st.caption(f"文件名：{made.file_name}")


st.subheader("预览")
with st.container(border=True):
    drafting.preview(made.draft)
