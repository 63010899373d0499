"""学生档案: one student's story gathered once (hxgy.privacy.story), and who sees which part of it
(hxgy.privacy.story_access). The answers are written by hand in tests/unit/story_school.py."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from hxgy.entry.rules import WriteRefused
from hxgy.models import AuditLog
from hxgy.privacy.story import ClassStay, DimensionScore, NotThisSchool, student_story
from hxgy.privacy.story_access import contact_class, find_students, mask_phones_in, open_story
from tests.builders import tiny_school
from tests.unit.story_school import (
    CLASSMATE,
    FATHER,
    FATHER_PHONE,
    MOTHER,
    MOTHER_PHONE,
    OTHER,
    STUDENT,
    TODAY,
    story_school,
)

DIMENSIONS = ("文明礼仪", "责任担当", "诚信友善", "爱国情怀")


def _audit(session: Session) -> list[tuple[str, str, int | None, str]]:
    rows = session.execute(
        select(AuditLog.action, AuditLog.entity, AuditLog.entity_id, AuditLog.detail).order_by(AuditLog.id)
    ).all()
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def test_the_story_holds_every_class_record_and_term_of_the_student(engine: Engine) -> None:
    with Session(engine) as session:
        school = story_school(session)
        s = school.s
        story = student_story(session, s.school.id, s.students[STUDENT].id)
        ids = {name: c.id for name, c in s.classes.items()}

    assert (story.status.name, story.status.student_no, story.status.last_class) == (STUDENT, "S0001", "四(1)班")
    assert story.flags is not None and story.flags.labels() == ["留守儿童"]
    assert [(g.name, g.phone, g.is_primary) for g in story.guardians] == [
        (MOTHER, MOTHER_PHONE, True),
        (FATHER, FATHER_PHONE, False),
    ]
    assert story.classes == (
        ClassStay(ids["三(1)班"], "三(1)班", "2025-2026学年", date(2025, 9, 1), date(2026, 2, 28)),
        ClassStay(ids["三(2)班"], "三(2)班", "2025-2026学年", date(2026, 3, 1), date(2026, 8, 31)),
        ClassStay(ids["四(1)班"], "四(1)班", "2026-2027学年", date(2026, 9, 1), date(2027, 8, 31)),
    )
    assert story.class_on(TODAY) == story.classes[-1]
    assert story.class_on(date(2026, 3, 1)) == story.classes[1]
    # individual records only: not the class-wide notice, not the classmate's record that names her
    assert [(c.day, c.class_name, c.channel, c.direction, c.follow_up, c.withdrawn) for c in story.contacts] == [
        (date(2025, 9, 10), "三(1)班", "家访", "学校→家庭", False, False),
        (date(2026, 3, 5), "三(2)班", "电话", "学校→家庭", False, False),
        (date(2026, 9, 15), "四(1)班", "微信/班级群", "家庭→学校", True, False),
        (date(2026, 10, 1), "四(1)班", "电话", "学校→家庭", False, True),
    ]
    assert story.contacts[0].staff == "王老师"
    # the mother's request about her, and the father's with no student named; not another family's
    assert [(r.received_at, r.class_name, r.guardian, r.content, r.replied_at) for r in story.requests] == [
        (datetime(2026, 10, 12, 9), "四(1)班", MOTHER, "希望调整座位", datetime(2026, 10, 13, 9)),
        (datetime(2026, 11, 20, 8), "", FATHER, "校门口接送拥堵", None),
    ]
    assert [(v.day, v.guardian, v.activity, v.hours, v.confirmed) for v in story.volunteering] == [
        (date(2025, 10, 9), MOTHER, "护学岗", 2.0, True),
        (date(2026, 10, 20), FATHER, "陪餐", 1.5, False),
    ]
    assert story.confirmed_hours == 2.0
    assert len(story.ratings) == 12 + 8 + 4
    term1, term2, autumn = story.terms
    assert (term1.term, term1.class_name, term1.level) == ("2025-2026学年第一学期", "三(1)班", "良好")
    assert term1.total == pytest.approx(87.75)
    assert [(d.dimension, round(d.score, 4)) for d in term1.dimensions] == [
        ("文明礼仪", 91.5),
        ("责任担当", 86.5),
        ("诚信友善", 89.0),
        ("爱国情怀", 84.0),
    ]
    assert term1.dimensions[0] == DimensionScore(
        "文明礼仪", pytest.approx(91.5), (("教师评", 95.0), ("家长评", 90.0), ("学生自评", 85.0))
    )
    assert term1.raters == ("教师评", "家长评", "学生自评")
    assert (term2.class_name, term2.level, round(term2.total, 4)) == ("三(2)班", "合格", 73.75)
    assert term2.raters == ("教师评", "家长评")
    assert [round(d.score, 4) for d in term2.dimensions] == [73.75] * 4
    assert (autumn.class_name, autumn.level, autumn.total) == ("四(1)班", "优秀", 92.0)


def test_a_student_of_another_school_has_no_story(engine: Engine) -> None:
    with Session(engine) as session:
        school = story_school(session)
        other = tiny_school(session, code="T2", name="另一小学")
        session.commit()
        with pytest.raises(NotThisSchool):
            student_story(session, other.school.id, school.s.students[STUDENT].id)


def test_the_principal_sees_it_all_masked_and_the_opening_is_audited(engine: Engine) -> None:
    with Session(engine) as session:
        school = story_school(session)
        student_id = school.s.students[STUDENT].id
        story = open_story(session, school.principal, student_id, today=TODAY)
        session.commit()
        assert story.flags is not None and story.flags.labels() == ["留守儿童"]
        assert [g.phone for g in story.guardians] == ["139****5678", "138****1111"]
        assert story.contacts[0].summary == f"家访，{FATHER}在场，留电话 138****1111"
        assert "录错的记录" not in [c.summary for c in story.contacts]  # withdrawn: left out on screen
        assert [t.level for t in story.terms] == ["良好", "合格", "优秀"] and story.hidden_terms == 0
        assert _audit(session)[-1] == ("view", "student", student_id, f"学生档案（学生编号 {student_id}）")
        # the page's later reruns read without a new entry
        before = len(_audit(session))
        open_story(session, school.principal, student_id, today=TODAY, record=False)
        session.commit()
        assert len(_audit(session)) == before


def test_a_teacher_sees_their_classes_students_and_only_the_terms_they_may_grade(engine: Engine) -> None:
    with Session(engine) as session:
        school = story_school(session)
        student_id = school.s.students[STUDENT].id
        head = open_story(session, school.head, student_id, today=TODAY)
        subject = open_story(session, school.subject, student_id, today=TODAY)
        session.commit()
        # the 班主任 of 四(1)班 sees the flags; the subject teacher of the same class does not
        assert head.flags is not None and head.flags.labels() == ["留守儿童"]
        assert subject.flags is None
        for story in (head, subject):
            assert [c.day for c in story.contacts] == [date(2025, 9, 10), date(2026, 3, 5), date(2026, 9, 15)]
            assert [t.class_name for t in story.terms] == ["四(1)班"] and story.hidden_terms == 2
            assert {r.class_name for r in story.ratings} == {"四(1)班"}
        views = [row for row in _audit(session) if row[0] == "view"]
        assert len(views) == 2
        assert contact_class(session, school.head, head, today=TODAY) == school.s.classes["四(1)班"].id
        assert contact_class(session, school.principal, head, today=TODAY) == school.s.classes["四(1)班"].id
        assert contact_class(session, school.meeting, head, today=TODAY) is None


@pytest.mark.parametrize("who", ["former_head", "other_head"])
def test_a_teacher_of_another_class_is_refused_and_the_refusal_logged(engine: Engine, who: str) -> None:
    with Session(engine) as session:
        school = story_school(session)
        student_id = school.s.students[STUDENT].id
        user = getattr(school, who)
        with pytest.raises(WriteRefused) as refused:
            open_story(session, user, student_id, today=TODAY)
        session.rollback()
        message = f"您无权查看学生档案（学生编号 {student_id} 不在您任教的班级）。"
        assert str(refused.value) == message
        denied = [row for row in _audit(session) if row[0] == "denied"]
        assert len(denied) == 1 and message.strip("您无权。") in denied[0][3]
        assert not [row for row in _audit(session) if row[0] == "view"]
        assert STUDENT not in denied[0][3]


def test_a_role_without_names_is_refused_and_finds_no_one(engine: Engine) -> None:
    with Session(engine) as session:
        school = story_school(session)
        student_id = school.s.students[STUDENT].id
        assert find_students(session, school.meeting, "林", today=TODAY) == []
        with pytest.raises(WriteRefused):
            open_story(session, school.meeting, student_id, today=TODAY)
        session.rollback()
        assert [row[0] for row in _audit(session)] == ["denied"]


def test_the_search_finds_students_of_the_users_classes_only(engine: Engine) -> None:
    with Session(engine) as session:
        school = story_school(session)

        def found(user, text: str) -> list[str]:
            return [s.name for s in find_students(session, user, text, today=TODAY)]

        assert found(school.principal, "小") == [STUDENT, CLASSMATE]
        assert found(school.dean, "S0003") == [OTHER]
        assert found(school.head, "小") == [STUDENT, CLASSMATE]
        assert found(school.subject, "S000") == [STUDENT, CLASSMATE]
        assert found(school.other_head, "小") == []
        assert found(school.other_head, "周") == [OTHER]
        assert found(school.former_head, "林") == []  # last year's class is not "my class" any more
        assert found(school.principal, "  ") == []


def test_phones_written_in_text_are_masked() -> None:
    assert mask_phones_in("留电话 13800001111，或 0571-88886666") == "留电话 138****1111，或 0571-****6666"
    assert mask_phones_in("+86 13912345678") == "+86 139****5678"
    assert mask_phones_in("学号 202601011234567 不是电话") == "学号 202601011234567 不是电话"
