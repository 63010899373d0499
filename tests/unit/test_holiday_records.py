"""Records dated in a holiday: 暑期家访 counts for the autumn term by default; a school can count holidays for the
term before, or refuse them; before the first term and after today are refused (forms and importer alike).

测试小学: 2025-2026 (term1 2025-09-01 … 2026-01-20, term2 2026-02-24 … 2026-07-05), class 二(1) A B;
2026-2027 (autumn 2026-09-01 … 2027-01-20), the same children in 三(1) from 2026-09-01. Today is 2026-11-22.

- A 家访 to A's family on 2026-08-15 for 三(1) (the new class): counted for the autumn term, whose records
  now run from 2026-07-06 (the day after term2 ended): 三(1) 家访覆盖率 1/2, 含暑期家访 1 次.
- A call to B on 2026-02-01 (winter holiday) for 二(1): counted for term2 (2 students): 1 contact, 1/2 covered.
- 2025-08-20 is before the first term: refused. 2026-11-23 is after today: refused.
- With holidays counted for the term before, a call on 2026-07-10 for 二(1) counts for term2, whose records
  then run to 2026-08-31; with holidays refused, 2026-08-16 is refused with a message that says so.
- The importer reads a row dated 2026-08-20 for 三(1)班 the same way (the class is the autumn term's 三(1)).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hxgy import formats
from hxgy.entry import records, school_settings
from hxgy.entry.records import ContactEntry
from hxgy.entry.rules import InvalidEntry
from hxgy.metrics import communication, overview
from hxgy.metrics.roster import ClassFilter
from hxgy.models import ClassTermStats, Communication, School
from hxgy.terms import term_period
from hxgy.transfer.history import problems_frame
from hxgy.transfer.imports import ImportBlocked, run_import
from tests.builders import TinySchool, tiny_school

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 12)


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    with Session(engine) as session:
        s = tiny_school(session)
        s.add_class(2, 1)
        s.add_student("A", "二(1)班")
        s.add_student("B", "二(1)班")
        year, autumn, _ = s.next_year()
        s.autumn = autumn  # type: ignore[attr-defined]
        s.add_class(3, 1, year=year, key="新3(1)")
        s.enrol("A", "新3(1)", date(2026, 9, 1))
        s.enrol("B", "新3(1)", date(2026, 9, 1))
        s.dean = s.user("dean", "李主任")  # type: ignore[attr-defined]
        session.commit()
        yield s


def _log(s: TinySchool, class_key: str, day: date, student: str | None, channel: str = "phone") -> None:
    entry = ContactEntry(
        class_id=s.classes[class_key].id,
        contact_date=day,
        channel_id=s.category("channel", channel),
        student_id=s.students[student].id if student else None,
    )
    records.log_contact(s.session, s.dean, entry, today=TODAY)  # type: ignore[attr-defined]
    s.session.commit()


def _policy(s: TinySchool, policy: str) -> None:
    s.session.execute(update(School).where(School.id == s.school.id).values(holiday_records=policy))
    s.session.commit()


def test_a_summer_home_visit_counts_for_the_autumn_term(school: TinySchool) -> None:
    _log(school, "新3(1)", date(2026, 8, 15), "A", channel="home_visit")
    autumn = term_period(school.autumn, TODAY)
    assert autumn.first_day == date(2026, 7, 6) and autumn.start == date(2026, 9, 1)
    assert autumn.days == 83  # rates per week use the term's own days (9-01 … 11-22)
    one = ClassFilter(school.school.id, None, (school.classes["新3(1)"].id,))
    figures = overview.school_figures(school.session, autumn, one, now=NOW)
    assert (figures["visited_students"], figures["students"]) == (1, 2)
    assert figures["home_visit_coverage"] == 0.5
    counted = communication.holiday_contacts(school.session, autumn, one)
    assert counted == {"contacts": 1, "home_visits": 1, "summer": 1}
    assert formats.holiday_note(counted) == "含暑期家访 1 次（假期沟通记录共 1 条，计入本学期）"
    weekly = communication.contacts_by_week(school.session, autumn, one)
    assert [autumn.week_of(w) for w in weekly["week"]] == [1], "the summer visit is shown in the term's first week"
    stored = school.session.scalar(
        select(ClassTermStats.visited_students).where(
            ClassTermStats.term_id == school.autumn.id, ClassTermStats.class_id == school.classes["新3(1)"].id
        )
    )
    assert stored == 1, "the write refreshed the autumn term's stored counts"


def test_a_winter_holiday_call_counts_for_the_spring_term(school: TinySchool) -> None:
    _log(school, "二(1)班", date(2026, 2, 1), "B")
    term2 = term_period(school.term2, TODAY)
    whole = ClassFilter(school.school.id)
    figures = overview.school_figures(school.session, term2, whole, now=NOW)
    assert (figures["contacts"], figures["contacted_students"], figures["students"]) == (1, 1, 2)
    assert overview.school_figures(school.session, term_period(school.term1), whole, now=NOW)["contacts"] == 0
    note = formats.holiday_note(communication.holiday_contacts(school.session, term2, whole))
    assert note == "含寒假沟通记录 1 条（计入本学期）"


def test_a_holiday_record_belongs_to_the_class_of_the_term_it_counts_for(school: TinySchool) -> None:
    """On 2026-08-15 (summer, counted for the autumn term) last year's 二(1)班 is not a class of that term."""
    with pytest.raises(InvalidEntry, match="计入2026-2027学年第一学期，请选择2026-2027学年的班级"):
        _log(school, "二(1)班", date(2026, 8, 15), None, channel="wechat")
    school.session.rollback()
    from hxgy.queries.entry import writable_classes

    summer = writable_classes(school.session, school.dean, date(2026, 8, 15))  # type: ignore[attr-defined]
    assert [name for _, name in summer] == ["三(1)班"], "in the summer the forms offer the autumn term's classes"
    spring = writable_classes(school.session, school.dean, date(2026, 5, 1))  # type: ignore[attr-defined]
    assert [name for _, name in spring] == ["二(1)班"]


