"""Saving the records people enter: communications, parent requests, volunteer hours, activities, surveys.

Every function here
- refuses a user who may not write for the class (logged in the audit log),
- validates every field and writes nothing when any is wrong (InvalidEntry names the fields in Chinese),
- is idempotent: the same ``submission_key`` (one form shown once, or one import row) saves one record,
- writes the audit log and brings the pre-aggregated class_term_stats up to date in the same transaction.
The caller owns the transaction (hxgy.db.write_session) and clears the app's caches after it commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry.rules import (
    LikelyDuplicate,
    Problems,
    as_dict,
    audit,
    check_category,
    check_class_term,
    check_day,
    check_text,
    refuse,
    require_class_write,
    roll_day,
    student_in_class,
)
from hxgy.metrics import stats
from hxgy.models import (
    Activity,
    ActivityClass,
    Category,
    Communication,
    Guardian,
    ParentRequest,
    Partner,
    SatisfactionResult,
    SchoolClass,
    Student,
    Term,
    VolunteerRecord,
)
from hxgy.models.base import Base, utcnow
from hxgy.models.records import DIRECTIONS
from hxgy.rights import Action

MAX_HOURS_A_DAY = 12.0
MAX_DURATION_MIN = 600


@dataclass(frozen=True)
class Saved:
    """What a save did: the record's id, and whether it was new (False: the same submission came again)."""

    id: int
    created: bool


Record = TypeVar("Record", bound=Base)


def _existing(session: Session, model: type[Record], submission_key: str | None) -> Record | None:
    if not submission_key:
        return None
    return session.scalar(select(model).where(model.submission_key == submission_key))  # type: ignore[attr-defined]


def _insert_once(session: Session, user: CurrentUser, record: Record, submission_key: str | None) -> Saved:
    """Insert and log, unless a concurrent save of the same submission got there first."""
    model = type(record)
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        again = _existing(session, model, submission_key)
        if again is None:
            raise
        return Saved(again.id, False)  # type: ignore[attr-defined]
    audit(session, user, "create", model.__tablename__, record.id, after=as_dict(record))  # type: ignore[attr-defined]
    return Saved(record.id, True)  # type: ignore[attr-defined]


def _refresh(session: Session, school_id: int, days: Sequence[date], today: date, class_ids: Sequence[int] | None):
    stats.refresh_terms_on(session, school_id=school_id, days=days, today=today, now=utcnow(), class_ids=class_ids)


def _refresh_part(session: Session, part: str, school_id: int, days: Sequence[date], today: date, class_ids: list[int]):
    stats.refresh_part(session, school_id=school_id, days=days, today=today, class_ids=class_ids, part=part)


# ---- 家校沟通 -----------------------------------------------------------------------------------


@dataclass
class ContactEntry:
    """A home–school contact as entered: no student means the whole class."""

    class_id: int
    contact_date: date | None
    channel_id: int | None
    student_id: int | None = None
    direction: str = "to_home"
    topic_id: int | None = None
    duration_min: int | None = None
    summary: str = ""
    follow_up: bool = False


def class_wide_channels(session: Session, school_id: int) -> list[str]:
    """Names of the school's active channels a class-wide record (no student) may use, in list order."""
    stmt = (
        select(Category.name)
        .where(
            Category.school_id == school_id,
            Category.kind == "channel",
            Category.active.is_(True),
            Category.class_wide.is_(True),
        )
        .order_by(Category.sort_order, Category.id)
    )
    return list(session.scalars(stmt))


def class_wide_refusal(channel_name: str, allowed: Sequence[str]) -> str:
    """Why a record without a student may not use this channel (the form and the importer say the same)."""
    choices = "、".join(allowed) if allowed else "（本校尚未指定，请在 设置 → 类别 → 沟通方式 中勾选）"
    return f"“{channel_name}”是面向一户家庭的沟通方式，必须选择学生；面向全班的沟通只能用：{choices}"


