"""学生档案 (pages/student.py): find a student, then their family's whole story, newest first, for a phone.

What the user may see is decided by hxgy.privacy.story_access (names' classes, 德育 by the grid's rule, flags,
masked phones); this module only draws it. The student travels in st.session_state, never in the URL: another page
opens one with ``open_student``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import NoReturn, TypeVar

import streamlit as st

from hxgy import rights
from hxgy.auth import SchoolUser
from hxgy.entry.rules import WriteRefused
from hxgy.formats import number
from hxgy.privacy import story_access
from hxgy.privacy.story import Contact, Request, Story, TermScores, VolunteerHours
from hxgy.ui import data
from hxgy.ui import entry as forms
from hxgy.ui.widgets import plain

PAGE = "pages/student.py"
_OPEN = "_hxgy_student_open"  # a student another page asked to show
_SHOWN = "_hxgy_student_shown"  # the student on screen when no search is typed
_VIEWED = "_hxgy_students_viewed"  # students whose opening is already in the audit log (one entry a session)
SEARCH_KEY = "student-search"
FIRST = 10  # items of a section shown before "更早的 N 条"
T = TypeVar("T")


def open_student(student_id: int) -> NoReturn:
    """Open the 学生档案 on this student (kept in the session, not in the address)."""
    st.session_state[_OPEN] = student_id
    st.switch_page(PAGE)


def student_page(user: SchoolUser) -> None:
    """The search box, then the chosen student's story."""
    forms.show_flash()  # 记录沟通 opened from here comes back with its message
    opened = st.session_state.pop(_OPEN, None)
    if opened is not None:
        st.session_state[_SHOWN] = opened
        st.session_state[SEARCH_KEY] = ""
    today = data.today()
    student_id = _search(user, today)
    if student_id is None:
        return
    story = _story(user, student_id, today)
    if story is None:
        return
    _header(user, story, today)
    left, right = st.columns(2, gap="large")  # one column after the other on a phone, in this order
    with left:
        _classes(story)
        _contacts(story)
        _requests(story)
    with right:
        _volunteering(story)
        _moral(story)


def _search(user: SchoolUser, today: date) -> int | None:
    school_wide = rights.school_wide(user.role, rights.Action.VIEW_NAMES)
    where = "全校学生" if school_wide else "本学年您任教班级的学生"
    text = st.text_input(
        "查找学生（姓名或学号）", key=SEARCH_KEY, max_chars=40, placeholder=f"输入姓名或学号，查找{where}"
    )
    if not text.strip():
        shown = st.session_state.get(_SHOWN)
        if shown is None:
            st.caption(f"可查找{where}：班级经历、沟通记录、家长诉求、志愿服务和德育评价。每次查看都记入操作日志。")
        return shown
    with data.read_session() as session:
        found = story_access.find_students(session, user, text, today=today)
    if not found:
        st.info(f"没有找到姓名或学号包含“{text.strip()}”的{where}。")
        return None
    labels = {s.id: s.label(today) for s in found}
    chosen = forms.choose("学生", labels, key="student-pick")
    st.session_state[_SHOWN] = chosen
    return chosen


def _story(user: SchoolUser, student_id: int, today: date) -> Story | None:
    """The story as the user may see it; the first opening in this session is written to the audit log."""
    viewed: set[int] = st.session_state.setdefault(_VIEWED, set())
    if student_id not in viewed:
        ok, story = forms.record_view(lambda session: story_access.open_story(session, user, student_id, today=today))
        if not ok or story is None:
            st.session_state.pop(_SHOWN, None)
            return None
        viewed.add(student_id)
        return story
    try:
        with data.read_session() as session:
            return story_access.open_story(session, user, student_id, today=today, record=False)
    except WriteRefused as refused:  # the user's classes changed since the first opening
        st.error(str(refused))
        return None


def _header(user: SchoolUser, story: Story, today: date) -> None:
    status = story.status
    with st.container(border=True):
        st.subheader(status.name)
        now = story.class_on(today)
        where = now.class_name if now else (status.last_class or "无在班记录")
        st.markdown(f"学号 {plain(status.student_no)} · {plain(where)} · {plain(status.state(today))}")
        if story.flags is not None:
            labels = story.flags.labels()
            st.markdown(" ".join(f":red-badge[{label}]" for label in labels) if labels else "特殊情况标记：无")
        for g in story.guardians:
            role = "、".join(part for part in (g.relation, "主要联系人" if g.is_primary else "") if part)
            phone = f" · {g.phone}" if g.phone else ""
            st.markdown(f"{plain(g.name)}" + (f"（{plain(role)}）" if role else "") + plain(phone))
        if not story.guardians:
            st.caption("没有登记监护人。")
        with data.read_session() as session:
            class_id = story_access.contact_class(session, user, story, today=today)
        if class_id is not None:
            _contact_button(class_id, status.id)


