"""德育评分: one grid per class, term and rater — a row per student, a column per dimension."""

import streamlit as st

from hxgy import ui
from hxgy.entry import moral_grid
from hxgy.ui import data
from hxgy.ui import entry as forms

user = ui.guard("moral_entry")

st.title("德育评分")
forms.show_flash()
classes = forms.classes_or_stop(user)
scheme = data.moral_scheme(user.school_id)
if not scheme.dimensions or not scheme.raters:
    st.info("学校尚未设置德育评价维度或评价主体。")
    st.stop()
left, middle, right = st.columns(3)
with left:
    class_id = forms.pick("班级", classes, key="moral-class")
with middle:
    term_id = forms.pick_term("学期", data.school_terms(user.school_id), data.current_term_id(user.school_id))
with right:
    raters = {r_id: f"{name}（权重 {weight:g}）" for r_id, _code, name, weight in scheme.raters}
    rater_id = forms.choose("评价主体", raters, key="moral-rater")
if class_id is None or rater_id is None:
    st.stop()
grid = moral_grid.Grid(class_id, term_id, rater_id)

viewed = st.session_state.setdefault("_hxgy_grids_viewed", set())  # one audit entry per grid and session
if grid in viewed:
    with data.read_session() as session:
        stored = moral_grid.grid_for(session, class_id=grid.class_id, term_id=grid.term_id, rater_id=grid.rater_id)
else:
    ok, opened = forms.record_view(
        lambda session: moral_grid.open_grid(
            session, user, class_id=grid.class_id, term_id=grid.term_id, rater_id=grid.rater_id
        )
    )
    if not ok or opened is None:
        st.stop()
    stored = opened
    viewed.add(grid)
if stored.empty:
    st.info("该班级在这个学期没有学生。")
    st.stop()
dimension_ids = {name: d_id for d_id, _code, name in scheme.dimensions}
st.caption("每格 0–100 分；清空一格即删除该分数。改完后点“保存全部”，一次保存整张表。")
edited = st.data_editor(
    stored,
    hide_index=True,
    width="stretch",
    disabled=["student_id", "学号", "姓名"],
    column_config={
        "student_id": None,
        **{name: st.column_config.NumberColumn(name, min_value=0, max_value=100, step=0.5) for name in dimension_ids},
    },
    key=f"moral-grid-{class_id}-{term_id}-{rater_id}",
    placeholder="",  # a cell without a score is blank, ready to type in
)
changes = moral_grid.changed_cells(stored, edited, dimension_ids)
st.caption(f"尚未保存的修改：{len(changes)} 格")
if st.button("保存全部", type="primary", disabled=not changes, key="moral-save"):
    ok, result = forms.save(
        lambda session: moral_grid.save_grid(
            session,
            user,
            class_id=grid.class_id,
            term_id=grid.term_id,
            rater_id=grid.rater_id,
            scores=changes,
            today=data.today(),
        )
    )
    if ok and result is not None:
        st.session_state.pop(f"moral-grid-{class_id}-{term_id}-{rater_id}", None)
        forms.flash(
            f"已保存：新增 {result.added} 格，修改 {result.changed} 格，清除 {result.cleared} 格。德育评价页已更新。"
        )