def _check_contact(session: Session, school_id: int, entry: ContactEntry, today: date) -> ContactEntry:
    problems = Problems()
    term = check_day(session, problems, school_id, entry.contact_date, today, "沟通日期")
    check_class_term(session, problems, entry.class_id, term)
    check_category(session, problems, school_id, "channel", entry.channel_id, "沟通方式")
    if entry.topic_id is not None:
        check_category(session, problems, school_id, "topic", entry.topic_id, "沟通内容")
    if entry.direction not in DIRECTIONS:
        problems.add("方向", "只能是“学校→家庭”或“家庭→学校”")
    if entry.duration_min is not None and not 0 < entry.duration_min <= MAX_DURATION_MIN:
        problems.add("时长", f"应在 1 到 {MAX_DURATION_MIN} 分钟之间")
    summary = check_text(problems, entry.summary, "简要记录")
    if (
        entry.student_id is not None
        and entry.contact_date is not None
        and not student_in_class(
            session, entry.student_id, entry.class_id, roll_day(session, school_id, entry.contact_date)
        )
    ):
        problems.add("学生", "该学生在这一天不在所选班级")
    if entry.student_id is None and entry.channel_id is not None:
        channel = session.get(Category, entry.channel_id)
        if channel is not None and channel.school_id == school_id and not channel.class_wide:
            problems.add("学生", class_wide_refusal(channel.name, class_wide_channels(session, school_id)))
    problems.raise_if_any()
    entry.summary = summary
    return entry


def log_contact(
    session: Session,
    user: CurrentUser,
    entry: ContactEntry,
    *,
    today: date,
    submission_key: str | None = None,
    confirm_duplicate: bool = False,
) -> Saved:
    """Save one communication (a call, a message, a 家访 …)."""
    seen = _existing(session, Communication, submission_key)
    if seen is not None:
        return Saved(seen.id, False)
    school_class = require_class_write(session, user, entry.class_id, "登记沟通记录", action=Action.WRITE_CONTACT)
    entry = _check_contact(session, school_class.school_id, entry, today)
    if not confirm_duplicate:
        similar = session.scalar(
            select(Communication.id).where(
                Communication.class_id == entry.class_id,
                Communication.deleted_at.is_(None),
                Communication.contact_date == entry.contact_date,
                Communication.channel_id == entry.channel_id,
                Communication.student_id.is_(None)
                if entry.student_id is None
                else Communication.student_id == entry.student_id,
                Communication.staff_id.is_(None) if user.staff_id is None else Communication.staff_id == user.staff_id,
            )
        )
        if similar is not None:
            raise LikelyDuplicate(similar, "同一天已有一条相同学生、相同方式、同一登记人的沟通记录。确定要再记一条吗？")
    record = Communication(
        school_id=school_class.school_id,
        class_id=entry.class_id,
        student_id=entry.student_id,
        staff_id=user.staff_id,
        channel_id=entry.channel_id,
        topic_id=entry.topic_id,
        direction=entry.direction,
        contact_date=entry.contact_date,
        duration_min=entry.duration_min,
        summary=entry.summary,
        follow_up=entry.follow_up,
        created_by=user.id,
        submission_key=submission_key or None,
    )
    saved = _insert_once(session, user, record, submission_key)
    if saved.created:
        _refresh_part(session, "communication", school_class.school_id, [record.contact_date], today, [record.class_id])
    return saved


# ---- 家长诉求 -----------------------------------------------------------------------------------


@dataclass
class RequestEntry:
    """A home→school request (家长诉求) as received; the reply may come later."""

    received_at: datetime | None
    channel_id: int | None
    content: str
    class_id: int | None = None
    category_id: int | None = None
    replied_at: datetime | None = None
    reply: str = ""


