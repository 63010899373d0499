"""Shared pieces of the entry pages: one submission key per form, saving with clear messages, pickers.

Every write of a page is a function of ``hxgy.entry`` run here (``save``, ``record_view``, ``write``): one
transaction opened by ``hxgy.db.run_write``, which runs it again after lock contention.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol, SupportsInt, TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.auth import CurrentUser, SchoolUser
from hxgy.entry.rules import InvalidEntry, WriteRefused
from hxgy.queries import entry as entry_queries
from hxgy.ui import data

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
E = TypeVar("E")
E_contra = TypeVar("E_contra", contravariant=True)


class SavedOnce(Protocol):
    """What saving a form's new record returns (hxgy.entry.saving.Saved)."""

    @property
    def created(self) -> bool:
        """False when the same submission key had saved it already."""
        ...


class Recorder(Protocol[E_contra]):
    """A function of hxgy.entry.records that saves a form's new record once per submission key
    (record_request, record_volunteering, record_activity)."""

    def __call__(
        self, session: Session, user: CurrentUser, entry: E_contra, /, *, today: date, submission_key: str
    ) -> SavedOnce: ...


def submission_key(form: str) -> str:
    """The key of the form as shown now: a double click or a rerun sends the same key, so saves once."""
    name = f"_hxgy_submission_{form}"
    if name not in st.session_state:
        st.session_state[name] = uuid.uuid4().hex
    return st.session_state[name]


def next_submission(form: str) -> None:
    """After a save, the form shows a fresh key for the next record."""
    st.session_state.pop(f"_hxgy_submission_{form}", None)


def write(action: Callable[[Session], T]) -> T:
    """Run a write of ``hxgy.entry`` in one transaction and return its result; its errors go up to the page."""
    return db.run_write(action, data.engine())  # lock contention: the keyed write runs again


def save_once(form: str, action: Callable[[Session, str], SavedOnce], *, done: str, again: str) -> None:
    """Save a form's new record under the form's submission key (a double click saves it once) and flash ``done``,
    or ``again`` when the key had saved it already; the form then gets a fresh key for the next record."""
    key = submission_key(form)
    ok, saved = save(lambda session: action(session, key))
    if ok and saved is not None:
        next_submission(form)
        flash(done if saved.created else again)


def save_entry(
    form: str, record: Recorder[E], user: CurrentUser, entry: E, *, today: date, done: str, again: str
) -> None:
    """Save the entry a form filled in with ``record`` (e.g. records.record_request) once per submission key, as
    ``save_once`` does: ``done`` after the save, ``again`` when the key had saved it already."""
    save_once(
        form, lambda session, key: record(session, user, entry, today=today, submission_key=key), done=done, again=again
    )


def record_view(action: Callable[[Session], T]) -> tuple[bool, T | None]:
    """Run a read that is written to the audit log (德育评分 opened): (True, its result), or (False, None) with the
    refusal shown in Chinese. Nothing changes, so the cached figures stay."""
    try:
        return True, write(action)
    except WriteRefused as refused:
        st.error(str(refused))
        return False, None


def save(action: Callable[[Session], T]) -> tuple[bool, T | None]:
    """Run a write in one transaction: (True, its result), or (False, None) with what went wrong shown in Chinese.

    A LikelyDuplicate goes up to the page, which asks before saving again. After a save the next reads see it
    (data.see_changes: only what the write changed is read again).
    """
    try:
        result = write(action)
    except InvalidEntry as problems:
        lines = "\n".join(f"- **{p.field}**：{p.message}" for p in problems.problems)
        st.error("未保存，请修改以下内容：\n\n" + lines)
        return False, None
    except WriteRefused as refused:
        st.error(str(refused))
        return False, None
    data.see_changes()
    return True, result


def choose(label: str, names: Mapping[K, str], *, index: int | None = 0, **kwargs: Any) -> K | None:
    """A selectbox over a mapping of value → name that returns the value (None when there is none to choose)."""
    options = list(names)
    if index is None or not options:
        return st.selectbox(label, options, index=None, format_func=names.__getitem__, **kwargs)
    return st.selectbox(label, options, index=index, format_func=names.__getitem__, **kwargs)


def choose_one(label: str, names: Mapping[K, str], **kwargs: Any) -> K:
    """A selectbox over a non-empty mapping, the first chosen; the page stops when there is nothing to choose."""
    chosen = choose(label, names, **kwargs)
    if chosen is None:
        st.stop()
    return chosen


def pick(
    label: str, options: Sequence[tuple[int, str]], *, key: str, index: int | None = 0, **kwargs: Any
) -> int | None:
    """A selectbox over (id, name) pairs that returns the id (type to search)."""
    return choose(label, dict(options), index=index, key=key, **kwargs)


def pick_term(label: str, terms: Sequence[tuple[int, str]], current: int | None, **kwargs: Any) -> int:
    """A 学期 box, latest first, the current term chosen (else the latest); the page stops without terms."""
    names = dict(reversed(list(terms)))
    ids = list(names)
    return choose_one(label, names, index=ids.index(current) if current in ids else 0, **kwargs)


def flash(message: str) -> None:
    """Show a message after the rerun that brings the page up to date with the save."""
    st.session_state["_hxgy_flash"] = message
    st.rerun()


def show_flash() -> None:
    """The message of the last save, once."""
    if message := st.session_state.pop("_hxgy_flash", None):
        st.success(message)


def index_of(options: Iterable[int], value: object) -> int:
    """Where a stored id sits among a selectbox's options (0 when it is missing, None or NaN)."""
    if not isinstance(value, SupportsInt):
        return 0
    try:
        return list(options).index(int(value))
    except (ValueError, OverflowError):
        return 0


def class_page(user: SchoolUser, title: str, *, key: str) -> int:
    """The top of a one-class entry page: its title, the last save's message and the class (stop without one)."""
    st.title(title)
    classes = classes_or_stop(user)
    show_flash()
    class_id = pick("班级", classes, key=key, placeholder="请选择班级…")
    if class_id is None:
        st.stop()
    return class_id


def classes_or_stop(user: SchoolUser) -> list[tuple[int, str]]:
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
    ids = list(names)
    first = ids.index(first_term) if first_term in names else None
    return choose("学期", names, index=first, key=key, placeholder="请选择学期…")
