"""Settings an admin or dean changes: each takes effect on the figures, is checked, refused to others, logged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy import auth
from hxgy.entry import accounts, categories, promotion, school_settings, school_years
from hxgy.entry.rules import InvalidEntry, WriteRefused
from hxgy.entry.school_years import YearPlan
from hxgy.metrics import overview
from hxgy.metrics.roster import ClassFilter
from hxgy.models import (
    AuditLog,
    ClassAssignment,
    Enrolment,
    MoralLevel,
    MoralRater,
    SchoolClass,
    SchoolYear,
    Student,
    Target,
    UserAccount,
)
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school

TODAY = date(2026, 3, 1)


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    s.add_class(6, 1, head="李老师")
    s.add_student("A", "一(1)班")
    s.add_student("B", "一(1)班")
    s.add_student("F", "六(1)班")
    # teacher only: A 85 (良好, good), B 75 (合格)
    s.scores("A", "一(1)班", {"teacher": 85})
    s.scores("B", "一(1)班", {"teacher": 75})
    session.commit()
    yield s
    session.close()


def _dean(s: TinySchool):
    dean = s.user("dean", "德育主任")
    s.session.commit()
    return dean


def _good_rate(s: TinySchool) -> float:
    frame = overview.class_measures(s.session, term_period(s.term1), ClassFilter(s.school.id), now=None)
    return float(frame.set_index("class_name").loc["一(1)班", "moral_good_rate"])


def test_a_threshold_or_weight_change_moves_the_good_rate(school: TinySchool) -> None:
    dean = _dean(school)
    session = school.session
    assert _good_rate(school) == 0.5
    good = session.scalar(select(MoralLevel).where(MoralLevel.school_id == school.school.id, MoralLevel.name == "良好"))
    school_settings.update_moral_scheme(session, dean, weights={}, thresholds={good.id: 75.0}, today=TODAY)
    session.commit()
    assert _good_rate(school) == 1.0  # B's 75 is now 良好
    # parent scores for B only: 60 weighted 0.3 with teacher 0.5 → (0.5·75 + 0.3·60) / 0.8 = 69.375 → not good
    school.scores("B", "一(1)班", {"parent": 60})
    session.commit()
    assert _good_rate(school) == 0.5
    parent = session.scalar(
        select(MoralRater).where(MoralRater.school_id == school.school.id, MoralRater.code == "parent")
    )
    school_settings.update_moral_scheme(session, dean, weights={parent.id: 0.0}, thresholds={}, today=TODAY)
    session.commit()
    assert _good_rate(school) == 1.0  # a rater weighted 0 no longer counts
    entries = session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.entity == "moral_scheme"))
    assert entries == 2


def test_wrong_settings_are_named_and_others_are_refused(school: TinySchool) -> None:
    dean = _dean(school)
    head = school.user("head_teacher", "王老师")
    school.session.commit()
    with pytest.raises(WriteRefused):
        school_settings.set_response_limit(school.session, head, 48)
    with pytest.raises(InvalidEntry, match="应在 0 到 100 之间"):
        school_settings.set_target(
            school.session, dean, term_id=school.term1.id, measure="home_visit_coverage", value=120
        )
    school_settings.set_target(school.session, dean, term_id=school.term1.id, measure="home_visit_coverage", value=90)
    school_settings.set_response_limit(school.session, dean, 48)
    with pytest.raises(InvalidEntry, match="已在列表中"):
        categories.add_category(school.session, dean, kind="channel", name="家访")
    with pytest.raises(InvalidEntry, match="日期重叠"):
        school_years.add_school_year(
            school.session,
            dean,
            YearPlan(
                2026,
                date(2026, 8, 1),
                date(2027, 7, 31),
                (date(2026, 9, 1), date(2027, 1, 20)),
                (date(2027, 2, 20), date(2027, 7, 10)),
            ),
        )
    school.session.commit()
    target = school.session.scalar(select(Target.value).where(Target.measure == "home_visit_coverage"))
    assert target == 90 and school.school.response_limit_hours == 48
    assert school.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "denied")) == 1
    # the 德育 completion threshold (评价未完成 below it): dean only, 0–100
    with pytest.raises(WriteRefused):
        school_settings.set_moral_completion_min(school.session, head, 80)
    with pytest.raises(InvalidEntry, match="德育评价完成率门槛"):
        school_settings.set_moral_completion_min(school.session, dean, 120)
    school_settings.set_moral_completion_min(school.session, dean, 80)
    school.session.commit()
    assert school.school.moral_completion_min == 80
    assert school.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "denied")) == 2


def test_accounts_are_created_disabled_and_reset(school: TinySchool) -> None:
    admin = school.user("admin")
    school.session.commit()
    staff = school.staff["王老师"]
    account, password = accounts.create_account(
        school.session, admin, username="wang", display_name="王老师", role="head_teacher", staff_id=staff.id
    )
    assert auth.verify_password(password, account.password_hash)
    with pytest.raises(InvalidEntry, match="必须关联教职工"):
        accounts.create_account(school.session, admin, username="zhao", display_name="赵", role="teacher")
    version = account.session_version
    accounts.set_account_active(school.session, admin, account.id, False)
    assert not account.active and account.session_version == version + 1
    new_password = accounts.reset_password(school.session, admin, account.id)
    assert auth.verify_password(new_password, account.password_hash) and new_password != password
    dean = _dean(school)
    with pytest.raises(WriteRefused):  # a dean cannot touch an admin account
        accounts.reset_password(school.session, dean, admin.id)


def test_a_new_school_year_moves_everyone_up_and_keeps_history(school: TinySchool) -> None:
    dean = _dean(school)
    session = school.session
    plan = school_years.next_year_plan(school.year)
    result = promotion.promote_to_new_year(session, dean, from_year_id=school.year.id, plan=plan)
    session.commit()
    assert result == promotion.Promotion(classes=1, students=2, graduated=1)
    new_year = session.scalar(select(SchoolYear).where(SchoolYear.start_year == 2026))
    two_one = session.scalar(select(SchoolClass).where(SchoolClass.school_year_id == new_year.id))
    assert two_one.name == "二(1)班" and two_one.cohort == school.classes["一(1)班"].cohort
    enrolled = session.scalars(select(Enrolment.student_id).where(Enrolment.class_id == two_one.id)).all()
    assert sorted(enrolled) == sorted([school.students["A"].id, school.students["B"].id])
    assert not session.get(Student, school.students["F"].id).active
    head = session.scalar(select(ClassAssignment.staff_id).where(ClassAssignment.class_id == two_one.id))
    assert head == school.staff["王老师"].id
    old = session.scalar(
        select(func.count()).select_from(Enrolment).where(Enrolment.class_id == school.classes["一(1)班"].id)
    )
    assert old == 2  # last year's enrolments stay
    with pytest.raises(InvalidEntry, match="不能重复升年级"):
        promotion.promote_to_new_year(session, dean, from_year_id=school.year.id, plan=plan)
    assert session.scalar(select(func.count()).select_from(UserAccount)) == 1
