"""待办: what is due in my classes, most urgent first, one tap from each item to its form (phone first)."""

from collections.abc import Sequence

import streamlit as st

from hxgy import config, rights, todo, ui
from hxgy.todo import KIND_LABELS, TodoItem
from hxgy.ui import data
from hxgy.ui import entry as forms
from hxgy.ui import todo as links
from hxgy.ui.widgets import plain

user = ui.guard("todo")
# A head or subject teacher lands here: parent requests waiting for a reply (time left, overdue in red), 德育 grids
# to finish near term end, the families nobody has contacted or visited this term (one tap opens 记录沟通 with the
# student and 家访 chosen), volunteer hours to confirm. The principal, the dean and the admin see the whole school
# grouped by class and 班主任. What is due comes from hxgy.todo; the page only draws it.

# big rows a thumb can hit on a phone; the text of a row starts at its left edge
st.html(
    """<style>
[class*="st-key-todo-go-"] button { min-height: 3.25rem; justify-content: flex-start; text-align: left; }
[class*="st-key-todo-go-"] button div { justify-content: flex-start; text-align: left; }
[class*="st-key-todo-go-"] button p { white-space: normal; text-align: left; }
</style>"""
)

st.title("待办")
forms.show_flash()
with data.read_session() as session:
    items = todo.items_for(session, user, now=config.now())
whole_school = rights.school_wide(user.role, rights.Action.VIEW_NAMES)


def _time_left(item: TodoItem) -> str:
    """The request's time before (or past) its limit, red when overdue."""
    return f":red[**{plain(item.time_left)}**]" if item.overdue else f"**{plain(item.time_left)}**"


def _summary(found: Sequence[TodoItem]) -> None:
    counted = todo.counts(found)
    overdue = sum(1 for i in found if i.kind == "request" and i.overdue)
    parts = [f"{KIND_LABELS[k]} **{n}**" for k, n in counted.items() if n]
    if overdue:
        parts[0] += f"（:red[已超时 {overdue}]）"
    st.markdown(" · ".join(parts))


def _requests(found: Sequence[TodoItem], *, key: str) -> None:
    for item in found:
        label = f"{plain(item.title)}  \n{_time_left(item)} · {plain(item.detail)}"
        if st.button(label, key=f"todo-go-request-{key}-{item.record_id}", width="stretch", icon=":material/mail:"):
            links.open_request(int(item.record_id or 0))


def _family(item: TodoItem, *, key: str) -> None:
    guardian = " ".join(part for part in (item.guardian_name, item.guardian_phone) if part)
    label = plain(item.title) + (f" · {plain(guardian)}" if guardian else "")
    if st.button(label, key=f"todo-go-family-{key}-{item.student_id}", width="stretch", icon=":material/home:"):
        links.open_contact(int(item.class_id or 0), item.student_id)


def _families(found: Sequence[TodoItem], kind: str, *, key: str) -> None:
    mine = [i for i in found if i.kind == kind]
    if not mine:
        return
    st.subheader(f"{KIND_LABELS[kind]}（{len(mine)} 户）")
    for class_text in dict.fromkeys(i.group_text for i in mine):
        st.caption(plain(class_text))
        for item in (i for i in mine if i.group_text == class_text):
            _family(item, key=key)


def _moral(found: Sequence[TodoItem], *, key: str) -> None:
    for item in found:
        label = f"{plain(item.title)}  \n{plain(item.detail)}"
        if st.button(label, key=f"todo-go-moral-{key}-{item.class_id}", width="stretch", icon=":material/grading:"):
            links.open_moral()


def _volunteers(found: Sequence[TodoItem], *, key: str) -> None:
    for class_id in dict.fromkeys(i.class_id for i in found):
        first = next(i for i in found if i.class_id == class_id)
        label = plain(first.group_text) + " · 去确认"
        if st.button(label, key=f"todo-go-hours-{key}-{class_id}", width="stretch", icon=":material/schedule:"):
            links.open_volunteer(int(class_id or 0))


def _of(found: Sequence[TodoItem], kind: str) -> list[TodoItem]:
    return [i for i in found if i.kind == kind]


def my_list(found: Sequence[TodoItem]) -> None:
    """One teacher's list, most urgent first: requests, grids, families, hours."""
    if requests := _of(found, "request"):
        st.subheader(f"{KIND_LABELS['request']}（{len(requests)} 件）")
        st.caption(f"学校要求 {data.response_limit_hours(user.school_id)} 小时内答复，点一件去答复。")
        _requests(requests, key="me")
    if grids := _of(found, "moral_grid"):
        st.subheader(KIND_LABELS["moral_grid"])
        _moral(grids, key="me")
    if _of(found, "not_contacted") or _of(found, "not_visited"):
        st.caption("点一户即打开“记录沟通”，已选好学生和家访，核对后点保存。")
    _families(found, "not_contacted", key="me")
    _families(found, "not_visited", key="me")
    if hours := _of(found, "volunteer_confirm"):
        st.subheader(f"{KIND_LABELS['volunteer_confirm']}（{len(hours)} 条）")
        _volunteers(hours, key="me")


def school_list(found: Sequence[TodoItem]) -> None:
    """The whole school, a class (and its 班主任) an expander, the class with the most urgent item first."""
    st.caption("按班级分组，最急的班级在前；展开一个班查看。")
    for class_id in dict.fromkeys(i.class_id for i in found):
        mine = [i for i in found if i.class_id == class_id]
        first = mine[0]
        teacher = f"（班主任 {first.teacher}）" if first.teacher else ""
        late = sum(1 for i in mine if i.overdue)
        label = f"{first.class_name}{teacher} · {len(mine)} 项" + (f" · 已超时 {late}" if late else "")
        key = "school" if class_id is None else str(class_id)
        with st.expander(label, icon=":material/warning:" if late else None):
            for line in dict.fromkeys(i.group_text for i in mine):
                st.markdown(f"- {plain(line)}")
            _requests(_of(mine, "request"), key=key)
            _moral(_of(mine, "moral_grid"), key=key)
            families = _of(mine, "not_contacted") + _of(mine, "not_visited")
            if families:
                names = "；".join(
                    plain(" ".join(p for p in (i.title, i.guardian_name, i.guardian_phone) if p)) for i in families
                )
                st.caption(f"尚未沟通或家访：{names}")
                if st.button(
                    f"为{first.class_name}记录沟通",
                    key=f"todo-go-contact-{key}",
                    width="stretch",
                    icon=":material/edit_note:",
                ):
                    links.open_contact(int(class_id or 0), None)
            _volunteers(_of(mine, "volunteer_confirm"), key=key)


if not items:
    st.success("暂无待办：没有待答复的家长诉求，本学期的家庭都已沟通和家访，也没有待确认的志愿时长。")
    st.stop()
_summary(items)
if whole_school:
    school_list(items)
else:
    my_list(items)
