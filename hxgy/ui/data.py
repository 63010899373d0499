"""Cached reads for the pages.

The cache is shared by every user of the process, so each cached
function takes the scope (school, period, classes) as arguments, and pages
call them only after hxgy.ui.guard has checked the role; each session is
given its own copy of what is cached. ``now`` is passed
rounded to the hour so reply deadlines stay cacheable.

Each read is cached under the version of the data it depends on (hxgy.changes), so a write makes only
what it changed be read again: ``cached`` reads (classes, settings, names) depend on the structure;
``figures`` reads (a period's figures) on the structure and the records of the period's term. A head
teacher's contact this term leaves last term's figures, the comparison, the class lists and the settings
in the cache. At the start of every page run ``follow_other_processes`` reads the versions (one small
query), so a write in another process is seen at once too.
"""

from __future__ import annotations

import copy
import functools
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, ParamSpec, TypeVar, cast

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from hxgy import auth, changes, compliance, config, db, rights, terms
from hxgy.meeting import slides as meeting_slides
from hxgy.metrics import judging, moral, overview, stats, trends
from hxgy.metrics.roster import ClassFilter, classes_in_view
from hxgy.models import AppMeta, School, SchoolClass, SchoolYear, Term, UserAccount
from hxgy.queries import audit as audit_queries
from hxgy.queries import entry as entry_queries

CACHE_TTL_SECONDS = 600
MAX_ENTRIES = 1000  # per function: the least recently read go first (entries under versions gone by)
P = ParamSpec("P")
R = TypeVar("R")

_seen_lock = threading.Lock()
_seen: dict[str, changes.Versions] = {"now": changes.Versions()}  # the versions this process last read


class _Store:
    """One cached function's values, newest last: key → (when stored, value).

    Keyed by plain Python hashing of the arguments (a Period, a ClassFilter, a user are frozen dataclasses), the
    database and the version: st.cache_data's hashing of the same arguments took most of a warm page's time.
    Sessions asking for the same missing value at once wait for one computation instead of each making it.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self.computing: dict[Hashable, threading.Lock] = {}

    def _hit(self, key: Hashable) -> tuple[bool, Any]:
        found = self.values.get(key)
        if found is None or time.monotonic() - found[0] > CACHE_TTL_SECONDS:
            return False, None
        self.values.move_to_end(key)
        return True, found[1]

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self.lock:
            hit, value = self._hit(key)
            if hit:
                return value
            gate = self.computing.setdefault(key, threading.Lock())
        with gate:  # one computation per key; the others wait for it
            with self.lock:
                hit, value = self._hit(key)
            if hit:
                return value
            try:
                value = compute()
                with self.lock:
                    self.values[key] = (time.monotonic(), value)
                    while len(self.values) > MAX_ENTRIES:
                        self.values.popitem(last=False)
            finally:
                with self.lock:
                    self.computing.pop(key, None)
            return value

    def clear(self) -> None:
        with self.lock:
            self.values.clear()


_stores: list[_Store] = []


def _key(*parts: Any) -> Hashable:
    try:
        hash(parts)
        return parts
    except TypeError:  # an unhashable argument (a list): its pickled form is the key
        return pickle.dumps(parts)


def _fresh(value: Any) -> Any:
    """A copy a page may change without changing what the next session is given."""
    if value is None or isinstance(value, str | int | float | date):
        return value
    if isinstance(value, pd.DataFrame):
        return value.copy()
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if isinstance(value, tuple) and all(v is None or isinstance(v, str | int | float | date) for v in value):
        return value
    return copy.deepcopy(value)


def _versioned(fn: Callable[P, R], version_of: Callable[..., str]) -> Callable[P, R]:
    """``fn`` cached under ``version_of(versions now, *args)`` as well as its arguments and the database."""
    store = _Store()
    _stores.append(store)

    @functools.wraps(fn)
    def read(*args: P.args, **kwargs: P.kwargs) -> R:
        version = version_of(_seen["now"], *args, **kwargs)
        key = _key(config.database_url(), version, args, tuple(sorted(kwargs.items())))
        return cast(R, _fresh(store.get(key, lambda: fn(*args, **kwargs))))

    read.clear = store.clear  # type: ignore[attr-defined]
    return read


def _structure(versions: changes.Versions, *args: Any, **kwargs: Any) -> str:
    return versions.structure


def _of_first_argument(parts: tuple[str, ...]) -> Callable[..., str]:
    def version_of(versions: changes.Versions, *args: Any, **kwargs: Any) -> str:
        """A period's figures: its term's parts (a custom range: any change); a term id's: that term's."""
        first = args[0] if args else None
        if isinstance(first, terms.Period):
            return versions.of_term(first.term_id, parts)
        if isinstance(first, int) and not isinstance(first, bool):
            return versions.of_term(first, parts)
        return versions.of_term(None)

    return version_of


def cached(fn: Callable[P, R]) -> Callable[P, R]:
    """A read of the structure or settings (classes, students, names, targets): read again after any change
    to them, not after a new record."""
    return _versioned(fn, _structure)


def figures(*parts: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A read of figures whose first argument is a Period (or a term id), counting ``parts`` of the records
    (hxgy.changes.PARTS; none named: all): read again when those parts of that term change, or the structure."""
    counted = parts or changes.PARTS
    unknown = set(counted) - set(changes.PARTS)
    if unknown:
        raise ValueError(f"unknown parts of the records: {sorted(unknown)}")
    return lambda fn: _versioned(fn, _of_first_argument(counted))


