"""What 设置 → 家委会 and 通知登记 list: a school year's committee members, a student's guardians, a term's notices
with their reach ("全校", "三年级", "三(1)班、三(2)班")."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pandas as pd
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from hxgy import glossary
from hxgy.metrics.community import REACH_GRADE, REACH_SCHOOL, reach_kind, year_grades
from hxgy.models import (
    Category,
    CommitteeMember,
    Enrolment,
    Guardian,
    Notice,
    NoticeClass,
    SchoolClass,
    SchoolYear,
    Student,
)
from hxgy.models.community import COMMITTEE_POSITIONS

SCHOOL_LEVEL = "校级家委会"
MEMBER_COLUMNS = ["id", "范围", "职务", "家长", "关系", "学生"]
NOTICE_COLUMNS = ["id", "日期", "范围", "标题", "渠道"]  # 范围 before the title: seen on a phone too


def school_year_on(session: Session, school_id: int, day: date) -> SchoolYear | None:
    """The school year containing ``day``, else the latest one that has begun (else the first)."""
    years = list(
        session.scalars(select(SchoolYear).where(SchoolYear.school_id == school_id).order_by(SchoolYear.start_date))
    )
    begun = [y for y in years if y.start_date <= day]
    return begun[-1] if begun else (years[0] if years else None)


def committee_members(session: Session, school_id: int, school_year_id: int) -> pd.DataFrame:
    """The year's 家委会: the school's members first, then each class's by grade and number; 主任 first.

    学生 names the member's children in that class (for the school level, in any class of the year).
    """
    stmt = (
        select(
            CommitteeMember.id,
            CommitteeMember.class_id,
            SchoolClass.name,
            CommitteeMember.position,
            Guardian.name,
            Guardian.relation,
            Guardian.family_id,
            SchoolClass.grade_level,
            SchoolClass.class_no,
        )
        .join(Guardian, Guardian.id == CommitteeMember.guardian_id)
        .outerjoin(SchoolClass, SchoolClass.id == CommitteeMember.class_id)
        .where(CommitteeMember.school_id == school_id, CommitteeMember.school_year_id == school_year_id)
    )
    rows = session.execute(stmt).all()
    children = _children_of_year(session, school_year_id, {r[6] for r in rows})
    order = {p: i for i, p in enumerate(COMMITTEE_POSITIONS)}
    rows = sorted(rows, key=lambda r: (r[1] is not None, r[7] or 0, r[8] or 0, order.get(r[3], 9), r[4]))
    out = [
        (
            member_id,
            class_name or SCHOOL_LEVEL,
            position,
            name,
            relation,
            "、".join(n for cid, n in children.get(family, []) if class_id is None or cid == class_id),
        )
        for member_id, class_id, class_name, position, name, relation, family, _g, _n in rows
    ]
    return pd.DataFrame(out, columns=MEMBER_COLUMNS)


def _children_of_year(session: Session, school_year_id: int, families: set[int]) -> dict[int, list[tuple[int, str]]]:
    """family → (class id, child's name) of the year's enrolments."""
    if not families:
        return {}
    stmt = (
        select(Student.family_id, Enrolment.class_id, Student.name)
        .join(Enrolment, Enrolment.student_id == Student.id)
        .join(SchoolClass, and_(SchoolClass.id == Enrolment.class_id, SchoolClass.school_year_id == school_year_id))
        .where(Student.family_id.in_(sorted(families)))
        .order_by(Student.name)
        .distinct()
    )
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for family, class_id, name in session.execute(stmt):
        if family is not None:
            found[int(family)].append((int(class_id), name))
    return found


def year_students(session: Session, class_id: int) -> list[tuple[int, str]]:
    """(id, "姓名（学号）") of every student enrolled in the class during its school year."""
    stmt = (
        select(Student.id, Student.name, Student.student_no)
        .join(Enrolment, Enrolment.student_id == Student.id)
        .where(Enrolment.class_id == class_id)
        .order_by(Student.student_no)
        .distinct()
    )
    return [(sid, f"{name}（{no}）") for sid, name, no in session.execute(stmt)]


def student_guardians(session: Session, student_id: int) -> list[tuple[int, str]]:
    """(guardian id, "姓名（关系）") of the student's family."""
    stmt = (
        select(Guardian.id, Guardian.name, Guardian.relation)
        .join(Student, Student.family_id == Guardian.family_id)
        .where(Student.id == student_id)
        .order_by(Guardian.is_primary.desc(), Guardian.id)
    )
    return [(gid, f"{name}（{relation}）") for gid, name, relation in session.execute(stmt)]


def reach_label(class_ids: set[int], grades: dict[int, set[int]], names: dict[int, str]) -> str:
    """ "全校", the grades ("三年级、四年级") or the classes ("三(1)班、三(2)班") a notice reached."""
    kind = reach_kind(class_ids, grades)
    if kind == REACH_SCHOOL:
        return "全校"
    if kind == REACH_GRADE:
        return "、".join(glossary.grade_name(g) for g, ids in sorted(grades.items()) if ids <= class_ids)
    order = {c: i for i, c in enumerate(names)}  # ``names`` in grade and class order
    return "、".join(names.get(c, str(c)) for c in sorted(class_ids, key=lambda c: order.get(c, len(order)))) or "—"


def term_notices(session: Session, school_id: int, school_year_id: int, first: date, last: date) -> pd.DataFrame:
    """The live notices dated from ``first`` to ``last`` (a term's record days), latest first, with their reach."""
    stmt = (
        select(Notice.id, Notice.notice_date, Notice.title, Category.name)
        .outerjoin(Category, Category.id == Notice.channel_id)
        .where(
            Notice.school_id == school_id,
            Notice.deleted_at.is_(None),
            Notice.notice_date >= first,
            Notice.notice_date <= last,
        )
        .order_by(Notice.notice_date.desc(), Notice.id.desc())
    )
    rows = session.execute(stmt).all()
    reach: dict[int, set[int]] = defaultdict(set)
    if rows:
        for notice_id, class_id in session.execute(
            select(NoticeClass.notice_id, NoticeClass.class_id).where(NoticeClass.notice_id.in_([r[0] for r in rows]))
        ):
            reach[int(notice_id)].add(int(class_id))
    grades = year_grades(session, school_id, school_year_id)
    named = session.execute(
        select(SchoolClass.id, SchoolClass.name)
        .where(SchoolClass.school_id == school_id)
        .order_by(SchoolClass.grade_level, SchoolClass.class_no)
    )
    class_names = {int(cid): str(name) for cid, name in named}
    out = [
        (nid, day, reach_label(reach.get(nid, set()), grades, class_names), title, channel or "—")
        for nid, day, title, channel in rows
    ]
    return pd.DataFrame(out, columns=NOTICE_COLUMNS)


def notice_as_entered(session: Session, notice_id: int) -> tuple[Notice, list[int]] | None:
    """A live notice and the classes it reached, to fill the correction form (None: gone)."""
    notice = session.get(Notice, notice_id)
    if notice is None or notice.deleted_at is not None:
        return None
    classes = sorted(session.scalars(select(NoticeClass.class_id).where(NoticeClass.notice_id == notice_id)))
    return notice, classes
