"""Every role × every write function, on SQLite and PostgreSQL: what is allowed works, what is refused is refused
by the function that writes (not only hidden on a page), nothing is written, and the refusal is in the audit log.

The expected table below is the policy of README.md and docs/entry.md, written out:
- records of a class: admin, principal and dean for every class; head and subject teachers for the classes they
  teach (an activity by a teacher only for the classes they teach);
- school-wide records (a request or a survey without a class): admin, principal, dean;
- settings (classes, staff, lists, targets, reply limit, accounts): admin and dean;
- the meeting screen and the district officer write nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy.entry import moral_grid, records, settings
from hxgy.entry.records import ActivityEntry, ContactEntry, RequestEntry, VolunteerEntry
from hxgy.entry.rules import WriteRefused
from hxgy.metrics.moral import moral_scheme
from hxgy.models import AuditLog, MoralRater
from tests.builders import TinySchool, tiny_school

TODAY = date(2025, 12, 1)
OWN, OTHER = "一(1)班", "一(2)班"  # the head and subject teacher teach 一(1)班 only
ROLES = ("admin", "principal", "dean", "head_teacher", "teacher", "meeting", "district")


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    s.add_class(1, 2, head="李老师")
    s.add_student("A", OWN)
    s.add_student("D", OTHER)
    session.commit()
    yield s
    session.close()


def _user(s: TinySchool, role: str):
    staff = {"head_teacher": "王老师", "teacher": "赵老师"}.get(role)
    user = s.user(role, staff, teaches=OWN if role == "teacher" else None)
    if role == "district":
        user = user.__class__(**{**user.__dict__, "school_id": None})
    s.session.commit()
    return user


def _student(class_name: str) -> str:
    return "A" if class_name == OWN else "D"


def contact(s: TinySchool, user, class_name: str) -> None:
    entry = ContactEntry(
        class_id=s.classes[class_name].id,
        contact_date=date(2025, 11, 30),
        channel_id=s.category("channel", "phone"),
        student_id=s.students[_student(class_name)].id,
        summary="电话沟通",
    )
    records.log_contact(s.session, user, entry, today=TODAY)


def request(s: TinySchool, user, class_name: str | None) -> None:
    entry = RequestEntry(
        received_at=datetime(2025, 11, 28, 9),
        channel_id=s.category("request_channel", "mailbox"),
        content="希望增加课后服务",
        class_id=s.classes[class_name].id if class_name else None,
    )
    records.record_request(s.session, user, entry, today=TODAY)


def volunteering(s: TinySchool, user, class_name: str) -> None:
    entry = VolunteerEntry(
        class_id=s.classes[class_name].id,
        guardian_id=s.guardians[_student(class_name)].id,
        activity_id=s.category("volunteer_activity", "gate_duty"),
        service_date=date(2025, 11, 3),
        hours=2,
    )
    records.record_volunteering(s.session, user, entry, today=TODAY)


def survey(s: TinySchool, user, class_name: str | None) -> None:
    class_id = s.classes[class_name].id if class_name else None
    records.save_satisfaction(
        s.session, user, term_id=s.term1.id, class_id=class_id, respondents=10, satisfied=9, today=TODAY
    )


def grid(s: TinySchool, user, class_name: str) -> None:
    scheme = moral_scheme(s.session, school_id=s.school.id)
    rater = s.session.scalar(select(MoralRater.id).where(MoralRater.school_id == s.school.id).limit(1))
    cell = (s.students[_student(class_name)].id, scheme.dimensions[0][0])
    moral_grid.save_grid(
        s.session, user, class_id=s.classes[class_name].id, term_id=s.term1.id, rater_id=rater, scores={cell: 90},
        today=TODAY,
    )  # fmt: skip


def activity(s: TinySchool, user, class_name: str) -> None:
    class_id = s.classes[class_name].id
    entry = ActivityEntry(
        title=f"{class_name}家长会",
        type_id=s.category("activity_type", "parent_meeting"),
        activity_date=date(2025, 11, 20),
        scope="class",
        class_ids=[class_id],
        parents_count=1,
        parents_attended={class_id: 1},
    )
    records.record_activity(s.session, user, entry, today=TODAY)


SETTINGS: dict[str, Callable[[TinySchool, object], object]] = {
    "add_class": lambda s, u: settings.add_class(s.session, u, school_year_id=s.year.id, grade=2, class_no=1),
    "add_staff": lambda s, u: settings.add_staff(s.session, u, staff_no="T900", name="新老师"),
    "add_category": lambda s, u: settings.add_category(s.session, u, kind="channel", name="视频通话"),
    "set_target": lambda s, u: settings.set_target(
        s.session, u, term_id=s.term1.id, measure="home_visit_coverage", value=95
    ),
    "set_response_limit": lambda s, u: settings.set_response_limit(s.session, u, 48),
    "set_moral_completion_min": lambda s, u: settings.set_moral_completion_min(s.session, u, 80),
    "set_holiday_policy": lambda s, u: settings.set_holiday_policy(s.session, u, "previous"),
    "create_account": lambda s, u: settings.create_account(
        s.session, u, username="newscreen", display_name="会议室", role="meeting"
    ),
}

EVERY_CLASS = {"admin", "principal", "dean"}
OWN_CLASSES = {"head_teacher", "teacher"}
CLASS_RECORDS = {
    "contact": (contact, EVERY_CLASS | OWN_CLASSES),
    "request": (request, EVERY_CLASS | OWN_CLASSES),
    "volunteering": (volunteering, EVERY_CLASS | OWN_CLASSES),
    "survey": (survey, EVERY_CLASS | OWN_CLASSES),
    "grid": (grid, EVERY_CLASS | OWN_CLASSES),
    "activity": (activity, EVERY_CLASS | OWN_CLASSES),
}
SCHOOL_RECORDS = {"request": request, "survey": survey}


def _denials(s: TinySchool) -> int:
    return s.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "denied"))


def _expect(s: TinySchool, allowed: bool, write: Callable[[], object]) -> None:
    before = _denials(s)
    if allowed:
        write()
        s.session.commit()
        assert _denials(s) == before
    else:
        with pytest.raises(WriteRefused):
            write()
        s.session.rollback()
        assert _denials(s) == before + 1, "every refusal is in the audit log"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(CLASS_RECORDS))
def test_class_records(school, role, kind) -> None:
    write, roles = CLASS_RECORDS[kind]
    user = _user(school, role)
    for class_name in (OWN, OTHER):
        allowed = role in roles and (role in EVERY_CLASS or class_name == OWN)
        _expect(school, allowed, lambda c=class_name: write(school, user, c))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(SCHOOL_RECORDS))
def test_school_wide_records(school, role, kind) -> None:
    user = _user(school, role)
    _expect(school, role in EVERY_CLASS, lambda: SCHOOL_RECORDS[kind](school, user, None))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(SETTINGS))
def test_settings(school, role, name) -> None:
    user = _user(school, role)
    _expect(school, role in {"admin", "dean"}, lambda: SETTINGS[name](school, user))
