"""Benchmarks: how fast the dashboards are at school and at district scale.

    .venv/bin/python bench/run.py school                    # demo school on SQLite
    .venv/bin/python bench/run.py district --pg URL         # ~150 schools, ~10 million contacts, PostgreSQL
    .venv/bin/python bench/run.py entry [--url URL]         # saving one record and a 德育 grid
    .venv/bin/python bench/run.py import [--rows N ...] [--pg URL]  # importing a communications file

Each prints a Markdown table and writes it to bench/results/<name>.md; the
figures we measured are kept in bench/RESULTS.md. Tests never assert timings.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "results"
ANCHOR = date(2026, 11, 22)
NOON = datetime(2026, 11, 22, 12)
os.environ.setdefault("HXGY_TODAY", ANCHOR.isoformat())
os.environ.setdefault("HXGY_COOKIE_KEY", "bench-" + "k" * 40)


def timed(fn: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    """(first call, median of the next ``repeat`` calls) in milliseconds."""
    start = time.perf_counter()
    fn()
    first = (time.perf_counter() - start) * 1000
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(runs)


def _write(name: str, lines: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    text = "\n".join(lines) + "\n"
    (OUT / f"{name}.md").write_text(text, encoding="utf-8")
    print(text)


def _machine() -> str:
    import platform

    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


# --- school scale -------------------------------------------------------------


def school(args: argparse.Namespace) -> None:
    """Every page's data and every full page run, on the demo school in SQLite."""
    url = args.url or _demo_url(None, "school")
    os.environ["HXGY_DATABASE_URL"] = url
    rows = _page_runs(url, args.repeat)
    lines = [
        f"## School scale: the demo school (32 classes, 1,427 students) on {url.split(':')[0]}",
        "",
        f"Machine: {_machine()}. Full page = AppTest run of the page file as the principal; data = time spent",
        "inside hxgy.ui.data and hxgy.ui.details (the page's reads). After a write = the head teacher saved one",
        "contact through hxgy.ui.entry.save (what the 保存 button runs), then the page ran. Plain = the same with",
        "the way before: every cache cleared after a write and every figure counted from the records.",
        "Start = every cache empty (a new process). Warm = the next run. Medians.",
        "",
        "| page | data after a write (ms) | plain: data after a write (ms) | data at start (ms) | data warm (ms) "
        "| page after a write (s) | plain: page after a write (s) | page warm (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r.title} | {r.data_after_write:.0f} | {r.plain_data_after_write:.0f} | {r.data_start:.0f} "
        f"| {r.data_warm:.1f} | {r.page_after_write:.2f} | {r.plain_page_after_write:.2f} | {r.page_warm:.2f} |"
        for r in rows
    ]
    _write("school", lines)


class PageTimes(NamedTuple):
    """One page's medians: data (ms) and the whole run (s)."""

    title: str
    data_after_write: float
    plain_data_after_write: float
    data_start: float
    data_warm: float
    page_after_write: float
    plain_page_after_write: float
    page_warm: float


