"""The argument parser of ``python -m hxgy`` and ``main``, which runs one command."""

from __future__ import annotations

import argparse
from pathlib import Path

from hxgy import db
from hxgy.cli.accounts import cmd_accounts, cmd_create_user
from hxgy.cli.database import cmd_backup, cmd_demo, cmd_init, cmd_migrate, cmd_refresh_stats, cmd_restore
from hxgy.cli.notify import cmd_notify
from hxgy.cli.privacy import cmd_purge
from hxgy.cli.reporting import cmd_metrics, cmd_report
from hxgy.cli.spreadsheets import cmd_export, cmd_import, cmd_template
from hxgy.cli.years import cmd_year
from hxgy.models import ROLES


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m hxgy``."""
    parser = argparse.ArgumentParser(prog="python -m hxgy", description="hxgy 家校社协同育人 command line")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("init", help="migrate; on an empty database load the demo or create the first admin")
    p.add_argument("--demo", action="store_true", help="load the demo school if the database is empty")
    p.add_argument("--anchor", help="the demo's 'today' (ISO date); default today")
    p.add_argument("--school", default="我的学校", help="name of the first school outside demo mode")
    p.set_defaults(func=cmd_init)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    p = sub.add_parser("demo", help="load demo data into an empty database")
    p.add_argument("--anchor", help="the demo's 'today' (ISO date); default today")
    p.add_argument("--district", type=int, default=0, help="generate N benchmark schools instead")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("create-user", help="create an account")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--display-name", required=True)
    p.add_argument("--school", help="school code (all roles but district)")
    p.add_argument("--district", default="", help="district name (district role)")
    p.add_argument("--password-env", help="read the password from this environment variable")
    p.add_argument("--staff", help="工号 of the account's staff member (required for head_teacher, teacher)")
    p.set_defaults(func=cmd_create_user)
    p = sub.add_parser("year", help="add, edit or list school years (学年) and their two terms")
    p.add_argument("action", choices=("add", "edit", "list"))
    p.add_argument("start_year", type=int, nargs="?", help="first calendar year, e.g. 2026 for 2026-2027学年")
    p.add_argument("--start", help="first day of the school year (YYYY-MM-DD)")
    p.add_argument("--end", help="last day of the school year")
    p.add_argument("--term1", help="第一学期 as FIRST:LAST, e.g. 2026-09-01:2027-01-20")
    p.add_argument("--term2", help="第二学期 as FIRST:LAST, e.g. 2027-02-23:2027-07-04")
    p.add_argument("--school", help="school code (default: the first school)")
    p.set_defaults(func=cmd_year)
    sub.add_parser("accounts", help="list accounts").set_defaults(func=cmd_accounts)
    p = sub.add_parser("refresh-stats", help="recompute pre-aggregated figures")
    p.add_argument("--stale", action="store_true", help="only the terms not counted to today (a daily job)")
    p.set_defaults(func=cmd_refresh_stats)
    p = sub.add_parser("backup", help="write a complete, checked backup of the database")
    p.add_argument("file", type=Path, help="the backup file to write (.sqlite for SQLite, .dump for PostgreSQL)")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="replace the database's contents with a backup")
    p.add_argument("file", type=Path, help="a file written by `python -m hxgy backup`")
    p.add_argument("--yes", action="store_true", help="confirm: every record now in the database is replaced")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("metrics", help="write the per-class table of every measure (CSV, Excel or JSON)")
    p.add_argument("--school", help="school code (default: the first school)")
    p.add_argument("--term", help="term name, e.g. 2025-2026学年第二学期 (default: the current term)")
    p.add_argument("--from", dest="start", help="first day of a custom range (ISO date)")
    p.add_argument("--to", dest="end", help="last day of a custom range (ISO date)")
    p.add_argument("--format", choices=("csv", "xlsx", "json"), help="default: from the output file name, else csv")
    p.add_argument("--output", "-o", help="file to write (default: standard output)")
    p.add_argument("--grade", type=int, help="only this grade (1-9) of the period's school year")
    p.add_argument("--class", dest="class_name", help="only this class, e.g. 三(2)班")
    p.add_argument(
        "--compare",
        action="store_true",
        help="print the figures beside the comparison period and the classes the comparison covers",
    )
    p.set_defaults(func=cmd_metrics)
    p = sub.add_parser("report", help="draft the term report (学期报告) as a Word document")
    p.add_argument("file", help="the .docx to write")
    p.add_argument("--term", help="term name, e.g. 2025-2026学年第二学期 (default: the latest finished term)")
    p.add_argument("--grade", type=int, help="only this grade (1-9); default: the whole school")
    p.add_argument("--school", help="school code (default: the first school)")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("template", help="write the .xlsx import template of a kind of data")
    p.add_argument("kind", help="students, guardians, staff, communications, requests, volunteering, activities, ...")
    p.add_argument("file")
    p.add_argument("--school", help="school code (default: the first school; without a database the default lists)")
    p.set_defaults(func=cmd_template)
    p = sub.add_parser("import", help="import a filled template (.xlsx or .csv) as a user")
    p.add_argument("kind")
    p.add_argument("file")
    p.add_argument("--user", required=True, help="the account the import is made as (its rights apply)")
    p.add_argument("--good-rows-only", action="store_true", help="import the correct rows even if some are wrong")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("export", help="export records in the columns of the import template")
    p.add_argument("kind")
    p.add_argument("file", help=".xlsx or .csv")
    p.add_argument("--user", required=True, help="the account the export is made as (its rights apply)")
    p.add_argument("--term", help="only this term, e.g. 2025-2026学年第二学期 (default: every term)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("purge", help="erase every student who left more than the school's 留存年限 ago")
    p.add_argument("--dry-run", action="store_true", help="list who would be erased, change nothing")
    p.add_argument("--school", help="school code (default: every school)")
    p.set_defaults(func=cmd_purge)
    p = sub.add_parser("notify", help="send the reminders and digests due now (企业微信, 钉钉, email; docs/notify.md)")
    p.add_argument("--dry-run", action="store_true", help="list what would be sent, send nothing")
    p.add_argument("--school", help="school code (default: every school)")
    p.set_defaults(func=cmd_notify)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    finally:
        db.dispose_engines()
