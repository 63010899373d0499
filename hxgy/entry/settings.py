"""School settings an admin or dean changes without a developer: years and terms, classes and teachers,
accounts, category lists, 德育 weights and thresholds, targets, the reply limit, and moving up a school year.

Each function checks the role, validates with Chinese messages, writes the audit log, and — where the
change alters figures (德育 weights and thresholds) — recomputes the pre-aggregated stats.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy import auth, config, glossary
from hxgy.auth import CurrentUser
from hxgy.entry.rules import SETTINGS_ROLES, Problems, as_dict, audit, refuse, require_school_write
from hxgy.metrics import stats
from hxgy.metrics.roster import enrolment_last_day
from hxgy.models import (
    HOME_VISIT_CODE,
    TARGET_MEASURES,
    Category,
    ClassAssignment,
    Enrolment,
    MoralDimension,
    MoralLevel,
    MoralRater,
    School,
    SchoolClass,
    SchoolYear,
    Staff,
    Student,
    Target,
    Term,
    UserAccount,
)
from hxgy.models.base import utcnow
from hxgy.models.people import ASSIGNMENT_ROLES
from hxgy.terms import HOLIDAY_POLICIES

TOP_GRADE = 6  # 小学 六年级 graduates when the school year moves on
CATEGORY_KINDS = {
    "channel": "沟通方式",
    "topic": "沟通内容",
    "volunteer_activity": "志愿项目",
    "activity_type": "活动类型",
    "request_channel": "诉求渠道",
    "request_category": "诉求类别",
    "partner_type": "合作单位类型",
}
RATE_TARGETS = {"contact_coverage", "home_visit_coverage", "volunteer_participation", "moral_good_rate",
                "satisfaction", "response_on_time"}  # fmt: skip


def _school(session: Session, user: CurrentUser, what: str) -> int:
    return require_school_write(session, user, what, SETTINGS_ROLES)


# ---- school years and terms ---------------------------------------------------------------------


@dataclass
class YearPlan:
    """A school year and its two terms."""

    start_year: int
    start_date: date
    end_date: date
    term1: tuple[date, date]
    term2: tuple[date, date]


def _check_year(session: Session, school_id: int, plan: YearPlan, problems: Problems, skip: int | None) -> None:
    if not plan.start_date < plan.end_date:
        problems.add("学年", "结束日期必须晚于开始日期")
    for label, (start, end) in (("第一学期", plan.term1), ("第二学期", plan.term2)):
        if not start <= end:
            problems.add(label, "结束日期不能早于开始日期")
        if start < plan.start_date or end > plan.end_date:
            problems.add(label, "必须在学年之内")
    if plan.term1[1] >= plan.term2[0]:
        problems.add("第二学期", "必须在第一学期结束之后开始")
    if plan.start_date.year != plan.start_year:
        problems.add("学年", f"{plan.start_year}-{plan.start_year + 1}学年应在 {plan.start_year} 年开始")
    same = session.scalar(
        select(SchoolYear.id).where(
            SchoolYear.school_id == school_id,
            SchoolYear.start_year == plan.start_year,
            SchoolYear.id != (skip or -1),
        )
    )
    if same:
        problems.add("学年", f"{plan.start_year}-{plan.start_year + 1}学年已存在")
    overlap = session.scalar(
        select(SchoolYear.name).where(
            SchoolYear.school_id == school_id,
            SchoolYear.start_date <= plan.end_date,
            SchoolYear.end_date >= plan.start_date,
            SchoolYear.id != (skip or -1),
        )
    )
    if overlap:
        problems.add("学年", f"与已有的{overlap}日期重叠")


def add_school_year(session: Session, user: CurrentUser, plan: YearPlan) -> SchoolYear:
    """A new school year with its two terms."""
    school_id = _school(session, user, "添加学年")
    problems = Problems()
    _check_year(session, school_id, plan, problems, None)
    problems.raise_if_any()
    name = f"{plan.start_year}-{plan.start_year + 1}学年"
    year = SchoolYear(
        school_id=school_id, start_year=plan.start_year, name=name, start_date=plan.start_date, end_date=plan.end_date
    )
    session.add(year)
    session.flush()
    for term_no, (start, end) in ((1, plan.term1), (2, plan.term2)):
        term_name = f"{name}{'第一学期' if term_no == 1 else '第二学期'}"
        session.add(
            Term(
                school_id=school_id,
                school_year_id=year.id,
                term_no=term_no,
                name=term_name,
                start_date=start,
                end_date=end,
            )
        )
    session.flush()
    audit(session, user, "create", "school_year", year.id, after=as_dict(year))
    return year


def update_school_year(session: Session, user: CurrentUser, year_id: int, plan: YearPlan, *, today: date) -> None:
    """Change a school year's first and last day and both terms' dates, with the checks of add_school_year.

    The start year (and so the name) stays; enrolments that began on the year's old first day begin on the new
    one; the figures of the year's started terms are recomputed.
    """
    school_id = _school(session, user, "修改学年")
    year = session.get(SchoolYear, year_id)
    if year is None or year.school_id != school_id:
        raise refuse(session, user, f"修改学年 {year_id}")
    plan = YearPlan(year.start_year, plan.start_date, plan.end_date, plan.term1, plan.term2)
    problems = Problems()
    _check_year(session, school_id, plan, problems, year.id)
    problems.raise_if_any()
    terms = {t.term_no: t for t in session.scalars(select(Term).where(Term.school_year_id == year.id))}
    before = {**as_dict(year), "terms": {n: as_dict(t) for n, t in terms.items()}}
    old_start = year.start_date
    year.start_date, year.end_date = plan.start_date, plan.end_date
    for term_no, (start, end) in ((1, plan.term1), (2, plan.term2)):
        term = terms.get(term_no)
        if term is None:
            name = f"{year.name}{'第一学期' if term_no == 1 else '第二学期'}"
            term = Term(school_id=school_id, school_year_id=year.id, term_no=term_no, name=name)
            session.add(term)
            terms[term_no] = term
        term.start_date, term.end_date = start, end
    if old_start != plan.start_date:
        class_ids = select(SchoolClass.id).where(SchoolClass.school_year_id == year.id)
        for enrolment in session.scalars(
            select(Enrolment).where(Enrolment.class_id.in_(class_ids), Enrolment.start_date == old_start)
        ):
            if enrolment.end_date is None or enrolment.end_date >= plan.start_date:
                enrolment.start_date = plan.start_date
    session.flush()
    after = {**as_dict(year), "terms": {n: as_dict(t) for n, t in terms.items()}}
    audit(session, user, "update", "school_year", year.id, before=before, after=after)
    # the neighbouring terms' holiday windows move too (terms.record_window): recount every term begun
    stats.refresh_school(session, school_id=school_id, today=today, now=utcnow())


def update_term_dates(
    session: Session, user: CurrentUser, term_id: int, start: date, end: date, *, today: date
) -> None:
    """Move a term's first or last day (within its school year, not overlapping the other term)."""
    school_id = _school(session, user, "修改学期")
    term = session.get(Term, term_id)
    if term is None or term.school_id != school_id:
        raise refuse(session, user, f"修改学期 {term_id}")
    year = session.get(SchoolYear, term.school_year_id)
    problems = Problems()
    if not start <= end:
        problems.add("学期", "结束日期不能早于开始日期")
    if start < year.start_date or end > year.end_date:
        problems.add("学期", f"必须在{year.name}之内")
    other = session.scalar(select(Term).where(Term.school_year_id == year.id, Term.id != term.id))
    if other is not None and start <= other.end_date and end >= other.start_date:
        problems.add("学期", f"与{other.name}日期重叠")
    problems.raise_if_any()
    before = as_dict(term)
    term.start_date, term.end_date = start, end
    session.flush()
    audit(session, user, "update", "term", term.id, before=before, after=as_dict(term))
    stats.refresh_school(session, school_id=school_id, today=today, now=utcnow())  # holiday windows move too