def _page_runs(url: str, repeat: int) -> list[PageTimes]:
    from sqlalchemy import select
    from streamlit.testing.v1 import AppTest

    from hxgy import auth, db, rights
    from hxgy.entry import records
    from hxgy.entry.rules import students_of_class
    from hxgy.metrics import overview, stats
    from hxgy.models import Category
    from hxgy.models.base import utcnow
    from hxgy.navigation import PAGES
    from hxgy.ui import data, details
    from hxgy.ui import entry as ui_entry
    from hxgy.ui.gate import SIGNED_IN_AT

    spent = {"ms": 0.0, "depth": 0}

    def instrument(fn: Callable) -> Callable:
        def wrapper(*a: object, **k: object) -> object:
            spent["depth"] += 1
            start = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent["depth"] -= 1
                if spent["depth"] == 0:  # a read inside a read is counted once
                    spent["ms"] += (time.perf_counter() - start) * 1000

        return wrapper

    skip = {"engine", "read_session", "today", "this_hour", "clear_caches", "see_changes", "cached", "figures"}
    for module in (data, details):
        for name in dir(module):
            value = getattr(module, name)
            ours = getattr(value, "__module__", "") in (data.__name__, details.__name__)
            if callable(value) and ours and not name.startswith(("_", "figures")) and name not in skip:
                setattr(module, name, instrument(value))

    engine = db.create_db_engine(url)
    with db.read_session(engine) as session:
        head = auth.load_user(session, "headteacher")
        class_id = rights.my_class_ids(session, staff_id=head.staff_id, on_day=ANCHOR, head_only=True)[0]
        students = students_of_class(session, class_id, ANCHOR, ANCHOR)
        channel = session.scalar(
            select(Category.id).where(
                Category.school_id == head.school_id, Category.kind == "channel", Category.code == "phone"
            )
        )
    saved = iter(range(1_000_000))
    served = stats.served_class_measures

    def write_one(plain: bool) -> None:
        """The 保存 button: one contact through hxgy.ui.entry.save (then what the app does after a write)."""
        n = next(saved)
        entry = records.ContactEntry(
            class_id=class_id,
            contact_date=ANCHOR,
            channel_id=channel,
            student_id=students[n % len(students)].id,
            summary=f"bench {n}",
        )
        key = f"bench-{time.time_ns()}"
        ok, _ = ui_entry.save(
            lambda session: records.log_contact(
                session, head, entry, today=ANCHOR, submission_key=key, confirm_duplicate=True
            )
        )
        assert ok
        if plain:  # the way before: every cache cleared, every figure counted from the records
            data.clear_caches()

    def signed_in(path: str) -> AppTest:
        app = AppTest.from_file(path, default_timeout=120)
        app.session_state["authentication_status"] = True
        app.session_state["username"] = "principal"
        app.session_state[SIGNED_IN_AT] = utcnow()
        return app

    def run(app: AppTest) -> tuple[float, float]:
        spent["ms"] = 0.0
        start = time.perf_counter()
        app.run()
        return time.perf_counter() - start, spent["ms"]

    def check(app: AppTest, title: str) -> None:
        """Fail loudly unless the page ran and showed its figures (a login form shows none)."""
        if app.exception:
            raise SystemExit(f"{title}: the page failed: {app.exception}")
        if not app.metric or any(str(m.value).strip() in ("", "—") for m in app.metric[:1]):
            raise SystemExit(f"{title}: the page showed no figures (not signed in, or no data): nothing measured")

    results = []
    for page in PAGES:
        if page.section not in ("概览", "指标") or page.key in ("district", "report", "meeting"):
            continue
        app = signed_in(str(ROOT / page.path))
        starts, afters, plains, warms = [], [], [], []
        for _ in range(max(1, repeat // 2)):
            data.clear_caches()
            starts.append(run(app))
            check(app, page.title)
        for _ in range(repeat):
            write_one(plain=False)
            afters.append(run(app))
            check(app, page.title)
            warms.append(run(app))
            stats.served_class_measures = overview.class_measures  # type: ignore[assignment]
            try:
                write_one(plain=True)
                plains.append(run(app))
                check(app, page.title)
            finally:
                stats.served_class_measures = served
            run(app)  # warm again under the versions now, for the next write
        results.append(
            PageTimes(
                page.title,
                statistics.median(a[1] for a in afters),
                statistics.median(a[1] for a in plains),
                statistics.median(a[1] for a in starts),
                statistics.median(a[1] for a in warms),
                statistics.median(a[0] for a in afters),
                statistics.median(a[0] for a in plains),
                statistics.median(a[0] for a in warms),
            )
        )
        print(results[-1], flush=True)
    engine.dispose()
    return results


# --- district scale -----------------------------------------------------------


def district(args: argparse.Namespace) -> None:
    """One school's data, the district per-class table from stats, and the two ways without them."""
    from sqlalchemy import func, select, text
    from sqlalchemy.orm import Session

    from hxgy import db
    from hxgy.metrics import communication, overview, stats
    from hxgy.metrics.roster import ClassFilter
    from hxgy.models import Communication, School
    from hxgy.terms import comparison_period, current_term, term_period

    url = args.pg
    engine = db.create_db_engine(url)
    try:
        with Session(engine) as session:
            schools = session.scalar(select(func.count()).select_from(School)) or 0
    except Exception:  # the benchmark database does not exist yet
        schools = 0
    if schools == 0 or args.rebuild:
        engine.dispose()
        _build_district(url, args)
        engine = db.create_db_engine(url)
    with Session(engine) as session:
        schools = session.scalars(select(School).order_by(School.id)).all()
        contacts = session.scalar(select(func.count()).select_from(Communication))
        periods = {}
        for s in schools:
            term = current_term(session, school_id=s.id, today=ANCHOR)
            periods[s.id] = term_period(term, ANCHOR)
        # the third school: the same school (the spec is seeded) in a district of 3 and of 150, so runs compare
        middle = schools[min(2, len(schools) - 1)]
        period = periods[middle.id]
        whole = ClassFilter(middle.id)

        def one_school() -> None:
            frame = overview.class_measures(session, period, whole, now=NOON)
            overview.school_figures(session, period, whole, now=NOON, frame=frame)
            communication.channel_mix(session, period, whole)
            communication.contacts_by_week(session, period, whole)

        district_of = {x.id: x.district for x in schools}
        first_district = district_of[schools[0].id]
        in_district = {sid: p for sid, p in periods.items() if district_of[sid] == first_district}

        def district_from_stats() -> None:
            stats.district_school_table(session, district=first_district, terms=in_district, now=NOON)
            stats.district_class_table(session, terms=in_district)

        def all_classes_from_stats() -> None:
            stats.district_class_table(session, terms=periods)

        def overview_page_live() -> None:
            frame = overview.class_measures(session, period, whole, now=NOON)
            overview.school_figures(session, period, whole, now=NOON, frame=frame)
            before = comparison_period(session, period)
            overview.school_figures(session, before, whole, now=NOON)
            communication.late_requests(session, period, whole, now=NOON)

        def overview_page_served() -> None:
            frame = stats.served_class_measures(session, period, whole, now=NOON)
            overview.school_figures(session, period, whole, now=NOON, frame=frame)
            before = comparison_period(session, period)
            overview.school_figures(session, before, whole, now=NOON)
            communication.late_requests(session, period, whole, now=NOON)

        def overview_after_a_contact() -> None:
            """What 总览 reads again after a contact: this term's figures and who was not reached."""
            frame = stats.served_class_measures(session, period, whole, now=NOON)
            overview.school_figures(session, period, whole, now=NOON, frame=frame)
            communication.students_not_reached(session, period, whole)

        os.environ["HXGY_DATABASE_URL"] = url

        from hxgy.ui import data as ui_data
        from hxgy.ui import details as ui_details

        def overview_page_cached() -> None:
            ui_data.class_measures(period, whole, NOON)
            ui_data.school_figures(period, whole, NOON)
            ui_data.earlier_figures(period, whole, NOON)
            ui_details.late_requests(period, whole, now=NOON)

        ui_data.clear_caches()

        start, end = period.start, period.end

        def plain_group_by() -> None:
            session.execute(
                text(
                    "SELECT class_id, count(*), count(DISTINCT student_id) FROM communication "
                    "WHERE deleted_at IS NULL AND contact_date BETWEEN :s AND :e GROUP BY class_id"
                ),
                {"s": start, "e": end},
            ).all()

        def pandas_load() -> None:
            import pandas as pd

            frame = pd.read_sql(
                text(
                    "SELECT class_id, student_id FROM communication WHERE deleted_at IS NULL "
                    "AND contact_date BETWEEN :s AND :e"
                ),
                session.connection(),
                params={"s": start, "e": end},
            )
            frame.groupby("class_id").agg(contacts=("student_id", "size"), students=("student_id", "nunique"))

        rows = [
            (
                f"总览 page data of one school ({middle.name}), every figure counted from the records (before)",
                *timed(overview_page_live),
            ),
            ("the same, this term served from class_term_stats (the comparison counted)", *timed(overview_page_served)),
            ("总览 after a contact: read again (this term served, not reached)", *timed(overview_after_a_contact)),
            ("the same through the app's cache (first call fills it)", *timed(overview_page_cached)),
            (
                "家校沟通 page's extra data (class measures, channels, weeks), straight from the database",
                *timed(one_school),
            ),
            (
                f"one district ({len(in_district)} schools): school table and per-class table from class_term_stats",
                *timed(district_from_stats),
            ),
            (f"every class of all {len(periods)} schools from class_term_stats", *timed(all_classes_from_stats)),
            ("district per-class contacts and coverage, plain GROUP BY on communication", *timed(plain_group_by, 2)),
            ("the same, loading the rows into pandas first", *timed(pandas_load, 1)),
        ]
    lines = [
        f"## District scale: {len(schools)} schools, {contacts:,} communication records, PostgreSQL",
        "",
        f"Machine: {_machine()}. Current term of each school; first call and median of the next calls.",
        "",
        "| what | first (ms) | warm (ms) |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {r[0]} | {r[1]:.0f} | {r[2]:.0f} |" for r in rows]
    _write("district", lines)


def _build_district(url: str, args: argparse.Namespace) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from db.demo import district_spec, load_demo
    from hxgy import db
    from hxgy.migrate import upgrade_to_head

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    upgrade_to_head(url)
    spec = district_spec(
        ANCHOR, schools=args.schools, past_years=args.years, contact_multiplier=args.contact_multiplier
    )
    started = time.perf_counter()
    engine = db.create_db_engine(url)
    for i, school_spec in enumerate(spec.schools):
        one = type(spec)(
            anchor=spec.anchor,
            schools=(school_spec,),
            past_years=spec.past_years,
            contact_multiplier=spec.contact_multiplier,
        )
        with db.write_session(engine) as session:
            load_demo(session, one)
        if i % 10 == 9:
            print(f"  {i + 1} schools in {time.perf_counter() - started:.0f} s", flush=True)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    print(f"generated {len(spec.schools)} schools in {time.perf_counter() - started:.0f} s")


# --- saving records -------------------------------------------------------------


def _demo_url(url: str | None, name: str) -> str:
    """The given database, or a demo school in a SQLite file under bench/results (built once)."""
    if url:
        return url
    path = OUT / f"{name}.db"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "hxgy", "init", "--demo", "--anchor", ANCHOR.isoformat()],
            cwd=ROOT,
            check=True,
            env={**os.environ, "HXGY_DATABASE_URL": f"sqlite:///{path}"},
            stdout=subprocess.DEVNULL,
        )
    return f"sqlite:///{path}"