def record_request(
    session: Session, user: CurrentUser, entry: RequestEntry, *, today: date, submission_key: str | None = None
) -> Saved:
    """Save a parent request; without a class it is school-wide (only school-wide roles may enter those)."""
    seen = _existing(session, ParentRequest, submission_key)
    if seen is not None:
        return Saved(seen.id, False)
    if entry.class_id is not None:
        school_id = require_class_write(
            session, user, entry.class_id, "登记家长诉求", action=Action.WRITE_REQUEST
        ).school_id
    elif user.school_id is not None and rights.may(session, user, Action.WRITE_REQUEST):
        school_id = user.school_id
    else:
        raise refuse(session, user, "登记不指定班级的家长诉求")
    problems = Problems()
    received = entry.received_at.date() if entry.received_at else None
    term = check_day(session, problems, school_id, received, today, "收到时间")
    check_class_term(session, problems, entry.class_id, term)
    check_category(session, problems, school_id, "request_channel", entry.channel_id, "反映渠道")
    if entry.category_id is not None:
        check_category(session, problems, school_id, "request_category", entry.category_id, "诉求类别")
    content = check_text(problems, entry.content, "诉求内容", required=True)
    reply = check_text(problems, entry.reply, "答复内容")
    _check_reply_time(problems, entry.received_at, entry.replied_at, today)
    problems.raise_if_any()
    record = ParentRequest(
        school_id=school_id,
        class_id=entry.class_id,
        channel_id=entry.channel_id,
        category_id=entry.category_id,
        received_at=entry.received_at,
        content=content,
        replied_at=entry.replied_at,
        reply=reply,
        handled_by=user.staff_id if entry.replied_at else None,
        created_by=user.id,
        submission_key=submission_key or None,
    )
    return _insert_once(session, user, record, submission_key)


def _check_reply_time(problems: Problems, received: datetime | None, replied: datetime | None, today: date) -> None:
    if replied is None:
        return
    if received is not None and replied < received:
        problems.add("答复时间", "不能早于收到时间")
    if replied.date() > today:
        problems.add("答复时间", "不能晚于今天")


def reply_to_request(
    session: Session, user: CurrentUser, request_id: int, *, reply: str, replied_at: datetime, today: date
) -> None:
    """Record the school's reply to a request."""
    request = session.get(ParentRequest, request_id)
    if request is None or request.deleted_at is not None or request.school_id != user.school_id:
        raise refuse(session, user, f"答复家长诉求 {request_id}")
    if request.class_id is not None:
        require_class_write(session, user, request.class_id, "答复家长诉求", action=Action.WRITE_REQUEST)
    elif not rights.may(session, user, Action.WRITE_REQUEST):
        raise refuse(session, user, "答复不指定班级的家长诉求")
    problems = Problems()
    text = check_text(problems, reply, "答复内容", required=True)
    _check_reply_time(problems, request.received_at, replied_at, today)
    problems.raise_if_any()
    before = as_dict(request)
    request.reply, request.replied_at, request.handled_by = text, replied_at, user.staff_id
    session.flush()
    audit(session, user, "update", "parent_request", request.id, before=before, after=as_dict(request))


# ---- 家长志愿 -----------------------------------------------------------------------------------


@dataclass
class VolunteerEntry:
    """Hours a guardian served on one day, for a class."""

    class_id: int
    guardian_id: int | None
    activity_id: int | None
    service_date: date | None
    hours: float | None
    note: str = ""
    confirmed: bool = False


def _may_confirm(session: Session, user: CurrentUser, class_id: int, day: date) -> bool:
    """Head teachers of the class (in the school year of ``day``), the dean, principal and admin confirm hours."""
    return rights.may(session, user, Action.CONFIRM_VOLUNTEERING, class_id, on_day=day)


