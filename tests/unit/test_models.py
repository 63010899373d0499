"""The schema keeps the real world's natural keys and refuses impossible rows."""

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hxgy.models import (
    Base,
    Enrolment,
    MoralDimension,
    MoralRater,
    MoralScore,
    ParentRequest,
    SatisfactionResult,
    VolunteerRecord,
)
from tests.builders import TinySchool, tiny_school


@pytest.fixture
def school(engine):
    session = Session(engine)
    s = tiny_school(session)
    s.add_class(3, 2, head="王老师")
    s.add_student("小明", "三(2)班")
    session.commit()
    yield s
    session.close()


def _refused(session: Session, row: object) -> None:
    session.add(row)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def _score(s: TinySchool, value: float, rater: str = "teacher") -> MoralScore:
    dimension = s.session.scalar(select(MoralDimension.id).where(MoralDimension.code == "civility"))
    rater_id = s.session.scalar(select(MoralRater.id).where(MoralRater.code == rater))
    return MoralScore(
        school_id=s.school.id,
        student_id=s.students["小明"].id,
        term_id=s.term1.id,
        class_id=s.classes["三(2)班"].id,
        dimension_id=dimension,
        rater_id=rater_id,
        score=value,
    )


def test_every_table_has_a_primary_key_and_named_constraints() -> None:
    for table in Base.metadata.sorted_tables:
        assert table.primary_key.columns, table.name
        for constraint in table.constraints:
            assert constraint.name, (table.name, constraint)


def test_a_score_is_unique_per_student_term_dimension_rater(school: TinySchool) -> None:
    school.session.add(_score(school, 90))
    school.session.commit()
    _refused(school.session, _score(school, 85))
    school.session.add(_score(school, 85, rater="parent"))  # another rater is a new score
    school.session.commit()


@pytest.mark.parametrize("value", [-1, 100.5])
def test_scores_outside_0_to_100_are_refused(school: TinySchool, value: float) -> None:
    _refused(school.session, _score(school, value))


@pytest.mark.parametrize("hours", [0, -1, 12.5])
def test_volunteer_hours_must_be_positive_and_at_most_12(school: TinySchool, hours: float) -> None:
    _refused(
        school.session,
        VolunteerRecord(
            school_id=school.school.id,
            class_id=school.classes["三(2)班"].id,
            guardian_id=school.guardians["小明"].id,
            activity_id=school.category("volunteer_activity", "gate_duty"),
            service_date=date(2025, 9, 3),
            hours=hours,
        ),
    )


def test_same_volunteer_record_twice_is_refused(school: TinySchool) -> None:
    school.volunteer("三(2)班", "小明", date(2025, 9, 3), 1)
    school.session.commit()
    with pytest.raises(IntegrityError):
        school.volunteer("三(2)班", "小明", date(2025, 9, 3), 2)
    school.session.rollback()


def test_one_enrolment_per_student_and_class(school: TinySchool) -> None:
    _refused(
        school.session,
        Enrolment(
            student_id=school.students["小明"].id, class_id=school.classes["三(2)班"].id, start_date=date(2025, 10, 1)
        ),
    )


def test_dangling_foreign_keys_are_refused(school: TinySchool) -> None:
    _refused(
        school.session, Enrolment(student_id=99999, class_id=school.classes["三(2)班"].id, start_date=date(2025, 9, 1))
    )


def test_one_school_wide_satisfaction_result_per_term(school: TinySchool) -> None:
    s = school
    s.session.add(
        SatisfactionResult(school_id=s.school.id, term_id=s.term1.id, class_id=None, respondents=100, satisfied=95)
    )
    s.session.add(
        SatisfactionResult(
            school_id=s.school.id, term_id=s.term1.id, class_id=s.classes["三(2)班"].id, respondents=40, satisfied=38
        )
    )
    s.session.commit()
    _refused(
        s.session,
        SatisfactionResult(school_id=s.school.id, term_id=s.term1.id, class_id=None, respondents=10, satisfied=9),
    )
    _refused(
        s.session,
        SatisfactionResult(school_id=s.school.id, term_id=s.term2.id, class_id=None, respondents=10, satisfied=11),
    )


def test_a_reply_cannot_come_before_the_request(school: TinySchool) -> None:
    _refused(
        school.session,
        ParentRequest(
            school_id=school.school.id,
            channel_id=school.category("request_channel", "mailbox"),
            received_at=datetime(2025, 10, 2, 9),
            replied_at=datetime(2025, 10, 1, 9),
        ),
    )


def test_text_is_stored_exactly_as_typed(school: TinySchool) -> None:
    note = "<script>alert(1)</script>'; DROP TABLE student; -- 家访 😀"
    record = school.contact("三(2)班", date(2025, 9, 5), "小明")
    record.summary = note
    school.session.commit()
    school.session.expire_all()
    assert school.session.get(type(record), record.id).summary == note
