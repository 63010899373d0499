"""Home-page counts on a tiny school where every figure is worked out by hand."""

from datetime import date

import pytest
from sqlalchemy.orm import Session

from hxgy.queries import home
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school


@pytest.fixture
def school(engine) -> TinySchool:
    """一(1)班: A B C, and E until 31 October; 一(2)班: D, and E from 1 November.

    Term 1 (2025-09-01 … 2026-01-20) records, by hand:
    一(1)班: A phone on the first day, A wechat, B home visit on the last day,
            one class-wide notice, E home visit while still in 一(1)班;
            not counted: a deleted contact with C, a contact with C the day after the term.
    一(2)班: E phone after the move.
    Volunteering in 一(1)班: A 2 h and A 1 h confirmed (one on the last day), B 1.5 h unconfirmed.
    """
    session = Session(engine)
    s = tiny_school(session)
    s.add_class(1, 1, head="张老师")
    s.add_class(1, 2, head="李老师")
    for name in "ABC":
        s.add_student(name, "一(1)班")
    s.add_student("D", "一(2)班")
    s.add_student("E", "一(1)班", end=date(2025, 10, 31))
    s.enrol("E", "一(2)班", start=date(2025, 11, 1))
    s.contact("一(1)班", date(2025, 9, 1), "A")
    s.contact("一(1)班", date(2025, 10, 10), "A", channel="wechat")
    s.contact("一(1)班", date(2026, 1, 20), "B", channel="home_visit")
    s.contact("一(1)班", date(2025, 9, 15), None, channel="wechat")
    s.contact("一(1)班", date(2025, 10, 5), "E", channel="home_visit")
    s.contact("一(1)班", date(2025, 10, 1), "C", deleted=True)
    s.contact("一(1)班", date(2026, 1, 21), "C")
    s.contact("一(2)班", date(2025, 11, 20), "E")
    s.volunteer("一(1)班", "A", date(2025, 9, 10), 2.0)
    s.volunteer("一(1)班", "A", date(2026, 1, 20), 1.0, activity="lunch_duty")
    s.volunteer("一(1)班", "B", date(2025, 10, 10), 1.5, confirmed=False)
    session.commit()
    yield s
    session.close()


def test_class_snapshot_counts_by_hand(school: TinySchool) -> None:
    period = term_period(school.term1)
    ids = [school.classes["一(1)班"].id, school.classes["一(2)班"].id]
    frame = home.class_snapshot(school.session, class_ids=ids, period=period).set_index("class_name")
    one, two = frame.loc["一(1)班"], frame.loc["一(2)班"]
    assert (one.students, one.communications, one.contacted_students, one.visited_students) == (4, 5, 3, 2)
    assert (one.volunteer_records, one.volunteer_hours) == (3, 3.0)
    assert (two.students, two.communications, two.contacted_students, two.visited_students) == (2, 1, 1, 0)
    assert (two.volunteer_records, two.volunteer_hours) == (0, 0.0)


def test_moved_student_counts_where_enrolled_in_each_term(school: TinySchool) -> None:
    period = term_period(school.term2)
    ids = [school.classes["一(1)班"].id, school.classes["一(2)班"].id]
    frame = home.class_snapshot(school.session, class_ids=ids, period=period).set_index("class_name")
    assert frame.loc["一(1)班", "students"] == 3  # E left before term 2
    assert frame.loc["一(2)班", "students"] == 2
    assert frame["communications"].sum() == 0


def test_grade_counts_a_moved_student_once(school: TinySchool) -> None:
    frame = home.grade_snapshot(school.session, school_id=school.school.id, period=term_period(school.term1))
    assert frame.to_dict("records") == [
        {
            "grade_level": 1,
            "classes": 2,
            "students": 5,
            "communications": 6,
            "contacted_students": 3,  # A, B, E
            "visited_students": 2,  # B, E
            "volunteer_records": 3,
            "volunteer_hours": 3.0,
        }
    ]


def test_school_snapshot_by_hand(school: TinySchool) -> None:
    snap = home.school_snapshot(school.session, school_id=school.school.id, period=term_period(school.term1))
    assert snap.school_name == "测试小学"
    assert (snap.classes, snap.students, snap.staff) == (2, 5, 2)
    assert (snap.communications, snap.home_visits) == (6, 2)
    assert (snap.volunteer_records, snap.volunteer_hours) == (3, 3.0)
    assert (snap.activities, snap.open_requests) == (0, 0)


def test_empty_class_and_empty_term_give_zeros(engine) -> None:
    with Session(engine) as session:
        s = tiny_school(session)
        s.add_class(2, 1)
        session.commit()
        frame = home.class_snapshot(session, class_ids=[s.classes["二(1)班"].id], period=term_period(s.term2))
        assert frame.iloc[0][["students", "communications", "volunteer_hours"]].tolist() == [0, 0, 0.0]
        assert home.class_snapshot(session, class_ids=[], period=term_period(s.term2)).empty
        snap = home.school_snapshot(session, school_id=s.school.id, period=term_period(s.term2))
        assert (snap.students, snap.communications, snap.volunteer_hours) == (0, 0, 0.0)


def test_district_snapshot_lists_each_school(engine) -> None:
    with Session(engine) as session:
        first = tiny_school(session, code="T1", name="甲小学")
        first.add_class(1, 1)
        first.add_student("A", "一(1)班")
        second = tiny_school(session, code="T2", name="乙小学")
        tiny_school(session, code="T3", name="外区小学", district="别的区")
        session.commit()
        schools = home.district_schools(session, district="测试区")
        assert [s.name for s in schools] == ["甲小学", "乙小学"]
        frame = home.district_snapshot(
            session,
            periods={first.school.id: term_period(first.term1), second.school.id: term_period(second.term1)},
        )
        assert frame[["school_name", "students", "classes"]].values.tolist() == [["甲小学", 1, 1], ["乙小学", 0, 0]]
