"""A full disk: an import that cannot be written says so in Chinese, and the database is exactly as before.

The demo school's SQLite file is put on a small tmpfs with almost no room left (needs root to mount; the
PostgreSQL pass runs the same import against its own server's disk, which this test cannot fill).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from hxgy import db
from tests.conftest import PG_URL, run_cli, skip_or_fail
from tests.unit.test_import import as_text, contact_rows
from tests.unit.test_import_corpus import csv_file, read_facts, table_counts

ROOM_LEFT = 96 * 1024  # bytes free on the disk when the import starts


@pytest.fixture
def nearly_full_disk(demo_url: str, tmp_path: Path) -> Iterator[str]:
    if PG_URL:
        pytest.skip("fills a SQLite file's disk; the PostgreSQL server's disk is not the test's to fill")
    if os.geteuid() != 0:
        skip_or_fail("mounting a small tmpfs needs root")
    source = Path(make_url(demo_url).database)
    mount = tmp_path / "small-disk"
    mount.mkdir()
    size = source.stat().st_size + 4 * 1024 * 1024
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], check=False)
    if done.returncode != 0:
        skip_or_fail("cannot mount a tmpfs here")
    try:
        copy = mount / "hxgy.db"
        shutil.copyfile(source, copy)
        free = shutil.disk_usage(mount).free
        (mount / "filler").write_bytes(b"\0" * max(0, free - ROOM_LEFT))
        yield f"sqlite:///{copy}"
    finally:
        db.dispose_engines()
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_an_import_on_a_full_disk_is_refused_and_writes_nothing(nearly_full_disk: str, tmp_path: Path) -> None:
    engine = db.create_db_engine(nearly_full_disk)
    facts, before = read_facts(engine), table_counts(engine)
    engine.dispose()
    path = tmp_path / "沟通记录.csv"
    path.write_bytes(csv_file(as_text(contact_rows(facts, 5_000, classes=12))))
    done = run_cli(nearly_full_disk, "import", "communications", str(path), "--user", "dean")
    assert done.returncode == 2, done.stderr[-2000:]
    assert "服务器磁盘已满" in done.stderr and "数据没有任何改动" in done.stderr
    engine = db.create_db_engine(nearly_full_disk)
    assert table_counts(engine) == before
    engine.dispose()
    with sqlite3.connect(make_url(nearly_full_disk).database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
