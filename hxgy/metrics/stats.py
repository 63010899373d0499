"""Keep the pre-aggregated class_term_stats current, and read the district from it.

``refresh_term`` recomputes one school's term with the same code as the live
dashboards (overview.class_measures), so the two can never disagree. Writes
and imports call it for the terms they touch; ``python -m hxgy refresh-stats``
recomputes everything.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from hxgy.metrics.overview import add_rates, class_measures
from hxgy.metrics.roster import ClassFilter
from hxgy.models import ClassTermStats, School, SchoolClass, Term
from hxgy.models.base import utcnow
from hxgy.terms import Period, term_period

STATS_COLUMNS = [
    c.name
    for c in ClassTermStats.__table__.columns
    if c.name not in {"id", "school_id", "term_id", "class_id", "refreshed_at"}
]


def refresh_term(session: Session, *, school_id: int, term_id: int, today: date, now: datetime) -> int:
    """Recompute one school's stats for one term; returns the number of class rows written."""
    term = session.get(Term, term_id)
    if term is None or term.start_date > today:
        return 0
    frame = class_measures(session, term_period(term, today), ClassFilter(school_id), now=now)
    session.execute(delete(ClassTermStats).where(ClassTermStats.term_id == term_id))
    rows = [
        {
            "school_id": school_id,
            "term_id": term_id,
            "class_id": int(r["class_id"]),
            "refreshed_at": utcnow(),
            **{c: (float(r[c]) if c == "volunteer_hours" else int(r[c])) for c in STATS_COLUMNS},
        }
        for r in frame.to_dict("records")
    ]
    if rows:
        session.execute(insert(ClassTermStats), rows)
    return len(rows)


def refresh_terms_on(session: Session, *, school_id: int, days: list[date], today: date, now: datetime) -> None:
    """Recompute the terms that contain any of ``days`` (what a write or an import touched)."""
    terms = session.scalars(select(Term).where(Term.school_id == school_id)).all()
    for term in terms:
        if any(term.start_date <= d <= term.end_date for d in days):
            refresh_term(session, school_id=school_id, term_id=term.id, today=today, now=now)


def refresh_school(session: Session, *, school_id: int, today: date, now: datetime) -> int:
    """Recompute every term of a school that has begun; returns class rows written."""
    terms = session.scalars(select(Term.id).where(Term.school_id == school_id, Term.start_date <= today)).all()
    return sum(refresh_term(session, school_id=school_id, term_id=t, today=today, now=now) for t in terms)


def district_school_table(session: Session, *, district: str, terms: dict[int, Period], now: datetime) -> pd.DataFrame:
    """One row per school: its term's counts summed over its classes, and every rate, from the stats table."""
    sums = [func.sum(getattr(ClassTermStats, c)).label(c) for c in STATS_COLUMNS]
    stmt = (
        select(School.id, School.name, func.min(ClassTermStats.refreshed_at), *sums)
        .join(ClassTermStats, ClassTermStats.school_id == School.id)
        .where(School.district == district, ClassTermStats.term_id.in_([p.term_id for p in terms.values()]))
        .group_by(School.id, School.name)
        .order_by(School.id)
    )
    frame = pd.DataFrame(
        session.execute(stmt).all(), columns=["school_id", "school_name", "refreshed_at", *STATS_COLUMNS]
    )
    frame = frame.merge(_replies_by_school(session, terms, now), on="school_id", how="left")
    frame[["requests_on_time", "requests_due"]] = frame[["requests_on_time", "requests_due"]].fillna(0)
    frame["term_name"] = frame["school_id"].map({sid: p.label for sid, p in terms.items()})
    days = frame["school_id"].map({sid: p.days for sid, p in terms.items()})
    frame = add_rates(frame, next(iter(terms.values()))) if terms else frame
    frame["contacts_per_week"] = frame["contacts"] / (days / 7)
    return frame


def _replies_by_school(session: Session, terms: dict[int, Period], now: datetime) -> pd.DataFrame:
    """Requests answered on time and requests due, per school, live (replies change with the clock)."""
    from hxgy.metrics.communication import requests_by_class

    rows = []
    for school_id, period in terms.items():
        frame = requests_by_class(session, period, ClassFilter(school_id), now=now)
        rows.append(
            {
                "school_id": school_id,
                "requests_on_time": int(frame["on_time"].sum()),
                "requests_due": int(frame[["on_time", "late", "overdue"]].sum().sum()),
            }
        )
    return pd.DataFrame(rows, columns=["school_id", "requests_on_time", "requests_due"])


def district_class_table(session: Session, *, school_id: int, term_id: int, period: Period) -> pd.DataFrame:
    """One school's classes for a term from the stats table (the district's drill-down)."""
    stmt = (
        select(
            SchoolClass.id,
            SchoolClass.name,
            SchoolClass.grade_level,
            *[getattr(ClassTermStats, c) for c in STATS_COLUMNS],
        )
        .join(ClassTermStats, ClassTermStats.class_id == SchoolClass.id)
        .where(ClassTermStats.school_id == school_id, ClassTermStats.term_id == term_id)
        .order_by(SchoolClass.grade_level, SchoolClass.class_no)
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=["class_id", "class_name", "grade_level", *STATS_COLUMNS])
    frame["requests_on_time"] = 0
    frame["requests_due"] = 0
    return add_rates(frame, period)
