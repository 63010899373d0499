"""School years, terms and periods: which days a figure covers.

A measure is computed over a Period: a term, or a custom date range inside
one school year. A term still in progress ends today, so rates per week use
the days that have passed, and targets can be read "on pace".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, object_session

from hxgy.models import SchoolYear, Term


class PeriodError(ValueError):
    """A date range that cannot be a period; the message says why, in Chinese."""


SAME_PERIOD = "同期"  # a running term is compared with the same number of days of the previous one


def midnight(day: date) -> datetime:
    """Midnight at the start of ``day``, naive like the stored timestamps."""
    return datetime.combine(day, time())


def on_days(
    moment: ColumnElement[datetime] | InstrumentedAttribute[datetime], first: date, last: date
) -> ColumnElement[bool]:
    """A timestamp falls on a day from ``first`` to ``last`` (both count): from midnight of the first day
    up to, not including, midnight after the last."""
    return and_(moment >= midnight(first), moment < midnight(last + timedelta(days=1)))


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
    records_start: date | None = None  # records from this day count (the holiday before a term), else ``start``
    records_end: date | None = None  # records up to this day count (the holiday after a term), else ``end``

    @property
    def first_day(self) -> date:
        """The first day whose records count: the term's first day, or the first day of the holiday before it."""
        return self.records_start or self.start

    @property
    def last_day(self) -> date:
        """The last day whose records count: the period's last day, or the last day of the holiday after it."""
        return self.records_end or self.end

    @property
    def holiday_days(self) -> tuple[tuple[date, date], ...]:
        """The holiday stretches whose records this period counts (none for a plain range)."""
        spans = []
        if self.records_start is not None and self.records_start < self.start:
            spans.append((self.records_start, self.start - timedelta(days=1)))
        if self.records_end is not None and self.records_end > self.end:
            spans.append((self.end + timedelta(days=1), self.records_end))
        return tuple(spans)

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
        """Midnight at the start of the first day whose records count."""
        return midnight(self.first_day)

    @property
    def after_last_moment(self) -> datetime:
        """Midnight after the last day whose records count (timestamps compare strictly below it)."""
        return midnight(self.last_day + timedelta(days=1))

    def week_of(self, day: date) -> int:
        """第几周 of the period ``day`` falls in: weeks run Monday to Sunday, week 1 holds the first day.

        A term that begins on a Wednesday has a short week 1; the Monday after is week 2.
        """
        first_monday = self.start - timedelta(days=self.start.weekday())
        return (day - first_monday).days // 7 + 1


HOLIDAY_POLICIES = ("next", "previous", "refuse")  # a holiday record counts for the next term, the one before, or none
DEFAULT_HOLIDAY_POLICY = "next"  # 暑期家访 in August counts for the autumn term


def record_window(terms: list[Term], term: Term, policy: str) -> tuple[date, date]:
    """The days whose records count for ``term`` (its own days plus the holiday the policy gives it).

    ``terms`` are the school's terms, oldest first. Under "next" a term also counts the holiday before it
    (from the day after the previous term ends); under "previous" the holiday after it (up to the day before
    the next term begins). The school's first term never reaches back, its last never forward.
    """
    at = next(i for i, t in enumerate(terms) if t.id == term.id)
    start, end = term.start_date, term.end_date
    if policy == "next" and at > 0:
        start = terms[at - 1].end_date + timedelta(days=1)
    if policy == "previous" and at + 1 < len(terms):
        end = terms[at + 1].start_date - timedelta(days=1)
    return start, end


def holiday_policy(session: Session, school_id: int) -> str:
    """The school's rule for records dated in a holiday (school.holiday_records)."""
    from hxgy.models import School

    value = session.scalar(select(School.holiday_records).where(School.id == school_id))
    return value if value in HOLIDAY_POLICIES else DEFAULT_HOLIDAY_POLICY


