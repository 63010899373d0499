"""Backup and restore of the whole database: `python -m hxgy backup FILE` and `python -m hxgy restore FILE --yes`.

- SQLite: SQLite's online backup API, which copies a consistent snapshot while the app keeps running; restore
  copies the backup back the same way, in one step, so readers never see half a database.
- PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --single-transaction`, so a restore that fails
  leaves the database as it was.

A backup is written to a temporary file beside the target and renamed into place only when it is complete and
checked, so an interrupted backup never leaves a file that looks whole.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import func, inspect, select, table
from sqlalchemy.engine import URL, make_url

from hxgy import db

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore cannot be done; the message says why, in Chinese."""


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("内存数据库无法备份")
    return Path(url.database)


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    """libpq connection arguments for pg_dump/pg_restore, the password passed in the environment."""
    args = ["--dbname", url.database or ""]
    for flag, value in (("--host", url.host), ("--port", url.port), ("--username", url.username)):
        if value:
            args += [flag, str(value)]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端（Debian: postgresql-client）")
    done = subprocess.run([tool, *command[1:]], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{what}失败：{done.stderr.strip()[-500:]}")


def _check_sqlite_file(path: Path) -> None:
    with open(path, "rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path.name} 不是 SQLite 备份文件")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{path.name} 已损坏（完整性检查未通过）")
        found = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
        if found.fetchone() is None:
            raise BackupError(f"{path.name} 不是本系统的数据库备份")


def backup(database_url: str, target: Path) -> Path:
    """Write a complete, checked backup of the database to ``target`` (replaced only when the new one is whole)."""
    url = make_url(database_url)
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise BackupError(f"无法写入备份文件 {target}：{exc.strerror or exc}") from exc
    os.close(handle)
    temp = Path(temp_name)
    try:
        if url.get_backend_name() == "sqlite":
            source = sqlite3.connect(_sqlite_path(url))
            copy = sqlite3.connect(temp)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            finally:
                copy.close()
                source.close()
            _check_sqlite_file(temp)
        elif url.get_backend_name() == "postgresql":
            args, env = _pg_args(url)
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(temp), *args], env, "备份")
            with open(temp, "rb") as fh:
                if fh.read(len(PG_DUMP_HEADER)) != PG_DUMP_HEADER:
                    raise BackupError("pg_dump 没有写出完整的备份")
        else:
            raise BackupError(f"不支持的数据库：{url.get_backend_name()}")
        os.replace(temp, target)
    except OSError as exc:
        raise BackupError(f"无法写入备份文件 {target}：{exc.strerror or exc}") from exc
    finally:
        temp.unlink(missing_ok=True)
    return target


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with a backup, in one step; a wrong or damaged file changes nothing."""
    url = make_url(database_url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"找不到备份文件 {source}")
    db.dispose_engines()
    if url.get_backend_name() == "sqlite":
        _check_sqlite_file(source)
        backup_conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(_sqlite_path(url), timeout=30)
        try:
            backup_conn.backup(live)
        finally:
            live.close()
            backup_conn.close()
    elif url.get_backend_name() == "postgresql":
        with open(source, "rb") as fh:
            if fh.read(len(PG_DUMP_HEADER)) != PG_DUMP_HEADER:
                raise BackupError(f"{source.name} 不是 PostgreSQL 备份文件（pg_dump --format=custom）")
        args, env = _pg_args(url)
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
        _run([*command, *args, str(source)], env, "恢复")
    else:
        raise BackupError(f"不支持的数据库：{url.get_backend_name()}")


def row_counts(database_url: str) -> dict[str, int]:
    """Rows in every table, to compare a database with its backup."""
    engine = db.create_db_engine(database_url)
    try:
        names = sorted(inspect(engine).get_table_names())
        with engine.connect() as conn:
            return {name: conn.scalar(select(func.count()).select_from(table(name))) or 0 for name in names}
    finally:
        engine.dispose()
