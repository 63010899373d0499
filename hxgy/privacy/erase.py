"""Erase: the personal data of a student who left, removed while every class figure of every past term stays.

What goes (``erase_student``):
- the student's name (→ 已删除学生#<id>), 学号, gender, birth date and the three flags;
- the guardians of the family, unless another student of the family is not erased (their data is that child's
  too): name (→ 已删除监护人#<id>), phone, relation, work unit; with the last of them the family's code and address;
- the free text of the records about them: contact summaries, request text and replies, volunteer notes;
- every mention of those names or phone numbers in any free text of the school and in the audit log, and the
  personal fields of the audit entries about these rows.

What stays: every row (student, enrolments, guardians, records, scores) with its class, date, channel, hours and
score, so every count, coverage, hours, participation and 德育 figure (and class_term_stats) is unchanged, without
a person behind it. The audit log gets one entry: who erased which student id, when; not what was erased.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, Executable, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.changes import mark_changed
from hxgy.entry.rules import Problems, audit, require_school_write
from hxgy.models import (
    Activity,
    AuditLog,
    Communication,
    Family,
    Guardian,
    Honour,
    ImportBatch,
    MoralScore,
    Notice,
    ParentRequest,
    Partner,
    ReportText,
    SatisfactionResult,
    Student,
    VolunteerRecord,
)
from hxgy.models.base import utcnow
from hxgy.privacy.people import ERASED_GUARDIAN, ERASED_STUDENT, StudentStatus, guardians_of, siblings_kept, statuses

ERASED_PHONE = "[已删除电话]"
ERASED_FAMILY = "已删除家庭#{id}"
ERASED_NO = "已删除#{id}"
MIN_NAME_CHARS = 2  # a one-character "name" is not searched for in free text (it would hit any word)
MIN_PHONE_DIGITS = 5
# the free-text columns a name or a phone may be written into, scrubbed of every mention
FREE_TEXT: tuple[InstrumentedAttribute[str], ...] = (
    Communication.summary,
    ParentRequest.content,
    ParentRequest.reply,
    VolunteerRecord.note,
    Activity.title,
    Activity.outcome,
    SatisfactionResult.note,
    Partner.services,
    ImportBatch.file_name,
    Honour.recipient,
    Notice.title,
    Notice.content,
    ReportText.body,
)
AUDIT_TEXT: tuple[InstrumentedAttribute[Any], ...] = (AuditLog.before, AuditLog.after, AuditLog.detail)
# fields of an audited row that say who someone is or what was said: blanked in the audit entries of erased rows
PERSONAL_KEYS = frozenset(
    {
        "name",
        "student_no",
        "gender",
        "birth_date",
        "left_behind",
        "single_parent",
        "hardship",
        "phone",
        "relation",
        "work_unit",
        "address",
        "code",
        "family_code",
        "summary",
        "content",
        "reply",
        "note",
    }
)


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing a student would do, to show before a dean confirms (and for ``purge --dry-run``)."""

    student: StudentStatus
    problem: str  # why it cannot be erased ("" when it can), in Chinese
    guardians_erased: tuple[str, ...]  # names of the guardians erased with the student
    guardians_kept: int  # guardians kept because a sibling not erased shares them
    contacts: int
    requests: int
    volunteer_records: int
    moral_scores: int

    def summary(self) -> str:
        """What will happen, in Chinese."""
        guardians = (
            f"监护人 {len(self.guardians_erased)} 名（{'、'.join(self.guardians_erased)}）"
            "的姓名、电话、工作单位一并删除"
            if self.guardians_erased
            else "不删除监护人"
        )
        if self.guardians_kept:
            guardians += f"；{self.guardians_kept} 名监护人还是该家庭其他学生的监护人，予以保留"
        return (
            f"将删除 {self.student.name}（学号 {self.student.student_no}）的姓名、学号、性别、出生日期和特殊情况标记，"
            f"姓名改为“{ERASED_STUDENT.format(id=self.student.id)}”；{guardians}。"
            f"沟通记录 {self.contacts} 条、家长诉求 {self.requests} 条、"
            f"志愿服务 {self.volunteer_records} 条的文字内容清空，"
            f"德育评分 {self.moral_scores} 条保留分数；记录本身全部保留，各班各学期的统计数字不变。"
            "操作日志中出现的姓名和电话一并抹去，只记录“某人于某时删除了学生编号为"
            f" {self.student.id} 的个人信息”。此操作不能撤销。"
        )


def _guardians_to_erase(session: Session, student: Student) -> tuple[list[Guardian], int]:
    guardians = guardians_of(session, student)
    if siblings_kept(session, student):
        return [], len(guardians)
    return [g for g in guardians if not g.name.startswith(ERASED_GUARDIAN.format(id=""))], 0


