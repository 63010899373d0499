"""The pages' term figures are served from class_term_stats, and always equal the live count.

``stats.served_class_measures`` reads a term's class figures from the stats rows when every row is counted
to the period's last day, and counts live otherwise. These tests write through hxgy.entry (what the pages
do) on a copy of the demo school and compare the served table with the live one after every kind of write;
and they show the served path is really taken, and left, by changing a stored row by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from hxgy import auth, db, rights
from hxgy.entry import records
from hxgy.entry.records import ContactEntry, RequestEntry, VolunteerEntry
from hxgy.entry.rules import students_of_class
from hxgy.entry.surveys import save_satisfaction
from hxgy.metrics import overview, stats
from hxgy.metrics.roster import ClassFilter
from hxgy.models import Category, ClassTermStats, Term
from hxgy.queries.entry import class_guardians
from hxgy.terms import current_term, term_period
from tests.conftest import DEMO_ANCHOR, run_cli

NOON = datetime.combine(DEMO_ANCHOR, datetime.min.time()).replace(hour=12)


@pytest.fixture
def demo(demo_copy_url: str) -> Iterator[Engine]:
    engine = db.create_db_engine(demo_copy_url)
    yield engine
    engine.dispose()


def _views(school_id: int) -> list[ClassFilter]:
    return [ClassFilter(school_id), ClassFilter(school_id, 3)]


def _assert_served_equals_live(engine: Engine, today: date = DEMO_ANCHOR) -> None:
    with db.read_session(engine) as session:
        head = auth.load_user(session, "headteacher")
        term = current_term(session, school_id=head.school_id, today=today)
        period = term_period(term, today)
        for view in _views(head.school_id):
            live = overview.class_measures(session, period, view, now=NOON)
            served = stats.served_class_measures(session, period, view, now=NOON)
            pd.testing.assert_frame_equal(served, live, check_like=True)


def _code(session, kind: str, code: str) -> int:
    return session.scalar(select(Category.id).where(Category.kind == kind, Category.code == code))


def _head_teachers_contact(engine: Engine, day: date, channel: str) -> int:
    """The head teacher records a contact with a child of their class on ``day``; the class's id."""
    with db.write_session(engine) as session:
        head = auth.load_user(session, "headteacher")
        class_id = rights.my_class_ids(session, staff_id=head.staff_id, on_day=day, head_only=True)[0]
        student = students_of_class(session, class_id, day, day)[0]
        entry = ContactEntry(
            class_id=class_id,
            contact_date=day,
            channel_id=_code(session, "channel", channel),
            student_id=student.id,
            summary="沟通：了解学习情况",
        )
        records.log_contact(session, head, entry, today=day, confirm_duplicate=True)
    return class_id


def test_served_figures_equal_the_live_count_after_every_kind_of_write(demo: Engine) -> None:
    _assert_served_equals_live(demo)
    class_id = _head_teachers_contact(demo, DEMO_ANCHOR, "home_visit")
    _assert_served_equals_live(demo)
    with db.write_session(demo) as session:
        head = auth.load_user(session, "headteacher")
        guardian = class_guardians(session, class_id, DEMO_ANCHOR)[0][0]
        hours = VolunteerEntry(
            class_id=class_id,
            guardian_id=guardian,
            activity_id=session.scalar(select(Category.id).where(Category.kind == "volunteer_activity")),
            service_date=DEMO_ANCHOR,
            hours=3.5,
        )
        saved = records.record_volunteering(session, head, hours, today=DEMO_ANCHOR)
        records.confirm_volunteering(session, head, [saved.id], today=DEMO_ANCHOR)
        records.record_request(
            session,
            head,
            RequestEntry(
                received_at=NOON - timedelta(hours=2),
                channel_id=session.scalar(select(Category.id).where(Category.kind == "request_channel")),
                content="询问课后服务时间",
                class_id=class_id,
            ),
            today=DEMO_ANCHOR,
        )
    _assert_served_equals_live(demo)
    with db.write_session(demo) as session:
        dean = auth.load_user(session, "dean")
        term = current_term(session, school_id=dean.school_id, today=DEMO_ANCHOR)
        save_satisfaction(
            session, dean, term_id=term.id, class_id=class_id, respondents=40, satisfied=37, today=DEMO_ANCHOR
        )
    _assert_served_equals_live(demo)


def test_a_row_is_served_only_while_it_is_counted_to_the_day_shown(demo: Engine) -> None:
    with db.write_session(demo) as session:
        head = auth.load_user(session, "headteacher")
        term = current_term(session, school_id=head.school_id, today=DEMO_ANCHOR)
        period = term_period(term, DEMO_ANCHOR)
        class_id = rights.my_class_ids(session, staff_id=head.staff_id, on_day=DEMO_ANCHOR, head_only=True)[0]
        counted = set(session.scalars(select(ClassTermStats.counted_to).where(ClassTermStats.term_id == term.id)))
        assert counted == {DEMO_ANCHOR}  # the demo's stats are counted to its day
        live = overview.class_measures(session, period, ClassFilter(head.school_id), now=NOON)
        true_contacts = int(live.set_index("class_id").at[class_id, "contacts"])
        row = (ClassTermStats.term_id == term.id) & (ClassTermStats.class_id == class_id)
        session.execute(update(ClassTermStats).where(row).values(contacts=true_contacts + 1000))

        def contacts_shown(day: date) -> int:
            frame = stats.served_class_measures(
                session, term_period(session.get(Term, term.id), day), ClassFilter(head.school_id), now=NOON
            )
            return int(frame.set_index("class_id").at[class_id, "contacts"])

        assert contacts_shown(DEMO_ANCHOR) == true_contacts + 1000  # served from the stored row
        assert contacts_shown(DEMO_ANCHOR - timedelta(days=1)) == true_contacts  # another period: counted live
        next_day = DEMO_ANCHOR + timedelta(days=1)
        assert contacts_shown(next_day) == true_contacts  # rows counted yesterday are not served today

    # the day's first write brings every class of the term to that day, not only the class written
    _head_teachers_contact(demo, next_day, "phone")
    with db.read_session(demo) as session:
        counted = set(session.scalars(select(ClassTermStats.counted_to).where(ClassTermStats.term_id == term.id)))
        assert counted == {next_day}
    _assert_served_equals_live(demo, today=next_day)


def test_the_daily_job_brings_only_the_running_terms_to_the_new_day(demo_copy_url: str, demo: Engine) -> None:
    next_day = DEMO_ANCHOR + timedelta(days=1)
    with db.read_session(demo) as session:  # the demo's schools each have one term running
        running = select(Term.id).where(Term.start_date <= next_day, next_day <= Term.end_date)
        running_terms = set(session.scalars(running))
        before = dict(session.execute(select(ClassTermStats.id, ClassTermStats.refreshed_at)).all())
    result = run_cli(demo_copy_url, "refresh-stats", "--stale", env={"HXGY_TODAY": next_day.isoformat()})
    assert result.returncode == 0, result.stderr
    with db.read_session(demo) as session:
        rows = session.execute(
            select(ClassTermStats.id, ClassTermStats.term_id, ClassTermStats.counted_to, ClassTermStats.refreshed_at)
        ).all()
    running = [r for r in rows if r.term_id in running_terms]
    assert running and {r.counted_to for r in running} == {next_day}
    others = [r for r in rows if r.term_id not in running_terms]
    assert others and all(before[r.id] == r.refreshed_at for r in others)  # closed terms were left alone
    assert f"refreshed {len(running)} class-term rows" in result.stdout
    _assert_served_equals_live(demo, today=next_day)