def _of_comparison(versions: changes.Versions, period: terms.Period, *args: Any, **kwargs: Any) -> str:
    before = comparison(period)
    return versions.of_term(before.term_id) if before is not None else versions.structure


def figures_of_comparison(fn: Callable[P, R]) -> Callable[P, R]:
    """A read of the comparison of a period (上学期, 上学期同期): read again when the earlier term's records
    change, not this term's."""
    return _versioned(fn, _of_comparison)


def figures_of_any_term(fn: Callable[P, R]) -> Callable[P, R]:
    """A read of figures over many terms (the district): read again after any change."""
    return _versioned(fn, lambda versions, *a, **k: versions.of_term(None))


@st.cache_resource
def _engine_for(url: str) -> Engine:
    return db.get_engine(url)


def engine() -> Engine:
    """The engine of the configured database, one per process."""
    return _engine_for(config.database_url())


@contextmanager
def read_session() -> Iterator[Session]:
    """A read-only session on the app's database."""
    with db.read_session(engine()) as session:
        yield session


def today() -> date:
    """Today, as the app sees it (HXGY_TODAY pins it for demos and tests)."""
    return config.today()


def this_hour() -> datetime:
    """Now, to the hour: reply deadlines are judged against it."""
    return config.this_hour()


def clear_caches() -> None:
    """Forget everything cached (tests and benchmarks start cold with it; a write needs only see_changes)."""
    for store in _stores:
        store.clear()
    st.cache_data.clear()


def see_changes() -> changes.Versions:
    """Read the versions now, so the next reads see every change up to this moment (this process's own
    write, or another process's). One small query when nothing changed; cached reads of what did not change
    stay."""
    with read_session() as session:
        data_version = changes.current_version(session)
        with _seen_lock:
            if _seen["now"].data == data_version and data_version:
                return _seen["now"]
        versions = changes.current_versions(session)
    with _seen_lock:
        _seen["now"] = versions
    return versions


def follow_other_processes() -> None:
    """At the start of a page run: see what another process (or a command) changed since this one looked."""
    see_changes()


# --- accounts and structure --------------------------------------------------


@cached
def demo_logins() -> list[tuple[str, str]]:
    """(username, role) of the demo accounts when the database is a demo, else nothing."""
    with read_session() as session:
        if session.get(AppMeta, "demo") is None:
            return []
        rows = session.execute(
            select(UserAccount.username, UserAccount.role).where(UserAccount.active.is_(True)).order_by(UserAccount.id)
        ).all()
    return [(u, r) for u, r in rows]


@cached
def school_name(school_id: int) -> str:
    """A school's name."""
    with read_session() as session:
        school = session.get(School, school_id)
        return school.name if school else ""


@cached
def school_terms(school_id: int) -> list[tuple[int, str]]:
    """(id, name) of the school's terms, oldest first."""
    with read_session() as session:
        return [(t.id, t.name) for t in terms.school_terms(session, school_id=school_id)]


@cached
def current_term_id(school_id: int) -> int | None:
    """The school's current term."""
    with read_session() as session:
        term = terms.current_term(session, school_id=school_id, today=today())
        return term.id if term else None


@cached
def period_for_term(term_id: int) -> terms.Period:
    """A term as a period (a term in progress ends today)."""
    with read_session() as session:
        return terms.term_period(session.get_one(Term, term_id), today())


@cached
def comparison(period: terms.Period) -> terms.Period | None:
    """What the period is compared with (the previous term, or its 同期)."""
    with read_session() as session:
        return terms.comparison_period(session, period)


def custom_period(school_id: int, start: date, end: date) -> terms.Period:
    """A date range as a period (raises terms.PeriodError with a Chinese message)."""
    with read_session() as session:
        return terms.custom_period(session, school_id=school_id, start=start, end=end)


@cached
def school_year_span(school_year_id: int) -> tuple[date, date]:
    """First and last day of a school year."""
    with read_session() as session:
        year = session.get_one(SchoolYear, school_year_id)
        return year.start_date, year.end_date