# ---- classes, staff and who teaches what --------------------------------------------------------


def add_class(session: Session, user: CurrentUser, *, school_year_id: int, grade: int, class_no: int) -> SchoolClass:
    """A class of a school year (一年级 to 六年级)."""
    school_id = _school(session, user, "添加班级")
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
    school_id = _school(session, user, "添加教职工")
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
    school_id = _school(session, user, "安排任课")
    school_class, staff = session.get(SchoolClass, class_id), session.get(Staff, staff_id)
    problems = Problems()
    if school_class is None or school_class.school_id != school_id:
        problems.add("班级", "不是本校的班级")
    if staff is None or staff.school_id != school_id:
        problems.add("教师", "不是本校的教职工")
    if role not in ASSIGNMENT_ROLES:
        problems.add("职责", "只能是班主任或任课教师")
    problems.raise_if_any()
    if role == "head_teacher":
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
    school_id = _school(session, user, "取消任课")
    assignment = session.get(ClassAssignment, assignment_id)
    school_class = session.get(SchoolClass, assignment.class_id) if assignment else None
    if school_class is None or school_class.school_id != school_id:
        raise refuse(session, user, f"取消任课 {assignment_id}")
    audit(session, user, "delete", "class_assignment", assignment.id, before=as_dict(assignment))
    session.delete(assignment)
    session.flush()


