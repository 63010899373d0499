"""Commands that set up, fill, back up and restore the database: init, migrate, demo, refresh-stats, backup, restore."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from sqlalchemy import func, select

from hxgy import config, db
from hxgy.auth import create_user, generate_password
from hxgy.cli.common import database_is_empty, safe_url
from hxgy.glossary import ROLE_LABELS
from hxgy.migrate import upgrade_to_head
from hxgy.models import AppMeta, School, UserAccount
from hxgy.rights import Role

T = TypeVar("T")


def _print_accounts(accounts: list[tuple[str, str, str]], password: str | None) -> None:
    print("\n  Demo accounts (演示账户), password for all: " + (password or "(see above)"))
    for username, role, name in accounts:
        print(f"    {username:<12} {ROLE_LABELS.get(role, role):<6} {name}")
    print()


def cmd_migrate(_args: argparse.Namespace) -> int:
    """Apply every migration."""
    upgrade_to_head()
    print(f"database is up to date: {safe_url()}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the demo into an empty database."""
    from db.demo import DEMO_PASSWORD, demo_spec, district_spec, load_demo

    if not database_is_empty():
        print("the database already holds data; the demo loads only into an empty one", file=sys.stderr)
        return 2
    anchor = date.fromisoformat(args.anchor) if args.anchor else config.today()
    spec = district_spec(anchor, schools=args.district) if args.district else demo_spec(anchor)
    began = time.perf_counter()
    with db.write_session() as session:
        accounts = load_demo(session, spec)
    print(f"demo loaded: {len(spec.schools)} school(s) up to {anchor} in {time.perf_counter() - began:.1f} s")
    _print_accounts([(a.username, a.role, a.display_name) for a in accounts], DEMO_PASSWORD)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """Migrate, make sure a cookie key exists, then fill a new database."""
    upgrade_to_head()
    config.cookie_key(create=True)
    if args.demo:
        if database_is_empty():
            return cmd_demo(argparse.Namespace(anchor=args.anchor, district=0))
        with db.read_session() as session:
            demo = session.get(AppMeta, "demo") is not None
            rows = session.execute(
                select(UserAccount.username, UserAccount.role, UserAccount.display_name).order_by(UserAccount.id)
            ).all()
        if demo:
            from db.demo import DEMO_PASSWORD

            _print_accounts([(username, role, name) for username, role, name in rows], DEMO_PASSWORD)
        return 0
    return _first_admin(args.school)


def _first_admin(school_name: str) -> int:
    """Outside demo mode: one school and one admin, with a password nobody else knows."""
    from db.seed import add_school_defaults

    with db.write_session() as session:
        if session.scalar(select(func.count()).select_from(UserAccount)):
            print("accounts exist; nothing to do")
            return 0
        school = session.scalar(select(School).order_by(School.id).limit(1))
        if school is None:
            school = School(code="S001", name=school_name)
            session.add(school)
            session.flush()
            add_school_defaults(session, school_id=school.id)
        chosen = os.environ.get("HXGY_ADMIN_PASSWORD", "")
        password = chosen or generate_password()
        create_user(
            session,
            username="admin",
            password=password,
            role=Role.ADMIN,
            display_name="系统管理员",
            school_id=school.id,
        )
    if chosen:
        print("created account 'admin' with the password from HXGY_ADMIN_PASSWORD")
    else:
        print(f"created account 'admin' with password: {password}\n(shown once; change it after logging in)")
    return 0


def cmd_refresh_stats(args: argparse.Namespace) -> int:
    """Recompute the pre-aggregated figures of every school (after editing the database by hand), or with
    --stale only the terms not counted to today (run daily just after midnight: deploy/hxgy-refresh.timer)."""
    from hxgy.metrics.stats import refresh_school, refresh_stale

    refresh = refresh_stale if args.stale else refresh_school
    with db.write_session() as session:
        schools = session.scalars(select(School.id)).all()
        rows = sum(refresh(session, school_id=s, today=config.today(), now=config.now()) for s in schools)
    print(f"refreshed {rows} class-term rows of {len(schools)} school(s)")
    return 0


def _on_database(step: Callable[[str], T], *, error_note: str = "") -> tuple[T, int] | None:
    """Run a backup step on the configured database: what it returned and the database's rows after it.

    A refused step (hxgy.backup.BackupError) is printed with ``error_note`` after it and gives None.
    """
    from hxgy.backup import BackupError, row_counts

    url = config.database_url()
    try:
        done = step(url)
    except BackupError as exc:
        print(f"错误：{exc}{error_note}", file=sys.stderr)
        return None
    return done, sum(row_counts(url).values())


def cmd_backup(args: argparse.Namespace) -> int:
    """Write a backup of the configured database."""
    from hxgy.backup import backup

    result = _on_database(lambda url: backup(url, args.file))
    if result is None:
        return 2
    path, rows = result
    print(f"backed up {safe_url()} ({rows:,} rows) to {path} ({path.stat().st_size // 1024:,} KB)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the configured database's contents with a backup."""
    from hxgy.backup import restore

    if not args.yes:
        print(f"错误：恢复会用备份替换 {safe_url()} 中的全部数据；确认请加 --yes", file=sys.stderr)
        return 2
    result = _on_database(lambda url: restore(url, args.file), error_note="（数据库未改动）")
    if result is None:
        return 2
    _, rows = result
    print(f"restored {safe_url()} from {args.file} ({rows:,} rows); restart the app or wait 10 minutes for its caches")
    return 0