@cached
def classes_of_year(school_id: int, school_year_id: int) -> list[tuple[int, str, int]]:
    """(id, name, grade) of a school year's classes."""
    with read_session() as session:
        rows = session.execute(
            select(SchoolClass.id, SchoolClass.name, SchoolClass.grade_level)
            .where(SchoolClass.school_id == school_id, SchoolClass.school_year_id == school_year_id)
            .order_by(SchoolClass.grade_level, SchoolClass.class_no)
        ).all()
    return [(cid, name, grade) for cid, name, grade in rows]


def own_classes(user: auth.CurrentUser) -> list[tuple[int, str, int]]:
    """(id, name, grade) of the classes a head teacher or teacher teaches this school year."""
    with read_session() as session:
        ids = rights.my_class_ids(session, staff_id=user.staff_id, on_day=today())
        rows = session.execute(
            select(SchoolClass.id, SchoolClass.name, SchoolClass.grade_level)
            .where(SchoolClass.id.in_(ids))
            .order_by(SchoolClass.grade_level, SchoolClass.class_no)
        ).all()
    return [(cid, name, grade) for cid, name, grade in rows]


def names_visible(user: auth.CurrentUser) -> frozenset[int] | None:
    """Classes whose names the user may see (None: all)."""
    with read_session() as session:
        return rights.class_scope(session, user, rights.Action.VIEW_NAMES, on_day=today())


def class_ids_in(view) -> list[int]:  # noqa: ANN001 - a hxgy.ui.filters.View
    """The ids of the classes in a view."""
    return class_list(view.period, view.classes)["class_id"].tolist()


@cached
def class_list(period: terms.Period, classes: ClassFilter) -> pd.DataFrame:
    """The classes in view."""
    with read_session() as session:
        return classes_in_view(session, period, classes)


# --- measures ----------------------------------------------------------------


@figures()
def class_measures(period: terms.Period, classes: ClassFilter, now: datetime) -> pd.DataFrame:
    """Every measure per class (a term's own period served from class_term_stats, see stats.served_class_measures)."""
    with read_session() as session:
        return stats.served_class_measures(session, period, classes, now=now)


@figures()
def school_figures(period: terms.Period, classes: ClassFilter, now: datetime) -> overview.Figures:
    """Every measure for the view as a whole."""
    frame = class_measures(period, classes, now)
    with read_session() as session:
        return overview.school_figures(session, period, classes, now=now, frame=frame)


@cached
def baseline(period: terms.Period, classes: ClassFilter) -> overview.Baseline | None:
    """What the view is compared with: the earlier period and the classes the same children were in."""
    with read_session() as session:
        return overview.baseline(session, period, classes)


@figures_of_comparison
def earlier_figures(period: terms.Period, classes: ClassFilter, now: datetime) -> overview.Figures | None:
    """The same figures for the comparison period and the same children, or None."""
    basis = baseline(period, classes)
    frame = earlier_class_measures(period, classes, now)
    if basis is None or frame is None:
        return None
    with read_session() as session:
        return overview.school_figures(session, basis.period, basis.classes, now=now, frame=frame)


@figures_of_comparison
def earlier_class_measures(period: terms.Period, classes: ClassFilter, now: datetime) -> pd.DataFrame | None:
    """Per-class measures of the comparison period for the classes the same children were in."""
    basis = baseline(period, classes)
    if basis is None:
        return None
    with read_session() as session:
        return overview.class_measures(session, basis.period, basis.classes, now=now)


@cached
def trend_history(period: terms.Period, classes: ClassFilter, on_day: date) -> list[tuple[terms.Period, ClassFilter]]:
    """The terms begun by ``on_day`` with the classes the view's children were in then (trends.history)."""
    with read_session() as session:
        return trends.history(session, period, classes, today=on_day)


def trend(period: terms.Period, classes: ClassFilter, now: datetime) -> pd.DataFrame:
    """Every measure of the view per term on record with the term's target (trends.trend_frame). Each term's
    figures are the cached ``school_figures`` of that term: a write makes only its own term be read again."""
    points = [
        (then, school_figures(then, followed, now), targets(then.term_id))
        for then, followed in trend_history(period, classes, today())
    ]
    return trends.trend_frame(points)


@cached
def year_on_year_basis(period: terms.Period, classes: ClassFilter) -> tuple[terms.Period, ClassFilter] | None:
    """同比's period and the classes the same children were in then (trends.year_on_year_basis), or None."""
    with read_session() as session:
        return trends.year_on_year_basis(session, period, classes)


