"""Classes, staff and who teaches what (设置 → 班级与教师)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import glossary
from hxgy.auth import CurrentUser
from hxgy.entry.rules import Problems, as_dict, audit, refuse, require_settings_write
from hxgy.models import (
    ClassAssignment,
    SchoolClass,
    SchoolYear,
    Staff,
)
from hxgy.models.people import ASSIGNMENT_ROLES, HEAD_TEACHER

TOP_GRADE = 6  # 小学 六年级 graduates when the school year moves on


def add_class(session: Session, user: CurrentUser, *, school_year_id: int, grade: int, class_no: int) -> SchoolClass:
    """A class of a school year (一年级 to 六年级)."""
    school_id = require_settings_write(session, user, "添加班级")
    year = session.get(SchoolYear, school_year_id)
    problems = Problems()
    if year is None or year.school_id != school_id:
        problems.add("学年", "不是本校的学年")
    if not 1 <= grade <= TOP_GRADE:
        problems.add("年级", f"应在 1 到 {TOP_GRADE} 之间")
    if not 1 <= class_no <= 30:
        problems.add("班号", "应在 1 到 30 之间")
    if year is not None and session.scalar(
        select(SchoolClass.id).where(
            SchoolClass.school_year_id == year.id, SchoolClass.grade_level == grade, SchoolClass.class_no == class_no
        )
    ):
        problems.add("班级", f"{glossary.class_name(grade, class_no)}已存在")
    problems.raise_if_any()
    assert year is not None  # a missing year is a problem noted above
    school_class = SchoolClass(
        school_id=school_id,
        school_year_id=school_year_id,
        grade_level=grade,
        class_no=class_no,
        cohort=year.start_year - grade + 1,
        name=glossary.class_name(grade, class_no),
    )
    session.add(school_class)
    session.flush()
    audit(session, user, "create", "school_class", school_class.id, after=as_dict(school_class))
    return school_class


def add_staff(session: Session, user: CurrentUser, *, staff_no: str, name: str, title: str = "") -> Staff:
    """A member of staff (工号 unique in the school)."""
    school_id = require_settings_write(session, user, "添加教职工")
    problems = Problems()
    staff_no, name = staff_no.strip(), name.strip()
    if not staff_no:
        problems.add("工号", "必须填写")
    if not name:
        problems.add("姓名", "必须填写")
    if staff_no and session.scalar(select(Staff.id).where(Staff.school_id == school_id, Staff.staff_no == staff_no)):
        problems.add("工号", f"{staff_no} 已被使用")
    problems.raise_if_any()
    staff = Staff(school_id=school_id, staff_no=staff_no, name=name, title=title.strip())
    session.add(staff)
    session.flush()
    audit(session, user, "create", "staff", staff.id, after=as_dict(staff))
    return staff


def assign_teacher(
    session: Session, user: CurrentUser, *, class_id: int, staff_id: int, role: str, subject: str = ""
) -> ClassAssignment:
    """Make a member of staff the 班主任 (one per class: replaces the previous one) or a 任课教师 of a class."""
    school_id = require_settings_write(session, user, "安排任课")
    school_class, staff = session.get(SchoolClass, class_id), session.get(Staff, staff_id)
    problems = Problems()
    if school_class is None or school_class.school_id != school_id:
        problems.add("班级", "不是本校的班级")
    if staff is None or staff.school_id != school_id:
        problems.add("教师", "不是本校的教职工")
    if role not in ASSIGNMENT_ROLES:
        problems.add("职责", "只能是班主任或任课教师")
    problems.raise_if_any()
    if role == HEAD_TEACHER:
        for old in session.scalars(
            select(ClassAssignment).where(ClassAssignment.class_id == class_id, ClassAssignment.role == role)
        ):
            audit(session, user, "delete", "class_assignment", old.id, before=as_dict(old))
            session.delete(old)
    assignment = session.scalar(
        select(ClassAssignment).where(
            ClassAssignment.class_id == class_id, ClassAssignment.staff_id == staff_id, ClassAssignment.role == role
        )
    )
    if assignment is None:
        assignment = ClassAssignment(class_id=class_id, staff_id=staff_id, role=role, subject=subject.strip())
        session.add(assignment)
        session.flush()
        audit(session, user, "create", "class_assignment", assignment.id, after=as_dict(assignment))
    return assignment


def remove_assignment(session: Session, user: CurrentUser, assignment_id: int) -> None:
    """Take a teacher off a class."""
    school_id = require_settings_write(session, user, "取消任课")
    assignment = session.get(ClassAssignment, assignment_id)
    school_class = session.get(SchoolClass, assignment.class_id) if assignment else None
    if assignment is None or school_class is None or school_class.school_id != school_id:
        raise refuse(session, user, f"取消任课 {assignment_id}")
    audit(session, user, "delete", "class_assignment", assignment.id, before=as_dict(assignment))
    session.delete(assignment)
    session.flush()
