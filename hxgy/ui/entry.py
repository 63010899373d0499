"""Shared pieces of the entry pages: one submission key per form, saving with clear messages, pickers."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry.rules import InvalidEntry, WriteRefused
from hxgy.queries import entry as entry_queries
from hxgy.ui import data
from hxgy.ui.gate import db_write

T = TypeVar("T")


def submission_key(form: str) -> str:
    """The key of the form as shown now: a double click or a rerun sends the same key, so saves once."""
    name = f"_hxgy_submission_{form}"
    if name not in st.session_state:
        st.session_state[name] = uuid.uuid4().hex
    return st.session_state[name]


def next_submission(form: str) -> None:
    """After a save, the form shows a fresh key for the next record."""
    st.session_state.pop(f"_hxgy_submission_{form}", None)


def save(action: Callable[[Session], T]) -> tuple[bool, T | None]:
    """Run a write in one transaction: (True, its result), or (False, None) with what went wrong shown in Chinese.

    A LikelyDuplicate goes up to the page, which asks before saving again. Caches are cleared after a save.
    """
    try:
        with db_write() as session:
            result = action(session)
    except InvalidEntry as problems:
        lines = "\n".join(f"- **{p.field}**：{p.message}" for p in problems.problems)
        st.error("未保存，请修改以下内容：\n\n" + lines)
        return False, None
    except WriteRefused as refused:
        st.error(str(refused))
        return False, None
    data.clear_caches()
    return True, result


def pick(label: str, options: Sequence[tuple[int, str]], *, key: str, index: int | None = 0, **kwargs) -> int | None:
    """A selectbox over (id, name) pairs that returns the id (type to search)."""
    names = dict(options)
    return st.selectbox(label, list(names), index=index if names else None, format_func=names.get, key=key, **kwargs)


def flash(message: str) -> None:
    """Show a message after the rerun that brings the page up to date with the save."""
    st.session_state["_hxgy_flash"] = message
    st.rerun()


def show_flash() -> None:
    """The message of the last save, once."""
    if message := st.session_state.pop("_hxgy_flash", None):
        st.success(message)


def index_of(options: Sequence[int], value: object) -> int:
    """Where a stored id sits among a selectbox's options (0 when it is missing, None or NaN)."""
    try:
        return list(options).index(int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def classes_or_stop(user: CurrentUser) -> list[tuple[int, str]]:
    """The classes the user may enter records for this school year; a note and stop when there are none."""
    classes = data.writable_classes(user)
    if not classes:
        st.info("您本学年没有可登记的班级。")
        st.stop()
    return classes


def backlog_term(school_id: int, today: date, *, key: str) -> int | None:
    """The 学期 box above a backlog (待确认, 待答复): the school's begun terms, this term first chosen."""
    with data.read_session() as session:
        term_options, first_term = entry_queries.backlog_terms(session, school_id, today)
    names = dict(term_options)
    return st.selectbox(
        "学期",
        list(names),
        index=list(names).index(first_term) if first_term in names else None,
        format_func=names.get,
        key=key,
        placeholder="请选择学期…",
    )
