"""A student who leaves mid-year (转出, 离校): their enrolment ends on the day they left; no longer a student.

A graduate whom 升年级 never marked (their last class ended, still 在读 in the table) is recorded the same way with
离校原因 毕业; left empty, the leaving day is the last day of that class, so no enrolment changes.

``record_leaving`` (admin or dean, 设置 → 家庭数据) ends the enrolment the student is in on the leaving day at that
day and removes an enrolment that would only begin after it (a class of the next school year made by 升年级), then
marks the student no longer active. A period counts the students enrolled in a class during it
(``hxgy.metrics.roster``), so every figure of a period up to the leaving day stays as it was (the term the student
left in still counts them: they were a student of the class in it), and from the next day on they count nowhere.
The student has then left (``people.StudentStatus.has_left``): erasable on a family's request, and past the school's
留存年限 purged (``retention.due_for_erasure``).

The audit log keeps each change (the enrolments, before and after, and the student); ``return_to_school`` undoes a
leaving recorded by mistake from those entries, as long as the student was not erased.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry.rules import Problems, as_dict, audit, require_school_write
from hxgy.metrics import stats
from hxgy.models import AuditLog, Enrolment, SchoolClass, SchoolYear, Student
from hxgy.models.base import utcnow
from hxgy.terms import school_terms

# why a student left: mid-year (转出, 其他), or 毕业 for a graduate 升年级 never marked (the leaving day may be left
# empty then: the last day of their last class)
GRADUATED = "毕业"
REASONS = ("转出", GRADUATED, "其他")
LEAVE_NOTE = "登记离校（{reason}），离校日期 {day:%Y-%m-%d}"
RETURN_NOTE = "撤销离校登记（原离校日期 {day:%Y-%m-%d}），回到在读"
_LEAVE_PREFIX = "登记离校（"


@dataclass(frozen=True)
class Stay:
    """One enrolment of a student: which class, from when to when (the last day is the school year's end when the
    enrolment has none of its own)."""

    enrolment: Enrolment
    class_name: str
    last: date


def _stays(session: Session, student_id: int) -> list[Stay]:
    """The student's enrolments, earliest first."""
    rows = session.execute(
        select(Enrolment, SchoolClass.name, SchoolYear.end_date)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
        .where(Enrolment.student_id == student_id)
        .order_by(Enrolment.start_date, Enrolment.id)
    ).all()
    return [Stay(e, name, e.end_date or year_end) for e, name, year_end in rows]


def current_stay(session: Session, student_id: int, today: date) -> Stay | None:
    """The enrolment the student is in ``today`` (the latest begun by then): the leaving day cannot be before its
    first day. None when the student has no enrolment begun by today."""
    begun = [s for s in _stays(session, student_id) if s.enrolment.start_date <= today]
    return begun[-1] if begun else None


@dataclass(frozen=True)
class Leaving:
    """A leaving as the audit log keeps it: when, why, who recorded it."""

    audit_id: int
    left_on: date
    reason: str
    username: str
    at: datetime  # UTC, when it was recorded
    note: str  # the audit entries' 说明, shared by the entries of the one leaving

    def sentence(self) -> str:
        """已于 2026-01-30 离校（转出）, in Chinese."""
        return f"已于 {self.left_on:%Y-%m-%d} 离校（{self.reason}）"


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def last_leaving(session: Session, school_id: int, student_id: int) -> Leaving | None:
    """The leaving recorded for the student, when the last change of their 在读 state was one (None for a student
    who graduated, who never left, or whose leaving was undone)."""
    entries = session.execute(
        select(AuditLog.id, AuditLog.detail, AuditLog.after, AuditLog.username, AuditLog.at)
        .where(
            AuditLog.school_id == school_id,
            AuditLog.entity == "student",
            AuditLog.entity_id == student_id,
            AuditLog.action == "update",
        )
        .order_by(AuditLog.id.desc())
    ).all()
    for entry_id, detail, after, username, at in entries:
        changed = _json(after)
        if "active" not in changed:
            continue  # a change of name or flags: look further back
        if changed["active"] is not False or not (detail or "").startswith(_LEAVE_PREFIX):
            return None
        reason = detail[len(_LEAVE_PREFIX) : detail.index("）")]
        left_on = date.fromisoformat(str(changed.get("end_date")))
        return Leaving(entry_id, left_on, reason, username or "", at, detail)
    return None


@dataclass(frozen=True)
class Left:
    """What recording a leaving did."""

    student_id: int
    left_on: date
    reason: str
    ended: tuple[str, ...]  # the classes whose enrolment now ends on the leaving day
    removed: tuple[str, ...]  # the classes the student would only have joined after it


