"""The pre-aggregated class_term_stats hold exactly what the live measures compute."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy.metrics import overview, stats
from hxgy.metrics.roster import ClassFilter
from hxgy.models import ClassTermStats, School, Term
from hxgy.terms import current_term, term_period
from tests.builders import tiny_school
from tests.conftest import DEMO_ANCHOR

NOON = datetime(2026, 11, 22, 12)


def test_refresh_then_district_table_equals_live_figures(engine) -> None:
    with Session(engine) as session:
        s = tiny_school(session)
        s.add_class(1, 1)
        s.add_student("A", "一(1)班")
        s.add_student("B", "一(1)班")
        s.contact("一(1)班", date(2025, 9, 3), "A", channel="home_visit")
        s.volunteer("一(1)班", "B", date(2025, 9, 4), 2.5)
        # requests on the term's first moment and last minute count; the one after the term does not
        s.request("一(1)班", datetime(2025, 9, 1, 0, 0), datetime(2025, 9, 1, 10))  # on time
        s.request("一(1)班", datetime(2026, 1, 20, 23, 59), datetime(2026, 1, 25, 9))  # late
        s.request("一(1)班", datetime(2026, 1, 21, 0, 0), datetime(2026, 1, 21, 1))  # term 2
        s.survey("一(1)班", 2, 1)
        s.survey(None, 10, 9)  # the school-wide survey wins over the class surveys
        session.commit()
        assert stats.refresh_school(session, school_id=s.school.id, today=date(2026, 3, 1), now=NOON) == 2
        period = term_period(s.term1)
        table = stats.district_school_table(session, district="测试区", terms={s.school.id: period}, now=NOON)
        live = overview.school_figures(session, period, ClassFilter(s.school.id), now=NOON)
        row = table.iloc[0]
        for key in (
            "students",
            "visited_students",
            "volunteer_hours",
            "home_visit_coverage",
            "volunteer_participation",
            "contacts_per_week",
            "response_on_time",
            "satisfaction",
        ):
            assert row[key] == pytest.approx(live[key]), key
        assert (row["requests_on_time"], row["requests_due"]) == (1, 2)
        assert (row["satisfaction_satisfied"], row["satisfaction_respondents"]) == (9, 10)
        # a new record changes nothing until the term is refreshed; refreshing brings it in
        s.contact("一(1)班", date(2025, 9, 10), "B", channel="home_visit")
        session.commit()
        stats.refresh_terms_on(
            session, school_id=s.school.id, days=[date(2025, 9, 10)], today=date(2026, 3, 1), now=NOON
        )
        table = stats.district_school_table(session, district="测试区", terms={s.school.id: period}, now=NOON)
        assert table.iloc[0]["home_visit_coverage"] == 1.0
        assert session.scalar(select(func.count()).select_from(ClassTermStats)) == 2


def test_the_demo_keeps_stats_for_every_started_term(demo_engine) -> None:
    with Session(demo_engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        started = session.scalar(
            select(func.count()).select_from(Term).where(Term.school_id == school.id, Term.start_date <= DEMO_ANCHOR)
        )
        kept = session.scalar(
            select(func.count(func.distinct(ClassTermStats.term_id))).where(ClassTermStats.school_id == school.id)
        )
        assert kept == started
        term = current_term(session, school_id=school.id, today=DEMO_ANCHOR)
        period = term_period(term, DEMO_ANCHOR)
        live = overview.class_measures(session, period, ClassFilter(school.id), now=NOON)
        stored = stats.district_class_table(session, terms={school.id: period})
        merged = live.merge(stored, on="class_id", suffixes=("", "_stored"))
        assert len(merged) == len(live) == 32
        for column in stats.STATS_COLUMNS:
            assert merged[column].astype(float).tolist() == pytest.approx(
                merged[f"{column}_stored"].astype(float).tolist()
            ), column


def test_school_figures_are_the_sum_of_the_class_figures_on_the_demo(demo_engine) -> None:
    """Each child counts once, in one class, so the school is exactly its classes added up."""
    with Session(demo_engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        term = current_term(session, school_id=school.id, today=DEMO_ANCHOR)
        period = term_period(term, DEMO_ANCHOR)
        frame = overview.class_measures(session, period, ClassFilter(school.id), now=NOON)
        figures = overview.school_figures(session, period, ClassFilter(school.id), now=NOON)
    assert figures["students"] == frame["students"].sum() > 1400
    for key in (
        "contact_coverage",
        "home_visit_coverage",
        "contacts_per_family",
        "volunteer_participation",
        "hours_per_family",
        "moral_good_rate",
        "moral_completion",
        "parent_attendance",
    ):
        measure = overview.MEASURES[key]
        expected = frame[measure.numerator].sum() / frame[measure.denominator].sum()
        assert figures[key] == pytest.approx(expected), key
    assert figures["volunteer_hours"] == pytest.approx(frame["volunteer_hours"].sum())
    assert figures["contacts"] == frame["contacts"].sum()
