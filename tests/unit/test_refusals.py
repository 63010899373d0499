"""A refused write is logged in its own short transaction, never by committing the caller's.

Run on SQLite and on PostgreSQL (HXGY_TEST_DATABASE_URL). On SQLite the app's write session holds the write lock
from its first statement (BEGIN IMMEDIATE): the refusal must not wait for it, and must not carry the caller's writes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.auth import CurrentUser
from hxgy.entry import records, school_settings
from hxgy.entry.records import ContactEntry
from hxgy.entry.rules import WriteRefused
from hxgy.models import AuditLog, Communication
from tests.builders import TinySchool, tiny_school

TODAY = date(2025, 12, 1)


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    s.add_class(1, 2, head="李老师")
    s.add_student("A", "一(1)班")
    s.add_student("D", "一(2)班")
    session.commit()
    yield s
    session.close()


def _head(s: TinySchool) -> CurrentUser:
    head = s.user("head_teacher", "王老师")
    s.session.commit()
    return head


def _visit(s: TinySchool, student: str, class_name: str) -> ContactEntry:
    return ContactEntry(
        class_id=s.classes[class_name].id,
        contact_date=date(2025, 11, 30),
        channel_id=s.category("channel", "home_visit"),
        student_id=s.students[student].id,
        summary="了解学习情况",
    )


def _counts(engine) -> tuple[int, int]:
    """(refusals in the audit log, communications), read in a session of its own."""
    with Session(engine) as session:
        denied = session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "denied"))
        contacts = session.scalar(select(func.count()).select_from(Communication))
    return denied or 0, contacts or 0


def test_a_refusal_in_the_apps_write_path_is_logged_alone_and_at_once(school: TinySchool, engine) -> None:
    """In db.run_write a permitted contact is written, then a refused one: the refusal is logged, the contact is
    not (the unit of work is all or nothing), and nobody waits for the write lock the caller held."""
    head = _head(school)

    def work(session: Session) -> None:
        records.log_contact(session, head, _visit(school, "A", "一(1)班"), today=TODAY, submission_key="mine")
        records.log_contact(session, head, _visit(school, "D", "一(2)班"), today=TODAY, submission_key="other")

    started = time.monotonic()
    with pytest.raises(WriteRefused, match="一\\(2\\)班不是您任教的班级"):
        db.run_write(work, engine)
    assert time.monotonic() - started < db.SQLITE_BUSY_TIMEOUT_MS / 1000 / 2, "the refusal waited for a lock"
    assert _counts(engine) == (1, 0)


def test_a_refusal_with_no_transaction_open_is_logged_before_the_caller_does_anything(
    school: TinySchool, engine
) -> None:
    head = _head(school)
    with pytest.raises(WriteRefused):
        school_settings.set_response_limit(school.session, head, 48)
    assert _counts(engine) == (1, 0)  # the caller's session was neither committed nor rolled back


def test_a_refusal_inside_an_open_transaction_waits_for_its_end_and_outlives_it(school: TinySchool, engine) -> None:
    """The caller's transaction is left alone: its writes stay uncommitted until it decides, and whatever it
    decides, the refusal is logged once when it ends."""
    head = _head(school)
    records.log_contact(school.session, head, _visit(school, "A", "一(1)班"), today=TODAY, submission_key="mine")
    with pytest.raises(WriteRefused):
        records.log_contact(school.session, head, _visit(school, "D", "一(2)班"), today=TODAY, submission_key="other")
    assert school.session.in_transaction(), "refuse left the caller's transaction open"
    school.session.commit()  # the caller keeps its permitted write
    assert _counts(engine) == (1, 1)
    school.session.rollback()
    assert _counts(engine) == (1, 1), "logged once"