def term_period(term: Term, today: date | None = None) -> Period:
    """The period of a term; a term in progress on ``today`` ends on ``today``.

    Records dated in the holiday the school's policy gives the term count too (``records_start`` /
    ``records_end``); its days do not (rates per week, weeks and the share of the term gone use the term's days).
    """
    end = term.end_date
    if today is not None and term.start_date <= today < term.end_date:
        end = today
    records_start = records_end = None
    session = object_session(term)
    if session is not None:
        policy = holiday_policy(session, term.school_id)
        first, last = record_window(school_terms(session, school_id=term.school_id), term, policy)
        if first < term.start_date:
            records_start = first
        if last > term.end_date and end == term.end_date:
            records_end = min(last, today) if today is not None else last
            if records_end <= term.end_date:
                records_end = None
    return Period(
        start=term.start_date,
        end=end,
        label=term.name,
        school_year_id=term.school_year_id,
        term_id=term.id,
        evaluation_term_id=term.id,
        full_end=term.end_date,
        records_start=records_start,
        records_end=records_end,
    )


class HolidayRefused(ValueError):
    """A record's date that no term counts; the message says why, in Chinese."""


def counting_term(session: Session, *, school_id: int, day: date) -> Term:
    """The term a record dated ``day`` counts for, by the school's holiday policy.

    Raises HolidayRefused (Chinese message) for a day before the school's first term, after its last,
    or in a holiday when the school refuses holiday records.
    """
    terms = school_terms(session, school_id=school_id)
    if not terms:
        raise HolidayRefused("本校尚未设置学期，请先在“设置”中添加学年和学期")
    if day < terms[0].start_date:
        raise HolidayRefused(f"{day:%Y-%m-%d} 早于本校第一个学期（{terms[0].start_date:%Y-%m-%d} 开学）")
    policy = holiday_policy(session, school_id)
    for term in terms:
        first, last = record_window(terms, term, policy)
        if first <= day <= last:
            return term
    if day > terms[-1].end_date:
        raise HolidayRefused(f"{day:%Y-%m-%d} 晚于本校已设置的最后一个学期，请先在“设置”中添加新学年")
    raise HolidayRefused(f"{day:%Y-%m-%d} 在假期中，本校设置为不登记假期的记录（设置 → 目标与规则）")


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


def same_length(period: Period, before: Term) -> Period:
    """An earlier term as ``period`` sees it: whole when ``period`` has ended, else cut to the same number of
    days (同期: its holiday after is not counted)."""
    whole = term_period(before)
    if not period.in_progress:
        return whole
    end = min(before.end_date, before.start_date + timedelta(days=period.days - 1))
    return replace(whole, end=end, records_end=None, label=f"{before.name}{SAME_PERIOD}")


def comparison_period(session: Session, period: Period) -> Period | None:
    """What a term is compared with: the previous term, cut to the same length while this one runs (同期).

    A custom date range has no comparison.
    """
    if period.term_id is None:
        return None
    before = previous_term(session, term_id=period.term_id)
    if before is None:
        return None
    return same_length(period, before)


def same_term_last_year(session: Session, *, term_id: int) -> Term | None:
    """The term with the same term_no in the school year before this term's (第一学期 ↔ last year's 第一学期)."""
    term = session.get(Term, term_id)
    if term is None:
        return None
    year = session.get(SchoolYear, term.school_year_id)
    if year is None:
        return None
    return session.scalar(
        select(Term)
        .join(SchoolYear, SchoolYear.id == Term.school_year_id)
        .where(
            Term.school_id == term.school_id,
            Term.term_no == term.term_no,
            SchoolYear.start_year == year.start_year - 1,
        )
    )


def year_on_year_period(session: Session, period: Period) -> Period | None:
    """What a term is compared with year on year (同比): the same term of the previous school year, cut to the
    same number of days while this one runs (同期), as comparison_period does for 较上学期.

    A custom date range, and a term whose school has no such term last year, have none.
    """
    if period.term_id is None:
        return None
    before = same_term_last_year(session, term_id=period.term_id)
    if before is None:
        return None
    return same_length(period, before)
