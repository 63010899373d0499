"""家校沟通: saving and correcting a contact with a family (or a class); the rules are hxgy.entry.checks'."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry import checks, rules, saving
from hxgy.models import Category, Communication
from hxgy.models.records import DIRECTIONS
from hxgy.rights import Action

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


# what a communication keeps of its ContactEntry (once checked): the same when it is saved and when it is corrected
_AS_ENTERED = (
    "class_id",
    "student_id",
    "channel_id",
    "topic_id",
    "direction",
    "contact_date",
    "duration_min",
    "summary",
    "follow_up",
)


def class_wide_channels(session: Session, school_id: int) -> dict[int, str]:
    """The school's active channels a class-wide record (no student) may use, id → name, in list order."""
    stmt = (
        select(Category.id, Category.name)
        .where(
            Category.school_id == school_id,
            Category.kind == "channel",
            Category.active.is_(True),
            Category.class_wide.is_(True),
        )
        .order_by(Category.sort_order, Category.id)
    )
    return dict(session.execute(stmt).tuples().all())


def _check_contact(session: Session, school_id: int, entry: ContactEntry, today: date) -> ContactEntry:
    problems = rules.Problems()
    term = rules.check_day(session, problems, school_id, entry.contact_date, today, "沟通日期")
    rules.check_class_term(session, problems, entry.class_id, term)
    rules.check_category(session, problems, school_id, "channel", entry.channel_id, "沟通方式")
    if entry.topic_id is not None:
        rules.check_category(session, problems, school_id, "topic", entry.topic_id, "沟通内容")
    if entry.direction not in DIRECTIONS:
        problems.add("方向", "只能是“学校→家庭”或“家庭→学校”")
    minutes = saving.checked(problems, "时长", checks.contact_minutes, entry.duration_min)
    summary = rules.check_text(problems, entry.summary, "简要记录")
    if (
        entry.student_id is not None
        and entry.contact_date is not None
        and not rules.student_in_class(
            session, entry.student_id, entry.class_id, rules.roll_day(session, school_id, entry.contact_date)
        )
    ):
        problems.add("学生", "该学生在这一天不在所选班级")
    channel = session.get(Category, entry.channel_id) if entry.channel_id is not None else None
    if channel is not None and channel.school_id == school_id and not channel.class_wide:
        wide = list(class_wide_channels(session, school_id).values()) if entry.student_id is None else []
        saving.checked(
            problems, "学生", checks.contact_reaches, channel.name, False, entry.student_id is not None, wide
        )
    problems.raise_if_any()
    return replace(entry, summary=summary, duration_min=minutes)


def log_contact(
    session: Session,
    user: CurrentUser,
    entry: ContactEntry,
    *,
    today: date,
    submission_key: str | None = None,
    confirm_duplicate: bool = False,
) -> saving.Saved:
    """Save one communication (a call, a message, a 家访 …)."""
    if seen := saving.saved_before(session, Communication, submission_key):
        return seen
    school_class = rules.require_class_write(session, user, entry.class_id, "登记沟通记录", action=Action.WRITE_CONTACT)
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
            raise rules.LikelyDuplicate(
                similar, "同一天已有一条相同学生、相同方式、同一登记人的沟通记录。确定要再记一条吗？"
            )
    record = Communication(
        school_id=school_class.school_id,
        staff_id=user.staff_id,
        **saving.as_entered(entry, *_AS_ENTERED),
        **saving.origin(user, submission_key),
    )
    saved = saving.insert_once(session, user, record, submission_key)
    if saved.created:
        saving.refresh_part(
            session, "communication", school_class.school_id, [record.contact_date], today, [record.class_id]
        )
    return saved


def update_contact(session: Session, user: CurrentUser, record_id: int, entry: ContactEntry, *, today: date) -> None:
    """Correct a communication record; the class may change only to another class the user may write for."""
    record = saving.record_for_change(session, user, "communication", record_id, "修改")
    assert isinstance(record, Communication)  # the kind's model
    school_class = rules.require_class_write(session, user, entry.class_id, "修改沟通记录", action=Action.WRITE_CONTACT)
    entry = _check_contact(session, school_class.school_id, entry, today)
    before = rules.as_dict(record)
    old_day, old_class = record.contact_date, record.class_id
    for name in _AS_ENTERED:
        setattr(record, name, getattr(entry, name))
    session.flush()
    rules.audit(session, user, "update", "communication", record.id, before=before, after=rules.as_dict(record))
    classes = sorted({old_class, record.class_id})
    saving.refresh_part(session, "communication", record.school_id, [old_day, record.contact_date], today, classes)
