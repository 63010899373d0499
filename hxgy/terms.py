"""School years, terms and periods: which days a figure covers.

A measure is computed over a Period: a term, or a custom date range inside
one school year. A term still in progress ends today, so rates per week use
the days that have passed, and targets can be read "on pace".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.models import SchoolYear, Term


class PeriodError(ValueError):
    """A date range that cannot be a period; the message says why, in Chinese."""


SAME_PERIOD = "同期"  # a running term is compared with the same number of days of the previous one


@dataclass(frozen=True)
class Period:
    """The days a figure covers, both ends included."""

    start: date
    end: date  # the last day counted; for a term in progress, today
    label: str
    school_year_id: int
    term_id: int | None = None  # None for a custom date range
    evaluation_term_id: int | None = None  # the term whose 德育 scores and survey apply
    full_end: date | None = None  # the term's own last day

    @property
    def days(self) -> int:
        """Number of days counted."""
        return (self.end - self.start).days + 1

    @property
    def term_label(self) -> str:
        """The label without 同期: for figures that are whole-term by nature (德育 scores, surveys)."""
        return self.label.removesuffix(SAME_PERIOD)

    @property
    def in_progress(self) -> bool:
        """A term that has not ended yet."""
        return self.full_end is not None and self.end < self.full_end

    @property
    def elapsed_share(self) -> float:
        """The share of the term that has passed (1.0 for a finished term or a custom range)."""
        if self.full_end is None:
            return 1.0
        return self.days / ((self.full_end - self.start).days + 1)

    @property
    def first_moment(self) -> datetime:
        """Midnight at the start of the first day."""
        return datetime.combine(self.start, time())

    @property
    def after_last_moment(self) -> datetime:
        """Midnight after the last day (timestamps compare strictly below it)."""
        return datetime.combine(self.end + timedelta(days=1), time())

    def week_of(self, day: date) -> int:
        """第几周 of the period ``day`` falls in: weeks run Monday to Sunday, week 1 holds the first day.

        A term that begins on a Wednesday has a short week 1; the Monday after is week 2.
        """
        first_monday = self.start - timedelta(days=self.start.weekday())
        return (day - first_monday).days // 7 + 1


def term_period(term: Term, today: date | None = None) -> Period:
    """The period of a term; a term in progress on ``today`` ends on ``today``."""
    end = term.end_date
    if today is not None and term.start_date <= today < term.end_date:
        end = today
    return Period(
        start=term.start_date,
        end=end,
        label=term.name,
        school_year_id=term.school_year_id,
        term_id=term.id,
        evaluation_term_id=term.id,
        full_end=term.end_date,
    )


def custom_period(session: Session, *, school_id: int, start: date, end: date) -> Period:
    """A date range as a period; it must lie inside one school year of the school."""
    if end < start:
        raise PeriodError("结束日期不能早于开始日期")
    year = session.scalar(
        select(SchoolYear).where(
            SchoolYear.school_id == school_id, SchoolYear.start_date <= start, SchoolYear.end_date >= start
        )
    )
    if year is None:
        raise PeriodError(f"{start:%Y-%m-%d} 不在任何学年内")
    if end > year.end_date:
        raise PeriodError(f"日期范围不能跨学年：{year.name}到 {year.end_date:%Y-%m-%d} 结束")
    evaluation = session.scalar(
        select(Term.id)
        .where(Term.school_year_id == year.id, Term.start_date <= end)
        .order_by(Term.start_date.desc())
        .limit(1)
    )
    label = f"{start.year}年{start.month}月{start.day}日—{end.year}年{end.month}月{end.day}日"
    return Period(start, end, label, year.id, None, evaluation, None)


def school_terms(session: Session, *, school_id: int) -> list[Term]:
    """The school's terms, oldest first."""
    return list(session.scalars(select(Term).where(Term.school_id == school_id).order_by(Term.start_date)))


def current_term(session: Session, *, school_id: int, today: date) -> Term | None:
    """The term containing ``today``; in a holiday the latest term that has begun."""
    terms = school_terms(session, school_id=school_id)
    started = [t for t in terms if t.start_date <= today]
    if not started:
        return terms[0] if terms else None
    return started[-1]


def previous_term(session: Session, *, term_id: int) -> Term | None:
    """The term before this one at the same school."""
    term = session.get(Term, term_id)
    if term is None:
        return None
    return session.scalar(
        select(Term)
        .where(Term.school_id == term.school_id, Term.start_date < term.start_date)
        .order_by(Term.start_date.desc())
        .limit(1)
    )


def comparison_period(session: Session, period: Period) -> Period | None:
    """What a term is compared with: the previous term, cut to the same length while this one runs (同期).

    A custom date range has no comparison.
    """
    if period.term_id is None:
        return None
    before = previous_term(session, term_id=period.term_id)
    if before is None:
        return None
    whole = term_period(before)
    if not period.in_progress:
        return whole
    end = min(before.end_date, before.start_date + timedelta(days=period.days - 1))
    return replace(whole, end=end, label=f"{before.name}{SAME_PERIOD}")
