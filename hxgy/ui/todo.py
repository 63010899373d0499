"""From a 待办 item to its form in one tap: the choice travels in st.session_state (never in the URL, which would
carry a child), the form page takes it before drawing its widgets, and a 家访 saved from 待办 goes back to 待办
(from 学生档案: back to 学生档案, on the same student).

待办 (pages/todo.py) calls ``open_contact`` / ``open_request`` / ``open_volunteer`` / ``open_moral``; 记录沟通,
家长诉求 and 志愿登记 call ``take_contact`` / ``take_request`` / ``take_volunteer`` first.
"""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from hxgy import todo
from hxgy.auth import SchoolUser
from hxgy.ui import data

TODO_PAGE = "pages/todo.py"
_CONTACT = "_hxgy_todo_contact"  # (class id, student id or None) for 记录沟通
_RETURN = "_hxgy_todo_return"  # (student id, page, label): the contact that, once saved, brings the user back
_REQUEST = "_hxgy_todo_request"  # the request to answer on 家长诉求
_VOLUNTEER = "_hxgy_todo_volunteer"  # the class whose hours wait on 志愿登记
_FLASH = "_hxgy_flash"  # hxgy.ui.entry.flash's message, shown once by the next page (forms.show_flash)


def open_contact(
    class_id: int, student_id: int | None, *, back_to: str = TODO_PAGE, back_label: str = "返回待办"
) -> NoReturn:
    """记录沟通 with this class and student chosen, and 家访 as the way (no student: the class only).

    Once that student's contact is saved, the user goes back to ``back_to`` (待办, or 学生档案 on the same student),
    and the form offers a ``back_label`` link there until then.
    """
    st.session_state[_CONTACT] = (class_id, student_id, back_to, back_label)
    st.switch_page("pages/log_contact.py")


def open_request(request_id: int) -> NoReturn:
    """家长诉求 with this request chosen for the reply."""
    st.session_state[_REQUEST] = request_id
    st.switch_page("pages/request_entry.py")


def open_volunteer(class_id: int) -> NoReturn:
    """志愿登记 on this class, whose hours wait for confirmation."""
    st.session_state[_VOLUNTEER] = class_id
    st.switch_page("pages/volunteer_entry.py")


def open_moral() -> NoReturn:
    """德育评分."""
    st.switch_page("pages/moral_entry.py")


def take_contact(user: SchoolUser, *, class_key: str, student_key: str, channel_key: str, whole_key: str) -> None:
    """On 记录沟通, before its widgets: choose the class, the student and 家访 that 待办 sent (if the user may).

    The class is chosen now; the student and the way once the page knows the class's students and channels
    (``choose_student``).
    """
    choice = st.session_state.pop(_CONTACT, None)
    if choice is None:
        return
    class_id, student_id, back_to, back_label = choice
    if class_id not in dict(data.writable_classes(user)):
        return
    st.session_state[class_key] = class_id
    st.session_state[whole_key] = False
    st.session_state["_hxgy_todo_pending"] = (class_id, student_id, student_key, channel_key, back_to, back_label)


def choose_student(user: SchoolUser, class_id: int, students: list[tuple[int, str]], channel_ids: list[int]) -> None:
    """After the class's students and the ways are known: choose 待办's student and 家访 (each if offered)."""
    pending = st.session_state.pop("_hxgy_todo_pending", None)
    if pending is None or pending[0] != class_id:
        return
    _class_id, student_id, student_key, channel_key, back_to, back_label = pending
    with data.read_session() as session:
        visit = todo.home_visit_channel(session, user.school_id)
    if visit in channel_ids:
        st.session_state[channel_key] = visit
    if student_id in dict(students):
        st.session_state[student_key] = student_id
        st.session_state[_RETURN] = (student_id, back_to, back_label)


def back_link() -> tuple[str, str] | None:
    """The page (and its link's label) a save of the family sent here brings the user back to; None: stay."""
    back = st.session_state.get(_RETURN)
    return None if back is None else (back[1], back[2])


def back_after_save(student_id: int | None, message: str) -> None:
    """After a contact was saved: back to the page that sent this family (待办 or 学生档案) with ``message``."""
    back = st.session_state.get(_RETURN)
    if student_id is None or back is None or back[0] != student_id:
        return
    st.session_state.pop(_RETURN, None)
    st.session_state[_FLASH] = message
    st.switch_page(back[1])


def take_request(*, term_key: str, pick_key: str) -> int | None:
    """On 家长诉求, before the 学期 box: choose 待办's request, in every term (it may be of an earlier one).

    The request chosen, or None; the page drops the choice if the request is no longer waiting.
    """
    request_id = st.session_state.pop(_REQUEST, None)
    if request_id is not None:
        st.session_state[term_key] = None  # every term
        st.session_state[pick_key] = request_id
    return request_id


def take_volunteer(user: SchoolUser, *, class_key: str) -> bool:
    """On 志愿登记, before the class box: 待办's class chosen (if the user may write for it). True when chosen."""
    class_id = st.session_state.pop(_VOLUNTEER, None)
    if class_id is None or class_id not in dict(data.writable_classes(user)):
        return False
    st.session_state[class_key] = class_id
    return True
