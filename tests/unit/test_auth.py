"""Accounts: password rules, who is signed in, and which classes are one's own."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import auth, rights
from hxgy.models import AuditLog, ClassAssignment, SchoolClass, SchoolYear, UserAccount
from tests.builders import tiny_school


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "我家孩子爱读书天天向上", "Xk9#mP2$vL"],
)
def test_long_passphrases_and_chinese_are_accepted(password) -> None:
    auth.check_new_password(password, username="teacher1")
    assert auth.verify_password(password, auth.hash_password(password))
    assert not auth.verify_password(password + "x", auth.hash_password(password))


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "至少"),
        ("家" * 201, "过长"),
        ("teacher1", "用户名"),
        (" padded-password", "空格"),
    ],
)
def test_bad_passwords_are_refused_in_chinese(password, message) -> None:
    with pytest.raises(auth.PasswordError, match=message):
        auth.check_new_password(password, username="teacher1")


def test_overlong_password_never_verifies() -> None:
    assert not auth.verify_password("a" * 80, auth.hash_password("a" * 72))


@pytest.fixture
def school(engine):
    session = Session(engine)
    s = tiny_school(session)
    s.add_class(3, 2, head="王老师")
    s.add_class(3, 1)
    session.add(
        ClassAssignment(
            class_id=s.classes["三(1)班"].id, staff_id=s.staff["王老师"].id, role="subject_teacher", subject="数学"
        )
    )
    session.commit()
    yield s
    session.close()


def test_create_user_and_sign_in_details(school) -> None:
    session = school.session
    user = auth.create_user(
        session,
        username=" WangLS ",
        password="a-long-passphrase",
        role="head_teacher",
        display_name="王老师",
        school_id=school.school.id,
        staff_id=school.staff["王老师"].id,
    )
    session.commit()
    assert user.username == "wangls"
    creds = auth.login_credentials(session)["usernames"]
    assert creds["wangls"]["roles"] == ["head_teacher"]
    assert creds["wangls"]["password"].startswith(auth.PREHASHED + "$2")
    loaded = auth.load_user(session, "WANGLS")
    assert loaded is not None and loaded.role == "head_teacher" and loaded.school_id == school.school.id
    assert session.scalar(select(AuditLog.action).where(AuditLog.entity == "user_account")) == "create"


def test_a_school_account_signs_in_as_a_school_user_and_the_district_as_a_district_user(school) -> None:
    """Pages after ui.guard get a SchoolUser whose school_id is an int; 全区 gets a DistrictUser."""
    session = school.session
    for username, role, school_id in (("wangls", "head_teacher", school.school.id), ("quju", "district", None)):
        staff = school.staff["王老师"].id if role == "head_teacher" else None
        auth.create_user(
            session, username=username, password="a-long-passphrase", role=role, display_name=username,
            school_id=school_id, district="测试区", staff_id=staff,
        )  # fmt: skip
    session.commit()
    teacher, district = auth.load_user(session, "wangls"), auth.load_user(session, "quju")
    assert isinstance(teacher, auth.SchoolUser) and teacher.school_id == school.school.id
    assert isinstance(district, auth.DistrictUser) and district.school_id is None and district.district == "测试区"
    with pytest.raises(auth.AccountError):
        auth.create_user(
            session, username="noschool", password="a-long-passphrase", role="dean", display_name="x", school_id=None
        )


def test_disabled_accounts_cannot_sign_in(school) -> None:
    session = school.session
    user = auth.create_user(
        session,
        username="gone",
        password="a-long-passphrase",
        role="teacher",
        display_name="离职教师",
        school_id=school.school.id,
    )
    user.active = False
    session.commit()
    assert "gone" not in auth.login_credentials(session)["usernames"]
    assert auth.load_user(session, "gone") is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "janitor"}, "未知角色"),
        ({"school_id": None}, "学校"),
        ({"username": "  "}, "不能为空"),
    ],
)
def test_create_user_refuses_bad_accounts(school, kwargs, message) -> None:
    args = {
        "username": "new",
        "password": "a-long-passphrase",
        "role": "teacher",
        "display_name": "新教师",
        "school_id": school.school.id,
        **kwargs,
    }
    with pytest.raises(auth.AccountError, match=message):
        auth.create_user(school.session, **args)


def test_usernames_are_unique(school) -> None:
    args = {
        "username": "dup",
        "password": "a-long-passphrase",
        "role": "teacher",
        "display_name": "甲",
        "school_id": school.school.id,
    }
    auth.create_user(school.session, **args)
    with pytest.raises(auth.AccountError, match="已存在"):
        auth.create_user(school.session, **{**args, "username": "DUP"})


def test_change_password_checks_the_old_one_and_ends_old_sessions(school) -> None:
    session = school.session
    user = auth.create_user(
        session,
        username="t",
        password="old-passphrase",
        role="teacher",
        display_name="教师",
        school_id=school.school.id,
    )
    session.commit()
    with pytest.raises(auth.PasswordError, match="原密码"):
        auth.change_password(session, user_id=user.id, old_password="wrong-one", new_password="new-passphrase")
    auth.change_password(session, user_id=user.id, old_password="old-passphrase", new_password="new-passphrase")
    session.commit()
    stored = session.get(UserAccount, user.id)
    assert auth.verify_password("new-passphrase", stored.password_hash)
    assert stored.session_version == 1


def test_own_classes_are_this_school_years_assignments(school) -> None:
    session = school.session
    staff = school.staff["王老师"].id
    in_year = date(2025, 11, 1)
    assert rights.my_class_ids(session, staff_id=staff, on_day=in_year) == sorted(
        [school.classes["三(2)班"].id, school.classes["三(1)班"].id]
    )
    assert rights.my_class_ids(session, staff_id=staff, on_day=in_year, head_only=True) == [
        school.classes["三(2)班"].id
    ]
    # next school year: the old classes are no longer "own"
    year = SchoolYear(
        school_id=school.school.id,
        start_year=2026,
        name="2026-2027学年",
        start_date=date(2026, 9, 1),
        end_date=date(2027, 8, 31),
    )
    session.add(year)
    session.flush()
    new_class = SchoolClass(
        school_id=school.school.id, school_year_id=year.id, grade_level=4, class_no=2, cohort=2023, name="四(2)班"
    )
    session.add(new_class)
    session.flush()
    session.add(ClassAssignment(class_id=new_class.id, staff_id=staff, role="head_teacher", subject="语文"))
    session.flush()
    assert rights.my_class_ids(session, staff_id=staff, on_day=date(2026, 10, 1)) == [new_class.id]
    assert rights.my_class_ids(session, staff_id=None, on_day=in_year) == []
