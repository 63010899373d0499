"""Benchmarks: how fast the dashboards are at school and at district scale.

    .venv/bin/python bench/run.py school                    # demo school on SQLite
    .venv/bin/python bench/run.py district --pg URL         # ~150 schools, ~10 million contacts, PostgreSQL
    .venv/bin/python bench/run.py entry [--url URL]         # saving one record and a 德育 grid

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
from datetime import date, datetime
from pathlib import Path

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
    url = args.url or f"sqlite:///{OUT / 'school.db'}"
    if url.startswith("sqlite") and not (OUT / "school.db").exists():
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "hxgy", "init", "--demo", "--anchor", ANCHOR.isoformat()],
            cwd=ROOT,
            check=True,
            env={**os.environ, "HXGY_DATABASE_URL": url},
            stdout=subprocess.DEVNULL,
        )
    os.environ["HXGY_DATABASE_URL"] = url
    rows = _page_runs(args.repeat)
    lines = [
        f"## School scale: the demo school (32 classes, 1,427 students) on {url.split(':')[0]}",
        "",
        f"Machine: {_machine()}. Full page = AppTest run of the page file as the principal; data = time spent",
        "inside hxgy.ui.data (the page's reads). Cold = caches cleared; warm = median of the next runs.",
        "",
        "| page | data cold (ms) | data warm (ms) | full page cold (s) | full page warm (s) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [f"| {r[0]} | {r[1]:.0f} | {r[2]:.1f} | {r[3]:.2f} | {r[4]:.2f} |" for r in rows]
    _write("school", lines)


def _page_runs(repeat: int) -> list[tuple[str, float, float, float, float]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from hxgy.navigation import PAGES
    from hxgy.ui import data

    spent = {"ms": 0.0}

    def instrument(fn: Callable) -> Callable:
        def wrapper(*a: object, **k: object) -> object:
            start = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent["ms"] += (time.perf_counter() - start) * 1000

        return wrapper

    for name in dir(data):
        value = getattr(data, name)
        if (
            callable(value)
            and getattr(value, "__module__", "") == data.__name__
            and not name.startswith("_")
            and name not in {"engine", "read_session", "today", "this_hour", "clear_caches"}
        ):
            setattr(data, name, instrument(value))
    results = []
    for page in PAGES:
        if page.key in ("account", "district"):
            continue
        app = AppTest.from_file(str(ROOT / page.path), default_timeout=120)
        app.session_state["authentication_status"] = True
        app.session_state["username"] = "principal"
        st.cache_data.clear()
        spent["ms"] = 0.0
        start = time.perf_counter()
        app.run()
        cold_page, cold_data = time.perf_counter() - start, spent["ms"]
        pages, datas = [], []
        for _ in range(repeat):
            spent["ms"] = 0.0
            start = time.perf_counter()
            app.run()
            pages.append(time.perf_counter() - start)
            datas.append(spent["ms"])
        assert not app.exception, app.exception
        results.append((page.title, cold_data, statistics.median(datas), cold_page, statistics.median(pages)))
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
        middle = schools[len(schools) // 2]
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

        os.environ["HXGY_DATABASE_URL"] = url
        import streamlit as st

        from hxgy.ui import data as ui_data

        def overview_page_cached() -> None:
            ui_data.class_measures(period, whole, NOON)
            ui_data.school_figures(period, whole, NOON)
            ui_data.earlier_figures(period, whole, NOON)
            ui_data.late_requests(period, whole, NOON)

        st.cache_data.clear()

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
            (f"总览 page data of one school ({middle.name}), straight from the database", *timed(overview_page_live)),
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

    from hxgy import auth, db, terms
    from hxgy.entry import moral_grid, records
    from hxgy.entry.rules import students_of_class
    from hxgy.models import Category, Enrolment, MoralRater, SchoolClass

    url = _demo_url(args.url, "entry")
    engine = db.create_db_engine(url)
    with db.read_session(engine) as session:
        head = auth.load_user(session, "headteacher")
        dean = auth.load_user(session, "dean")
        class_id = auth.head_teacher_class_ids(session, staff_id=head.staff_id, on_day=ANCHOR)[0]
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
    args = parser.parse_args()
    args.func(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
