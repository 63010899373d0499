"""Commands for figures: metrics (the per-class table of every measure) and report (the term report)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import config, db
from hxgy.cli.common import find_school
from hxgy.metrics.roster import ClassFilter
from hxgy.terms import Period

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
        school = find_school(session, args.school)
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
    heading = {"school": school.name, "scope": scope or "全校", "period": period.label}  # how both JSON outputs begin
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
            payload = {**heading, "comparison": comparison, "measures": rows}
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
        else:
            sys.stdout.write(_comparison_text(stamp, figures, before, comparison))
        if not args.output:
            return 0
    if fmt == "json":
        payload = {
            **heading,
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
    stamp: str, figures: Mapping[str, float], before: Mapping[str, float] | None, comparison: dict[str, object]
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
        any_class = session.scalar(
            select(SchoolClass.id).where(
                SchoolClass.school_id == school_id,
                SchoolClass.school_year_id == period.school_year_id,
                SchoolClass.grade_level == args.grade,
            )
        )
        if any_class is None:
            raise LookupError(f"{period.label}没有{args.grade}年级的班级")
        return ClassFilter(school_id, args.grade, None), grade_name(args.grade)
    if args.class_name:
        wanted = args.class_name.strip().replace("（", "(").replace("）", ")")
        named = session.execute(
            select(SchoolClass.id, SchoolClass.name).where(
                SchoolClass.school_id == school_id,
                SchoolClass.school_year_id == period.school_year_id,
                SchoolClass.name == wanted,
            )
        ).first()
        if named is None:
            raise LookupError(f"{period.label}没有名为 {args.class_name} 的班级")
        return ClassFilter(school_id, None, (named[0],)), named[1]
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
    from hxgy.report import GATHERED, READ, READING, ReportError, ReportScope, build, gather
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
            progress(0.0, READING)
            fig = gather(session, ReportScope(school.id, term.id, today(), this_hour(), args.grade))
            progress(GATHERED, READ)
    except ReportError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    report = build(fig, progress)
    with open(args.file, "wb") as fh:
        fh.write(report.data)
    print(f"wrote the report of {report.draft.title} ({len(report.data) // 1024} KB) to {args.file}")
    return 0
