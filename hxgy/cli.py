"""Command line: set up the database, load the demo, manage accounts.

python -m hxgy init [--demo]        migrate; first start: demo school or a first admin
python -m hxgy migrate              apply database migrations
python -m hxgy demo [--district N]  load the demo (or N benchmark schools) into an empty database
python -m hxgy create-user NAME --role ROLE --display-name TEXT [--school CODE] [--staff 工号]
python -m hxgy year add 2026 --start D --end D --term1 D:D --term2 D:D   a school year and its two terms
python -m hxgy year edit 2026 [--start D] [--end D] [--term1 D:D] [--term2 D:D]   change its dates
python -m hxgy year list            school years and terms
python -m hxgy accounts             list accounts
python -m hxgy template KIND FILE   write the .xlsx import template of a kind of data
python -m hxgy import KIND FILE --user NAME [--good-rows-only]   import a filled template (.xlsx or .csv)
python -m hxgy export KIND FILE --user NAME [--term NAME]        export records in the template's columns
python -m hxgy report [--term NAME] [--grade N] [--school CODE] FILE   draft the term report (.docx)
python -m hxgy backup FILE          a complete, checked copy of the database (SQLite backup API or pg_dump)
python -m hxgy restore FILE --yes   replace the database's contents with a backup, in one step
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from hxgy import config, db
from hxgy.auth import AccountError, CurrentUser, PasswordError, create_user, generate_password, staff_link_problem
from hxgy.glossary import ROLE_LABELS
from hxgy.metrics.roster import ClassFilter
from hxgy.migrate import upgrade_to_head
from hxgy.models import ROLES, AppMeta, School, UserAccount
from hxgy.terms import Period


def _database_is_empty() -> bool:
    with db.read_session() as session:
        return (session.scalar(select(func.count()).select_from(School)) or 0) == 0


def _print_accounts(accounts: list[tuple[str, str, str]], password: str | None) -> None:
    print("\n  Demo accounts (演示账户), password for all: " + (password or "(see above)"))
    for username, role, name in accounts:
        print(f"    {username:<12} {ROLE_LABELS.get(role, role):<6} {name}")
    print()


def cmd_migrate(_args: argparse.Namespace) -> int:
    """Apply every migration."""
    upgrade_to_head()
    print(f"database is up to date: {_safe_url()}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the demo into an empty database."""
    from db.demo import DEMO_PASSWORD, demo_spec, district_spec, load_demo

    if not _database_is_empty():
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
        if _database_is_empty():
            return cmd_demo(argparse.Namespace(anchor=args.anchor, district=0))
        with db.read_session() as session:
            demo = session.get(AppMeta, "demo") is not None
            rows = session.execute(
                select(UserAccount.username, UserAccount.role, UserAccount.display_name).order_by(UserAccount.id)
            ).all()
        if demo:
            from db.demo import DEMO_PASSWORD

            _print_accounts([tuple(r) for r in rows], DEMO_PASSWORD)
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
            session, username="admin", password=password, role="admin", display_name="系统管理员", school_id=school.id
        )
    if chosen:
        print("created account 'admin' with the password from HXGY_ADMIN_PASSWORD")
    else:
        print(f"created account 'admin' with password: {password}\n(shown once; change it after logging in)")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    """Create an account; the password comes from an environment variable or is generated.

    A head_teacher or teacher account is linked to a member of staff (--staff 工号), as on 设置.
    """
    from hxgy.models import Staff

    password = os.environ.get(args.password_env, "") if args.password_env else ""
    generated = not password
    password = password or generate_password()
    try:
        with db.write_session() as session:
            school_id = None
            if args.school:
                school_id = session.scalar(select(School.id).where(School.code == args.school))
                if school_id is None:
                    print(f"no school with code {args.school}", file=sys.stderr)
                    return 2
            elif args.role != "district":  # the first school, as the other commands
                school_id = session.scalar(select(School.id).order_by(School.id).limit(1))
            staff_id = None
            if args.staff:
                staff_id = session.scalar(
                    select(Staff.id).where(Staff.school_id == school_id, Staff.staff_no == args.staff.strip())
                )
                if staff_id is None:
                    print(f"错误：本校教职工名单中没有工号 {args.staff}（请先导入教职工模板）", file=sys.stderr)
                    return 2
            if problem := staff_link_problem(args.role, staff_id):
                print(f"错误：{problem}（请加 --staff 工号）", file=sys.stderr)
                return 2
            create_user(
                session,
                username=args.username,
                password=password,
                role=args.role,
                display_name=args.display_name,
                school_id=school_id,
                district=args.district,
                staff_id=staff_id,
            )
    except (AccountError, PasswordError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"created {args.username} ({args.role})" + (f", password: {password}" if generated else ""))
    return 0