# ---- accounts -----------------------------------------------------------------------------------


def create_account(
    session: Session,
    user: CurrentUser,
    *,
    username: str,
    display_name: str,
    role: str,
    staff_id: int | None = None,
) -> tuple[UserAccount, str]:
    """A new account of the school with a generated first password (shown once to the admin)."""
    school_id = _school(session, user, "创建账户")
    problems = Problems()
    if role == "district":
        problems.add("角色", "教育局账户只能由系统管理员在命令行创建")
    if role == "admin" and user.role != "admin":
        problems.add("角色", "只有管理员可以创建管理员账户")
    if not re.fullmatch(r"[A-Za-z0-9_.-]{3,60}", username.strip()):
        problems.add("用户名", "3–60 个字母、数字、点、下划线或减号")
    if not display_name.strip():
        problems.add("姓名", "必须填写")
    if staff_id is not None:
        staff = session.get(Staff, staff_id)
        if staff is None or staff.school_id != school_id:
            problems.add("教职工", "不是本校的教职工")
    if link_problem := auth.staff_link_problem(role, staff_id):
        problems.add("教职工", link_problem)
    problems.raise_if_any()
    password = auth.generate_password()
    try:
        account = auth.create_user(
            session,
            username=username,
            password=password,
            role=role,
            display_name=display_name.strip(),
            school_id=school_id,
            staff_id=staff_id,
            actor=user.username,
        )
    except auth.AccountError as error:
        problems.add("用户名", str(error))
        problems.raise_if_any()
        raise
    return account, password


def _school_account(session: Session, user: CurrentUser, account_id: int, what: str) -> UserAccount:
    school_id = _school(session, user, what)
    account = session.get(UserAccount, account_id)
    if account is None or account.school_id != school_id or (account.role == "admin" and user.role != "admin"):
        raise refuse(session, user, f"{what} {account_id}")
    return account


def set_account_active(session: Session, user: CurrentUser, account_id: int, active: bool) -> None:
    """Disable (or enable again) an account; disabling ends its sessions at once."""
    account = _school_account(session, user, account_id, "停用或启用账户")
    if account.id == user.id and not active:
        problems = Problems()
        problems.add("账户", "不能停用自己的账户")
        problems.raise_if_any()
    before = as_dict(account, ["active", "session_version"])
    account.active = active
    auth.end_sessions(account)
    session.flush()
    audit(session, user, "update", "user_account", account.id, before=before, after=as_dict(account, list(before)))


def reset_password(session: Session, user: CurrentUser, account_id: int) -> str:
    """A new generated password for an account (shown once); its old sessions end."""
    account = _school_account(session, user, account_id, "重置密码")
    password = auth.generate_password()
    account.password_hash = auth.hash_password(password)
    auth.end_sessions(account)
    account.failed_logins = 0
    account.locked_until = None
    session.flush()
    audit(session, user, "update", "user_account", account.id, detail="password reset")
    return password


# ---- lists, 德育 scheme, targets, limits --------------------------------------------------------