def test_dates_no_term_counts_are_refused_in_chinese(school: TinySchool) -> None:
    with pytest.raises(InvalidEntry, match="早于本校第一个学期"):
        _log(school, "二(1)班", date(2025, 8, 20), "A")
    school.session.rollback()
    with pytest.raises(InvalidEntry, match="晚于今天"):
        _log(school, "新3(1)", date(2026, 11, 23), "A")
    school.session.rollback()
    _policy(school, "refuse")
    with pytest.raises(InvalidEntry, match="在假期中"):
        _log(school, "新3(1)", date(2026, 8, 16), "A", channel="home_visit")
    school.session.rollback()
    assert school.session.scalar(select(Communication.id)) is None, "nothing was written"


def test_changing_the_rule_recounts_the_stored_figures(school: TinySchool) -> None:
    """The call on 2026-02-01 counts for term2 (next), then for term1 (previous): the stored rows follow."""
    _log(school, "二(1)班", date(2026, 2, 1), "B")

    def stored(term) -> int:
        return (
            school.session.scalar(  # no row yet (nothing written for that term) reads as 0
                select(ClassTermStats.contacts).where(
                    ClassTermStats.term_id == term.id, ClassTermStats.class_id == school.classes["二(1)班"].id
                )
            )
            or 0
        )

    assert (stored(school.term1), stored(school.term2)) == (0, 1)
    school_settings.set_holiday_policy(school.session, school.dean, "previous")  # type: ignore[attr-defined]
    school.session.commit()
    assert (stored(school.term1), stored(school.term2)) == (1, 0)


def test_holidays_can_count_for_the_term_before(school: TinySchool) -> None:
    _policy(school, "previous")
    _log(school, "二(1)班", date(2026, 7, 10), "B")
    term2 = term_period(school.term2, TODAY)
    assert term2.last_day == date(2026, 8, 31) and term2.end == date(2026, 7, 5)
    figures = overview.school_figures(school.session, term2, ClassFilter(school.school.id), now=NOW)
    assert figures["contacts"] == 1
    autumn = term_period(school.autumn, TODAY)
    assert autumn.first_day == date(2026, 9, 1)


def test_the_importer_reads_a_summer_visit_as_the_form_does(school: TinySchool) -> None:
    student_no = school.students["A"].student_no
    data = f"沟通日期,班级,学号,沟通方式\n2026-08-20,三(1)班,{student_no},家访\n".encode()
    result = run_import(school.session, school.dean, "communications", "暑期家访.csv", data, today=TODAY)  # type: ignore[attr-defined]
    school.session.commit()
    assert result.added == 1
    stored = school.session.scalar(select(Communication))
    assert stored.class_id == school.classes["新3(1)"].id and stored.contact_date == date(2026, 8, 20)
    _policy(school, "refuse")
    later = data.replace(b"08-20", b"08-21")
    with pytest.raises(ImportBlocked) as caught:
        run_import(school.session, school.dean, "communications", "暑期家访2.csv", later, today=TODAY)  # type: ignore[attr-defined]
    school.session.rollback()
    assert "在假期中" in problems_frame(caught.value.plan).to_csv()