def record_volunteering(
    session: Session, user: CurrentUser, entry: VolunteerEntry, *, today: date, submission_key: str | None = None
) -> Saved:
    """Save a volunteer record; confirmed at once when the one entering it may confirm."""
    seen = _existing(session, VolunteerRecord, submission_key)
    if seen is not None:
        return Saved(seen.id, False)
    school_class = require_class_write(session, user, entry.class_id, "登记志愿服务", action=Action.WRITE_VOLUNTEERING)
    problems = Problems()
    check_class_term(
        session,
        problems,
        entry.class_id,
        check_day(session, problems, school_class.school_id, entry.service_date, today, "服务日期"),
    )
    check_category(session, problems, school_class.school_id, "volunteer_activity", entry.activity_id, "志愿项目")
    if entry.hours is None:
        problems.add("时长", "必须填写")
    elif not 0 < entry.hours <= MAX_HOURS_A_DAY:
        problems.add("时长", f"应大于 0 且不超过 {MAX_HOURS_A_DAY:g} 小时（一天）")
    note = check_text(problems, entry.note, "备注")
    guardian = session.get(Guardian, entry.guardian_id) if entry.guardian_id is not None else None
    if guardian is None or guardian.school_id != school_class.school_id:
        problems.add("家长", "必须选择本校学生的家长")
    elif entry.service_date is not None and not _family_in_class(
        session, guardian.family_id, entry.class_id, entry.service_date
    ):
        problems.add("家长", "该家长的孩子在这一天不在所选班级")
    problems.raise_if_any()
    confirm = entry.confirmed and _may_confirm(session, user, entry.class_id, entry.service_date)
    record = VolunteerRecord(
        school_id=school_class.school_id,
        class_id=entry.class_id,
        guardian_id=entry.guardian_id,
        activity_id=entry.activity_id,
        service_date=entry.service_date,
        hours=float(entry.hours),
        note=note,
        confirmed_by=user.id if confirm else None,
        confirmed_at=utcnow() if confirm else None,
        created_by=user.id,
        submission_key=submission_key or None,
    )
    saved = _insert_once(session, user, record, submission_key)
    if saved.created:
        _refresh_part(session, "volunteering", school_class.school_id, [record.service_date], today, [record.class_id])
    return saved


def _family_in_class(session: Session, family_id: int, class_id: int, day: date) -> bool:
    children = session.scalars(select(Student.id).where(Student.family_id == family_id)).all()
    school_id = session.scalar(select(SchoolClass.school_id).where(SchoolClass.id == class_id))
    on_roll = roll_day(session, school_id, day) if school_id is not None else day
    return any(student_in_class(session, child, class_id, on_roll) for child in children)


def confirm_volunteering(session: Session, user: CurrentUser, record_ids: Sequence[int], *, today: date) -> int:
    """Confirm volunteer records (head teacher of the class, dean, principal, admin); returns how many."""
    records = session.scalars(select(VolunteerRecord).where(VolunteerRecord.id.in_(list(record_ids)))).all()
    touched: dict[int, set[date]] = {}
    for record in records:
        if record.school_id != user.school_id or not _may_confirm(session, user, record.class_id, record.service_date):
            raise refuse(session, user, f"确认志愿服务记录 {record.id}")
    count = 0
    for record in records:
        if record.deleted_at is not None or record.confirmed_at is not None:
            continue
        before = as_dict(record)
        record.confirmed_by, record.confirmed_at = user.id, utcnow()
        session.flush()
        audit(session, user, "confirm", "volunteer_record", record.id, before=before, after=as_dict(record))
        touched.setdefault(record.class_id, set()).add(record.service_date)
        count += 1
    for class_id, days in touched.items():
        _refresh_part(session, "volunteering", user.school_id, sorted(days), today, [class_id])  # type: ignore[arg-type]
    return count


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
) -> Saved:
    """Save an activity with the classes it was for and how many of their parents came (dean, principal, admin)."""
    seen = _existing(session, Activity, submission_key)
    if seen is not None:
        return Saved(seen.id, False)
    allowed = rights.class_scope(session, user, Action.WRITE_ACTIVITY, on_day=entry.activity_date or today)
    own_only = user.school_id is None or allowed is not None  # a teacher: class activities of their classes only
    if own_only and (entry.scope != "class" or not entry.class_ids or not set(entry.class_ids) <= (allowed or set())):
        raise refuse(session, user, "登记这项活动（班主任只能登记本班的班级活动）")
    school_id = user.school_id
    problems = Problems()
    title = check_text(problems, entry.title, "活动名称", required=True)
    if len(title) > 200:
        problems.add("活动名称", "不能超过 200 个字")
    term = check_day(session, problems, school_id, entry.activity_date, today, "活动日期")
    check_category(session, problems, school_id, "activity_type", entry.type_id, "活动类型")
    if entry.scope not in ("school", "grade", "class"):
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
    for label, value in (("参与学生人次", entry.students_count), ("参与家长人次", entry.parents_count)):
        if value is not None and value < 0:
            problems.add(label, "不能为负数")
    if entry.families_count is not None and entry.families_count < 0:
        problems.add("参与家庭户数", "不能为负数")
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
        type_id=entry.type_id,
        activity_date=entry.activity_date,
        scope=entry.scope,
        partner_id=entry.partner_id,
        students_count=entry.students_count,
        parents_count=parents_count,
        families_count=entry.families_count,
        outcome=outcome,
        created_by=user.id,
        submission_key=submission_key or None,
    )
    saved = _insert_once(session, user, activity, submission_key)
    if not saved.created:
        return saved
    session.add_all(
        ActivityClass(activity_id=activity.id, class_id=c.id, parents_attended=entry.parents_attended.get(c.id))
        for c in classes
    )
    session.flush()
    attended = {c.id: entry.parents_attended.get(c.id) for c in classes}
    audit(session, user, "create", "activity_class", activity.id, after=attended, detail="各班家长到场")
    _refresh(session, school_id, [activity.activity_date], today, None)
    return saved