def _count(session: Session, model: type[Any], condition: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(condition)) or 0)


def _requests_of(student_id: int, guardian_ids: list[int]) -> ColumnElement[bool]:
    conditions = [ParentRequest.student_id == student_id]
    if guardian_ids:
        conditions.append(ParentRequest.guardian_id.in_(guardian_ids))
    return or_(*conditions)


def plan_erasure(session: Session, school_id: int, student_id: int, *, today: date) -> ErasurePlan | None:
    """What erasing the student would do, and why it cannot be done if so; None when not a student of the school."""
    student = session.get(Student, student_id)
    if student is None or student.school_id != school_id:
        return None
    status = statuses(session, [student])[0]
    erased, kept = _guardians_to_erase(session, student)
    guardian_ids = [g.id for g in erased]
    if status.erased_at is not None:
        problem = f"{status.name}的个人信息已于 {status.erased_at:%Y-%m-%d} 删除"
    elif status.active and status.last_day is not None and status.last_day < today:  # class over, never marked
        problem = (
            f"{status.name}（学号 {status.student_no}，在班至 {status.last_day:%Y-%m-%d}）"
            "未登记离校：请先在“登记离校”中登记离校日期"
        )
    elif status.active:
        problem = f"{status.name}（学号 {status.student_no}）仍是在读学生，只能删除已离校学生的个人信息"
    elif not status.has_left(today):
        problem = (
            f"{status.name}（学号 {status.student_no}）在{status.last_class}的在班日期到 "
            f"{status.last_day:%Y-%m-%d} 才结束，之后才能删除"
        )
    else:
        problem = ""
    return ErasurePlan(
        student=status,
        problem=problem,
        guardians_erased=tuple(g.name for g in erased),
        guardians_kept=kept,
        contacts=_count(session, Communication, Communication.student_id == student_id),
        requests=_count(session, ParentRequest, _requests_of(student_id, guardian_ids)),
        volunteer_records=(
            _count(session, VolunteerRecord, VolunteerRecord.guardian_id.in_(guardian_ids)) if guardian_ids else 0
        ),
        moral_scores=_count(session, MoralScore, MoralScore.student_id == student_id),
    )


@dataclass(frozen=True)
class Erased:
    """What an erasure did."""

    student_id: int
    guardians: int  # guardians erased with the student
    records: int  # contacts, requests and volunteer records whose text was cleared
    mentions: int  # rows of free text and of the audit log where a name or phone was scrubbed


def erase_student(session: Session, user: CurrentUser, student_id: int, *, today: date) -> Erased:
    """Erase a student who left (admin or dean; see the module's docstring); refused for a student still enrolled.

    The caller commits. Raises InvalidEntry (Chinese) when the student may not be erased, WriteRefused (logged)
    for a role that may not.
    """
    school_id = require_school_write(session, user, f"删除学生 {student_id} 的个人信息", rights.Action.MANAGE_SETTINGS)
    plan = plan_erasure(session, school_id, student_id, today=today)
    problems = Problems()
    if plan is None:
        problems.add("学生", f"编号 {student_id} 不是本校学生")
    elif plan.problem:
        problems.add("学生", plan.problem)
    problems.raise_if_any()
    return _erase(session, user, school_id, session.get_one(Student, student_id))


def _erase(session: Session, user: CurrentUser, school_id: int, student: Student) -> Erased:
    guardians, kept = _guardians_to_erase(session, student)
    guardian_ids = [g.id for g in guardians]
    family = session.get(Family, student.family_id) if student.family_id is not None and not kept else None
    # every mention of these, anywhere in free text or the audit log, is replaced (longest first: 张三妈妈 before 张三)
    replacements = {g.name: ERASED_GUARDIAN.format(id=g.id) for g in guardians if len(g.name) >= MIN_NAME_CHARS}
    name = student.name
    if len(name) >= MIN_NAME_CHARS:
        replacements[name] = ERASED_STUDENT.format(id=student.id)
    for g in guardians:
        if sum(ch.isdigit() for ch in g.phone) >= MIN_PHONE_DIGITS:
            replacements[g.phone] = ERASED_PHONE
    about = _audited_rows(session, student, guardian_ids, family)

    student.name = ERASED_STUDENT.format(id=student.id)
    student.student_no = ERASED_NO.format(id=student.id)
    student.gender = ""
    student.birth_date = None
    student.left_behind = student.single_parent = student.hardship = False
    student.erased_at = utcnow()
    if kept and student.family_id is not None:  # the family stays with its other children, without this one
        shared = session.get_one(Family, student.family_id)
        if name in replacements:  # a family code made from the child's name (F-张三) loses it
            shared.code = shared.code.replace(name, replacements[name])
        student.family_id = None
    for g in guardians:
        g.name = ERASED_GUARDIAN.format(id=g.id)
        g.phone = g.relation = g.work_unit = ""
    if family is not None:
        family.code = ERASED_FAMILY.format(id=family.id)
        family.address = ""
    session.flush()
    records = _clear_record_text(session, student.id, guardian_ids)
    mentions = _redact_audit(session, school_id, about)
    mentions += _scrub(session, school_id, replacements)
    mark_changed(session)  # names and texts on every page are read again
    audit(
        session,
        user,
        "erase",
        "student",
        student.id,
        detail=f"删除已离校学生（编号 {student.id}）的个人信息，监护人 {len(guardians)} 名",
    )
    return Erased(student.id, len(guardians), records, mentions)


