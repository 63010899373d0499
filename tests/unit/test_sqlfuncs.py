"""Week, month and hour arithmetic gives the same answers on SQLite and PostgreSQL."""

from datetime import date, datetime

import pytest
from sqlalchemy import Column, Date, DateTime, Integer, MetaData, Table, insert, select

from hxgy.sqlfuncs import hours_between, month_start, week_start

metadata = MetaData()
probe = Table(
    "sqlfunc_probe",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("d", Date),
    Column("a", DateTime),
    Column("b", DateTime),
)


@pytest.mark.parametrize(
    ("day", "monday", "first"),
    [
        (date(2025, 9, 1), date(2025, 9, 1), date(2025, 9, 1)),  # a Monday
        (date(2025, 9, 7), date(2025, 9, 1), date(2025, 9, 1)),  # the Sunday after
        (date(2026, 1, 1), date(2025, 12, 29), date(2026, 1, 1)),  # a week across the new year
        (date(2024, 2, 29), date(2024, 2, 26), date(2024, 2, 1)),  # a leap day
    ],
)
def test_week_and_month_start(engine, day, monday, first) -> None:
    metadata.create_all(engine)
    try:
        with engine.begin() as conn:
            conn.execute(insert(probe), [{"d": day}])
            assert conn.execute(select(week_start(probe.c.d), month_start(probe.c.d))).one() == (monday, first)
    finally:
        metadata.drop_all(engine)


def test_hours_between(engine) -> None:
    metadata.create_all(engine)
    try:
        with engine.begin() as conn:
            conn.execute(insert(probe), [{"a": datetime(2025, 10, 1, 8), "b": datetime(2025, 10, 4, 8, 30)}])
            assert conn.execute(select(hours_between(probe.c.a, probe.c.b))).scalar() == pytest.approx(72.5)
    finally:
        metadata.drop_all(engine)
