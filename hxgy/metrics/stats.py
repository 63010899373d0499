"""Keep the pre-aggregated class_term_stats current, and read the district from it.

``refresh_term`` recomputes one school's term with the same code as the live
dashboards (overview.class_measures), so the two can never disagree. Writes
and imports call it for the terms they touch; ``python -m hxgy refresh-stats``
recomputes everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

import pandas as pd
from sqlalchemy import DateTime, Integer, case, delete, func, insert, literal, select, union_all, update
from sqlalchemy.orm import Session

from hxgy import changes
from hxgy.metrics import communication, volunteers
from hxgy.metrics.overview import COUNT_COLUMNS, _per_class, add_rates, class_measures, finish, requests_counts
from hxgy.metrics.roster import ClassFilter, classes_in_view
from hxgy.models import ClassTermStats, SatisfactionResult, School, SchoolClass, Term
from hxgy.models.base import utcnow
from hxgy.terms import Period, holiday_policy, record_window, school_terms, term_period

STATS_COLUMNS = [
    c.name
    for c in ClassTermStats.__table__.columns
    if c.name not in {"id", "school_id", "term_id", "class_id", "refreshed_at", "moral_average", "counted_to"}
]


def refresh_term(
    session: Session,
    *,
    school_id: int,
    term_id: int,
    today: date,
    now: datetime,
    class_ids: Sequence[int] | None = None,
) -> int:
    """Recompute one school's stats for one term (or only some of its classes); returns class rows written."""
    # on PostgreSQL, concurrent writers take turns per term (SQLite write transactions already do):
    # the second waits here, then counts with the first one's records committed
    term = session.scalar(select(Term).where(Term.id == term_id).with_for_update())
    if term is None or term.start_date > today:
        return 0
    changes.mark_term(session, term_id)  # the pages read this term's figures again
    period = term_period(term, today)
    if class_ids is not None and not _all_counted_to(session, term_id, period.last_day):
        # a term's first refresh of the day covers every class: the rows the pages serve are then all counted
        # to the same day, and sums over classes are whole
        class_ids = None
    classes = ClassFilter(school_id, class_ids=tuple(class_ids) if class_ids is not None else None)
    frame = class_measures(session, period, classes, now=now)
    stale = delete(ClassTermStats).where(ClassTermStats.term_id == term_id)
    if class_ids is not None:
        stale = stale.where(ClassTermStats.class_id.in_(list(class_ids)))
    session.execute(stale)
    rows = [
        {
            "school_id": school_id,
            "term_id": term_id,
            "class_id": int(r["class_id"]),
            "refreshed_at": utcnow(),
            "counted_to": period.last_day,
            "moral_average": None if pd.isna(r["moral_average"]) else float(r["moral_average"]),
            **{c: (float(r[c]) if c == "volunteer_hours" else int(r[c])) for c in STATS_COLUMNS},
        }
        for r in frame.to_dict("records")
    ]
    if rows:
        session.execute(insert(ClassTermStats), rows)
    return len(rows)


def _all_counted_to(session: Session, term_id: int, last_day: date) -> bool:
    """The term has stats rows and every one of them counts records up to ``last_day``."""
    day = ClassTermStats.counted_to
    rows, dated, first, last = session.execute(
        select(func.count(), func.count(day), func.min(day), func.max(day)).where(ClassTermStats.term_id == term_id)
    ).one()
    return bool(rows) and rows == dated and first == last == last_day


def served_class_measures(session: Session, period: Period, classes: ClassFilter, *, now: datetime) -> pd.DataFrame:
    """overview.class_measures, read from the stats rows when they hold exactly this period, else counted live.

    A term's own period (to today while it runs) is served from class_term_stats when every class in view has
    a row counted to the period's last day: every write refreshes its classes' rows in its own transaction,
    and a term's first refresh of a day brings all its rows to that day. Requests are counted live (replies
    are judged against ``now``). Custom ranges, 同期 comparisons cut short and stale rows are counted live.
    The two are equal: tests/unit/test_served_stats.py checks it after writes of every kind.
    """
    class_list = classes_in_view(session, period, classes)
    if period.term_id is None or period.evaluation_term_id != period.term_id or period.full_end is None:
        return class_measures(session, period, classes, now=now)
    stored = [getattr(ClassTermStats, c) for c in (*STATS_COLUMNS, "moral_average")]
    rows = session.execute(
        select(ClassTermStats.class_id, ClassTermStats.counted_to, *stored).where(
            ClassTermStats.term_id == period.term_id, ClassTermStats.class_id.in_(class_list["class_id"].tolist())
        )
    ).all()
    counted = {r.counted_to for r in rows}
    whole = len(rows) == len(class_list) and counted == {period.last_day}
    if not whole or period.end != min(period.last_day, period.full_end):
        return class_measures(session, period, classes, now=now)
    counts = pd.DataFrame(rows, columns=["class_id", "counted_to", *STATS_COLUMNS, "moral_average"])
    frame = _per_class(
        class_list,
        [counts.drop(columns="counted_to"), requests_counts(session, period, classes, now=now)],
    )
    return finish(frame, frame.reindex(columns=COUNT_COLUMNS).fillna(0), period)


