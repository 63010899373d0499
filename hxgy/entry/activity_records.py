"""协同活动: saving an activity with the classes it was for and how many of their parents came."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry import checks, saving
from hxgy.entry.rules import Problems, audit, check_category, check_day, check_text, refuse
from hxgy.models import Activity, ActivityClass, Partner, SchoolClass
from hxgy.models.records import ACTIVITY_SCOPES
from hxgy.rights import Action

# ---- 协同活动 -----------------------------------------------------------------------------------


@dataclass
class ActivityEntry:
    """An activity held on one day and its result; per-class attendance where it was counted."""

    title: str
    type_id: int | None
    activity_date: date | None
    scope: str = "school"
    class_ids: Sequence[int] = ()
    partner_id: int | None = None
    students_count: int | None = None
    parents_count: int | None = None
    families_count: int | None = None
    outcome: str = ""
    parents_attended: Mapping[int, int | None] = field(default_factory=dict)  # class_id -> parents who came


def record_activity(
    session: Session, user: CurrentUser, entry: ActivityEntry, *, today: date, submission_key: str | None = None
) -> saving.Saved:
    """Save an activity with the classes it was for and how many of their parents came (dean, principal, admin)."""
    if seen := saving.saved_before(session, Activity, submission_key):
        return seen
    allowed = rights.class_scope(session, user, Action.WRITE_ACTIVITY, on_day=entry.activity_date or today)
    own_only = user.school_id is None or allowed is not None  # a teacher: class activities of their classes only
    if own_only and (entry.scope != "class" or not entry.class_ids or not set(entry.class_ids) <= (allowed or set())):
        raise refuse(session, user, "登记这项活动（班主任只能登记本班的班级活动）")
    school_id = user.school_id
    assert school_id is not None  # a user without a school was refused above (own_only)
    problems = Problems()
    title = check_text(problems, entry.title, "活动名称", required=True)
    if len(title) > 200:
        problems.add("活动名称", "不能超过 200 个字")
    term = check_day(session, problems, school_id, entry.activity_date, today, "活动日期")
    check_category(session, problems, school_id, "activity_type", entry.type_id, "活动类型")
    if entry.scope not in ACTIVITY_SCOPES:
        problems.add("范围", "只能是全校、年级或班级")
    classes: list[SchoolClass] = []
    if term is not None:
        classes = list(
            session.scalars(
                select(SchoolClass).where(
                    SchoolClass.id.in_(list(entry.class_ids)),
                    SchoolClass.school_id == school_id,
                    SchoolClass.school_year_id == term.school_year_id,
                )
            )
        )
        if len(classes) != len(set(entry.class_ids)):
            problems.add("参与班级", "有班级不属于本校该学年")
    if entry.scope != "school" and not entry.class_ids:
        problems.add("参与班级", "年级或班级活动必须选择参与的班级")
    if entry.partner_id is not None:
        partner = session.get(Partner, entry.partner_id)
        if partner is None or partner.school_id != school_id:
            problems.add("合作单位", "不是本校登记的合作单位")
    saving.checked(problems, "参与学生人次", checks.at_least, entry.students_count, 0)
    saving.checked(problems, "参与家长人次", checks.at_least, entry.parents_count, 0)
    saving.checked(problems, "参与家庭户数", checks.at_least, entry.families_count, 0)
    for class_id, came in entry.parents_attended.items():
        if class_id not in entry.class_ids:
            problems.add("家长到场", f"班级 {class_id} 不在参与班级中")
        elif came is not None and came < 0:
            problems.add("家长到场", "人数不能为负数")
    parents_count = entry.parents_count
    per_class = [n for c, n in entry.parents_attended.items() if n is not None and n >= 0 and c in entry.class_ids]
    if per_class and parents_count is not None and parents_count >= 0 and sum(per_class) > parents_count:
        problems.add(
            "参与家长人次",
            f"各班家长到场合计 {sum(per_class)} 人，多于填写的总数 {parents_count} 人次；"
            "总数应不少于各班之和（有班级未统计时可以更多）",
        )
    if per_class and parents_count is None:
        parents_count = sum(per_class)  # the total left blank: the classes counted are all that is known
    outcome = check_text(problems, entry.outcome, "活动成效")
    if term is not None and title:
        same = session.scalar(
            select(Activity.id).where(
                Activity.school_id == school_id,
                Activity.title == title,
                Activity.activity_date == entry.activity_date,
                Activity.deleted_at.is_(None),
            )
        )
        if same is not None:
            problems.add("活动名称", "同一天已登记过同名活动")
    problems.raise_if_any()
    activity = Activity(
        school_id=school_id,
        title=title,
        parents_count=parents_count,
        outcome=outcome,
        **saving.as_entered(
            entry, "type_id", "activity_date", "scope", "partner_id", "students_count", "families_count"
        ),
        **saving.origin(user, submission_key),
    )
    saved = saving.insert_once(session, user, activity, submission_key)
    if not saved.created:
        return saved
    session.add_all(
        ActivityClass(activity_id=activity.id, class_id=c.id, parents_attended=entry.parents_attended.get(c.id))
        for c in classes
    )
    session.flush()
    attended = {str(c.id): entry.parents_attended.get(c.id) for c in classes}  # by class id, as the log writes it
    audit(session, user, "create", "activity_class", activity.id, after=attended, detail="各班家长到场")
    saving.refresh(session, school_id, [activity.activity_date], today, None)
    return saved
