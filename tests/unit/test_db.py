"""Engines and sessions: SQLite pragmas, one commit per unit of work, safe concurrent writers."""

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.models import AppMeta, School
from tests.conftest import backend


def test_sqlite_gets_foreign_keys_wal_and_busy_timeout(tmp_path) -> None:
    engine = db.create_db_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == db.SQLITE_BUSY_TIMEOUT_MS
    engine.dispose()


def test_postgresql_engines_ping_before_use() -> None:
    engine = db.create_db_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert engine.pool._pre_ping is True
    engine.dispose()


def test_write_session_commits_once_and_rolls_back_on_error(engine) -> None:
    with db.write_session(engine) as session:
        session.add(AppMeta(key="a", value="1"))
    with pytest.raises(IntegrityError), db.write_session(engine) as session:
        session.add(AppMeta(key="b", value="2"))
        session.flush()
        session.add(AppMeta(key="a", value="again"))  # duplicate key: the whole unit fails
        session.flush()
    with db.read_session(engine) as session:
        assert session.scalars(select(AppMeta.key).order_by(AppMeta.key)).all() == ["a"]


def test_many_writers_that_read_then_write_lose_nothing(engine) -> None:
    """Each writer reads a counter and writes it back plus one; IMMEDIATE makes that safe on SQLite."""
    with db.write_session(engine) as session:
        session.add(AppMeta(key="counter", value="0"))
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(25):
                with db.write_session(engine) as session:
                    row = session.get(AppMeta, "counter", with_for_update=backend() == "postgresql")
                    row.value = str(int(row.value) + 1)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with Session(engine) as session:
        assert session.get(AppMeta, "counter").value == "200"


def test_shared_engine_is_created_once_per_url(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    try:
        assert db.get_engine(url) is db.get_engine(url)
    finally:
        db.dispose_engines()


def test_sqlite_file_folder_is_created(tmp_path) -> None:
    engine = db.create_db_engine(f"sqlite:///{tmp_path / 'new' / 'folder' / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(text("sqlite_master"))).scalar() == 0
    engine.dispose()
    assert (tmp_path / "new" / "folder" / "x.db").exists()
    assert School.__tablename__ == "school"


def test_a_write_that_meets_a_lock_held_elsewhere_runs_again(tmp_path, monkeypatch) -> None:
    """SQLite: another process holds the write lock past the busy timeout; run_write waits it out and writes once."""
    import sqlite3
    import time

    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 100)  # so the lock outlasts the busy timeout quickly
    path = tmp_path / "locked.db"
    engine = db.create_db_engine(f"sqlite:///{path}")
    AppMeta.__table__.create(engine)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)  # another writer, outside the app
    other.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(0.6, lambda: other.execute("COMMIT"))
    releaser.start()
    attempts: list[float] = []

    def work(session: Session) -> str:
        attempts.append(time.monotonic())
        session.add(AppMeta(key="k", value="v"))
        session.flush()
        return "saved"

    with pytest.raises(Exception, match="database is locked"), db.write_session(engine) as session:
        work(session)  # the plain write session gives up
    attempts.clear()
    assert db.run_write(work, engine) == "saved"
    releaser.join()
    other.close()
    assert len(attempts) >= 2  # the first attempt met the lock, a later one wrote
    with Session(engine) as session:
        assert session.scalars(select(AppMeta.key)).all() == ["k"]
    engine.dispose()


def test_errors_other_than_lock_contention_are_not_retried(engine) -> None:
    calls: list[int] = []

    def work(session: Session) -> None:
        calls.append(1)
        session.add(AppMeta(key="a", value="1"))
        session.add(AppMeta(key="a", value="again"))
        session.flush()

    with pytest.raises(IntegrityError):
        db.run_write(work, engine)
    assert calls == [1]


def test_a_postgresql_deadlock_victim_runs_again(engine) -> None:
    """Two writers lock two rows in opposite orders: PostgreSQL kills one (40P01); run_write runs it again."""
    if backend() != "postgresql":
        pytest.skip("deadlock detection is PostgreSQL's; SQLite writers queue instead (test above)")
    with db.write_session(engine) as session:
        session.add_all([AppMeta(key="x", value="0"), AppMeta(key="y", value="0")])
    both_hold_one = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []
    calls = {"xy": 0, "yx": 0}

    def writer(order: str) -> None:
        def work(session: Session) -> None:
            calls[order] += 1
            first, second = order
            row = session.get(AppMeta, first, with_for_update=True)
            row.value = str(int(row.value) + 1)
            session.flush()
            if calls[order] == 1:
                both_hold_one.wait()  # only the first attempts cross: the retry must go through
            again = session.get(AppMeta, second, with_for_update=True)
            again.value = str(int(again.value) + 1)

        try:
            db.run_write(work, engine)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(order,)) for order in ("xy", "yx")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(calls.values()) == [1, 2]  # one writer was the deadlock victim and ran again
    with Session(engine) as session:
        assert {k: session.get(AppMeta, k).value for k in "xy"} == {"x": "2", "y": "2"}
