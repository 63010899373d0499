"""A write makes the pages read again only what it changed (hxgy.changes, hxgy.ui.data).

A contact this term moves this term's version: this term's figures are read again at once, and last term's
figures (the comparison), which it cannot change, stay cached. A change of structure or settings moves
everything. To see what was read again, a contact is put into last term straight into the database, behind
the app's back (no version moves): a figure read again shows it, a figure still cached does not.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
import streamlit as st
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from hxgy import auth, changes, db, rights
from hxgy.entry import records
from hxgy.entry.records import ContactEntry, RequestEntry
from hxgy.entry.rules import students_of_class
from hxgy.entry.school_settings import set_response_limit
from hxgy.metrics.roster import ClassFilter
from hxgy.models import Category, Communication, Term
from hxgy.terms import comparison_period, current_term, term_period
from hxgy.ui import data
from tests.conftest import DEMO_ANCHOR

NOON = datetime.combine(DEMO_ANCHOR, time(12))


@pytest.fixture
def demo(demo_copy_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("HXGY_DATABASE_URL", demo_copy_url)
    monkeypatch.setenv("HXGY_TODAY", DEMO_ANCHOR.isoformat())
    data.clear_caches()
    st.cache_resource.clear()
    engine = db.create_db_engine(demo_copy_url)
    yield engine
    engine.dispose()
    data.clear_caches()
    st.cache_resource.clear()
    db.dispose_engines()


def _contact(engine: Engine, day: date, *, student: int = 0) -> None:
    with db.write_session(engine) as session:
        head = auth.load_user(session, "headteacher")
        class_id = rights.my_class_ids(session, staff_id=head.staff_id, on_day=day, head_only=True)[0]
        child = students_of_class(session, class_id, day, day)[student]
        phone = session.scalar(select(Category.id).where(Category.kind == "channel", Category.code == "phone"))
        entry = ContactEntry(class_id=class_id, contact_date=day, channel_id=phone, student_id=child.id, summary="电话")
        records.log_contact(session, head, entry, today=DEMO_ANCHOR, confirm_duplicate=True)


def _behind_the_apps_back(engine: Engine, first: date, last: date) -> None:
    """A contact in last term, inserted without the app: no version moves."""
    with db.write_session(engine) as session:
        row = session.execute(
            select(Communication)
            .where(Communication.contact_date.between(first, last), Communication.deleted_at.is_(None))
            .limit(1)
        ).scalar_one()
        values = {c.name: getattr(row, c.name) for c in Communication.__table__.columns if c.name != "id"}
        values["submission_key"] = "behind-the-back"
        session.execute(insert(Communication).values(**values))


def test_a_contact_reads_again_only_its_own_terms_figures(demo: Engine) -> None:
    with db.read_session(demo) as session:
        school_id = auth.load_user(session, "principal").school_id
        term = current_term(session, school_id=school_id, today=DEMO_ANCHOR)
        period = term_period(term, DEMO_ANCHOR)
        before = comparison_period(session, period)
        assert before is not None and before.term_id != period.term_id
    whole = ClassFilter(school_id)
    data.see_changes()
    now_contacts = data.school_figures(period, whole, NOON)["contacts"]
    earlier_contacts = data.earlier_figures(period, whole, NOON)["contacts"]

    _behind_the_apps_back(demo, before.start, before.end)
    _contact(demo, DEMO_ANCHOR)
    versions = data.see_changes()
    assert set(versions.terms) == {(period.term_id, "communication")}  # this term's contacts moved …
    assert not versions.structure  # … and nothing else did

    assert data.school_figures(period, whole, NOON)["contacts"] == now_contacts + 1  # read again at once
    assert data.earlier_figures(period, whole, NOON)["contacts"] == earlier_contacts  # still cached

    # a change of settings moves the structure: everything is read again, and the hidden contact shows
    with db.write_session(demo) as session:
        set_response_limit(session, auth.load_user(session, "dean"), 48)
    assert data.see_changes().structure
    assert data.earlier_figures(period, whole, NOON)["contacts"] == earlier_contacts + 1


def test_what_moves_with_each_kind_of_write(demo: Engine) -> None:
    with db.read_session(demo) as session:
        term = current_term(session, school_id=1, today=DEMO_ANCHOR)
        earlier = session.scalars(select(Term.id).where(Term.end_date < term.start_date)).all()
        start = changes.current_versions(session)
    # a parent request moves the version of the term it was received in
    with db.write_session(demo) as session:
        head = auth.load_user(session, "headteacher")
        class_id = rights.my_class_ids(session, staff_id=head.staff_id, on_day=DEMO_ANCHOR, head_only=True)[0]
        channel = session.scalar(select(Category.id).where(Category.kind == "request_channel"))
        received = NOON - timedelta(hours=1)
        entry = RequestEntry(received_at=received, channel_id=channel, content="放学时间", class_id=class_id)
        records.record_request(session, head, entry, today=DEMO_ANCHOR)
    with db.read_session(demo) as session:
        after_request = changes.current_versions(session)
    assert after_request.data != start.data
    moved = {key for key, value in after_request.terms.items() if start.terms.get(key) != value}
    assert moved == {(term.id, "requests")}  # only the requests of the term it was received in
    assert after_request.structure == start.structure
    assert not any(t in earlier for t, _part in moved)
    # a view changes nothing
    with db.read_session(demo) as session:
        data_version = changes.current_version(session)
    assert data_version == after_request.data


def test_sessions_asking_at_once_wait_for_one_computation_and_get_their_own_copy(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    import threading

    import pandas as pd

    monkeypatch.setenv("HXGY_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    computed = []
    gate = threading.Event()

    def per_class(term_id: int) -> pd.DataFrame:
        computed.append(term_id)
        gate.wait(5)  # every session has asked before the first computation ends
        return pd.DataFrame({"class_id": [1, 2], "contacts": [3, 4]})

    read = data.figures("communication")(per_class)
    frames: list[pd.DataFrame] = []
    sessions = [threading.Thread(target=lambda: frames.append(read(7))) for _ in range(8)]
    for s in sessions:
        s.start()
    gate.set()
    for s in sessions:
        s.join()
    assert computed == [7] and len(frames) == 8
    frames[0].loc[0, "contacts"] = 99  # one page changes its table …
    assert read(7).loc[0, "contacts"] == 3  # … the next session is given the value computed
    assert read(8).loc[0, "contacts"] == 3 and computed == [7, 8]
