"""School years and terms: which term is current, which came before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.models import Term


@dataclass(frozen=True)
class Period:
    """A span of days, both ends included: a term or a custom date range."""

    start: date
    end: date
    label: str
    term_id: int | None = None
    school_year_id: int | None = None

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    @property
    def first_moment(self) -> datetime:
        """Midnight at the start of the first day."""
        return datetime.combine(self.start, time())

    @property
    def after_last_moment(self) -> datetime:
        """Midnight after the last day (timestamps compare strictly below it)."""
        return datetime.combine(self.end + timedelta(days=1), time())

    def week_of(self, day: date) -> int:
        """第几周 of the period ``day`` falls in (1 for the first seven days)."""
        return (day - self.start).days // 7 + 1


def term_period(term: Term) -> Period:
    """The period of a term."""
    return Period(term.start_date, term.end_date, term.name, term.id, term.school_year_id)


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


def previous_term(session: Session, *, term: Term) -> Term | None:
    """The term before ``term`` at the same school."""
    return session.scalar(
        select(Term)
        .where(Term.school_id == term.school_id, Term.start_date < term.start_date)
        .order_by(Term.start_date.desc())
        .limit(1)
    )