def add_category(session: Session, user: CurrentUser, *, kind: str, name: str) -> Category:
    """A new entry at the end of one of the school's lists."""
    school_id = _school(session, user, "修改类别")
    problems = Problems()
    name = name.strip()
    if kind not in CATEGORY_KINDS:
        problems.add("类别", "未知的类别")
    if not name or len(name) > 40:
        problems.add("名称", "1–40 个字")
    existing = session.scalars(select(Category).where(Category.school_id == school_id, Category.kind == kind)).all()
    if any(c.name == name for c in existing):
        problems.add("名称", f"“{name}”已在列表中")
    problems.raise_if_any()
    category = Category(
        school_id=school_id,
        kind=kind,
        code=f"custom_{len(existing) + 1}_{utcnow():%H%M%S%f}",
        name=name,
        sort_order=max((c.sort_order for c in existing), default=0) + 1,
    )
    session.add(category)
    session.flush()
    audit(session, user, "create", "category", category.id, after=as_dict(category))
    return category


def update_category(
    session: Session, user: CurrentUser, category_id: int, *, name: str, active: bool, class_wide: bool | None = None
) -> None:
    """Rename an entry, or hide it from new entries (old records keep it).

    For a 沟通方式, ``class_wide`` says whether a class-wide record (no student) may use it (None: unchanged);
    records already stored keep their channel, new and corrected ones follow the setting.
    """
    school_id = _school(session, user, "修改类别")
    category = session.get(Category, category_id)
    if category is None or category.school_id != school_id:
        raise refuse(session, user, f"修改类别 {category_id}")
    problems = Problems()
    name = name.strip()
    if not name or len(name) > 40:
        problems.add("名称", "1–40 个字")
    if category.kind == "channel" and category.code == "home_visit" and not active:
        problems.add("家访", "家访覆盖率依赖这一项，不能停用")
    if class_wide is not None and category.kind != "channel":
        problems.add("可用于全班", "只有沟通方式有这一设置")
    if class_wide and category.kind == "channel" and category.code == HOME_VISIT_CODE:
        problems.add("可用于全班", "家访总是面向一户家庭，不能用于全班记录")
    problems.raise_if_any()
    before = as_dict(category)
    category.name, category.active = name, active
    if class_wide is not None:
        category.class_wide = class_wide
    session.flush()
    audit(session, user, "update", "category", category.id, before=before, after=as_dict(category))


def update_moral_scheme(
    session: Session,
    user: CurrentUser,
    *,
    weights: dict[int, float],
    thresholds: dict[int, float],
    active_dimensions: dict[int, bool] | None = None,
    today: date,
) -> None:
    """Rater weights (they need not add up to 1: missing raters renormalise), level thresholds, dimensions.

    The figures change at once: every started term's stats are recomputed.
    """
    school_id = _school(session, user, "修改德育评价设置")
    problems = Problems()
    raters = {r.id: r for r in session.scalars(select(MoralRater).where(MoralRater.school_id == school_id))}
    levels = {lv.id: lv for lv in session.scalars(select(MoralLevel).where(MoralLevel.school_id == school_id))}
    dimensions = {d.id: d for d in session.scalars(select(MoralDimension).where(MoralDimension.school_id == school_id))}
    for rater_id, weight in weights.items():
        if rater_id not in raters:
            problems.add("评价主体", f"{rater_id} 不是本校的评价主体")
        elif weight is None or math.isnan(weight) or not 0 <= weight <= 1:
            problems.add(f"{raters[rater_id].name}权重", "应在 0 到 1 之间")
    new_weights = {rid: weights.get(rid, r.weight) for rid, r in raters.items()}
    if raters and sum(w for w in new_weights.values() if w) <= 0:
        problems.add("权重", "至少一个评价主体的权重要大于 0")
    for level_id, low in thresholds.items():
        if level_id not in levels:
            problems.add("等级", f"{level_id} 不是本校的等级")
        elif low is None or math.isnan(low) or not 0 <= low <= 100:
            problems.add(f"{levels[level_id].name}分数线", "应在 0 到 100 之间")
    new_levels = sorted(((thresholds.get(i, lv.min_score), lv.name) for i, lv in levels.items()), reverse=True)
    if len({low for low, _ in new_levels}) != len(new_levels):
        problems.add("分数线", "各等级的分数线不能相同")
    active = active_dimensions or {}
    if dimensions and not any(active.get(i, d.active) for i, d in dimensions.items()):
        problems.add("评价维度", "至少保留一个启用的维度")
    problems.raise_if_any()
    before = {
        "weights": {r.name: r.weight for r in raters.values()},
        "levels": {lv.name: lv.min_score for lv in levels.values()},
    }
    for rater_id, weight in weights.items():
        raters[rater_id].weight = float(weight)
    for level_id, low in thresholds.items():
        levels[level_id].min_score = float(low)
    for dimension_id, is_active in active.items():
        if dimension_id in dimensions:
            dimensions[dimension_id].active = bool(is_active)
    session.flush()
    after = {
        "weights": {r.name: r.weight for r in raters.values()},
        "levels": {lv.name: lv.min_score for lv in levels.values()},
    }
    audit(session, user, "update", "moral_scheme", None, before=before, after=after)
    stats.refresh_school(session, school_id=school_id, today=today, now=utcnow())


