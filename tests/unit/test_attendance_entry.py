"""家长学校签到 per class: ticks added and removed, idempotent, audited, refused outside the writer's classes.

一(1)班 (head 王老师): A (A妈妈 and A爸爸), B;  一(2)班 (head 李老师): C.
s1 家长学校, school-wide, 2025-10-08;  s2 家长学校 for 一(2)班 only, 2025-10-09;  m 家长会 (not guidance), 2025-10-10.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy.entry.attendance import set_attendance
from hxgy.entry.rules import InvalidEntry, WriteRefused
from hxgy.metrics import parent_school
from hxgy.metrics.roster import ClassFilter
from hxgy.models import ActivityAttendance, AuditLog, Guardian
from hxgy.queries import attendance as queries
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school

TODAY = date(2025, 12, 1)


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    s.add_class(1, 2, head="李老师")
    s.add_student("A", "一(1)班")
    s.add_student("B", "一(1)班")
    s.add_student("C", "一(2)班")
    father = Guardian(school_id=s.school.id, family_id=s.students["A"].family_id, name="A爸爸", relation="父亲")
    session.add(father)
    s.guardians["A爸爸"] = father
    s.activity("家长学校一", date(2025, 10, 8), "parent_school", "school", {})
    s.activity("家长学校二", date(2025, 10, 9), "parent_school", "class", {"一(2)班": None})
    s.activity("家长会", date(2025, 10, 10), "parent_meeting", "school", {})
    session.commit()
    yield s
    session.close()


def _activity(s: TinySchool, title: str) -> int:
    from hxgy.models import Activity

    return s.session.scalar(select(Activity.id).where(Activity.title == title))


def _ticked(s: TinySchool) -> int:
    return s.session.scalar(select(func.count()).select_from(ActivityAttendance))


def test_ticks_added_removed_idempotent_and_audited(school: TinySchool) -> None:
    head = school.user("head_teacher", "王老师")
    school.session.commit()
    s1, one = _activity(school, "家长学校一"), school.classes["一(1)班"].id
    g = school.guardians
    both = [g["A"].id, g["A爸爸"].id, g["B"].id]
    saved = set_attendance(school.session, head, s1, one, both, today=TODAY)
    assert (saved.added, saved.removed, saved.present) == (3, 0, 3)
    again = set_attendance(school.session, head, s1, one, both, today=TODAY)
    assert not again.changed and _ticked(school) == 3
    fewer = set_attendance(school.session, head, s1, one, [g["A"].id], today=TODAY)
    assert (fewer.added, fewer.removed) == (0, 2)
    school.session.commit()
    logs = school.session.scalars(select(AuditLog).where(AuditLog.entity == "activity_attendance")).all()
    assert [log.action for log in logs] == ["update", "update"]  # the unchanged save writes nothing
    sheet = queries.sign_in_sheet(school.session, school.school.id, s1, one)
    assert sheet[["guardian", "came"]].values.tolist() == [["A妈妈", True], ["A爸爸", False], ["B妈妈", False]]
    summary = parent_school.summary(school.session, term_period(school.term1, TODAY), ClassFilter(school.school.id))
    assert (summary.families_reached, summary.attendances) == (1, 1)


def test_refused_for_another_class_and_for_the_meeting_screen(school: TinySchool) -> None:
    head = school.user("head_teacher", "王老师")
    meeting = school.user("meeting")
    school.session.commit()
    s1 = _activity(school, "家长学校一")
    with pytest.raises(WriteRefused, match="一\\(2\\)班不是您任教的班级"):
        set_attendance(school.session, head, s1, school.classes["一(2)班"].id, [school.guardians["C"].id], today=TODAY)
    school.session.rollback()
    with pytest.raises(WriteRefused):
        set_attendance(school.session, meeting, s1, school.classes["一(1)班"].id, [], today=TODAY)
    school.session.rollback()
    assert _ticked(school) == 0


def test_wrong_session_class_or_guardian(school: TinySchool) -> None:
    dean = school.user("dean")
    school.session.commit()
    one, two = school.classes["一(1)班"].id, school.classes["一(2)班"].id
    with pytest.raises(WriteRefused):  # 家长会 is not a guidance session
        set_attendance(school.session, dean, _activity(school, "家长会"), one, [], today=TODAY)
    school.session.rollback()
    with pytest.raises(InvalidEntry, match="不面向一\\(1\\)班"):
        set_attendance(school.session, dean, _activity(school, "家长学校二"), one, [], today=TODAY)
    school.session.rollback()
    with pytest.raises(InvalidEntry, match="家长"):
        set_attendance(
            school.session, dean, _activity(school, "家长学校一"), two, [school.guardians["A"].id], today=TODAY
        )
    school.session.rollback()
    assert queries.session_classes(school.session, school.school.id, _activity(school, "家长学校二")) == [
        (two, "一(2)班")
    ]
    assert [label for _id, label in queries.guidance_activities(school.session, school.school.id, TODAY)] == [
        "2025-10-09 家长学校二",
        "2025-10-08 家长学校一",
    ]
