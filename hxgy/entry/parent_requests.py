"""家长诉求: saving a request from parents, and the school's reply; the rules are hxgy.entry.checks'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry import checks, rules, saving
from hxgy.metrics import stats
from hxgy.models import ParentRequest
from hxgy.rights import Action

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
) -> saving.Saved:
    """Save a parent request; without a class it is school-wide (only school-wide roles may enter those)."""
    if seen := saving.saved_before(session, ParentRequest, submission_key):
        return seen
    if entry.class_id is not None:
        school_id = rules.require_class_write(
            session, user, entry.class_id, "登记家长诉求", action=Action.WRITE_REQUEST
        ).school_id
    elif user.school_id is not None and rights.may(session, user, Action.WRITE_REQUEST):
        school_id = user.school_id
    else:
        raise rules.refuse(session, user, "登记不指定班级的家长诉求")
    problems = rules.Problems()
    received = entry.received_at.date() if entry.received_at else None
    term = rules.check_day(session, problems, school_id, received, today, "收到时间")
    rules.check_class_term(session, problems, entry.class_id, term)
    rules.check_category(session, problems, school_id, "request_channel", entry.channel_id, "反映渠道")
    if entry.category_id is not None:
        rules.check_category(session, problems, school_id, "request_category", entry.category_id, "诉求类别")
    content = rules.check_text(problems, entry.content, "诉求内容", required=True)
    reply = rules.check_text(problems, entry.reply, "答复内容")
    _check_reply_time(problems, entry.received_at, entry.replied_at, today)
    saving.checked(problems, "答复内容", checks.time_without_reply, entry.replied_at, reply)
    saving.checked(problems, "答复时间", checks.reply_without_time, entry.replied_at, reply)
    problems.raise_if_any()
    record = ParentRequest(
        school_id=school_id,
        content=content,
        reply=reply,
        **saving.as_entered(entry, "class_id", "channel_id", "category_id", "received_at", "replied_at"),
        handled_by=user.staff_id if entry.replied_at else None,
        **saving.origin(user, submission_key),
    )
    saved = saving.insert_once(session, user, record, submission_key)
    stats.mark_terms_on(session, school_id=school_id, days=[received] if received else [])
    return saved


def _check_reply_time(
    problems: rules.Problems, received: datetime | None, replied: datetime | None, today: date
) -> None:
    saving.checked(problems, "答复时间", checks.reply_time, received, replied, today)


def reply_to_request(
    session: Session, user: CurrentUser, request_id: int, *, reply: str, replied_at: datetime, today: date
) -> None:
    """Record the school's reply to a request."""
    request = session.get(ParentRequest, request_id)
    if request is None or request.deleted_at is not None or request.school_id != user.school_id:
        raise rules.refuse(session, user, f"答复家长诉求 {request_id}")
    if request.class_id is not None:
        rules.require_class_write(session, user, request.class_id, "答复家长诉求", action=Action.WRITE_REQUEST)
    elif not rights.may(session, user, Action.WRITE_REQUEST):
        raise rules.refuse(session, user, "答复不指定班级的家长诉求")
    problems = rules.Problems()
    text = rules.check_text(problems, reply, "答复内容", required=True)
    _check_reply_time(problems, request.received_at, replied_at, today)
    problems.raise_if_any()
    before = rules.as_dict(request)
    request.reply, request.replied_at, request.handled_by = text, replied_at, user.staff_id
    session.flush()
    rules.audit(session, user, "update", "parent_request", request.id, before=before, after=rules.as_dict(request))
    stats.mark_terms_on(session, school_id=request.school_id, days=[request.received_at.date()])