def cmd_accounts(_args: argparse.Namespace) -> int:
    """List every account."""
    with db.read_session() as session:
        rows = session.execute(
            select(UserAccount.username, UserAccount.role, UserAccount.display_name, School.code, UserAccount.active)
            .outerjoin(School, School.id == UserAccount.school_id)
            .order_by(UserAccount.id)
        ).all()
    for username, role, name, school, active in rows:
        print(f"{username:<16} {role:<13} {school or '-':<8} {'active' if active else 'disabled':<9} {name}")
    return 0


def _cli_admin(session: Session, school_code: str | None) -> CurrentUser | None:
    """The command line acting as an admin of a school (audit log: user "cli"), or None with a message."""
    school = session.scalar(
        select(School).where(School.code == school_code) if school_code else select(School).order_by(School.id).limit(1)
    )
    if school is None:
        print(f"错误：没有学校 {school_code or ''}（请先运行 python -m hxgy init --school 校名）", file=sys.stderr)
        return None
    return CurrentUser(None, "cli", "命令行", "admin", school.id, "", None)  # type: ignore[arg-type]


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


def cmd_year(args: argparse.Namespace) -> int:
    """Add, edit or list school years and their two terms (the checks and audit of 设置 → 学年学期)."""
    from hxgy.entry.rules import InvalidEntry, WriteRefused
    from hxgy.entry.settings import YearPlan, add_school_year, update_school_year
    from hxgy.models import SchoolYear, Term

    if args.action == "list":
        with db.read_session() as session:
            user = _cli_admin(session, args.school)
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
    if args.start_year is None:
        print("错误：请写明学年的起始年份，如 year add 2026", file=sys.stderr)
        return 2
    try:
        with db.write_session() as session:
            user = _cli_admin(session, args.school)
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
                year = add_school_year(session, user, plan)
                name = year.name
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


COMPARED_MEASURES = (
    "students",
    "contact_coverage",
    "home_visit_coverage",
    "contacts_per_family",
    "response_on_time",
    "volunteer_records",
    "volunteer_hours",
    "volunteer_participation",
    "moral_good_rate",
    "moral_completion",
    "satisfaction",
    "activities",
    "parent_attendance",
)


