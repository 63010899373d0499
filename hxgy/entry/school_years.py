"""School years and their two terms: added, their dates changed, and the plan suggested for the next one.

An admin or dean makes these changes (设置 → 学年学期); moving the dates recounts the stored figures, since a
term's holiday window moves with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import glossary
from hxgy.auth import CurrentUser
from hxgy.entry.rules import Problems, as_dict, audit, refuse, require_settings_write
from hxgy.metrics import stats
from hxgy.models import (
    Enrolment,
    SchoolClass,
    SchoolYear,
    Term,
)
from hxgy.models.base import utcnow


@dataclass
class YearPlan:
    """A school year and its two terms."""

    start_year: int
    start_date: date
    end_date: date
    term1: tuple[date, date]
    term2: tuple[date, date]


def _check_year(session: Session, school_id: int, plan: YearPlan, problems: Problems, skip: int | None) -> None:
    if not plan.start_date < plan.end_date:
        problems.add("学年", "结束日期必须晚于开始日期")
    for label, (start, end) in (("第一学期", plan.term1), ("第二学期", plan.term2)):
        if not start <= end:
            problems.add(label, "结束日期不能早于开始日期")
        if start < plan.start_date or end > plan.end_date:
            problems.add(label, "必须在学年之内")
    if plan.term1[1] >= plan.term2[0]:
        problems.add("第二学期", "必须在第一学期结束之后开始")
    if plan.start_date.year != plan.start_year:
        problems.add("学年", f"{glossary.school_year_name(plan.start_year)}应在 {plan.start_year} 年开始")
    same = session.scalar(
        select(SchoolYear.id).where(
            SchoolYear.school_id == school_id,
            SchoolYear.start_year == plan.start_year,
            SchoolYear.id != (skip or -1),
        )
    )
    if same:
        problems.add("学年", f"{glossary.school_year_name(plan.start_year)}已存在")
    overlap = session.scalar(
        select(SchoolYear.name).where(
            SchoolYear.school_id == school_id,
            SchoolYear.start_date <= plan.end_date,
            SchoolYear.end_date >= plan.start_date,
            SchoolYear.id != (skip or -1),
        )
    )
    if overlap:
        problems.add("学年", f"与已有的{overlap}日期重叠")


def add_school_year(session: Session, user: CurrentUser, plan: YearPlan) -> SchoolYear:
    """A new school year with its two terms."""
    school_id = require_settings_write(session, user, "添加学年")
    problems = Problems()
    _check_year(session, school_id, plan, problems, None)
    problems.raise_if_any()
    year = SchoolYear(
        school_id=school_id,
        start_year=plan.start_year,
        name=glossary.school_year_name(plan.start_year),
        start_date=plan.start_date,
        end_date=plan.end_date,
    )
    session.add(year)
    session.flush()
    for term_no, (start, end) in ((1, plan.term1), (2, plan.term2)):
        term = _new_term(session, year, term_no)
        term.start_date, term.end_date = start, end
    session.flush()
    audit(session, user, "create", "school_year", year.id, after=as_dict(year))
    return year


def _new_term(session: Session, year: SchoolYear, term_no: int) -> Term:
    """A term of the year, named 2025-2026学年第一学期 (its dates set by the caller)."""
    term = Term(
        school_id=year.school_id,
        school_year_id=year.id,
        term_no=term_no,
        name=glossary.term_name(year.start_year, term_no),
    )
    session.add(term)
    return term


def update_school_year(session: Session, user: CurrentUser, year_id: int, plan: YearPlan, *, today: date) -> None:
    """Change a school year's first and last day and both terms' dates, with the checks of add_school_year.

    The start year (and so the name) stays; enrolments that began on the year's old first day begin on the new
    one; the figures of the year's started terms are recomputed.
    """
    school_id = require_settings_write(session, user, "修改学年")
    year = session.get(SchoolYear, year_id)
    if year is None or year.school_id != school_id:
        raise refuse(session, user, f"修改学年 {year_id}")
    plan = YearPlan(year.start_year, plan.start_date, plan.end_date, plan.term1, plan.term2)
    problems = Problems()
    _check_year(session, school_id, plan, problems, year.id)
    problems.raise_if_any()
    terms = {t.term_no: t for t in session.scalars(select(Term).where(Term.school_year_id == year.id))}
    before = {**as_dict(year), "terms": {n: as_dict(t) for n, t in terms.items()}}
    old_start = year.start_date
    year.start_date, year.end_date = plan.start_date, plan.end_date
    for term_no, (start, end) in ((1, plan.term1), (2, plan.term2)):
        term = terms.get(term_no) or _new_term(session, year, term_no)
        terms[term_no] = term
        term.start_date, term.end_date = start, end
    if old_start != plan.start_date:
        class_ids = select(SchoolClass.id).where(SchoolClass.school_year_id == year.id)
        for enrolment in session.scalars(
            select(Enrolment).where(Enrolment.class_id.in_(class_ids), Enrolment.start_date == old_start)
        ):
            if enrolment.end_date is None or enrolment.end_date >= plan.start_date:
                enrolment.start_date = plan.start_date
    session.flush()
    after = {**as_dict(year), "terms": {n: as_dict(t) for n, t in terms.items()}}
    audit(session, user, "update", "school_year", year.id, before=before, after=after)
    # the neighbouring terms' holiday windows move too (terms.record_window): recount every term begun
    stats.refresh_school(session, school_id=school_id, today=today, now=utcnow())


def update_term_dates(
    session: Session, user: CurrentUser, term_id: int, start: date, end: date, *, today: date
) -> None:
    """Move a term's first or last day (within its school year, not overlapping the other term)."""
    school_id = require_settings_write(session, user, "修改学期")
    term = session.get(Term, term_id)
    if term is None or term.school_id != school_id:
        raise refuse(session, user, f"修改学期 {term_id}")
    year = session.get_one(SchoolYear, term.school_year_id)
    problems = Problems()
    if not start <= end:
        problems.add("学期", "结束日期不能早于开始日期")
    if start < year.start_date or end > year.end_date:
        problems.add("学期", f"必须在{year.name}之内")
    other = session.scalar(select(Term).where(Term.school_year_id == year.id, Term.id != term.id))
    if other is not None and start <= other.end_date and end >= other.start_date:
        problems.add("学期", f"与{other.name}日期重叠")
    problems.raise_if_any()
    before = as_dict(term)
    term.start_date, term.end_date = start, end
    session.flush()
    audit(session, user, "update", "term", term.id, before=before, after=as_dict(term))
    stats.refresh_school(session, school_id=school_id, today=today, now=utcnow())  # holiday windows move too


def first_year_plan(today: date) -> YearPlan:
    """A suggested first school year for a new school: the one today is in (or starts in, from August)."""
    start_year = today.year if today.month >= 8 else today.year - 1
    return YearPlan(
        start_year=start_year,
        start_date=date(start_year, 9, 1),
        end_date=date(start_year + 1, 8, 31),
        term1=(date(start_year, 9, 1), date(start_year + 1, 1, 20)),
        term2=(date(start_year + 1, 2, 20), date(start_year + 1, 7, 10)),
    )


def next_year_plan(year: SchoolYear) -> YearPlan:
    """A suggested next school year: 9月1日 to 8月31日, terms to 1月20日 and from 2月20日 to 7月10日."""
    start_year = year.start_year + 1
    start = max(date(start_year, 9, 1), year.end_date + timedelta(days=1))
    return YearPlan(
        start_year=start_year,
        start_date=start,
        end_date=date(start_year + 1, 8, 31),
        term1=(start, date(start_year + 1, 1, 20)),
        term2=(date(start_year + 1, 2, 20), date(start_year + 1, 7, 10)),
    )
