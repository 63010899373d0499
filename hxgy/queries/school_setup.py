"""What 设置 shows: the school's years and terms, classes and teachers, accounts, lists, 德育 scheme, targets."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hxgy.glossary import ASSIGNMENT_ROLE_LABELS, ROLE_LABELS
from hxgy.models import (
    Category,
    ClassAssignment,
    MoralDimension,
    MoralLevel,
    MoralRater,
    SchoolClass,
    SchoolYear,
    Staff,
    Target,
    Term,
    UserAccount,
)


def years_and_terms(session: Session, school_id: int) -> pd.DataFrame:
    """One row per term: year id and name, term id, name, first and last day."""
    stmt = (
        select(SchoolYear.id, SchoolYear.name, Term.id, Term.name, Term.start_date, Term.end_date)
        .join(Term, Term.school_year_id == SchoolYear.id)
        .where(SchoolYear.school_id == school_id)
        .order_by(SchoolYear.start_date.desc(), Term.term_no)
    )
    columns = ["year_id", "学年", "term_id", "学期", "开始", "结束"]
    return pd.DataFrame(session.execute(stmt).all(), columns=columns)


def school_years(session: Session, school_id: int) -> list[SchoolYear]:
    """The school's years, latest first, with their terms loaded."""
    stmt = (
        select(SchoolYear)
        .where(SchoolYear.school_id == school_id)
        .order_by(SchoolYear.start_date.desc())
        .options(selectinload(SchoolYear.terms))
    )
    return list(session.scalars(stmt))


def class_teachers(session: Session, school_year_id: int) -> pd.DataFrame:
    """Each class of a year with its 班主任 and 任课教师 (one row per assignment; classes without any too)."""
    stmt = (
        select(
            SchoolClass.id,
            SchoolClass.name,
            ClassAssignment.id,
            ClassAssignment.role,
            ClassAssignment.subject,
            Staff.name,
        )
        .outerjoin(ClassAssignment, ClassAssignment.class_id == SchoolClass.id)
        .outerjoin(Staff, Staff.id == ClassAssignment.staff_id)
        .where(SchoolClass.school_year_id == school_year_id)
        .order_by(SchoolClass.grade_level, SchoolClass.class_no, ClassAssignment.role)
    )
    columns = ["class_id", "班级", "assignment_id", "role", "学科", "教师"]
    frame = pd.DataFrame(session.execute(stmt).all(), columns=columns)
    frame["职责"] = frame["role"].map(ASSIGNMENT_ROLE_LABELS)
    return frame


def staff_list(session: Session, school_id: int) -> list[tuple[int, str]]:
    """(id, "姓名（工号）") of the school's active staff."""
    stmt = (
        select(Staff.id, Staff.name, Staff.staff_no)
        .where(Staff.school_id == school_id, Staff.active.is_(True))
        .order_by(Staff.staff_no)
    )
    return [(i, f"{name}（{no}）") for i, name, no in session.execute(stmt)]


def accounts(session: Session, school_id: int) -> pd.DataFrame:
    """The school's accounts: id, 用户名, 姓名, 角色, 状态, last login."""
    stmt = (
        select(
            UserAccount.id,
            UserAccount.username,
            UserAccount.display_name,
            UserAccount.role,
            UserAccount.active,
            UserAccount.last_login_at,
        )
        .where(UserAccount.school_id == school_id)
        .order_by(UserAccount.role, UserAccount.username)
    )
    frame = pd.DataFrame(session.execute(stmt).all(), columns=["id", "用户名", "姓名", "role", "active", "最近登录"])
    frame["角色"] = frame["role"].map(ROLE_LABELS)
    frame["状态"] = frame["active"].map({True: "启用", False: "已停用"})
    return frame


def category_table(session: Session, school_id: int, kind: str) -> pd.DataFrame:
    """Every entry of one list, hidden ones too: id, 名称, 启用."""
    stmt = (
        select(Category.id, Category.name, Category.active)
        .where(Category.school_id == school_id, Category.kind == kind)
        .order_by(Category.sort_order, Category.id)
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=["id", "名称", "启用"])


def flagged_categories(session: Session, school_id: int, kind: str, column: str) -> set[int]:
    """The entries of one list with a setting on: ``column`` "in_person" (沟通方式) or "guidance" (活动类型)."""
    flag = {"in_person": Category.in_person, "guidance": Category.guidance}[column]
    stmt = select(Category.id).where(Category.school_id == school_id, Category.kind == kind, flag.is_(True))
    return set(session.scalars(stmt).all())


def moral_settings(session: Session, school_id: int) -> dict[str, pd.DataFrame]:
    """Raters with weights, levels with thresholds, dimensions with their state."""
    raters = session.execute(
        select(MoralRater.id, MoralRater.name, MoralRater.weight)
        .where(MoralRater.school_id == school_id)
        .order_by(MoralRater.sort_order)
    ).all()
    levels = session.execute(
        select(MoralLevel.id, MoralLevel.name, MoralLevel.min_score, MoralLevel.is_good)
        .where(MoralLevel.school_id == school_id)
        .order_by(MoralLevel.min_score.desc())
    ).all()
    dimensions = session.execute(
        select(MoralDimension.id, MoralDimension.name, MoralDimension.active)
        .where(MoralDimension.school_id == school_id)
        .order_by(MoralDimension.sort_order)
    ).all()
    return {
        "raters": pd.DataFrame(raters, columns=["id", "评价主体", "权重"]),
        "levels": pd.DataFrame(levels, columns=["id", "等级", "最低分", "计入优良"]),
        "dimensions": pd.DataFrame(dimensions, columns=["id", "维度", "启用"]),
    }


def term_targets(session: Session, term_id: int) -> dict[str, float]:
    """measure → target of a term."""
    stmt = select(Target.measure, Target.value).where(Target.term_id == term_id)
    return {measure: value for measure, value in session.execute(stmt)}