# ---- 家长满意度 ---------------------------------------------------------------------------------


def save_satisfaction(
    session: Session,
    user: CurrentUser,
    *,
    term_id: int,
    class_id: int | None,
    respondents: int | None,
    satisfied: int | None,
    note: str = "",
    today: date,
) -> Saved:
    """Enter or correct a term's survey result, school-wide (no class) or for one class."""
    term = session.get(Term, term_id)
    if term is None or term.school_id != user.school_id:
        raise refuse(session, user, f"录入学期 {term_id} 的满意度")
    if class_id is not None:
        require_class_write(session, user, class_id, "录入班级满意度", action=Action.WRITE_SATISFACTION)
    elif not rights.may(session, user, Action.WRITE_SATISFACTION):
        raise refuse(session, user, "录入全校满意度")
    problems = Problems()
    if term.start_date > today:
        problems.add("学期", "该学期尚未开始")
    if respondents is None or respondents <= 0:
        problems.add("答卷人数", "必须是大于 0 的整数")
    if satisfied is None or satisfied < 0:
        problems.add("满意人数", "必须是不小于 0 的整数")
    elif respondents is not None and satisfied > respondents:
        problems.add("满意人数", "不能多于答卷人数")
    text = check_text(problems, note, "说明")
    problems.raise_if_any()
    existing = session.scalar(
        select(SatisfactionResult).where(
            SatisfactionResult.term_id == term_id,
            SatisfactionResult.class_id.is_(None) if class_id is None else SatisfactionResult.class_id == class_id,
        )
    )
    if existing is None:
        record = SatisfactionResult(
            school_id=term.school_id,
            term_id=term_id,
            class_id=class_id,
            respondents=respondents,
            satisfied=satisfied,
            note=text,
        )
        session.add(record)
        session.flush()
        audit(session, user, "create", "satisfaction_result", record.id, after=as_dict(record))
        saved = Saved(record.id, True)
    else:
        before = as_dict(existing)
        existing.respondents, existing.satisfied, existing.note = respondents, satisfied, text
        session.flush()
        audit(session, user, "update", "satisfaction_result", existing.id, before=before, after=as_dict(existing))
        saved = Saved(existing.id, False)
    if class_id is not None:
        stats.refresh_term(
            session, school_id=term.school_id, term_id=term_id, today=today, now=utcnow(), class_ids=[class_id]
        )
    return saved


# ---- change and delete --------------------------------------------------------------------------

# kind -> (model, the column holding its date, Chinese name)
EDITABLE = {
    "communication": (Communication, "contact_date", "沟通记录"),
    "volunteer_record": (VolunteerRecord, "service_date", "志愿服务记录"),
    "parent_request": (ParentRequest, "received_at", "家长诉求"),
    "activity": (Activity, "activity_date", "活动"),
}
EDIT_ACTIONS = {  # kind -> the right to change or delete it (hxgy.rights)
    "communication": Action.WRITE_CONTACT,
    "volunteer_record": Action.WRITE_VOLUNTEERING,
    "parent_request": Action.WRITE_REQUEST,
    "activity": Action.WRITE_ACTIVITY,
}


