"""合规: the school's 工作要求 (设置 → 工作要求) checked for a term: for the school or a grade, then per class, with the
students behind each rule for those who may see names, and each rule's history across terms (hxgy.compliance)."""

import streamlit as st

from hxgy import compliance, config, ui
from hxgy.glossary import grade_name
from hxgy.metrics.roster import ClassFilter
from hxgy.ui import compliance as view
from hxgy.ui import data, widgets

user = ui.guard("compliance")

st.title("合规")
st.caption(
    "按学校的工作要求（设置 → 工作要求）逐项检查：达标、未达标，或未到期（学期尚未结束、仍可达到）。"
    "上门家访只计“计入上门家访”的沟通方式；关爱学生按月检查；家长学校按户统计到场。"
)
forms_now = config.now().replace(minute=0, second=0, microsecond=0)
terms = data.school_terms(user.school_id)
if not terms:
    st.info("学校尚未设置学期。请管理员在设置中添加学年和学期。")
    st.stop()
names = dict(terms)
left, right = st.columns(2)
term_id = widgets.term_picker(
    left, [t for t, _ in reversed(terms)], names, data.current_term_id(user.school_id), key="compliance-term"
)
period = data.period_for_term(term_id)
if period.start > data.today():
    st.info(f"{period.label}尚未开始。")
    st.stop()
with data.read_session() as session:
    visible = compliance.visible_classes(session, user, on_day=min(data.today(), period.full_end or period.end))
classes = [(cid, name, grade) for cid, name, grade in data.classes_of_year(user.school_id, period.school_year_id)]
if visible is not None:
    classes = [c for c in classes if c[0] in visible]
    if not classes:
        st.info("您在所选学年没有担任班主任的班级；合规只显示您担任班主任的班级。")
        st.stop()
scopes: dict[str, ClassFilter] = {}
if visible is None:
    scopes["全校"] = ClassFilter(user.school_id)
    for grade in sorted({g for _, _, g in classes}):
        scopes[grade_name(grade)] = ClassFilter(user.school_id, grade)
for cid, name, _ in classes:
    scopes[name] = ClassFilter(user.school_id, None, (cid,))
chosen = right.selectbox("范围", list(scopes), key="compliance-scope")
classes_in_view = scopes[chosen]
class_names = {cid: name for cid, name, _ in classes}

results = data.compliance_results(period, classes_in_view, forms_now)
whole = [r for r in results if r.class_id is None]
limit = data.response_limit_hours(user.school_id)
st.subheader(f"{chosen} · {period.label}")
if not whole:
    st.info("没有启用的工作要求。请在设置 → 工作要求中启用。")
    st.stop()
st.markdown(view.headline(whole))
view.summary(whole, limit, running=period.in_progress)

if classes_in_view.class_ids is None:
    st.subheader("各班情况")
    view.class_grid(results, class_names)

st.subheader("尚未达到的学生和家庭")
behind = [r for r in whole if r.behind]
if not behind:
    st.caption("各项要求的对象都已达到。")
for result in behind:
    with st.expander(f"{result.rule.label}：{view.progress_text(result, period.in_progress)}"):
        view.names_behind(user, result, period, classes_in_view, chosen)

st.subheader("历年情况")
st.caption("每个学期按同一批学生（往年为他们当时所在的班级）检查当前的工作要求；关爱学生按学生现在的关爱类别统计。")
view.history(data.compliance_history(period, classes_in_view, forms_now))