def cmd_metrics(args: argparse.Namespace) -> int:
    """Write the per-class table of every measure for a term or a date range (a grade or a class with --grade/--class).

    ``--compare`` prints the figures beside the comparison (上学期 or 同期) and the classes it covers.
    """
    import json

    from hxgy import exports
    from hxgy.glossary import COLUMN_LABELS
    from hxgy.metrics.overview import baseline, class_measures, school_figures
    from hxgy.terms import PeriodError

    with db.read_session() as session:
        school = session.scalar(
            select(School).where(School.code == args.school)
            if args.school
            else select(School).order_by(School.id).limit(1)
        )
        if school is None:
            print(f"no school {args.school or ''}".strip(), file=sys.stderr)
            return 2
        try:
            period = _metrics_period(session, school.id, args)
            classes, scope = _metrics_classes(session, school.id, period, args)
        except (LookupError, PeriodError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        now = config.this_hour()  # as the dashboards: reply deadlines are judged to the hour
        frame = class_measures(session, period, classes, now=now)
        figures = school_figures(session, period, classes, now=now, frame=frame)
        basis = baseline(session, period, classes) if args.compare else None
        before = school_figures(session, basis.period, basis.classes, now=now) if basis is not None else None
    total_label = exports.SCHOOL_ROW if scope is None else f"{scope}合计"
    table = exports.metrics_table(frame, figures, total_label)
    fmt = args.format or (args.output.rsplit(".", 1)[-1] if args.output and "." in args.output else "csv")
    stamp = f"{school.name}{'' if scope is None else ' ' + scope} · {period.label}（{period.start} 至 {period.end}）"
    if args.compare:
        if basis is None:
            comparison: dict[str, object] = {"baseline": None, "note": "没有可比较的上一学期（或为自定义日期范围）"}
        else:
            comparison = {
                "baseline": basis.period.label,
                "start": basis.period.start.isoformat(),
                "end": basis.period.end.isoformat(),
                "classes": "全校" if basis.whole_school else list(basis.class_names),
                "caption": basis.caption,
            }
        if fmt == "json":
            rows = {
                k: {"now": _plain(figures.get(k)), "before": _plain(before.get(k) if before else None)}
                for k in COMPARED_MEASURES
            }
            payload = {
                "school": school.name,
                "scope": scope or "全校",
                "period": period.label,
                "comparison": comparison,
                "measures": rows,
            }
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
        else:
            sys.stdout.write(_comparison_text(stamp, figures, before, comparison))
        if not args.output:
            return 0
    if fmt == "json":
        payload = {
            "school": school.name,
            "scope": scope or "全校",
            "period": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "rows": json.loads(table.to_json(orient="records")),
        }
        data: bytes = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    elif fmt == "xlsx":
        data = exports.excel_bytes({"各班指标": table.rename(columns=COLUMN_LABELS)}, stamp=stamp)
    elif fmt == "csv":
        data = table.to_csv(index=False).encode("utf-8-sig")
    else:
        print(f"unknown format {fmt}: use csv, xlsx or json", file=sys.stderr)
        return 2
    if args.output and args.output != "-":
        with open(args.output, "wb") as fh:
            fh.write(data)
        print(f"wrote {len(table) - 1} classes of {stamp} to {args.output}")
    else:
        sys.stdout.buffer.write(data)
    return 0


def _plain(value: float | None) -> float | None:
    """A figure for JSON: None for no data."""
    return None if value is None or value != value else float(value)


def _comparison_text(
    stamp: str, figures: dict[str, float], before: dict[str, float] | None, comparison: dict[str, object]
) -> str:
    """The group's figures beside its comparison, as plain text lines."""
    from hxgy import formats
    from hxgy.glossary import COLUMN_LABELS, MEASURE_LABELS

    lines = [stamp]
    if comparison.get("baseline") is None:
        lines.append(str(comparison["note"]))
    else:
        classes = comparison["classes"]
        covered = "、".join(classes) if isinstance(classes, list) else str(classes)
        lines.append(f"比较对象：{comparison['baseline']}（{comparison['start']} 至 {comparison['end']}）")
        lines.append(f"比较的班级：{covered or '无'}")
        lines.append(f"说明：{comparison['caption']}")
    lines.append("指标\t本期\t比较期\t增减")
    for key in COMPARED_MEASURES:
        label = MEASURE_LABELS.get(key) or COLUMN_LABELS.get(key, key)
        now = figures.get(key)
        then = before.get(key) if before else None
        if key in ("students", "volunteer_records"):
            now_text = formats.number(now, 0)
            then_text = formats.number(then, 0) if before else "—"
            change = f"{(now or 0) - (then or 0):+,.0f}" if before else "—"
        else:
            now_text = formats.measure_value(key, now)
            then_text = formats.measure_value(key, then) if before else "—"
            change = formats.measure_delta(key, now, then) or "—"
        lines.append(f"{label}\t{now_text}\t{then_text}\t{change}")
    return "\n".join(lines) + "\n"


def _metrics_classes(
    session: Session, school_id: int, period: Period, args: argparse.Namespace
) -> tuple[ClassFilter, str | None]:
    """The classes --grade or --class selects (in the period's school year), and the scope's name."""
    from hxgy.glossary import grade_name
    from hxgy.models import SchoolClass

    if args.grade is not None and args.class_name:
        raise LookupError("--grade and --class cannot be used together")
    if args.grade is not None:
        found = session.scalar(
            select(SchoolClass.id).where(
                SchoolClass.school_id == school_id,
                SchoolClass.school_year_id == period.school_year_id,
                SchoolClass.grade_level == args.grade,
            )
        )
        if found is None:
            raise LookupError(f"{period.label}没有{args.grade}年级的班级")
        return ClassFilter(school_id, args.grade, None), grade_name(args.grade)
    if args.class_name:
        wanted = args.class_name.strip().replace("（", "(").replace("）", ")")
        found = session.execute(
            select(SchoolClass.id, SchoolClass.name).where(
                SchoolClass.school_id == school_id,
                SchoolClass.school_year_id == period.school_year_id,
                SchoolClass.name == wanted,
            )
        ).first()
        if found is None:
            raise LookupError(f"{period.label}没有名为 {args.class_name} 的班级")
        return ClassFilter(school_id, None, (found[0],)), found[1]
    return ClassFilter(school_id), None


def _metrics_period(session: Session, school_id: int, args: argparse.Namespace) -> Period:
    from hxgy.models import Term
    from hxgy.terms import current_term, custom_period, term_period

    if args.start or args.end:
        if not (args.start and args.end):
            raise LookupError("--from and --to go together")
        return custom_period(
            session, school_id=school_id, start=date.fromisoformat(args.start), end=date.fromisoformat(args.end)
        )
    if args.term:
        term = session.scalar(select(Term).where(Term.school_id == school_id, Term.name == args.term))
        if term is None:
            raise LookupError(f"no term named {args.term}")
    else:
        term = current_term(session, school_id=school_id, today=config.today())
        if term is None:
            raise LookupError("the school has no terms")
    return term_period(term, config.today())


def cmd_report(args: argparse.Namespace) -> int:
    """Draft the term report of a school (optionally one grade) as a Word document."""
    from hxgy.config import this_hour, today
    from hxgy.report import ReportError, build, gather
    from hxgy.report.figures import default_term, find_school, find_term

    def progress(fraction: float, step: str) -> None:
        print(f"{fraction:4.0%} {step}", file=sys.stderr, flush=True)

    if args.grade is not None and not 1 <= args.grade <= 9:
        print(f"错误：年级应为 1 至 9，而不是 {args.grade}", file=sys.stderr)
        return 2
    try:
        with db.read_session() as session:
            school = find_school(session, args.school)
            term = find_term(session, school.id, args.term) if args.term else default_term(session, school.id, today())
            if term is None:
                raise ReportError("学校尚未设置学期")
            progress(0.0, "读取数据")
            fig = gather(
                session, school_id=school.id, term_id=term.id, grade_level=args.grade, today=today(), now=this_hour()
            )
    except ReportError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    report = build(fig, progress)
    with open(args.file, "wb") as fh:
        fh.write(report.data)
    print(f"wrote the report of {report.draft.title} ({len(report.data) // 1024} KB) to {args.file}")
    return 0


def cmd_refresh_stats(_args: argparse.Namespace) -> int:
    """Recompute the pre-aggregated figures of every school (after editing the database by hand)."""
    from hxgy.metrics.stats import refresh_school

    with db.write_session() as session:
        schools = session.scalars(select(School.id)).all()
        rows = sum(refresh_school(session, school_id=s, today=config.today(), now=config.now()) for s in schools)
    print(f"refreshed {rows} class-term rows of {len(schools)} school(s)")
    return 0


def _school_user(session: Session, school_code: str | None) -> CurrentUser | None:
    """An admin of a school, for commands that act for the school rather than a person (templates)."""
    school = session.scalar(
        select(School).where(School.code == school_code) if school_code else select(School).order_by(School.id).limit(1)
    )
    if school is None:
        return None
    return CurrentUser(0, "cli", "命令行", "admin", school.id, "", None)


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
            user = _school_user(session, args.school)
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


def _cli_user(session: Session, username: str) -> CurrentUser | None:
    from hxgy.auth import load_user

    user = load_user(session, username)
    if user is None:
        print(f"no active account {username}", file=sys.stderr)
    return user


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
            user = _cli_user(session, args.user)
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
        for warning in exc.plan.warnings:  # the same notes as the page's preview
            print(f"请留意：{warning}", file=sys.stderr)
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
    from hxgy.entry.rules import WriteRefused
    from hxgy.models import Term
    from hxgy.transfer.exports import export_frame
    from hxgy.transfer.kinds import kind_or_error

    try:
        kind = kind_or_error(args.kind)
        with db.write_session() as session:  # a refusal is written to the audit log
            user = _cli_user(session, args.user)
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
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Write a backup of the configured database."""
    from hxgy.backup import BackupError, backup, row_counts

    url = config.database_url()
    try:
        path = backup(url, args.file)
    except BackupError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    rows = sum(row_counts(url).values())
    print(f"backed up {_safe_url()} ({rows:,} rows) to {path} ({path.stat().st_size // 1024:,} KB)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the configured database's contents with a backup."""
    from hxgy.backup import BackupError, restore, row_counts

    if not args.yes:
        print(f"错误：恢复会用备份替换 {_safe_url()} 中的全部数据；确认请加 --yes", file=sys.stderr)
        return 2
    url = config.database_url()
    try:
        restore(url, args.file)
    except BackupError as exc:
        print(f"错误：{exc}（数据库未改动）", file=sys.stderr)
        return 2
    rows = sum(row_counts(url).values())
    print(f"restored {_safe_url()} from {args.file} ({rows:,} rows); restart the app or wait 10 minutes for its caches")
    return 0


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(config.database_url()).render_as_string(hide_password=True)


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
    sub.add_parser("refresh-stats", help="recompute pre-aggregated figures").set_defaults(func=cmd_refresh_stats)
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
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    finally:
        db.dispose_engines()