def _own_student(session: Session, user: CurrentUser, student_id: int, what: str) -> tuple[int, Student]:
    """The user's school (admin or dean, else WriteRefused, logged as ``what``) and its student, locked for the
    change; InvalidEntry (学生) for a student of no school of the user's."""
    school_id = require_school_write(session, user, what, rights.Action.MANAGE_SETTINGS)
    student = session.get(Student, student_id, with_for_update=True)
    if student is None or student.school_id != school_id:
        problems = Problems()
        problems.add("学生", f"编号 {student_id} 不是本校学生")
        problems.raise_if_any()
    assert student is not None
    return school_id, student


def record_leaving(
    session: Session, user: CurrentUser, student_id: int, *, left_on: date | None, reason: str, today: date
) -> Left:
    """Record that a current student left the school on ``left_on`` (admin or dean; see the module's docstring).

    The caller commits. Raises InvalidEntry (Chinese, by field) for a wrong date, reason or student, WriteRefused
    (logged) for a role that may not.
    """
    school_id, student = _own_student(session, user, student_id, f"登记学生 {student_id} 离校")
    problems = Problems()
    stay = current_stay(session, student.id, today)
    if student.erased_at is not None:
        problems.add("学生", f"该生的个人信息已于 {student.erased_at:%Y-%m-%d} 删除")
    elif not student.active:
        gone = last_leaving(session, school_id, student.id)
        problems.add("学生", f"{student.name}{gone.sentence() if gone else '已不是在读学生'}，不能重复登记离校")
    elif stay is None:
        problems.add("学生", f"{student.name}没有在班记录，无法登记离校")
    if reason not in REASONS:
        problems.add("离校原因", f"应为{'、'.join(REASONS[:-1])}或{REASONS[-1]}（现为“{reason}”）")
    if left_on is None and reason == GRADUATED and stay is not None and stay.last <= today:
        left_on = stay.last  # a graduate: the end of their last class
    if left_on is None:
        problems.add("离校日期", "必须填写")
    elif left_on > today:
        problems.add("离校日期", f"{left_on:%Y-%m-%d} 晚于今天（{today:%Y-%m-%d}），只能登记已经离校的学生")
    elif stay is not None and left_on < stay.enrolment.start_date:
        problems.add(
            "离校日期",
            f"{left_on:%Y-%m-%d} 早于该生进入{stay.class_name}的日期（{stay.enrolment.start_date:%Y-%m-%d}）",
        )
    problems.raise_if_any()
    assert left_on is not None
    note = LEAVE_NOTE.format(reason=reason, day=left_on)
    ended, removed, classes = [], [], set()
    reach = left_on
    for s in _stays(session, student.id):
        enrolment = s.enrolment
        if s.last <= left_on:
            continue
        before = as_dict(enrolment)
        classes.add(enrolment.class_id)
        reach = max(reach, s.last)
        if enrolment.start_date > left_on:  # a class the student would only have joined after leaving
            session.delete(enrolment)
            session.flush()
            audit(session, user, "delete", "enrolment", before["id"], before=before, detail=note)
            removed.append(s.class_name)
        else:
            enrolment.end_date = left_on
            session.flush()
            audit(
                session, user, "update", "enrolment", enrolment.id, before=before, after=as_dict(enrolment), detail=note
            )
            ended.append(s.class_name)
    student.active = False
    session.flush()
    audit(
        session,
        user,
        "update",
        "student",
        student.id,
        before={"active": True, "end_date": None},
        after={"active": False, "end_date": left_on.isoformat()},
        detail=note,
    )
    _refresh(session, school_id, left_on, reach, classes, today)
    return Left(student.id, left_on, reason, tuple(ended), tuple(removed))


def _refresh(session: Session, school_id: int, first: date, last: date, classes: set[int], today: date) -> None:
    """Recount the stored class figures of the terms with days after ``first`` (the leaving day) up to ``last``
    (the latest day the changed enrolments reached), for the classes of those enrolments."""
    if not classes:
        return
    now = utcnow()
    for term in school_terms(session, school_id=school_id):
        if term.end_date > first and term.start_date <= last:
            stats.refresh_term(
                session, school_id=school_id, term_id=term.id, today=today, now=now, class_ids=sorted(classes)
            )


@dataclass(frozen=True)
class Returned:
    """What undoing a leaving did."""

    student_id: int
    left_on: date  # the leaving undone
    restored: tuple[str, ...]  # the classes whose enrolments are as they were before it


