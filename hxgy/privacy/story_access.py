"""Who sees which part of a student's story (学生档案), and the audit of each opening.

- **The student:** the roles that see names (hxgy.rights ``VIEW_NAMES``): admin, principal and dean every student
  of their school; a head or subject teacher only the students of their classes of this school year
  (``my_class_ids``, the rule of every named list). Anyone else is refused, in Chinese, and the refusal is
  written to the audit log; an opening is written as ``view`` (查看), like a 德育 grid.
- **德育 scores:** a term's scores only when the user may open that class's 德育 grid (``WRITE_MORAL``: the
  class the student was scored in; a teacher sees the terms of classes they taught, not a former teacher's).
- **留守/单亲/困难:** the roles that see every name (admin, principal, dean) and the student's own 班主任 this
  school year. No page showed the flags before (only the admin's and dean's 学生名册 export carried them).
- **Phones** are masked (hxgy.formats.mask_phone), the guardians' and any written in a summary, request, reply
  or note; withdrawn records are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry.rules import audit, refuse
from hxgy.formats import mask_phone
from hxgy.models import Enrolment, Student
from hxgy.privacy.people import StudentStatus, statuses
from hxgy.privacy.story import NotThisSchool, Story, student_story

VIEW = "查看学生档案"
# a mobile (with +86 or not) or a landline with its area code, not inside a longer run of digits
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:(?:\+?86[-\s]?)?1\d{10}|0\d{2,3}-\d{7,8})(?!\d)")


def mask_phones_in(text: str) -> str:
    """Free text with every phone number in it masked as hxgy.formats.mask_phone shows one."""
    return _PHONE_IN_TEXT.sub(lambda found: mask_phone(found[0]), text)


def _name_scope(session: Session, user: CurrentUser, today: date) -> frozenset[int] | None:
    """The classes whose students the user may look up (None: every class of the school)."""
    return rights.class_scope(session, user, rights.Action.VIEW_NAMES, on_day=today)


def find_students(
    session: Session, user: CurrentUser, text: str, *, today: date, limit: int = 30
) -> list[StudentStatus]:
    """The students whose name or 学号 contains ``text`` that the user may open (teachers: their classes)."""
    needle = text.strip()
    if not needle or user.school_id is None or not rights.can(user.role, rights.Action.VIEW_NAMES):
        return []
    stmt = (
        select(Student)
        .where(Student.school_id == user.school_id)
        .where(
            or_(Student.name.contains(needle, autoescape=True), Student.student_no.contains(needle, autoescape=True))
        )
        .order_by(Student.student_no)
        .limit(limit)
    )
    scope = _name_scope(session, user, today)
    if scope is not None:
        stmt = stmt.where(Student.id.in_(select(Enrolment.student_id).where(Enrolment.class_id.in_(scope))))
    return statuses(session, list(session.scalars(stmt)))


def flags_visible(session: Session, user: CurrentUser, class_ids: Iterable[int], *, today: date) -> bool:
    """Whether the user may see the flags of a student of ``class_ids`` (rights.Action.VIEW_FLAGS): school-wide
    roles, or the 班主任 this school year of one of those classes."""
    scope = rights.class_scope(session, user, rights.Action.VIEW_FLAGS, on_day=today)
    return scope is None or not scope.isdisjoint(class_ids)


def open_story(session: Session, user: CurrentUser, student_id: int, *, today: date, record: bool = True) -> Story:
    """The student's story as this user may see it; ``record``: write the opening to the audit log (查看).

    Raises WriteRefused (logged) for a role that sees no names, a student of another school, or, for a teacher,
    a student of a class they do not teach this school year. The caller commits.
    """
    where = f"{VIEW}（学生编号 {student_id}）"
    if user.school_id is None or not rights.can(user.role, rights.Action.VIEW_NAMES):
        raise refuse(session, user, where)
    try:
        story = student_story(session, user.school_id, student_id)
    except NotThisSchool:
        raise refuse(session, user, f"{VIEW}（学生编号 {student_id} 不是本校学生）") from None
    class_ids = {c.class_id for c in story.classes}
    scope = _name_scope(session, user, today)
    if scope is not None and scope.isdisjoint(class_ids):
        raise refuse(session, user, f"{VIEW}（学生编号 {student_id} 不在您任教的班级）")
    if record:
        audit(session, user, "view", "student", student_id, detail=f"学生档案（学生编号 {student_id}）")
    return _as_seen_by(session, user, story, class_ids, today)


def _as_seen_by(session: Session, user: CurrentUser, story: Story, class_ids: set[int], today: date) -> Story:
    moral_scope = rights.class_scope(session, user, rights.Action.WRITE_MORAL, on_day=today)
    terms = tuple(t for t in story.terms if moral_scope is None or t.class_id in moral_scope)
    return replace(
        story,
        flags=story.flags if flags_visible(session, user, class_ids, today=today) else None,
        guardians=tuple(replace(g, phone=mask_phone(g.phone)) for g in story.guardians),
        contacts=tuple(replace(c, summary=mask_phones_in(c.summary)) for c in story.contacts if not c.withdrawn),
        requests=tuple(
            replace(r, content=mask_phones_in(r.content), reply=mask_phones_in(r.reply))
            for r in story.requests
            if not r.withdrawn
        ),
        volunteering=tuple(replace(v, note=mask_phones_in(v.note)) for v in story.volunteering if not v.withdrawn),
        ratings=tuple(r for r in story.ratings if moral_scope is None or r.class_id in moral_scope),
        terms=terms,
        hidden_terms=len({t.term_id for t in story.terms} - {t.term_id for t in terms}),
    )


def contact_class(session: Session, user: CurrentUser, story: Story, *, today: date) -> int | None:
    """The class to log a contact with this student for today (their class today), when the user may; else None."""
    stay = story.class_on(today)
    if stay is None or not rights.may(session, user, rights.Action.WRITE_CONTACT, stay.class_id):
        return None
    return stay.class_id
