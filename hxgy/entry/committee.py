"""家委会: adding and removing the members of a school year's class and school committees (设置 → 家委会)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry import rules
from hxgy.models import CommitteeMember, Enrolment, Guardian, SchoolClass, SchoolYear, Student
from hxgy.models.community import COMMITTEE_POSITIONS

CHAIR = "主任"  # one per committee (a class's, or the school's)


@dataclass
class CommitteeEntry:
    """A 家委会 member as entered: a guardian, on a class's committee (class_id) or the school's (None)."""

    school_year_id: int | None
    guardian_id: int | None
    class_id: int | None = None
    position: str = "委员"


def family_in_class(session: Session, family_id: int, class_id: int) -> bool:
    """Whether a child of the family is (or was) enrolled in the class."""
    found = session.scalar(
        select(Enrolment.id)
        .join(Student, Student.id == Enrolment.student_id)
        .where(Student.family_id == family_id, Enrolment.class_id == class_id)
        .limit(1)
    )
    return found is not None


def check_member(session: Session, school_id: int, entry: CommitteeEntry) -> None:
    """The problems of a member, all at once (InvalidEntry): year, class, guardian, position, not twice, one 主任."""
    problems = rules.Problems()
    year = session.get(SchoolYear, entry.school_year_id) if entry.school_year_id is not None else None
    if year is None or year.school_id != school_id:
        problems.add("学年", "必须选择本校的学年")
    school_class = session.get(SchoolClass, entry.class_id) if entry.class_id is not None else None
    if entry.class_id is not None and (school_class is None or school_class.school_id != school_id):
        problems.add("班级", "不是本校的班级")
        school_class = None
    if school_class is not None and year is not None and school_class.school_year_id != year.id:
        problems.add("班级", f"{school_class.name}不是{year.name}的班级")
    guardian = session.get(Guardian, entry.guardian_id) if entry.guardian_id is not None else None
    if guardian is None or guardian.school_id != school_id:
        problems.add("家长", "必须选择本校学生的家长")
        guardian = None
    if (
        guardian is not None
        and school_class is not None
        and not family_in_class(session, guardian.family_id, school_class.id)
    ):
        problems.add("家长", f"{guardian.name}的孩子不在{school_class.name}")
    if entry.position not in COMMITTEE_POSITIONS:
        problems.add("职务", f"只能是{'、'.join(COMMITTEE_POSITIONS)}")
    problems.raise_if_any()
    assert year is not None and guardian is not None  # checked above
    same_committee = [
        CommitteeMember.school_id == school_id,
        CommitteeMember.school_year_id == year.id,
        CommitteeMember.class_id.is_(None) if entry.class_id is None else CommitteeMember.class_id == entry.class_id,
    ]
    where = school_class.name if school_class is not None else "校级家委会"
    if session.scalar(select(CommitteeMember.id).where(*same_committee, CommitteeMember.guardian_id == guardian.id)):
        problems.add("家长", f"{guardian.name}已是{year.name}{where}的成员")
    if entry.position == CHAIR and session.scalar(
        select(CommitteeMember.id).where(*same_committee, CommitteeMember.position == CHAIR)
    ):
        problems.add("职务", f"{year.name}{where}已有主任，请先移除原主任")
    problems.raise_if_any()


def add_member(session: Session, user: CurrentUser, entry: CommitteeEntry) -> int:
    """Add a guardian to a 家委会 (admin and dean: Action.MANAGE_SETTINGS); returns the new member's id."""
    school_id = rules.require_settings_write(session, user, "修改家委会名单")
    check_member(session, school_id, entry)
    member = CommitteeMember(
        school_id=school_id,
        school_year_id=entry.school_year_id,
        class_id=entry.class_id,
        guardian_id=entry.guardian_id,
        position=entry.position,
    )
    session.add(member)
    session.flush()
    rules.audit(session, user, "create", "committee_member", member.id, after=rules.as_dict(member))
    return member.id


def remove_member(session: Session, user: CurrentUser, member_id: int) -> None:
    """Take a member off a 家委会 (the row goes; the audit log keeps it)."""
    school_id = rules.require_settings_write(session, user, "修改家委会名单")
    member = session.get(CommitteeMember, member_id)
    if member is None or member.school_id != school_id:
        raise rules.refuse(session, user, f"移除家委会成员 {member_id}（不是本校的成员）")
    before = rules.as_dict(member)
    session.delete(member)
    session.flush()
    rules.audit(session, user, "delete", "committee_member", member_id, before=before)