def entry(args: argparse.Namespace) -> None:
    """One communication saved (the whole transaction), and a whole 德育 grid saved, on the demo school."""
    from sqlalchemy import func, select

    from hxgy import auth, db, rights, terms
    from hxgy.entry import moral_grid, records
    from hxgy.entry.rules import students_of_class
    from hxgy.models import Category, Enrolment, MoralRater, SchoolClass

    url = _demo_url(args.url, "entry")
    engine = db.create_db_engine(url)
    with db.read_session(engine) as session:
        head = auth.load_user(session, "headteacher")
        dean = auth.load_user(session, "dean")
        class_id = rights.my_class_ids(session, staff_id=head.staff_id, on_day=ANCHOR, head_only=True)[0]
        term = terms.current_term(session, school_id=head.school_id, today=ANCHOR)
        students = students_of_class(session, class_id, ANCHOR, ANCHOR)
        phone = session.scalar(
            select(Category.id).where(
                Category.school_id == head.school_id, Category.kind == "channel", Category.code == "phone"
            )
        )
        teacher = session.scalar(
            select(MoralRater.id).where(MoralRater.school_id == head.school_id, MoralRater.code == "teacher")
        )
        scheme = moral_grid.moral_scheme(session, school_id=head.school_id)
        # the largest class of the term, for the grid
        big_class, size = session.execute(
            select(Enrolment.class_id, func.count())
            .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
            .where(SchoolClass.school_year_id == term.school_year_id, SchoolClass.school_id == head.school_id)
            .group_by(Enrolment.class_id)
            .order_by(func.count().desc())
        ).first()
        grid_students = [s.id for s in students_of_class(session, big_class, term.start_date, term.end_date)]
    dimension_ids = [d_id for d_id, _code, _name in scheme.dimensions]
    counter = iter(range(1_000_000))

    def save_one() -> None:
        n = next(counter)
        entry = records.ContactEntry(
            class_id=class_id,
            contact_date=date(2026, 11, 20),
            channel_id=phone,
            student_id=students[n % len(students)].id,
            summary=f"bench {n}",
        )
        with db.write_session(engine) as session:
            records.log_contact(
                session, head, entry, today=ANCHOR, submission_key=f"bench-{time.time_ns()}", confirm_duplicate=True
            )

    values = iter([80.0, 81.5] * 1000)

    def save_grid() -> None:
        value = next(values)
        cells = {(s, d): value for s in grid_students for d in dimension_ids}
        with db.write_session(engine) as session:
            moral_grid.save_grid(
                session,
                dean,
                class_id=big_class,
                term_id=term.id,
                rater_id=teacher,
                scores=cells,
                today=ANCHOR,
            )

    def spread(fn: Callable[[], None], repeat: int) -> tuple[float, float]:
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - start) * 1000)
        return statistics.median(runs), max(runs)

    save_one()  # warm the engine and the imports
    one = spread(save_one, args.repeat * 4)
    grid = spread(save_grid, args.repeat)
    engine.dispose()
    cells = len(grid_students) * len(dimension_ids)
    lines = [
        f"## Saving records on {url.split(':')[0]} (demo school)",
        "",
        f"Machine: {_machine()}. Each save is a whole transaction: rights, validation, insert, audit log,",
        "and the class's class_term_stats recomputed; median and worst of the runs.",
        "",
        "| what | median (ms) | worst (ms) | target |",
        "| --- | ---: | ---: | --- |",
        f"| one communication record ({args.repeat * 4} saves) | {one[0]:.0f} | {one[1]:.0f} | ≤ 50 ms |",
        f"| 德育 grid: {len(grid_students)} students × {len(dimension_ids)} dimensions = {cells} cells changed, "
        f"{size} enrolments in the class ({args.repeat} saves) | {grid[0]:.0f} | {grid[1]:.0f} | ≤ 300 ms |",
    ]
    _write(f"entry-{url.split(':')[0].split('+')[0]}", lines)


