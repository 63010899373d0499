"""Trends and year on year: every measure across the terms on record, and 同比 (the same term last year).

A view's history follows the same children. The whole school is the whole school in every term. A grade or a
class is followed with ``overview.follow_classes``, term by term backwards from the view's own period: the
classes of an earlier term are those the children in view (at the end of the view's period) were in at the end
of that term. Within a school year these are the same classes; in an earlier school year the classes of the same
cohort (三(2)班 this year was 二(2)班 last year, as long as the children stayed together). Terms in which none of
the children were at the school are left out (a new 一年级 has no history before it came).

A finished term's figures are read with ``stats.served_class_measures`` (the pre-aggregated class_term_stats
when they are current, else counted live) and rolled up with ``overview.school_figures``: the same numbers the
pages show for that term. A term still running ends today (``terms.term_period``), like on the pages.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime

import pandas as pd
from sqlalchemy.orm import Session

from hxgy.metrics import judging, overview, stats
from hxgy.metrics.measures import MEASURES
from hxgy.metrics.overview import Figures
from hxgy.metrics.roster import ClassFilter
from hxgy.terms import Period, school_terms, term_period, year_on_year_period

TREND_COLUMNS = ["term_id", "term_name", "start_date", "measure", "value", "target", "in_progress"]


def figures_of(session: Session, period: Period, classes: ClassFilter, *, now: datetime) -> Figures:
    """The view's figures of a period, as the pages compute them (class rows from the stats when current)."""
    frame = stats.served_class_measures(session, period, classes, now=now)
    return overview.school_figures(session, period, classes, now=now, frame=frame)


def year_on_year_basis(session: Session, period: Period, classes: ClassFilter) -> tuple[Period, ClassFilter] | None:
    """同比's period (the same term last year, 同期 while ``period`` runs) and the classes the view's children
    were in then; None for a custom date range, a first school year, or children not at the school then."""
    before = year_on_year_period(session, period)
    if before is None:
        return None
    followed = overview.follow_classes(session, classes, period, before)
    if followed.class_ids == ():
        return None
    return before, followed


def year_on_year(
    session: Session, period: Period, classes: ClassFilter, now: datetime
) -> tuple[Period, Figures, ClassFilter] | None:
    """同比: the same term of the previous school year (cut to the same length while ``period`` runs), its
    figures for the same children, and the classes they were in then (``overview.follow_classes``).

    None for a custom date range, a first school year, or a group whose children were not at the school then.
    """
    basis = year_on_year_basis(session, period, classes)
    if basis is None:
        return None
    before, followed = basis
    return before, figures_of(session, before, followed, now=now), followed


def history(session: Session, period: Period, classes: ClassFilter, *, today: date) -> list[tuple[Period, ClassFilter]]:
    """Every term of the school that has begun by ``today``, oldest first, with the classes the view's children
    were in then (``overview.follow_classes`` from ``period``); terms before the children came are left out.
    A running term ends today, as on the pages."""
    found = []
    for term in school_terms(session, school_id=classes.school_id):
        if term.start_date > today:
            continue
        then = term_period(term, today)
        same_year = then.school_year_id == period.school_year_id  # the same classes: the view as the pages see it
        followed = classes if same_year else overview.follow_classes(session, classes, period, then)
        if followed.class_ids != ():
            found.append((then, followed))
    return found


def trend_frame(points: Sequence[tuple[Period, Figures, Mapping[str, float]]]) -> pd.DataFrame:
    """One row per term and measure of MEASURES: term_id, term_name, start_date, measure, value, target
    (the term's own target from 设置 → 目标, rates as fractions; NaN without one) and in_progress."""
    rows = [
        {
            "term_id": then.term_id,
            "term_name": then.label,
            "start_date": then.start,
            "measure": key,
            "value": float(figures.get(key, math.nan)),
            "target": float(goals.get(key, math.nan)),
            "in_progress": then.in_progress,
        }
        for then, figures, goals in points
        for key in MEASURES
    ]
    return pd.DataFrame(rows, columns=TREND_COLUMNS)


def term_trends(session: Session, period: Period, classes: ClassFilter, *, today: date, now: datetime) -> pd.DataFrame:
    """Every measure of the view (school, grade or class, as seen in ``period``) across all terms on record,
    following the same children (``history``); rows as ``trend_frame`` says."""
    points = [
        (then, figures_of(session, then, followed, now=now), judging.targets(session, term_id=then.term_id))
        for then, followed in history(session, period, classes, today=today)
    ]
    return trend_frame(points)
