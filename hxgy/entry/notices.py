"""通知登记: a notice sent to families, recorded once with its reach (the whole school, some grades or some classes).

A notice is not a class contact: it never changes the 家校沟通 figures (docs/measures.md); the report and
家校沟通 count notices apart (hxgy.metrics.community.notices).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry import rules, saving
from hxgy.models import Notice, NoticeClass, SchoolClass
from hxgy.models.base import utcnow
from hxgy.rights import Action

REACHES = {"school": "全校", "grades": "部分年级", "classes": "部分班级"}
TITLE_CHARS = 200


@dataclass
class NoticeEntry:
    """A notice as entered: its reach is ``reach`` ("school", "grades" with ``grades``, "classes" with ``class_ids``),
    the classes of the school year the notice's date counts for."""

    notice_date: date | None
    title: str
    channel_id: int | None
    content: str = ""
    reach: str = "school"
    grades: tuple[int, ...] = field(default_factory=tuple)
    class_ids: tuple[int, ...] = field(default_factory=tuple)


def _check(
    session: Session, user: CurrentUser, entry: NoticeEntry, today: date, what: str
) -> tuple[NoticeEntry, list[int]]:
    """The entry as stored and the classes it reaches; refused (audit log) when the user may not send it that far."""
    if user.school_id is None or not rights.can(user.role, Action.WRITE_ACTIVITY):
        raise rules.refuse(session, user, what)
    school_id = user.school_id
    problems = rules.Problems()
    term = rules.check_day(session, problems, school_id, entry.notice_date, today, "通知日期")
    title = rules.check_text(problems, entry.title, "标题", required=True)
    if len(title) > TITLE_CHARS:
        problems.add("标题", f"不能超过 {TITLE_CHARS} 个字")
    rules.check_category(session, problems, school_id, "channel", entry.channel_id, "发送渠道")
    content = rules.check_text(problems, entry.content, "内容")
    classes: list[int] = []
    if entry.reach not in REACHES:
        problems.add("范围", "只能是全校、部分年级或部分班级")
    elif term is not None:
        of_year = select(SchoolClass.id, SchoolClass.grade_level).where(
            SchoolClass.school_id == school_id, SchoolClass.school_year_id == term.school_year_id
        )
        year_classes = {int(c): int(g) for c, g in session.execute(of_year)}
        if entry.reach == "school":
            classes = sorted(year_classes)
        elif entry.reach == "grades":
            if not entry.grades:
                problems.add("年级", "请选择至少一个年级")
            missing = [g for g in entry.grades if g not in set(year_classes.values())]
            if missing:
                problems.add("年级", f"{term.name}没有所选的年级")
            classes = sorted(c for c, g in year_classes.items() if g in entry.grades)
        else:
            if not entry.class_ids:
                problems.add("班级", "请选择至少一个班级")
            if any(c not in year_classes for c in entry.class_ids):
                problems.add("班级", f"这一天的通知计入{term.name}，请选择该学年的班级")
            classes = sorted(set(entry.class_ids))
        if not classes and entry.reach == "school":
            problems.add("范围", f"{term.name}还没有班级")
    problems.raise_if_any()
    if entry.reach != "classes" and not rights.may(session, user, Action.WRITE_ACTIVITY):
        raise rules.refuse(session, user, f"{what}（发给全校或整个年级）")
    for class_id in classes:
        if not rights.may(session, user, Action.WRITE_ACTIVITY, class_id, on_day=entry.notice_date):
            name = session.scalar(select(SchoolClass.name).where(SchoolClass.id == class_id))
            raise rules.refuse(session, user, f"{what}（{name}不是您的班级）")
    stored = NoticeEntry(
        entry.notice_date, title, entry.channel_id, content, entry.reach, entry.grades, entry.class_ids
    )
    return stored, classes


def _set_reach(session: Session, notice_id: int, classes: list[int]) -> None:
    session.execute(delete(NoticeClass).where(NoticeClass.notice_id == notice_id))
    session.add_all(NoticeClass(notice_id=notice_id, class_id=c) for c in classes)
    session.flush()


def _reach_of(session: Session, notice_id: int) -> list[int]:
    return sorted(session.scalars(select(NoticeClass.class_id).where(NoticeClass.notice_id == notice_id)))


def _snapshot(session: Session, notice: Notice) -> dict[str, object]:
    return {**rules.as_dict(notice), "class_ids": _reach_of(session, notice.id)}


def record_notice(
    session: Session, user: CurrentUser, entry: NoticeEntry, *, today: date, submission_key: str | None = None
) -> saving.Saved:
    """Save a notice and its reach; the same submission (a double click) saves it once."""
    if submission_key:
        seen = session.scalar(select(Notice.id).where(Notice.submission_key == submission_key))
        if seen is not None:
            return saving.Saved(seen, False)
    entry, classes = _check(session, user, entry, today, "登记通知")
    assert user.school_id is not None and entry.notice_date is not None  # checked
    notice = Notice(
        school_id=user.school_id,
        notice_date=entry.notice_date,
        title=entry.title,
        channel_id=entry.channel_id,
        content=entry.content,
        **saving.origin(user, submission_key),
    )
    session.add(notice)
    session.flush()
    _set_reach(session, notice.id, classes)
    rules.audit(session, user, "create", "notice", notice.id, after=_snapshot(session, notice))
    return saving.Saved(notice.id, True)


def _notice_to_change(session: Session, user: CurrentUser, notice_id: int, what: str) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None or notice.school_id != user.school_id or notice.deleted_at is not None:
        raise rules.refuse(session, user, f"{what}通知 {notice_id}")
    for class_id in _reach_of(session, notice_id):
        if not rights.may(session, user, Action.WRITE_ACTIVITY, class_id, on_day=notice.notice_date):
            raise rules.refuse(session, user, f"{what}通知 {notice_id}（发给了您的班级以外）")
    return notice


def update_notice(session: Session, user: CurrentUser, notice_id: int, entry: NoticeEntry, *, today: date) -> None:
    """Correct a notice and its reach."""
    notice = _notice_to_change(session, user, notice_id, "修改")
    entry, classes = _check(session, user, entry, today, "修改通知")
    before = _snapshot(session, notice)
    assert entry.notice_date is not None  # checked
    notice.notice_date, notice.title = entry.notice_date, entry.title
    notice.channel_id, notice.content = entry.channel_id, entry.content
    notice.updated_at = utcnow()
    session.flush()
    _set_reach(session, notice.id, classes)
    rules.audit(session, user, "update", "notice", notice.id, before=before, after=_snapshot(session, notice))


def delete_notice(session: Session, user: CurrentUser, notice_id: int) -> None:
    """Soft-delete a notice: it leaves every count but stays in the database and the log."""
    notice = _notice_to_change(session, user, notice_id, "删除")
    before = _snapshot(session, notice)
    notice.deleted_at = utcnow()
    session.flush()
    rules.audit(session, user, "delete", "notice", notice.id, before=before, after=_snapshot(session, notice))
