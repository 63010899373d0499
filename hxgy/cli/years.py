"""The year command: add, edit or list school years (学年) and their two terms."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from sqlalchemy import select

from hxgy import config, db
from hxgy.cli.common import cli_admin


def _date_range(text: str, label: str) -> tuple[date, date]:
    """Two ISO dates joined by a colon, e.g. 2026-09-01:2027-01-20."""
    try:
        first, last = text.split(":")
        return date.fromisoformat(first.strip()), date.fromisoformat(last.strip())
    except ValueError:
        raise ValueError(f"{label}应写成 开始:结束，如 2026-09-01:2027-01-20，而不是 {text}") from None


def _iso(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{label}应是 YYYY-MM-DD 格式的日期，而不是 {text}") from None


def _list_years(school_code: str | None) -> int:
    from hxgy.models import SchoolYear, Term

    with db.read_session() as session:
        user = cli_admin(session, school_code)
        if user is None:
            return 2
        years = session.scalars(
            select(SchoolYear).where(SchoolYear.school_id == user.school_id).order_by(SchoolYear.start_date)
        ).all()
        if not years:
            print("还没有学年：python -m hxgy year add 2026 --start … --end … --term1 …:… --term2 …:…")
        for year in years:
            print(f"{year.name}  {year.start_date} 至 {year.end_date}")
            for term in session.scalars(select(Term).where(Term.school_year_id == year.id).order_by(Term.term_no)):
                print(f"  {term.name}  {term.start_date} 至 {term.end_date}")
    return 0


def cmd_year(args: argparse.Namespace) -> int:
    """Add, edit or list school years and their two terms (the checks and audit of 设置 → 学年学期)."""
    from hxgy.entry.rules import InvalidEntry, WriteRefused
    from hxgy.entry.school_years import YearPlan, add_school_year, update_school_year
    from hxgy.models import SchoolYear

    if args.action == "list":
        return _list_years(args.school)
    if args.start_year is None:
        print("错误：请写明学年的起始年份，如 year add 2026", file=sys.stderr)
        return 2
    try:
        with db.write_session() as session:
            user = cli_admin(session, args.school)
            if user is None:
                return 2
            if args.action == "add":
                missing = [f"--{n}" for n in ("start", "end", "term1", "term2") if getattr(args, n) is None]
                if missing:
                    print(f"错误：添加学年需要 {'、'.join(missing)}", file=sys.stderr)
                    return 2
                plan = YearPlan(
                    args.start_year,
                    _iso(args.start, "--start"),
                    _iso(args.end, "--end"),
                    _date_range(args.term1, "--term1"),
                    _date_range(args.term2, "--term2"),
                )
                name = add_school_year(session, user, plan).name
            else:
                year = session.scalar(
                    select(SchoolYear).where(
                        SchoolYear.school_id == user.school_id, SchoolYear.start_year == args.start_year
                    )
                )
                if year is None:
                    print(f"错误：没有 {args.start_year}-{args.start_year + 1}学年", file=sys.stderr)
                    return 2
                terms = {t.term_no: (t.start_date, t.end_date) for t in year.terms}
                plan = YearPlan(
                    year.start_year,
                    _iso(args.start, "--start") if args.start else year.start_date,
                    _iso(args.end, "--end") if args.end else year.end_date,
                    _date_range(args.term1, "--term1") if args.term1 else terms[1],
                    _date_range(args.term2, "--term2") if args.term2 else terms[2],
                )
                update_school_year(session, user, year.id, plan, today=config.today())
                name = year.name
    except (InvalidEntry, ValueError, WriteRefused) as exc:
        print(f"错误：{exc}（未保存）", file=sys.stderr)
        return 2
    print(
        f"{'已添加' if args.action == 'add' else '已修改'} {name}：{plan.start_date} 至 {plan.end_date}；"
        f"第一学期 {plan.term1[0]} 至 {plan.term1[1]}，第二学期 {plan.term2[0]} 至 {plan.term2[1]}"
    )
    return 0