# --- importing files --------------------------------------------------------------

IMPORT_HEADERS = (
    "沟通日期", "班级", "学号", "学生姓名", "沟通方式", "方向",
    "沟通内容", "时长(分钟)", "简要记录", "需要跟进", "教师工号",
)  # fmt: skip
IMPORT_STEPS = ("prepare", "import", "reimport", "upload", "before")
# each on a fresh copy of the demo: the steps of one copy run in order (reimport finds what import wrote)
IMPORT_COPIES = (("prepare", "import", "reimport"), ("upload",), ("before",))
IMPORT_FIRST_DAY, IMPORT_LAST_DAY = date(2026, 9, 1), date(2026, 11, 20)
PHRASES = ("了解近期学习情况", "沟通作业完成情况", "提醒注意上学路上安全", "反馈课堂表现", "交流在家阅读习惯")


def import_bench(args: argparse.Namespace) -> None:
    """A communications file of N new rows: checked (prepare), imported and committed, then imported again."""
    import tempfile

    backend = "postgresql" if args.pg else "sqlite"
    results = []
    with tempfile.TemporaryDirectory(prefix="hxgy-import-") as tmp:
        folder = Path(tmp)
        databases = _ImportDatabases(args.pg, folder)
        try:
            for count in args.rows:
                started = time.perf_counter()
                files = _import_files(databases.pristine, count, folder)
                sizes = ", ".join(f"{fmt} {path.stat().st_size / 1048576:.1f} MB" for fmt, path in files.items())
                print(f"{count:,} rows written ({sizes}) in {time.perf_counter() - started:.0f} s", flush=True)
                for fmt in args.formats:
                    runs: dict[str, list[tuple[float, float, str, float]]] = {step: [] for step in IMPORT_STEPS}
                    for attempt in range(args.repeat):
                        for copy_steps in IMPORT_COPIES:
                            if copy_steps == ("before",) and fmt != "xlsx":
                                continue  # the .csv reader did not change: before = prepare + import
                            url = databases.copy(f"{count}_{fmt}_{attempt}_{copy_steps[0]}")
                            for step in copy_steps:
                                profile = OUT / f"import-{backend}-{fmt}-{count}-{step}.prof" if args.profile else None
                                seconds, peak, summary, cpu = _in_fresh_process(
                                    _import_step, url, str(files[fmt]), step, count, profile
                                )
                                runs[step].append((seconds, peak, summary, cpu))
                                print(
                                    f"  {fmt} {step}: {seconds:.2f} s (CPU {cpu:.2f} s), peak +{peak:.0f} MB "
                                    f"({summary})",
                                    flush=True,
                                )
                                if profile:
                                    _print_profile(profile)
                            databases.discard(url)
                    results.append((count, fmt, runs))
        finally:
            databases.close()
    lines = [
        f"## Importing a communications file on {backend} (demo school, as the dean)",
        "",
        f"Machine: {_machine()}. Each step runs in a fresh process; each run on a fresh copy of the demo database.",
        "prepare = read + check (the preview); import + commit = hxgy.transfer.imports.run_import in a",
        "hxgy.db.write_session without the preview's plan (reads and checks again, writes, audit log,",
        "class_term_stats, commit); re-import = the same file again (every row unchanged).",
        "From upload to committed: old = prepare + import (the page before: the 导入 button read and checked the",
        "file again); before = the same with the openpyxl reader (the code before python-calamine; .xlsx only);",
        "new = prepare, then run_import given its plan (written without reading the file again), in one process,",
        f"as the page does now. Median of {args.repeat} run(s); peak = the largest growth of the process's peak",
        "RSS during the step (new: the whole flow, with the plan held as the page holds it). CPU = the CPU time",
        "of the importing process (not the database server's): what the wall time would be on an idle machine",
        "with SQLite, a lower bound with PostgreSQL.",
        "",
        "| rows | format | prepare (s) | import + commit (s) | re-import (s) "
        "| upload → committed: before / old / **new** (s) | CPU s: before / old / **new** "
        "| peak MB prepare / import / new | new: KB a row |",
        "| ---: | --- | ---: | ---: | ---: | --- | --- | --- | ---: |",
    ]
    for count, fmt, runs in results:
        median = {step: statistics.median(r[0] for r in runs[step]) if runs[step] else 0.0 for step in IMPORT_STEPS}
        peak = {step: max((r[1] for r in runs[step]), default=0.0) for step in IMPORT_STEPS}
        cpu = {step: statistics.median(r[3] for r in runs[step]) if runs[step] else 0.0 for step in IMPORT_STEPS}
        old = statistics.median(p[0] + i[0] for p, i in zip(runs["prepare"], runs["import"], strict=True))
        old_cpu = statistics.median(p[3] + i[3] for p, i in zip(runs["prepare"], runs["import"], strict=True))
        before = f"{median['before']:.2f}" if runs["before"] else "—"
        before_cpu = f"{cpu['before']:.2f}" if runs["before"] else "—"
        lines.append(
            f"| {count:,} | {fmt} | {median['prepare']:.2f} | {median['import']:.2f} | {median['reimport']:.2f} "
            f"| {before} / {old:.2f} / **{median['upload']:.2f}** "
            f"| {before_cpu} / {old_cpu:.2f} / **{cpu['upload']:.2f}** "
            f"| {peak['prepare']:.0f} / {peak['import']:.0f} / {peak['upload']:.0f} "
            f"| {peak['upload'] * 1024 / count:.2f} |"
        )
    if args.profile:  # timings under cProfile are not the real ones
        print("\n".join(lines))
    else:
        _write(f"import-{backend}", lines)