def _contact_button(class_id: int, student_id: int) -> None:
    from hxgy.ui import todo

    if st.button("记录沟通", icon=":material/edit_note:", key="student-log-contact", type="primary"):
        todo.open_contact(class_id, student_id, back_to=PAGE, back_label="返回学生档案")


def _newest_first(items: Sequence[T], draw: Callable[[T], None], *, empty: str) -> None:
    """The items newest first: the first FIRST shown, the rest under 更早的 N 条."""
    if not items:
        st.caption(empty)
        return
    ordered = list(reversed(items))
    for item in ordered[:FIRST]:
        draw(item)
    if len(ordered) > FIRST:
        with st.expander(f"更早的 {len(ordered) - FIRST} 条"):
            for item in ordered[FIRST:]:
                draw(item)


def _item(title: str, lines: Sequence[str]) -> None:
    """One record: a bold first line, then its details (Markdown already escaped)."""
    with st.container(border=True, gap="xxsmall"):
        st.markdown(title)
        for line in lines:
            if line:
                st.markdown(line)


def _classes(story: Story) -> None:
    st.subheader("班级经历")
    if not story.classes:
        st.caption("没有在班记录。")
    for stay in reversed(story.classes):
        st.markdown(
            f"**{plain(stay.class_name)}** · {plain(stay.school_year)}  \n"
            f"{stay.start:%Y-%m-%d} 至 {stay.last_day:%Y-%m-%d}"
        )


def _contacts(story: Story) -> None:
    st.subheader(f"沟通记录（{len(story.contacts)} 条）")
    st.caption("只列与该生本人有关的记录；面向全班的通知（班级群、家长会等）不在此列。")

    def draw(c: Contact) -> None:
        badge = " :orange-badge[需跟进]" if c.follow_up else ""
        minutes = f"{c.duration_min} 分钟" if c.duration_min else ""
        details = " · ".join(part for part in (c.class_name, c.staff, c.direction, c.topic, minutes) if part)
        _item(f"**{c.day:%Y-%m-%d} · {plain(c.channel)}**{badge}", [plain(details), plain(c.summary)])

    _newest_first(story.contacts, draw, empty="还没有与该生有关的沟通记录。")


def _requests(story: Story) -> None:
    st.subheader(f"家长诉求（{len(story.requests)} 条）")

    def draw(r: Request) -> None:
        badge = "" if r.replied_at else " :red-badge[未答复]"
        details = " · ".join(part for part in (r.class_name, r.guardian, r.channel, r.category) if part)
        reply = f"答复（{r.replied_at:%Y-%m-%d %H:%M}）：{plain(r.reply) or '—'}" if r.replied_at else ""
        _item(f"**{r.received_at:%Y-%m-%d %H:%M}**{badge}", [plain(details), plain(r.content), reply])

    _newest_first(story.requests, draw, empty="该家庭没有诉求记录。")


def _volunteering(story: Story) -> None:
    st.subheader(f"志愿服务（{len(story.volunteering)} 条）")
    waiting = sum(1 for v in story.volunteering if not v.confirmed)
    if story.volunteering:
        st.caption(
            f"已确认 {number(story.confirmed_hours)} 小时"
            + (f"，待确认 {waiting} 条（确认后才计入）" if waiting else "")
        )

    def draw(v: VolunteerHours) -> None:
        badge = "" if v.confirmed else " :gray-badge[待确认]"
        title = f"**{v.day:%Y-%m-%d} · {plain(v.activity)} · {number(v.hours)} 小时**{badge}"
        _item(title, [plain(f"{v.guardian} · {v.class_name}"), plain(v.note)])

    _newest_first(story.volunteering, draw, empty="该家庭的监护人没有志愿服务记录。")


def _moral(story: Story) -> None:
    st.subheader("德育评价")
    if story.hidden_terms:
        st.caption(
            f"另有 {story.hidden_terms} 个学期的评分是在您未任教的班级评的，不在此显示"
            "（个人分数只给能录入该班评分的老师和学校管理人员看）。"
        )

    def draw(t: TermScores) -> None:
        lines = [f"括号内依次为{'、'.join(plain(r) for r in t.raters)}"]
        for d in t.dimensions:
            given = dict(d.ratings)
            each = " / ".join(number(given[r]) if r in given else "—" for r in t.raters)
            lines.append(f"{plain(d.dimension)} **{number(d.score)}**（{each}）")
        _item(f"**{plain(t.term)}** · {plain(t.class_name)}  \n总评 **{number(t.total)}** · {plain(t.level)}", lines)

    _newest_first(story.terms, draw, empty="没有可显示的德育评分。")
    if story.terms:
        st.caption("各维度为各评价主体分数的加权平均（缺少的评价主体不计，权重按比例放大），总评为各维度的平均。")