def _audited_rows(
    session: Session, student: Student, guardian_ids: list[int], family: Family | None
) -> dict[str, set[int]]:
    """The rows whose audit entries carry this family's personal fields: entity name → ids."""
    guardian_rows = list(guardian_ids)
    return {
        "student": {student.id},
        "guardian": set(guardian_rows),
        "family": {family.id} if family is not None else set(),
        "communication": set(session.scalars(select(Communication.id).where(Communication.student_id == student.id))),
        "parent_request": set(session.scalars(select(ParentRequest.id).where(_requests_of(student.id, guardian_rows)))),
        "volunteer_record": (
            set(session.scalars(select(VolunteerRecord.id).where(VolunteerRecord.guardian_id.in_(guardian_rows))))
            if guardian_rows
            else set()
        ),
    }


def _clear_record_text(session: Session, student_id: int, guardian_ids: list[int]) -> int:
    """Clear what was written in the records about the student and the guardians erased; the records stay."""
    cleared = _changed(
        session,
        update(Communication)
        .where(Communication.student_id == student_id)
        .values(summary="")
        .execution_options(synchronize_session=False),
    )
    cleared += _changed(
        session,
        update(ParentRequest)
        .where(_requests_of(student_id, guardian_ids))
        .values(content="", reply="")
        .execution_options(synchronize_session=False),
    )
    if guardian_ids:
        cleared += _changed(
            session,
            update(VolunteerRecord)
            .where(VolunteerRecord.guardian_id.in_(guardian_ids))
            .values(note="")
            .execution_options(synchronize_session=False),
        )
    return cleared


def _changed(session: Session, statement: Executable) -> int:
    """Run an UPDATE and return how many rows it changed."""
    result = session.execute(statement)
    return int(result.rowcount or 0) if isinstance(result, CursorResult) else 0


def _blank(text: str | None) -> str | None:
    """An audited row (JSON) with its personal fields emptied; anything else unreadable is dropped."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    return json.dumps(
        {k: (None if k in PERSONAL_KEYS else v) for k, v in value.items()}, ensure_ascii=False, default=str
    )


def _redact_audit(session: Session, school_id: int, about: dict[str, set[int]]) -> int:
    """Empty the personal fields of the audit entries about the erased rows (what they were is not kept)."""
    conditions = [
        (AuditLog.entity == entity) & AuditLog.entity_id.in_(sorted(ids)) for entity, ids in about.items() if ids
    ]
    if not conditions:
        return 0
    rows = session.scalars(select(AuditLog).where(AuditLog.school_id == school_id, or_(*conditions))).all()
    for row in rows:
        row.before, row.after = _blank(row.before), _blank(row.after)
    session.flush()
    return len(rows)


def _scrub(session: Session, school_id: int, replacements: dict[str, str]) -> int:
    """Replace every mention of the names and phones in the school's free text and audit log."""
    scrubbed = 0
    for old in sorted(replacements, key=len, reverse=True):
        new = replacements[old]
        for column in FREE_TEXT:
            table = column.class_
            scrubbed += _changed(
                session,
                update(table)
                .where(table.school_id == school_id, column.contains(old, autoescape=True))
                .values({column.key: func.replace(column, old, new)})
                .execution_options(synchronize_session=False),
            )
        for column in AUDIT_TEXT:
            scrubbed += _changed(
                session,
                update(AuditLog)
                .where(
                    or_(AuditLog.school_id == school_id, AuditLog.school_id.is_(None)),
                    column.contains(old, autoescape=True),
                )
                .values({column.key: func.replace(column, old, new)})
                .execution_options(synchronize_session=False),
            )
    return scrubbed