def refresh_terms_on(
    session: Session,
    *,
    school_id: int,
    days: Iterable[date],
    today: date,
    now: datetime,
    class_ids: Sequence[int] | None = None,
) -> None:
    """Recompute the terms that contain any of ``days`` (what a write or an import touched).

    ``class_ids`` limits the work to the classes the write touched; None recomputes every class.
    """
    for term_id in counted_terms(session, school_id=school_id, days=days):
        refresh_term(session, school_id=school_id, term_id=term_id, today=today, now=now, class_ids=class_ids)


def mark_terms_on(session: Session, *, school_id: int, days: Iterable[date]) -> None:
    """Tell the pages the records counted for the terms containing ``days`` change (records kept out of the
    stats, such as parent requests, which are judged against the clock)."""
    for term_id in counted_terms(session, school_id=school_id, days=days):
        changes.mark_term(session, term_id)


def counted_terms(session: Session, *, school_id: int, days: Iterable[date]) -> list[int]:
    """The terms whose figures records on ``days`` count for (a holiday day counts by the school's policy)."""
    terms = school_terms(session, school_id=school_id)
    policy = holiday_policy(session, school_id)
    days = set(days)
    found = []
    for term in terms:
        first, last = record_window(terms, term, policy)
        if any(first <= d <= last for d in days):
            found.append(term.id)
    return found


# A write that only changes one group of counts refreshes just those columns (one query instead of nine).
PARTS: dict[str, tuple[Callable[[Session, Period, ClassFilter], pd.DataFrame], tuple[str, ...]]] = {
    "communication": (
        communication.communication_by_class,
        ("contacts", "individual_contacts", "contacted_students", "visited_students"),
    ),
    "volunteering": (volunteers.volunteers_by_class, ("volunteer_records", "volunteer_hours", "volunteer_families")),
}


def refresh_part(
    session: Session, *, school_id: int, days: Iterable[date], today: date, class_ids: Sequence[int], part: str
) -> None:
    """Recompute one group of counts (PARTS) for some classes in the terms containing ``days``.

    Classes with no stats row yet get a full refresh, so the result always equals refresh_term's.
    """
    measure, columns = PARTS[part]
    for term_id in counted_terms(session, school_id=school_id, days=days):
        term = session.scalar(select(Term).where(Term.id == term_id).with_for_update())  # writers take turns
        if term is None or term.start_date > today:
            continue
        changes.mark_term(session, term_id)
        stored = set(
            session.scalars(
                select(ClassTermStats.class_id).where(
                    ClassTermStats.term_id == term_id, ClassTermStats.class_id.in_(list(class_ids))
                )
            )
        )
        period = term_period(term, today)
        if stored != set(class_ids) or not _all_counted_to(session, term_id, period.last_day):
            # the term (or a class) has no row yet, or the rows were counted on an earlier day
            refresh_term(session, school_id=school_id, term_id=term_id, today=today, now=utcnow(), class_ids=class_ids)
            continue
        frame = measure(session, period, ClassFilter(school_id, class_ids=tuple(class_ids)))
        frame = frame.set_index("class_id") if not frame.empty else frame
        for class_id in class_ids:
            values = {
                c: (0 if class_id not in frame.index or pd.isna(frame.at[class_id, c]) else frame.at[class_id, c])
                for c in columns
            }
            values = {c: float(v) if c == "volunteer_hours" else int(v) for c, v in values.items()}
            session.execute(
                update(ClassTermStats)
                .where(ClassTermStats.term_id == term_id, ClassTermStats.class_id == class_id)
                .values(**values, refreshed_at=utcnow())
            )


def refresh_school(session: Session, *, school_id: int, today: date, now: datetime) -> int:
    """Recompute every term of a school that has begun; returns class rows written."""
    terms = session.scalars(select(Term.id).where(Term.school_id == school_id, Term.start_date <= today)).all()
    return sum(refresh_term(session, school_id=school_id, term_id=t, today=today, now=now) for t in terms)


def refresh_stale(session: Session, *, school_id: int, today: date, now: datetime) -> int:
    """Recompute the terms whose rows are not counted to ``today``'s period (a running term after midnight);
    returns class rows written. Run at the start of a day, the pages serve every term from the stats at once."""
    written = 0
    for term in session.scalars(select(Term).where(Term.school_id == school_id, Term.start_date <= today)):
        if not _all_counted_to(session, term.id, term_period(term, today).last_day):
            written += refresh_term(session, school_id=school_id, term_id=term.id, today=today, now=now)
    return written