def set_target(session: Session, user: CurrentUser, *, term_id: int, measure: str, value: float | None) -> None:
    """A term's target for a measure (rates in %, e.g. 95); None removes it."""
    school_id = _school(session, user, "修改目标")
    term = session.get(Term, term_id)
    problems = Problems()
    if term is None or term.school_id != school_id:
        problems.add("学期", "不是本校的学期")
    if measure not in TARGET_MEASURES:
        problems.add("指标", "不能设目标的指标")
    label = glossary.MEASURE_LABELS.get(measure, measure)
    if value is not None and (math.isnan(value) or value < 0 or (measure in RATE_TARGETS and value > 100)):
        problems.add(label, "应在 0 到 100 之间" if measure in RATE_TARGETS else "不能为负数")
    problems.raise_if_any()
    target = session.scalar(select(Target).where(Target.term_id == term_id, Target.measure == measure))
    before = as_dict(target) if target else None
    if value is None:
        if target is not None:
            session.delete(target)
            audit(session, user, "delete", "target", target.id, before=before)
        return
    if target is None:
        target = Target(school_id=school_id, term_id=term_id, measure=measure, value=float(value))
        session.add(target)
    else:
        target.value = float(value)
    session.flush()
    audit(session, user, "update" if before else "create", "target", target.id, before=before, after=as_dict(target))


def set_targets(session: Session, user: CurrentUser, *, term_id: int, values: dict[str, float | None]) -> None:
    """Several targets of a term at once (all or nothing)."""
    for measure, value in values.items():
        set_target(session, user, term_id=term_id, measure=measure, value=value)


def _set_school_setting(
    session: Session, user: CurrentUser, what: str, field_name: str, value: object, problem: str | None
) -> School:
    """Change one school-wide setting (admin or dean), refusing with ``problem`` (Chinese), audited."""
    school_id = _school(session, user, f"修改{what}")
    problems = Problems()
    if problem:
        problems.add(what, problem)
    problems.raise_if_any()
    school = session.get(School, school_id)
    before = as_dict(school, [field_name])
    setattr(school, field_name, value)
    session.flush()
    audit(session, user, "update", "school", school_id, before=before, after=as_dict(school, [field_name]))
    return school


def set_response_limit(session: Session, user: CurrentUser, hours: int) -> None:
    """How many hours the school gives itself to answer a parent request."""
    wrong = None if 1 <= hours <= 24 * 30 else "应在 1 到 720 小时之间"
    _set_school_setting(session, user, "答复时限", "response_limit_hours", int(hours), wrong)


def set_moral_completion_min(session: Session, user: CurrentUser, percent: int) -> None:
    """Below this 德育评价完成率 (in %), 德育优良率 and 平均分 show 评价未完成 instead of a status."""
    wrong = None if 0 <= percent <= 100 else "应在 0 到 100 之间"
    _set_school_setting(session, user, "德育评价完成率门槛", "moral_completion_min", int(percent), wrong)


def set_holiday_policy(session: Session, user: CurrentUser, policy: str) -> None:
    """Which term a record dated in a holiday counts for: "next" (default), "previous", or "refuse"."""
    wrong = None if policy in HOLIDAY_POLICIES else "只能是计入下一学期、计入上一学期或不接受"
    school = _set_school_setting(session, user, "假期记录的计入方式", "holiday_records", policy, wrong)
    # every term's window moves with the rule: recount the stored figures (全区 reads them)
    stats.refresh_school(session, school_id=school.id, today=config.today(), now=utcnow())