def year_on_year(
    period: terms.Period, classes: ClassFilter, now: datetime
) -> tuple[terms.Period, overview.Figures, ClassFilter] | None:
    """同比: the same term last year (同期 while this one runs), its figures for the same children (cached under
    that term's version), and their classes then; None without one."""
    basis = year_on_year_basis(period, classes)
    if basis is None:
        return None
    before, followed = basis
    return before, school_figures(before, followed, now), followed


@cached
def targets(term_id: int | None) -> dict[str, float]:
    """The term's targets (rates as fractions)."""
    with read_session() as session:
        return judging.targets(session, term_id=term_id)


@cached
def completion_min(school_id: int) -> float:
    """The school's 德育 completion threshold (a fraction): below it 优良率 shows 评价未完成."""
    with read_session() as session:
        return judging.completion_min(session, school_id=school_id)


@cached
def holiday_policy(school_id: int) -> str:
    """Which term a holiday-dated record counts for: next, previous or refuse."""
    with read_session() as session:
        return terms.holiday_policy(session, school_id)


@cached
def response_limit_hours(school_id: int) -> int:
    """The school's reply limit."""
    with read_session() as session:
        return session.get_one(School, school_id).response_limit_hours


@cached
def moral_scheme(school_id: int) -> moral.MoralScheme:
    """The school's 德育 dimensions, raters, weights and levels."""
    with read_session() as session:
        return moral.moral_scheme(session, school_id=school_id)


@figures()
def meeting_figures(period: terms.Period, classes: ClassFilter, now: datetime) -> meeting_slides.MeetingFigures:
    """Everything the meeting screen's slides show (class-level aggregates only)."""
    with read_session() as session:
        return meeting_slides.gather(session, period, classes, now=now)


# ---- what the entry forms offer (cleared with every write, like the figures) ----


@cached
def writable_classes(user: auth.CurrentUser) -> list[tuple[int, str]]:
    """(id, name) of this school year's classes the user may enter records for."""
    with read_session() as session:
        return entry_queries.writable_classes(session, user, today())


@cached
def class_students(class_id: int, on_day: date) -> list[tuple[int, str]]:
    """(id, "姓名（学号）") of a class's students on a day."""
    with read_session() as session:
        return entry_queries.class_students(session, class_id, on_day)


@cached
def class_guardians(class_id: int, on_day: date) -> list[tuple[int, str]]:
    """(id, "家长（孩子的关系）") of a class's families on a day."""
    with read_session() as session:
        return entry_queries.class_guardians(session, class_id, on_day)


@cached
def categories(school_id: int, kind: str) -> list[tuple[int, str]]:
    """(id, name) of the school's active categories of a kind."""
    with read_session() as session:
        return entry_queries.categories(session, school_id, kind)


@cached
def partners(school_id: int) -> list[tuple[int, str]]:
    """(id, name) of the school's partners."""
    with read_session() as session:
        return entry_queries.partners(session, school_id)


def recent_contacts(user: auth.CurrentUser) -> pd.DataFrame:
    """The user's latest communication records."""
    with read_session() as session:
        return entry_queries.recent_contacts(session, user)


def volunteering_to_confirm(user: auth.CurrentUser) -> pd.DataFrame:
    """Volunteer records waiting for this user's confirmation."""
    with read_session() as session:
        return entry_queries.volunteering_to_confirm(session, user, today())


def open_requests(user: auth.CurrentUser, class_ids: list[int] | None) -> pd.DataFrame:
    """Unanswered parent requests the user may answer."""
    with read_session() as session:
        return entry_queries.open_requests(session, user, config.now(), class_ids)


def audit_entries(school_id: int, start: date, end: date, action: str | None) -> pd.DataFrame:
    """The school's audit log between two days."""
    with read_session() as session:
        return audit_queries.audit_entries(session, school_id, start=start, end=end, action=action)


def records_to_manage(
    user: auth.CurrentUser, kind: str, start: date, end: date, class_ids: list[int] | None
) -> pd.DataFrame:
    """Records of one kind the user may correct or delete."""
    with read_session() as session:
        return entry_queries.records_to_manage(session, user, kind, start=start, end=end, class_ids=class_ids)


@figures("communication", "requests", "activities")
def compliance_results(period: terms.Period, classes: ClassFilter, now: datetime) -> list[compliance.Result]:
    """Each enabled rule of 工作要求 per class in view and for the view (hxgy.compliance.evaluate)."""
    with read_session() as session:
        return compliance.evaluate(session, period, classes, now)


def compliance_history(period: terms.Period, classes: ClassFilter, now: datetime) -> list[tuple[str, list]]:
    """Each term begun by today (the same children's classes then, as the trends): its name and the view's
    results (class_id None), each term's read cached under that term's versions."""
    return [
        (then.term_label, [r for r in compliance_results(then, followed, now) if r.class_id is None])
        for then, followed in trend_history(period, classes, today())
    ]
