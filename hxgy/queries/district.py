"""Reads about the schools of a district."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import glossary
from hxgy.models import School, SchoolYear, Term


def district_schools(session: Session, *, district: str) -> list[School]:
    """The schools of a district, by code."""
    return list(session.scalars(select(School).where(School.district == district).order_by(School.code)))


def district_term_choices(session: Session, *, district: str, today: date) -> list[tuple[int, int, str]]:
    """The terms that have begun at some school of the district, latest first: (start year, term no, name).

    Terms are each school's own rows; the district names a term by its school year and number."""
    stmt = (
        select(SchoolYear.start_year, Term.term_no)
        .join(Term, Term.school_year_id == SchoolYear.id)
        .join(School, School.id == Term.school_id)
        .where(School.district == district, Term.start_date <= today)
        .distinct()
    )
    found = sorted({(int(y), int(n)) for y, n in session.execute(stmt)}, reverse=True)
    return [(year, term_no, glossary.term_name(year, term_no)) for year, term_no in found]


def school_term(session: Session, *, school_id: int, start_year: int, term_no: int) -> Term | None:
    """A school's term of that school year and number (None: the school has not set it up)."""
    stmt = (
        select(Term)
        .join(SchoolYear, SchoolYear.id == Term.school_year_id)
        .where(Term.school_id == school_id, SchoolYear.start_year == start_year, Term.term_no == term_no)
    )
    return session.scalars(stmt).first()