# ---- a new school year --------------------------------------------------------------------------


@dataclass(frozen=True)
class Promotion:
    """What moving up a year did."""

    classes: int
    students: int
    graduated: int


def promote_to_new_year(session: Session, user: CurrentUser, *, from_year_id: int, plan: YearPlan) -> Promotion:
    """Open the next school year: every class moves up a grade with its students and teachers; 六年级 graduates.

    The old year, its classes, enrolments and records stay as they were (history).
    """
    school_id = _school(session, user, "升年级")
    old_year = session.get(SchoolYear, from_year_id)
    if old_year is None or old_year.school_id != school_id:
        raise refuse(session, user, f"升年级（学年 {from_year_id}）")
    problems = Problems()
    if plan.start_date <= old_year.end_date:
        problems.add("新学年", f"必须在{old_year.name}结束（{old_year.end_date:%Y-%m-%d}）之后开始")
    if session.scalar(
        select(func.count())
        .select_from(SchoolYear)
        .where(SchoolYear.school_id == school_id, SchoolYear.start_date > old_year.end_date)
    ):
        problems.add("新学年", "已经有更晚的学年，不能重复升年级")
    problems.raise_if_any()
    new_year = add_school_year(session, user, plan)
    last_day = old_year.end_date
    moved = graduated = classes = 0
    old_classes = session.scalars(
        select(SchoolClass).where(SchoolClass.school_year_id == old_year.id).order_by(SchoolClass.grade_level)
    ).all()
    for old in old_classes:
        students = session.scalars(
            select(Student)
            .join(Enrolment, Enrolment.student_id == Student.id)
            .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
            .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
            .where(Enrolment.class_id == old.id, Student.active.is_(True))
            .where(Enrolment.start_date <= last_day, enrolment_last_day() >= last_day)
        ).all()
        if old.grade_level >= TOP_GRADE:
            for student in students:
                student.active = False
            graduated += len(students)
            continue
        new = SchoolClass(
            school_id=school_id,
            school_year_id=new_year.id,
            grade_level=old.grade_level + 1,
            class_no=old.class_no,
            cohort=old.cohort,
            name=glossary.class_name(old.grade_level + 1, old.class_no),
        )
        session.add(new)
        session.flush()
        classes += 1
        session.add_all(Enrolment(student_id=s.id, class_id=new.id, start_date=plan.start_date) for s in students)
        moved += len(students)
        for assignment in session.scalars(select(ClassAssignment).where(ClassAssignment.class_id == old.id)):
            session.add(
                ClassAssignment(
                    class_id=new.id, staff_id=assignment.staff_id, role=assignment.role, subject=assignment.subject
                )
            )
    session.flush()
    result = Promotion(classes, moved, graduated)
    audit(
        session,
        user,
        "create",
        "promotion",
        new_year.id,
        after=result.__dict__,
        detail=f"{old_year.name} → {new_year.name}",
    )
    return result


def first_year_plan(today: date) -> YearPlan:
    """A suggested first school year for a new school: the one today is in (or starts in, from August)."""
    start_year = today.year if today.month >= 8 else today.year - 1
    return YearPlan(
        start_year=start_year,
        start_date=date(start_year, 9, 1),
        end_date=date(start_year + 1, 8, 31),
        term1=(date(start_year, 9, 1), date(start_year + 1, 1, 20)),
        term2=(date(start_year + 1, 2, 20), date(start_year + 1, 7, 10)),
    )


def next_year_plan(year: SchoolYear) -> YearPlan:
    """A suggested next school year: 9月1日 to 8月31日, terms to 1月20日 and from 2月20日 to 7月10日."""
    start_year = year.start_year + 1
    start = max(date(start_year, 9, 1), year.end_date + timedelta(days=1))
    return YearPlan(
        start_year=start_year,
        start_date=start,
        end_date=date(start_year + 1, 8, 31),
        term1=(start, date(start_year + 1, 1, 20)),
        term2=(date(start_year + 1, 2, 20), date(start_year + 1, 7, 10)),
    )
