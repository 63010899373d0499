"""Trends across terms and 同比 (the same term last year), on a tiny school computed by hand.

测试小学, two school years (today 2026-11-22 unless a test says otherwise):
  2025-2026  term1 2025-09-01 … 2026-01-20, term2 2026-02-24 … 2026-07-05:   二(1) A B;  二(2) C D
  2026-2027  autumn 2026-09-01 … 2027-01-20 (running: 83 days gone), spring from 2027-02-23:
             三(1) C D;  三(2) A B (the classes moved up with their numbers swapped);  一(1) E (new)

Contacts with a student (contact_coverage = students contacted ÷ students)
  term1:   二(1) A 2025-10-01, B 2025-12-15;  二(2) C 2025-10-08
  term2:   二(1) A 2026-03-10;                二(2) C 2026-03-10, D 2026-04-01
  autumn:  三(1) C 2026-09-15;  三(2) A 2026-10-01, B 2026-11-20;  一(1) E 2026-09-20
Targets for contact_coverage: term1 80 %, autumn 90 %, term2 none.

Trend of 三(2) (A B, who were in 二(1)):  term1 2/2 = 100 % (target 80 %), term2 1/2 = 50 % (no target),
  autumn 2/2 = 100 % (target 90 %); spring has not begun.
Trend of the school:  term1 A B C 3/4 = 75 %, term2 A C D 3/4 = 75 %, autumn C A B E 4/5 = 80 %.
Trend of 一(1):  autumn only, 1/1.

同比 on 2026-11-22: autumn's first 83 days against term1's first 83 days (2025-09-01 … 2025-11-22, 同期):
  三(1) (C D) against 二(2), where C and D were: C → 1/2 = 50 %  (二(1), the same class_no, would give A: 50 %
        too, so the volunteer hours below tell them apart)
  三(2) (A B) against 二(1): A (B's contact on 12-15 is after the cut) → 1/2 = 50 %
  school: A C → 2/4 = 50 %;  一(1): no 同比 (E was not at the school);  term1 and term2: none (first year).
同比 on 2027-03-01 (autumn finished): whole term1.  三(2) → 二(1) 2/2 = 100 %.
Volunteer hours (confirmed): 二(1) A 2 h 2025-10-10;  二(2) C 5 h 2025-10-10  →  三(1)'s 同比 is 5 h, 三(2)'s 2 h.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from hxgy.metrics import overview, stats, trends
from hxgy.metrics.measures import MEASURES
from hxgy.metrics.roster import ClassFilter
from hxgy.models import Target
from hxgy.terms import custom_period, same_term_last_year, term_period, year_on_year_period
from tests.builders import TinySchool, tiny_school

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 12, 0)


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    with Session(engine) as session:
        yield _build(session)


def _build(session: Session) -> TinySchool:
    s = tiny_school(session)
    s.add_class(2, 1)
    s.add_class(2, 2)
    for name, cls in (("A", "二(1)班"), ("B", "二(1)班"), ("C", "二(2)班"), ("D", "二(2)班")):
        s.add_student(name, cls)
    year, autumn, spring = s.next_year()
    s.autumn, s.spring = autumn, spring  # type: ignore[attr-defined]
    s.add_class(3, 1, year=year)
    s.add_class(3, 2, year=year)
    s.add_class(1, 1, year=year)
    start = date(2026, 9, 1)
    for name, cls in (("C", "三(1)班"), ("D", "三(1)班"), ("A", "三(2)班"), ("B", "三(2)班")):
        s.enrol(name, cls, start)
    s.add_student("E", "一(1)班", start=start)

    for cls, student, day in (
        ("二(1)班", "A", date(2025, 10, 1)),
        ("二(1)班", "B", date(2025, 12, 15)),
        ("二(2)班", "C", date(2025, 10, 8)),
        ("二(1)班", "A", date(2026, 3, 10)),
        ("二(2)班", "C", date(2026, 3, 10)),
        ("二(2)班", "D", date(2026, 4, 1)),
        ("三(1)班", "C", date(2026, 9, 15)),
        ("三(2)班", "A", date(2026, 10, 1)),
        ("三(2)班", "B", date(2026, 11, 20)),
        ("一(1)班", "E", date(2026, 9, 20)),
    ):
        s.contact(cls, day, student)
    s.volunteer("二(1)班", "A", date(2025, 10, 10), 2.0)
    s.volunteer("二(2)班", "C", date(2025, 10, 10), 5.0)
    session.add_all(
        [
            Target(school_id=s.school.id, term_id=s.term1.id, measure="contact_coverage", value=80),
            Target(school_id=s.school.id, term_id=autumn.id, measure="contact_coverage", value=90),
        ]
    )
    session.flush()
    return s


def _class(s: TinySchool, name: str) -> ClassFilter:
    return ClassFilter(s.school.id, class_ids=(s.classes[name].id,))


def test_same_term_last_year_has_the_same_term_no(school: TinySchool) -> None:
    s = school
    assert same_term_last_year(s.session, term_id=s.autumn.id).id == s.term1.id  # type: ignore[attr-defined]
    assert same_term_last_year(s.session, term_id=s.spring.id).id == s.term2.id  # type: ignore[attr-defined]
    assert same_term_last_year(s.session, term_id=s.term1.id) is None


def test_a_running_term_is_compared_with_the_same_days_last_year(school: TinySchool) -> None:
    s = school
    running = year_on_year_period(s.session, term_period(s.autumn, TODAY))  # type: ignore[attr-defined]
    assert running is not None
    assert (running.start, running.end, running.term_id) == (date(2025, 9, 1), date(2025, 11, 22), s.term1.id)
    assert running.label == "2025-2026学年第一学期同期"
    finished = year_on_year_period(s.session, term_period(s.autumn, date(2027, 3, 1)))  # type: ignore[attr-defined]
    assert finished is not None and finished.end == date(2026, 1, 20) and finished.label == "2025-2026学年第一学期"
    ranged = custom_period(s.session, school_id=s.school.id, start=date(2026, 9, 1), end=date(2026, 10, 1))
    assert year_on_year_period(s.session, ranged) is None


def test_year_on_year_follows_the_children(school: TinySchool) -> None:
    s = school
    period = term_period(s.autumn, TODAY)  # type: ignore[attr-defined]
    three_one = trends.year_on_year(s.session, period, _class(s, "三(1)班"), NOW)
    assert three_one is not None
    before, figures, followed = three_one
    assert followed.class_ids == (s.classes["二(2)班"].id,)
    assert before.label == "2025-2026学年第一学期同期"
    assert figures["contact_coverage"] == pytest.approx(0.5)
    assert figures["volunteer_hours"] == pytest.approx(5.0)
    three_two = trends.year_on_year(s.session, period, _class(s, "三(2)班"), NOW)
    assert three_two is not None
    assert three_two[2].class_ids == (s.classes["二(1)班"].id,)
    assert three_two[1]["contact_coverage"] == pytest.approx(0.5)  # B's contact on 12-15 is after the cut
    assert three_two[1]["volunteer_hours"] == pytest.approx(2.0)
    whole = trends.year_on_year(s.session, period, ClassFilter(s.school.id), NOW)
    assert whole is not None and whole[1]["contact_coverage"] == pytest.approx(0.5)
    grade = trends.year_on_year(s.session, period, ClassFilter(s.school.id, grade_level=3), NOW)
    assert grade is not None and grade[1]["contact_coverage"] == pytest.approx(0.5)
    assert set(grade[2].class_ids or ()) == {s.classes["二(1)班"].id, s.classes["二(2)班"].id}


def test_a_finished_term_is_compared_with_the_whole_term_last_year(school: TinySchool) -> None:
    s = school
    period = term_period(s.autumn, date(2027, 3, 1))  # type: ignore[attr-defined]
    found = trends.year_on_year(s.session, period, _class(s, "三(2)班"), datetime(2027, 3, 1, 12))
    assert found is not None and found[1]["contact_coverage"] == pytest.approx(1.0)


def test_a_first_year_has_no_year_on_year(school: TinySchool) -> None:
    s = school
    assert trends.year_on_year(s.session, term_period(s.term1, TODAY), ClassFilter(s.school.id), NOW) is None
    assert trends.year_on_year(s.session, term_period(s.term2, TODAY), ClassFilter(s.school.id), NOW) is None
    period = term_period(s.autumn, TODAY)  # type: ignore[attr-defined]
    assert trends.year_on_year(s.session, period, _class(s, "一(1)班"), NOW) is None


def _series(frame: pd.DataFrame, key: str) -> list[tuple[str, float, float]]:
    rows = frame[frame["measure"] == key]
    return [(r.term_name, round(r.value, 4), r.target) for r in rows.itertuples()]


def test_the_trend_of_a_class_follows_its_children_term_by_term(school: TinySchool) -> None:
    s = school
    period = term_period(s.autumn, TODAY)  # type: ignore[attr-defined]
    frame = trends.term_trends(s.session, period, _class(s, "三(2)班"), today=TODAY, now=NOW)
    assert list(frame.columns) == trends.TREND_COLUMNS
    assert frame.groupby("term_id")["measure"].apply(list).map(lambda keys: keys == list(MEASURES)).all()
    series = _series(frame, "contact_coverage")
    assert [(name, value) for name, value, _ in series] == [
        ("2025-2026学年第一学期", 1.0),
        ("2025-2026学年第二学期", 0.5),
        ("2026-2027学年第一学期", 1.0),
    ]
    targets = [target for _, _, target in series]
    assert targets[0] == pytest.approx(0.8) and math.isnan(targets[1]) and targets[2] == pytest.approx(0.9)
    assert frame.drop_duplicates("term_id")["in_progress"].tolist() == [False, False, True]
    assert frame["start_date"].drop_duplicates().tolist() == [date(2025, 9, 1), date(2026, 2, 24), date(2026, 9, 1)]
    hours = frame[frame["measure"] == "volunteer_hours"]["value"].tolist()
    assert hours == [2.0, 0.0, 0.0]  # 二(1)'s, not 二(2)'s 5 h: the children, not the class number


def test_the_trend_of_the_school_and_of_a_new_class(school: TinySchool) -> None:
    s = school
    period = term_period(s.autumn, TODAY)  # type: ignore[attr-defined]
    whole = trends.term_trends(s.session, period, ClassFilter(s.school.id), today=TODAY, now=NOW)
    assert [v for _, v, _ in _series(whole, "contact_coverage")] == [0.75, 0.75, 0.8]
    new = trends.term_trends(s.session, period, _class(s, "一(1)班"), today=TODAY, now=NOW)
    assert [(n, v) for n, v, _ in _series(new, "contact_coverage")] == [("2026-2027学年第一学期", 1.0)]


def test_a_terms_trend_point_is_what_the_pages_show_for_that_term(school: TinySchool) -> None:
    s = school
    stats.refresh_school(s.session, school_id=s.school.id, today=TODAY, now=NOW)  # served from class_term_stats
    period = term_period(s.autumn, TODAY)  # type: ignore[attr-defined]
    grade = ClassFilter(s.school.id, grade_level=3)
    frame = trends.term_trends(s.session, period, grade, today=TODAY, now=NOW)
    for term, view in ((s.term1, ClassFilter(s.school.id, grade_level=2)), (s.autumn, grade)):  # type: ignore[attr-defined]
        shown = term_period(term, TODAY)
        page = overview.school_figures(
            s.session, shown, view, now=NOW, frame=overview.class_measures(s.session, shown, view, now=NOW)
        )
        point = frame[frame["term_id"] == term.id].set_index("measure")["value"]
        for key in MEASURES:
            assert point[key] == pytest.approx(page[key], nan_ok=True), (term.name, key)
