"""Backup and restore on the backend under test: a restored database has the same rows and the same figures."""

from __future__ import annotations

import json

from sqlalchemy import text

from hxgy import db
from hxgy.backup import row_counts
from tests.conftest import PG_URL, run_cli

TERM = "2025-2026学年第二学期"


def _figures(url: str) -> list[dict]:
    done = run_cli(url, "metrics", "--term", TERM, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["rows"]


def test_a_restored_database_has_the_same_rows_and_figures(demo_copy_url, tmp_path) -> None:
    before_rows, before_figures = row_counts(demo_copy_url), _figures(demo_copy_url)
    target = tmp_path / ("hxgy.dump" if PG_URL else "hxgy.sqlite")
    done = run_cli(demo_copy_url, "backup", str(target))
    assert done.returncode == 0, done.stderr
    assert target.stat().st_size > 100_000 and not list(tmp_path.glob(".hxgy*")), "no temporary file left behind"

    engine = db.create_db_engine(demo_copy_url)
    with engine.begin() as conn:  # a bad day: half the contacts gone, a target changed
        conn.execute(text("DELETE FROM communication WHERE id % 2 = 0"))
        conn.execute(text("UPDATE target SET value = 1"))
    engine.dispose()
    assert row_counts(demo_copy_url)["communication"] < before_rows["communication"]
    assert _figures(demo_copy_url) != before_figures

    refused = run_cli(demo_copy_url, "restore", str(target))
    assert refused.returncode == 2 and "--yes" in refused.stderr
    done = run_cli(demo_copy_url, "restore", str(target), "--yes")
    assert done.returncode == 0, done.stderr
    assert row_counts(demo_copy_url) == before_rows
    assert _figures(demo_copy_url) == before_figures


def test_a_file_that_is_not_a_backup_changes_nothing(demo_copy_url, tmp_path) -> None:
    before = row_counts(demo_copy_url)
    fake = tmp_path / "notes.sqlite"
    fake.write_text("这不是备份", encoding="utf-8")
    done = run_cli(demo_copy_url, "restore", str(fake), "--yes")
    assert done.returncode == 2
    assert "不是" in done.stderr and "数据库未改动" in done.stderr
    missing = run_cli(demo_copy_url, "restore", str(tmp_path / "none.sqlite"), "--yes")
    assert missing.returncode == 2 and "找不到备份文件" in missing.stderr
    assert row_counts(demo_copy_url) == before


def test_a_backup_that_cannot_be_written_says_so(demo_copy_url, tmp_path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("x", encoding="utf-8")
    done = run_cli(demo_copy_url, "backup", str(blocked / "hxgy.sqlite"))  # a folder that is a file
    assert done.returncode == 2 and "错误" in done.stderr
