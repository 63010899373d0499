"""Commands for spreadsheets: template, import and export of a kind of data."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from hxgy import config, db
from hxgy.cli.common import cli_user, school_user


def cmd_template(args: argparse.Namespace) -> int:
    """Write the import template of one kind, with the school's own lists when a database is there."""
    from sqlalchemy.exc import SQLAlchemyError

    from hxgy.transfer.kinds import KINDS
    from hxgy.transfer.lookup import Lookup
    from hxgy.transfer.templates import template_bytes

    if args.kind not in KINDS:
        print(f"unknown kind {args.kind}: use one of {', '.join(KINDS)}", file=sys.stderr)
        return 2
    lookup = None
    try:
        with db.read_session() as session:
            user = school_user(session, args.school)
            if user is not None:
                lookup = Lookup.load(session, user, config.today())
    except SQLAlchemyError:
        lookup = None  # no database yet: the default lists
    if args.school and lookup is None:
        print(f"no school {args.school}", file=sys.stderr)
        return 2
    with open(args.file, "wb") as fh:
        fh.write(template_bytes(args.kind, lookup))
    print(f"wrote the {KINDS[args.kind].title} template to {args.file}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import a file as a user: problems by row and column, and nothing written while any row is wrong."""
    from hxgy.entry.rules import WriteRefused
    from hxgy.transfer.files import FileRefused
    from hxgy.transfer.imports import ImportBlocked, run_import

    with open(args.file, "rb") as fh:
        data = fh.read()
    last: dict[str, float] = {}

    def progress(stage: str, fraction: float) -> None:
        if fraction - last.get(stage, -1.0) >= 0.1 or (fraction >= 1.0 and last.get(stage) != fraction):
            last[stage] = fraction
            print(f"{stage} {fraction:.0%}", file=sys.stderr, flush=True)

    try:
        with db.write_session() as session:
            user = cli_user(session, args.user)
            if user is None:
                return 2
            result = run_import(
                session,
                user,
                args.kind,
                os.path.basename(args.file),
                data,
                today=config.today(),
                accept_good_rows=args.good_rows_only,
                progress=progress,
            )
    except ImportBlocked as exc:
        for problem in exc.plan.problems:
            print(problem, file=sys.stderr)
        for note in exc.plan.warnings:  # the same notes as the page's preview
            print(f"请留意：{note}", file=sys.stderr)
        print(f"{exc}", file=sys.stderr)
        return 1
    except (FileRefused, WriteRefused, LookupError) as exc:
        print(f"未导入：{exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        if not db.is_disk_full(exc):
            raise
        print(f"未导入：{db.DISK_FULL}", file=sys.stderr)
        return 2
    for warning in result.warnings:  # the same notes as the page's preview (identical rows, matched 学号)
        print(f"请留意：{warning}")
    print(
        f"导入完成（批次 {result.batch_id}）：新增 {result.added}，更新 {result.updated}，"
        f"未变 {result.unchanged}，有误未导入 {result.rejected}"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export a kind of record as a user, in the columns of its import template (.xlsx or .csv)."""
    from hxgy import exports
    from hxgy.auth import add_audit
    from hxgy.entry.rules import WriteRefused
    from hxgy.models import Term
    from hxgy.transfer.exports import export_frame, phone_warning
    from hxgy.transfer.kinds import kind_or_error

    try:
        kind = kind_or_error(args.kind)
        with db.write_session() as session:  # a refusal is written to the audit log
            user = cli_user(session, args.user)
            if user is None:
                return 2
            term_id = None
            if args.term:
                term_id = session.scalar(
                    select(Term.id).where(Term.school_id == user.school_id, Term.name == args.term)
                )
                if term_id is None:
                    print(f"no term named {args.term}", file=sys.stderr)
                    return 2
            frame = export_frame(session, user, args.kind, term_id=term_id, today=config.today())
            # as the page's export (hxgy.ui.downloads): who, what, how many rows
            add_audit(
                session,
                user,
                "export",
                entity="export",
                detail=f"{kind.title} · {args.term or '全部学期'}：{len(frame):,} 行（命令行，{Path(args.file).name}）",
            )
    except (WriteRefused, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.file.lower().endswith(".csv"):
        data = frame.map(exports.neutralise).to_csv(index=False).encode("utf-8-sig")
    else:
        data = exports.excel_bytes({kind.title: frame}, stamp=args.term or "全部学期")
    with open(args.file, "wb") as fh:
        fh.write(data)
    print(f"wrote {len(frame)} rows of {kind.title} to {args.file}")
    warning = phone_warning(user.role, kind.key)
    if warning:
        print(warning, file=sys.stderr)
    return 0