def _record_for_change(session: Session, user: CurrentUser, kind: str, record_id: int, what: str) -> Base:
    model, _date_column, name = EDITABLE[kind]
    record = session.get(model, record_id)
    if record is None or record.school_id != user.school_id or record.deleted_at is not None:
        raise refuse(session, user, f"{what}{name} {record_id}")
    class_id = getattr(record, "class_id", None)
    if class_id is not None:
        require_class_write(session, user, class_id, f"{what}{name}", action=EDIT_ACTIONS[kind])
    elif not rights.may(session, user, EDIT_ACTIONS[kind]):
        raise refuse(session, user, f"{what}{name} {record_id}")
    return record


def delete_record(session: Session, user: CurrentUser, kind: str, record_id: int, *, today: date) -> None:
    """Soft-delete a record the user may change: it leaves every figure but stays in the database and the log."""
    record = _record_for_change(session, user, kind, record_id, "删除")
    before = as_dict(record)
    record.deleted_at = utcnow()
    session.flush()
    audit(session, user, "delete", kind, record_id, before=before, after=as_dict(record))
    _model, date_column, _name = EDITABLE[kind]
    day = getattr(record, date_column)
    day = day.date() if isinstance(day, datetime) else day
    if kind != "parent_request":
        class_id = getattr(record, "class_id", None)
        _refresh(session, record.school_id, [day], today, [class_id] if class_id is not None else None)


def update_contact(session: Session, user: CurrentUser, record_id: int, entry: ContactEntry, *, today: date) -> None:
    """Correct a communication record; the class may change only to another class the user may write for."""
    record: Communication = _record_for_change(session, user, "communication", record_id, "修改")  # type: ignore[assignment]
    school_class = require_class_write(session, user, entry.class_id, "修改沟通记录", action=Action.WRITE_CONTACT)
    entry = _check_contact(session, school_class.school_id, entry, today)
    before = as_dict(record)
    old_day, old_class = record.contact_date, record.class_id
    for name in (
        "class_id",
        "student_id",
        "channel_id",
        "topic_id",
        "direction",
        "contact_date",
        "duration_min",
        "summary",
        "follow_up",
    ):
        setattr(record, name, getattr(entry, name))
    session.flush()
    audit(session, user, "update", "communication", record.id, before=before, after=as_dict(record))
    classes = sorted({old_class, record.class_id})
    _refresh_part(session, "communication", record.school_id, [old_day, record.contact_date], today, classes)


def update_volunteering(
    session: Session, user: CurrentUser, record_id: int, entry: VolunteerEntry, *, today: date
) -> None:
    """Correct the hours, date, activity or note of a volunteer record (same class and guardian)."""
    record: VolunteerRecord = _record_for_change(session, user, "volunteer_record", record_id, "修改")  # type: ignore[assignment]
    problems = Problems()
    check_class_term(
        session,
        problems,
        record.class_id,
        check_day(session, problems, record.school_id, entry.service_date, today, "服务日期"),
    )
    check_category(session, problems, record.school_id, "volunteer_activity", entry.activity_id, "志愿项目")
    if entry.hours is None or not 0 < entry.hours <= MAX_HOURS_A_DAY:
        problems.add("时长", f"应大于 0 且不超过 {MAX_HOURS_A_DAY:g} 小时（一天）")
    note = check_text(problems, entry.note, "备注")
    problems.raise_if_any()
    before = as_dict(record)
    old_day = record.service_date
    record.service_date, record.activity_id, record.hours, record.note = (
        entry.service_date,
        entry.activity_id,
        float(entry.hours),
        note,
    )
    session.flush()
    audit(session, user, "update", "volunteer_record", record.id, before=before, after=as_dict(record))
    _refresh_part(session, "volunteering", record.school_id, [old_day, record.service_date], today, [record.class_id])