def return_to_school(session: Session, user: CurrentUser, student_id: int, *, today: date) -> Returned:
    """Undo a leaving recorded by mistake (回到在读): the enrolments as they were before it, the student active.

    Refused (InvalidEntry, Chinese) for a student erased, still a student, gone otherwise (毕业), or whose
    enrolments were changed since (then the roster import is the way)."""
    school_id, student = _own_student(session, user, student_id, f"撤销学生 {student_id} 的离校登记")
    problems = Problems()
    leaving = last_leaving(session, school_id, student.id)
    if student.erased_at is not None:
        problems.add("学生", f"该生的个人信息已于 {student.erased_at:%Y-%m-%d} 删除，不能恢复")
    elif student.active:
        problems.add("学生", f"{student.name}是在读学生，没有可撤销的离校登记")
    elif leaving is None:
        problems.add("学生", f"{student.name}不是通过“登记离校”离校的（如六年级毕业），不能在此恢复")
    problems.raise_if_any()
    assert leaving is not None
    changes = _changes_of(session, school_id, student.id, leaving)
    note = RETURN_NOTE.format(day=leaving.left_on)
    restored, classes = [], set()
    reach = leaving.left_on
    names: dict[int, str] = {
        class_id: name
        for class_id, name in session.execute(
            select(SchoolClass.id, SchoolClass.name).where(SchoolClass.school_id == school_id)
        )
    }
    for action, enrolment_id, before, after in changes:
        class_id = int(before["class_id"])
        name = names.get(class_id, f"班级 {class_id}")
        start = date.fromisoformat(before["start_date"])
        end = date.fromisoformat(before["end_date"]) if before.get("end_date") else None
        if action == "update":
            enrolment = session.get(Enrolment, enrolment_id)
            if enrolment is None or enrolment.end_date != date.fromisoformat(str(after.get("end_date"))):
                problems.add(
                    "在班记录", f"该生在{name}的在班记录在登记离校后又有改动，无法自动恢复；请导入学生名册更正"
                )
                continue
            was = as_dict(enrolment)
            enrolment.end_date = end
            session.flush()
            audit(session, user, "update", "enrolment", enrolment.id, before=was, after=as_dict(enrolment), detail=note)
        else:
            taken = session.scalar(
                select(Enrolment.id).where(Enrolment.student_id == student.id, Enrolment.class_id == class_id)
            )
            if class_id not in names or taken is not None:
                problems.add(
                    "在班记录", f"该生在{name}的在班记录在登记离校后又有改动，无法自动恢复；请导入学生名册更正"
                )
                continue
            again = Enrolment(student_id=student.id, class_id=class_id, start_date=start, end_date=end)
            session.add(again)
            session.flush()
            audit(session, user, "create", "enrolment", again.id, after=as_dict(again), detail=note)
        restored.append(name)
        classes.add(class_id)
        year_end = session.scalar(
            select(SchoolYear.end_date)
            .join(SchoolClass, SchoolClass.school_year_id == SchoolYear.id)
            .where(SchoolClass.id == class_id)
        )
        reach = max(reach, end or year_end or reach)
    problems.raise_if_any()
    student.active = True
    session.flush()
    audit(
        session,
        user,
        "update",
        "student",
        student.id,
        before={"active": False, "end_date": leaving.left_on.isoformat()},
        after={"active": True, "end_date": None},
        detail=note,
    )
    _refresh(session, school_id, leaving.left_on, reach, classes, today)
    return Returned(student.id, leaving.left_on, tuple(restored))


def _changes_of(
    session: Session, school_id: int, student_id: int, leaving: Leaving
) -> list[tuple[str, int, dict[str, Any], dict[str, Any]]]:
    """The enrolment changes of one leaving, from the audit log: (action, enrolment id, before, after)."""
    previous = session.scalar(
        select(AuditLog.id)
        .where(
            AuditLog.school_id == school_id,
            AuditLog.entity == "student",
            AuditLog.entity_id == student_id,
            AuditLog.id < leaving.audit_id,
        )
        .order_by(AuditLog.id.desc())
        .limit(1)
    )
    rows = session.execute(
        select(AuditLog.action, AuditLog.entity_id, AuditLog.before, AuditLog.after)
        .where(
            AuditLog.school_id == school_id,
            AuditLog.entity == "enrolment",
            AuditLog.detail == leaving.note,
            AuditLog.id < leaving.audit_id,
            AuditLog.id > (previous or 0),
            AuditLog.action.in_(("update", "delete")),
        )
        .order_by(AuditLog.id)
    ).all()
    out = []
    for action, entity_id, before, after in rows:
        was = _json(before)
        if was.get("student_id") == student_id and entity_id is not None:
            out.append((action, int(entity_id), was, _json(after)))
    return out
