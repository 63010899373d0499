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