class _ImportDatabases:
    """The demo database files are made from (never written to), and fresh copies of it to import into.

    SQLite: the demo is built once under bench/results and copied into a temporary folder.
    PostgreSQL: a new database on the given server, loaded with the demo; copies are made from it as a
    template; every one of them is dropped by close().
    """

    def __init__(self, pg: str | None, folder: Path) -> None:
        self.folder = folder
        self.made: list[str] = []
        if not pg:
            self.server = None
            self.pristine = _demo_url(None, "import")
            return
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        self.server = make_url(pg)
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        self.base = f"hxgy_bench_import_{os.getpid()}"
        try:
            self.pristine = self._create(self.base)
            subprocess.run(
                [sys.executable, "-m", "hxgy", "init", "--demo", "--anchor", ANCHOR.isoformat()],
                cwd=ROOT,
                check=True,
                env={**os.environ, "HXGY_DATABASE_URL": self.pristine},
                stdout=subprocess.DEVNULL,
            )
            engine = create_engine(self.pristine)
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
            engine.dispose()
        except BaseException:
            self.close()
            raise

    def _create(self, name: str, template: str | None = None) -> str:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        self.made.append(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def _drop(self, name: str) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.made.remove(name)

    def copy(self, name: str) -> str:
        """A fresh copy of the demo; its URL."""
        if self.server is not None:
            return self._create(f"{self.base}_{name}", template=self.base)
        import sqlite3

        target = self.folder / f"{name}.db"
        source, copy = sqlite3.connect(self.pristine.removeprefix("sqlite:///")), sqlite3.connect(target)
        source.backup(copy)
        source.close()
        copy.close()
        return f"sqlite:///{target}"

    def discard(self, url: str) -> None:
        """Remove a copy."""
        from sqlalchemy.engine import make_url

        name = make_url(url).database or ""
        if self.server is not None:
            self._drop(name)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(name + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        """Drop every database made (PostgreSQL); the temporary folder takes the SQLite copies with it."""
        if self.server is None:
            return
        for name in reversed(self.made[:]):
            self._drop(name)
        self.admin.dispose()


def _import_files(url: str, count: int, folder: Path) -> dict[str, Path]:
    """A communications .xlsx and .csv of ``count`` new rows: real classes, enrolled students, mixed channels."""
    import csv
    import io
    import random

    import openpyxl
    from sqlalchemy import select

    from hxgy import auth, db, terms
    from hxgy.models import Category, ClassAssignment, Communication, Enrolment, SchoolClass, Staff, Student

    engine = db.create_db_engine(url)
    with db.read_session(engine) as session:
        dean = auth.load_user(session, "dean")
        school = dean.school_id
        term = terms.current_term(session, school_id=school, today=ANCHOR)
        first, last = max(term.start_date, IMPORT_FIRST_DAY), min(term.end_date, IMPORT_LAST_DAY)
        classes = dict(
            session.execute(
                select(SchoolClass.id, SchoolClass.name).where(
                    SchoolClass.school_id == school, SchoolClass.school_year_id == term.school_year_id
                )
            ).all()
        )
        heads = dict(
            session.execute(
                select(ClassAssignment.class_id, Staff.staff_no)
                .join(Staff, Staff.id == ClassAssignment.staff_id)
                .where(ClassAssignment.class_id.in_(classes), ClassAssignment.role == "head_teacher")
            ).all()
        )
        staff_ids = dict(session.execute(select(Staff.staff_no, Staff.id).where(Staff.school_id == school)).all())
        enrolments = [
            (e.class_id, e.id, e.student_no, e.name, max(e.start_date, first), min(e.end_date or last, last))
            for e in session.execute(
                select(Enrolment.class_id, Enrolment.start_date, Enrolment.end_date, Student.id, Student.student_no)
                .add_columns(Student.name)
                .join(Student, Student.id == Enrolment.student_id)
                .where(Enrolment.class_id.in_(classes))
                .order_by(Enrolment.id)
            )
            if max(e.start_date, first) <= min(e.end_date or last, last)
        ]
        channels: dict[str, list[tuple[int, str]]] = {}
        for c in session.execute(
            select(Category.id, Category.kind, Category.name, Category.class_wide)
            .where(Category.school_id == school, Category.active.is_(True), Category.kind.in_(("channel", "topic")))
            .order_by(Category.sort_order, Category.id)
        ):
            channels.setdefault(c.kind, []).append((c.id, c.name))
            if c.class_wide:  # a whole-class row may only use a class-wide channel (issue 14)
                channels.setdefault("class_wide", []).append((c.id, c.name))
        m = Communication
        taken = set(
            session.execute(
                select(m.class_id, m.student_id, m.contact_date, m.channel_id, m.staff_id).where(
                    m.school_id == school, m.deleted_at.is_(None), m.contact_date.between(first, last)
                )
            ).all()
        )
    engine.dispose()
    rng = random.Random(count)
    class_list = sorted(classes)
    rows: list[tuple] = []
    while len(rows) < count:
        channel_id, channel = rng.choice(channels["channel"])
        if rng.random() < 0.02:  # a message to the whole class
            channel_id, channel = rng.choice(channels["class_wide"])
            class_id, student_id, student_no, name = rng.choice(class_list), None, "", ""
            day = first + timedelta(days=rng.randrange((last - first).days + 1))
        else:
            class_id, student_id, student_no, name, start, end = rng.choice(enrolments)
            day = start + timedelta(days=rng.randrange((end - start).days + 1))
        staff_no = heads.get(class_id, "")
        key = (class_id, student_id, day, channel_id, staff_ids.get(staff_no, dean.staff_id))
        if key in taken:
            continue
        taken.add(key)
        _topic_id, topic = rng.choice(channels["topic"])
        rows.append(
            (
                day,
                classes[class_id],
                student_no,
                name,
                channel,
                "学校→家庭" if rng.random() < 0.8 else "家庭→学校",
                topic if rng.random() < 0.9 else "",
                rng.choice((5, 10, 15, 20, 30, 45, 60)),
                f"{rng.choice(PHRASES)}（{len(rows) + 1}）",
                "是" if rng.random() < 0.1 else "否",
                staff_no,
            )
        )
    rows.sort(key=lambda r: (r[0], r[1]))
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("沟通记录")
    sheet.append(IMPORT_HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    text_buffer = io.StringIO(newline="")
    writer = csv.writer(text_buffer)
    writer.writerow(IMPORT_HEADERS)
    writer.writerows((r[0].isoformat(), *r[1:]) for r in rows)
    out = {"xlsx": buffer.getvalue(), "csv": text_buffer.getvalue().encode("utf-8-sig")}
    files = {}
    for fmt, data in out.items():
        files[fmt] = folder / f"communications-{count}.{fmt}"
        files[fmt].write_bytes(data)
    return files


def _in_fresh_process(fn: Callable, *args: object) -> tuple[float, float, str, float]:
    """``fn(*args)`` in a new Python process, so that each step's peak memory is its own."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def _import_step(url: str, path: str, step: str, count: int, profile: Path | None) -> tuple[float, float, str, float]:
    """One step, timed, in this (fresh) process: (seconds, growth of peak RSS in MB, what it did, CPU seconds of
    this process: on a machine busy with other work the wall time grows, this much less).

    The steps run in order on one copy of the database: reimport finds the rows the import step wrote.
    """
    import resource

    from sqlalchemy import text

    from hxgy import auth, db
    from hxgy.transfer.imports import prepare, run_import

    engine = db.create_db_engine(url)
    name = Path(path).name
    data = Path(path).read_bytes()
    with db.read_session(engine) as session:
        dean = auth.load_user(session, "dean")
        session.execute(text("SELECT 1"))

    def run() -> str:
        if step == "prepare":
            with db.read_session(engine) as session:
                plan = prepare(session, dean, "communications", name, data, today=ANCHOR)
            assert plan.ok and len(plan.new) == count, plan.summary()
            return plan.summary()
        if step in ("upload", "before"):  # what the page does from the upload to the committed import
            if step == "before":  # the reader before python-calamine, and no plan handed over
                import functools

                from hxgy.transfer import imports
                from hxgy.transfer.files import read_tables

                imports.read_tables = functools.partial(read_tables, reader="openpyxl")  # type: ignore[assignment]
            with db.read_session(engine) as session:
                plan = prepare(session, dean, "communications", name, data, today=ANCHOR)
            assert plan.ok and len(plan.new) == count, plan.summary()
            with db.write_session(engine) as session:
                result = run_import(
                    session, dean, "communications", name, data, today=ANCHOR, plan=plan if step == "upload" else None
                )
            assert result.added == count and result.reused_plan == (step == "upload"), result
            return f"added {result.added}, plan reused: {result.reused_plan}"
        with db.write_session(engine) as session:
            result = run_import(session, dean, "communications", name, data, today=ANCHOR)
        expected = (count, 0) if step == "import" else (0, count)
        assert (result.added, result.unchanged) == expected and not result.updated, result
        return f"added {result.added}, unchanged {result.unchanged}"

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu_start = time.perf_counter(), time.process_time()
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        summary = profiler.runcall(run)
        profiler.dump_stats(profile)
    else:
        summary = run()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    engine.dispose()
    return seconds, peak, summary, cpu


def _print_profile(path: Path, top: int = 25) -> None:
    import pstats

    stats = pstats.Stats(str(path))
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main() -> int:
    """Run one benchmark."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="which", required=True)
    p = sub.add_parser("school")
    p.add_argument("--url", help="database URL (default: a demo SQLite file under bench/results)")
    p.add_argument("--repeat", type=int, default=5)
    p.set_defaults(func=school)
    p = sub.add_parser("district")
    p.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/hxgy_bench")
    p.add_argument("--schools", type=int, default=150)
    p.add_argument("--years", type=int, default=2, help="full school years before the current one")
    p.add_argument("--contact-multiplier", type=int, default=5)
    p.add_argument("--rebuild", action="store_true", help="generate the data again")
    p.set_defaults(func=district)
    p = sub.add_parser("entry")
    p.add_argument("--url", help="database URL holding the demo (default: a demo SQLite file under bench/results)")
    p.add_argument("--repeat", type=int, default=5)
    p.set_defaults(func=entry)
    p = sub.add_parser("import")
    p.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--formats", nargs="+", choices=("xlsx", "csv"), default=["xlsx", "csv"])
    p.add_argument("--pg", help="PostgreSQL server URL; a new database is made from it and dropped afterwards")
    p.add_argument("--repeat", type=int, default=1, help="runs of each file, each on a fresh copy (median)")
    p.add_argument("--profile", action="store_true", help="run each step under cProfile and print where time goes")
    p.set_defaults(func=import_bench)
    args = parser.parse_args()
    args.func(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
