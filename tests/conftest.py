"""Shared fixtures: real databases of the backend under test, and the demo school.

The suite runs on SQLite by default. With HXGY_TEST_DATABASE_URL pointing at a
PostgreSQL server (``./test.sh`` sets it when one answers, CI always), every
database a test gets is a fresh PostgreSQL database on that server instead.
On CI a missing PostgreSQL or Chromium fails the run; it never skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from hxgy import db
from hxgy.models import Base

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_ANCHOR = date(2026, 11, 22)  # the demo's "today" in every test
TEST_COOKIE_KEY = "test-cookie-key-" + "k" * 40
PG_URL = os.environ.get("HXGY_TEST_DATABASE_URL", "").strip()
ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def backend() -> str:
    """'postgresql' when the suite runs against PostgreSQL, else 'sqlite'."""
    return "postgresql" if PG_URL else "sqlite"


def skip_or_fail(reason: str) -> None:
    """Skip on a developer machine; on CI a missing dependency is a failure."""
    if ON_CI:
        pytest.fail(f"required on CI: {reason}")
    pytest.skip(reason)


def new_database(tmp_dir: Path, name: str) -> str:
    """The URL of a new, empty database on the backend under test."""
    if not PG_URL:
        return f"sqlite:///{tmp_dir / (name + '.db')}"
    db_name = f"hxgy_test_{name}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    admin.dispose()
    return make_url(PG_URL).set(database=db_name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Remove a database made by ``new_database`` (SQLite files go with tmp_path)."""
    db.dispose_engines()
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


# A test that asks for one of these runs SQL on the backend under test: it is marked ``db`` and runs again on
# PostgreSQL. Browser tests drive pages whose SQL the AppTest tests (tests/app) already run on both backends,
# so they run once, on SQLite, unless they are about the database itself and say so with @pytest.mark.db.
DATABASE_FIXTURES = frozenset(
    {"engine", "empty_database_url", "demo_url", "demo_copy_url", "demo_engine", "_schema_database"}
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that use a database of the backend under test (see DATABASE_FIXTURES); long ones first."""
    items.sort(key=lambda item: item.get_closest_marker("first") is None)  # stable: the rest keep their order
    for item in items:
        if item.get_closest_marker("browser") is not None:
            continue
        if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session", autouse=True)
def _test_environment() -> Iterator[None]:
    """Pin today and the cookie key for every test, and check PostgreSQL answers."""
    os.environ["HXGY_TODAY"] = DEMO_ANCHOR.isoformat()
    os.environ["HXGY_COOKIE_KEY"] = TEST_COOKIE_KEY
    if PG_URL:
        probe = create_engine(PG_URL)
        try:
            with probe.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # any failure means the server is not usable
            pytest.exit(f"HXGY_TEST_DATABASE_URL is set but PostgreSQL does not answer: {exc}", returncode=3)
        finally:
            probe.dispose()
    yield


@pytest.fixture(scope="session")
def _schema_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One PostgreSQL database with the schema, emptied before each test that uses it."""
    url = new_database(tmp_path_factory.mktemp("schema"), "schema")
    engine = db.create_db_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url
    drop_database(url)


_EMPTYING: list[str] = []


def _emptying_statement(conn: Connection) -> str:
    """Delete every row, children first, and restart every id sequence: a few tiny tables empty in ~30 ms,
    where TRUNCATE of all of them takes ~150 ms (it makes new files for each table)."""
    if not _EMPTYING:
        sequences = conn.execute(text("SELECT sequence_name FROM information_schema.sequences")).scalars()
        _EMPTYING.append(
            "; ".join(
                [f'DELETE FROM "{t.name}"' for t in reversed(Base.metadata.sorted_tables)]
                + [f'ALTER SEQUENCE "{name}" RESTART' for name in sequences]
            )
        )
    return _EMPTYING[0]


@pytest.fixture
def engine(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine on an empty database with the full schema."""
    if PG_URL:
        url = request.getfixturevalue("_schema_database")
        eng = db.create_db_engine(url)
        with eng.begin() as conn:
            conn.execute(text(_emptying_statement(conn)))
    else:
        eng = db.create_db_engine(f"sqlite:///{tmp_path / 'unit.db'}")
        Base.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """The URL of a database with no tables at all (for migration and CLI tests)."""
    url = new_database(tmp_path, "empty")
    yield url
    drop_database(url)


def run_cli(url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m hxgy`` against a database and return what it printed."""
    full_env = {**os.environ, "HXGY_DATABASE_URL": url, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "hxgy", *args],
        cwd=PROJECT_ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database built the way a newcomer builds it: ``python -m hxgy init --demo``.

    Shared by the tests that only read it.
    """
    url = new_database(tmp_path_factory.mktemp("demo"), "demo")
    result = run_cli(url, "init", "--demo", "--anchor", DEMO_ANCHOR.isoformat())
    assert result.returncode == 0, result.stderr
    yield url
    drop_database(url)


@pytest.fixture
def demo_copy_url(demo_url: str, tmp_path: Path) -> Iterator[str]:
    """A private copy of the demo database, for tests that write."""
    db.dispose_engines()
    parsed = make_url(demo_url)
    if not PG_URL:
        copy = tmp_path / "demo-copy.db"
        shutil.copyfile(parsed.database, copy)
        url = f"sqlite:///{copy}"
    else:
        name = f"hxgy_test_copy_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :d AND pid <> pg_backend_pid()"
                ),
                {"d": parsed.database},
            )
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"'))
        admin.dispose()
        url = parsed.set(database=name).render_as_string(hide_password=False)
    yield url
    drop_database(url)


@pytest.fixture
def demo_engine(demo_url: str) -> Iterator[Engine]:
    """An engine on the shared demo database (read only, please)."""
    eng = db.create_db_engine(demo_url)
    yield eng
    eng.dispose()


CPU_BURNER = "import time\nend = time.monotonic() + 900\nwhile time.monotonic() < end: pass"


@pytest.fixture
def cpu_load() -> Iterator[Callable[[], int]]:
    """Keep every core busy with CPU-burning processes while the test runs (a loaded 2-core school server).

    Yields a function that counts the burners still running, so the test can check the load lasted.
    """
    burners = [subprocess.Popen([sys.executable, "-c", CPU_BURNER]) for _ in range(max(2, os.cpu_count() or 2))]
    try:
        yield lambda: sum(burner.poll() is None for burner in burners)
    finally:
        for burner in burners:
            burner.kill()
        for burner in burners:
            burner.wait()
