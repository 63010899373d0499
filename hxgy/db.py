"""Engines and sessions for SQLite and PostgreSQL.

One session per user action, opened by the caller: ``read_session`` for
reads, ``write_session`` for a unit of work that commits once. On SQLite a
write session begins with ``BEGIN IMMEDIATE`` so that transactions which read
then write never fail with "database is locked" under concurrent writers.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from hxgy import config

SQLITE_BUSY_TIMEOUT_MS = 30_000  # writers queue for up to 30 s (each write holds the lock for milliseconds)
_BEGIN_OPTION = "hxgy_sqlite_begin"

WRITE_ATTEMPTS = 6  # a write that meets lock contention is tried again, up to this many times in all
RETRY_PAUSE_S = 0.05  # the first pause before trying again; it doubles each time, with jitter
# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})

T = TypeVar("T")
log = logging.getLogger(__name__)

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def is_sqlite(engine: Engine) -> bool:
    """Whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


DISK_FULL = "服务器磁盘已满：这次保存没有完成，数据没有任何改动。请联系管理员清理磁盘后再试。"


def is_disk_full(exc: BaseException) -> bool:
    """Whether a database error means the disk is full (SQLite: "database or disk is full"; PostgreSQL: 53100)."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) == "53100":
        return True
    message = str(orig).lower()
    return "database or disk is full" in message or "no space left on device" in message


def create_db_engine(url: str | None = None, **kwargs: object) -> Engine:
    """A new engine for ``url`` (default: the configured database)."""
    url = url or config.database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **kwargs)


def get_engine(url: str | None = None) -> Engine:
    """The shared engine for ``url``, created once per process."""
    url = url or config.database_url()
    with _engines_lock:
        if url not in _engines:
            _engines[url] = create_db_engine(url)
        return _engines[url]


def dispose_engines() -> None:
    """Close every shared engine (tests and the command line use this)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def read_session(engine: Engine | None = None) -> Iterator[Session]:
    """A session for reads; it never commits."""
    engine = engine or get_engine()
    with Session(engine) as session:
        yield session


_writer_locks: dict[str, threading.RLock] = {}


def _writer_lock(engine: Engine) -> threading.RLock:
    """One lock per SQLite database file: writers of this process take turns before ``BEGIN IMMEDIATE``.

    SQLite's busy handler is not fair: under CPU load one of many waiting writers can wait past the busy
    timeout and fail with "database is locked". Queueing inside the process first leaves the busy timeout
    to writers of other processes only.
    """
    key = engine.url.render_as_string(hide_password=True)
    with _engines_lock:
        return _writer_locks.setdefault(key, threading.RLock())


@contextmanager
def write_session(engine: Engine | None = None) -> Iterator[Session]:
    """A unit of work: commits once on success, rolls back on any error.

    On SQLite the writers of one process are serialised (``_writer_lock``) and each begins IMMEDIATE.
    """
    engine = engine or get_engine()
    sqlite = is_sqlite(engine)
    bind = engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"}) if sqlite else engine
    with _writer_lock(engine) if sqlite else nullcontext(), Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_retryable(exc: BaseException) -> bool:
    """Whether a failed write met lock contention only, so the same unit of work may simply run again.

    SQLite: "database is locked" / "database table is locked" (the busy timeout ran out). PostgreSQL: a
    serialization failure, a deadlock or a lock that was not available. Any other error is final.
    """
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    message = str(orig).lower()
    return "database is locked" in message or "database table is locked" in message


def run_write(
    work: Callable[[Session], T],
    engine: Engine | None = None,
    *,
    attempts: int = WRITE_ATTEMPTS,
    after_rollback: Callable[[], None] | None = None,
) -> T:
    """Run ``work`` in a write session and commit; when lock contention makes it fail, run it again.

    Every write of the app is idempotent (a form or an import carries a submission key, settings are set to
    a value), so running the whole unit of work again after a rollback is safe: it either writes once or
    finds its own earlier write. ``after_rollback`` runs before each new attempt (e.g. to forget objects).
    Errors other than lock contention, and the last failed attempt, go up to the caller unchanged.
    """
    pause = RETRY_PAUSE_S
    for attempt in range(1, attempts + 1):
        try:
            with write_session(engine) as session:
                return work(session)
        except DBAPIError as exc:
            if attempt == attempts or not is_retryable(exc):
                raise
            log.warning("write met lock contention (attempt %d of %d), trying again: %s", attempt, attempts, exc.orig)
            if after_rollback is not None:
                after_rollback()
            time.sleep(pause * (1 + random.random()))
            pause *= 2
    raise AssertionError("unreachable: the last attempt returns or raises")