def district_school_table(session: Session, *, district: str, terms: dict[int, Period], now: datetime) -> pd.DataFrame:
    """One row per school: its term's counts summed over its classes, and every rate, from the stats table.

    ``refreshed_at`` is the school's latest refresh: every write refreshes its class's row at once, so the
    figures include every entry up to that moment.
    """
    sums = [func.sum(getattr(ClassTermStats, c)).label(c) for c in STATS_COLUMNS]
    stmt = (
        select(School.id, School.name, func.max(ClassTermStats.refreshed_at), *sums)
        .join(ClassTermStats, ClassTermStats.school_id == School.id)
        .where(School.district == district, ClassTermStats.term_id.in_([p.term_id for p in terms.values()]))
        .group_by(School.id, School.name)
        .order_by(School.id)
    )
    frame = pd.DataFrame(
        session.execute(stmt).all(), columns=["school_id", "school_name", "refreshed_at", *STATS_COLUMNS]
    )
    frame = _school_wide_surveys_win(session, frame, terms)
    frame = frame.merge(_replies_by_school(session, terms, now), on="school_id", how="left")
    frame[["requests_on_time", "requests_due"]] = frame[["requests_on_time", "requests_due"]].fillna(0)
    frame["term_name"] = frame["school_id"].map({sid: p.label for sid, p in terms.items()})
    days = frame["school_id"].map({sid: p.days for sid, p in terms.items()})
    frame = add_rates(frame, next(iter(terms.values()))) if terms else frame
    frame["contacts_per_week"] = frame["contacts"] / (days / 7)
    return frame


def _school_wide_surveys_win(session: Session, frame: pd.DataFrame, terms: dict[int, Period]) -> pd.DataFrame:
    """A school's satisfaction is its school-wide survey when it entered one (as on its own 总览)."""
    if not terms or frame.empty:
        return frame
    stmt = select(SatisfactionResult.school_id, SatisfactionResult.respondents, SatisfactionResult.satisfied).where(
        SatisfactionResult.term_id.in_([p.term_id for p in terms.values()]), SatisfactionResult.class_id.is_(None)
    )
    surveys = {int(sid): (int(r), int(s)) for sid, r, s in session.execute(stmt)}
    if not surveys:
        return frame
    frame = frame.copy()
    for name, index in (("satisfaction_respondents", 0), ("satisfaction_satisfied", 1)):
        frame[name] = [
            surveys[sid][index] if sid in surveys else value
            for sid, value in zip(frame["school_id"], frame[name], strict=True)
        ]
    return frame


def _replies_by_school(session: Session, terms: dict[int, Period], now: datetime) -> pd.DataFrame:
    """Requests answered on time and requests due, per school over its term, live (replies change with the clock).

    One query for the whole district: each request is matched to its school's term.
    """
    from hxgy.metrics.communication import request_status
    from hxgy.models import ParentRequest

    columns = ["school_id", "requests_on_time", "requests_due"]
    if not terms:
        return pd.DataFrame(columns=columns)
    status = request_status(School.response_limit_hours, now)
    # each school's term as a range of timestamps, so the (school_id, received_at) index serves the match
    term_ranges = union_all(
        *[
            select(
                literal(sid, Integer).label("school_id"),
                literal(p.first_moment, DateTime).label("starts"),
                literal(p.after_last_moment, DateTime).label("ends"),
            )
            for sid, p in terms.items()
        ]
    ).subquery("term_range")
    stmt = (
        select(
            ParentRequest.school_id,
            func.sum(case((status == "on_time", 1), else_=0)),
            func.sum(case((status.in_(("on_time", "late", "overdue")), 1), else_=0)),
        )
        .join(School, School.id == ParentRequest.school_id)
        .join(term_ranges, term_ranges.c.school_id == ParentRequest.school_id)
        .where(
            ParentRequest.deleted_at.is_(None),
            ParentRequest.received_at >= term_ranges.c.starts,
            ParentRequest.received_at < term_ranges.c.ends,
        )
        .group_by(ParentRequest.school_id)
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=columns)


def district_class_table(session: Session, *, terms: dict[int, Period], school_id: int | None = None) -> pd.DataFrame:
    """Every class of the district's schools (or of one school) over each school's term, from the stats table."""
    term_ids = [p.term_id for sid, p in terms.items() if school_id is None or sid == school_id]
    which = (School.id, School.name, SchoolClass.id, SchoolClass.name, SchoolClass.grade_level)
    stmt = (
        select(*which, *[getattr(ClassTermStats, c) for c in STATS_COLUMNS])
        .join(ClassTermStats, ClassTermStats.class_id == SchoolClass.id)
        .join(School, School.id == ClassTermStats.school_id)
        .where(ClassTermStats.term_id.in_(term_ids))
        .order_by(School.id, SchoolClass.grade_level, SchoolClass.class_no)
    )
    columns = ["school_id", "school_name", "class_id", "class_name", "grade_level", *STATS_COLUMNS]
    frame = pd.DataFrame(session.execute(stmt).all(), columns=columns)
    frame["requests_on_time"] = 0
    frame["requests_due"] = 0
    frame = add_rates(frame, next(iter(terms.values()))) if terms else frame
    days = frame["school_id"].map({sid: p.days for sid, p in terms.items()})
    frame["contacts_per_week"] = frame["contacts"] / (days / 7)
    return frame
