"""SQL functions that SQLite and PostgreSQL spell differently, compiled per dialect.

Grouping by week or month, and hours between two timestamps, give the same
answers on both databases (weeks start on Monday).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class _PeriodStart(FunctionElement[Any]):
    """The first day of the period a date falls in; ``unit`` names the period as PostgreSQL's date_trunc does."""

    type = Date()
    inherit_cache = True
    unit: str


class week_start(_PeriodStart):
    """The Monday of the week a date falls in."""

    inherit_cache = True
    unit = "week"


class month_start(_PeriodStart):
    """The first day of the month a date falls in."""

    inherit_cache = True
    unit = "month"


class hours_between(FunctionElement[Any]):
    """Hours from the first timestamp to the second (fractional)."""

    type = Float()
    inherit_cache = True


def _day(element: _PeriodStart, compiler: Any, **kw: Any) -> str:
    """The compiled date argument of a period start."""
    return str(compiler.process(next(iter(element.clauses)), **kw))


@compiles(week_start, "sqlite")
def _week_start_sqlite(element: week_start, compiler: Any, **kw: Any) -> str:
    day = _day(element, compiler, **kw)
    return f"date({day}, '-' || ((CAST(strftime('%w', {day}) AS INTEGER) + 6) % 7) || ' days')"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"date({_day(element, compiler, **kw)}, 'start of month')"


@compiles(week_start, "postgresql")
@compiles(month_start, "postgresql")
def _period_start_pg(element: _PeriodStart, compiler: Any, **kw: Any) -> str:
    return f"CAST(date_trunc('{element.unit}', {_day(element, compiler, **kw)}) AS DATE)"


@compiles(hours_between, "sqlite")
def _hours_sqlite(element: hours_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 24.0)"


@compiles(hours_between, "postgresql")
def _hours_pg(element: hours_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 3600.0)"
