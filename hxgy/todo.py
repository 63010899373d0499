"""待办: what is due for a user, the one place that says it (the 待办 page and python -m hxgy notify read it).

Plain reads over a Session (no Streamlit), returning ``TodoItem``s, most urgent first:

- ``request``: a parent request (家长诉求) not answered yet, due the school's reply limit after it came
  (``School.response_limit_hours``); ``overdue`` once past it (the rule of hxgy.metrics.communication.request_status);
- ``not_contacted`` / ``not_visited``: a family of the class nobody has contacted this term, or contacted but not
  visited (家访) yet — hxgy.metrics.communication.students_not_reached over the term today's records count for;
  ``group_text`` says how far the class is behind the on-pace target of its coverage (hxgy.metrics.judging);
- ``moral_grid``: a class whose 德育 teacher grid of the current term is not complete (completion as
  hxgy.metrics.moral.completion_by_class counts it), from ``MORAL_NEAR_DAYS`` days before the term ends;
- ``volunteer_confirm``: a volunteer record waiting for confirmation by this user (rights.Action.CONFIRM_VOLUNTEERING).

``items_for``: the classes the user teaches this school year (rights "my classes"); a role that sees every class
(principal, dean, admin) gets the whole school, as ``school_items``. Each item disappears once the work is done,
because each is read from the records the entry functions write. ``title`` may name a child; ``group_text`` is a
class aggregate with no name, for group messages.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.formats import mask_phone
from hxgy.metrics import communication, judging, moral
from hxgy.metrics.communication import request_status
from hxgy.metrics.roster import ClassFilter, students_by_class
from hxgy.models import (
    HOME_VISIT_CODE,
    Category,
    ClassAssignment,
    Enrolment,
    Guardian,
    ParentRequest,
    School,
    SchoolClass,
    Staff,
    Student,
    Term,
    VolunteerRecord,
)
from hxgy.models.people import HEAD_TEACHER
from hxgy.rights import Action
from hxgy.terms import HolidayRefused, Period, counting_term, current_term, midnight, term_period

KINDS = ("request", "not_contacted", "not_visited", "moral_grid", "volunteer_confirm")
KIND_LABELS = {
    "request": "家长诉求待答复",
    "not_contacted": "尚未沟通的家庭",
    "not_visited": "已沟通、尚未家访的家庭",
    "moral_grid": "德育评分未完成",
    "volunteer_confirm": "志愿时长待确认",
}
MORAL_NEAR_DAYS = 21  # the last three weeks of a term: an incomplete 德育 grid becomes a 待办
# the order of the list: overdue requests, then requests by time left, then grids near term end, families, hours
_RANK = {"request_overdue": 0, "request": 1, "moral_grid": 2, "not_contacted": 3, "not_visited": 4}
_RANK_VOLUNTEER = 5
_NEVER = float("inf")


@dataclass(frozen=True)
class TodoItem:
    """One thing due. ``title`` may name a child (only for those who may see names); ``group_text`` never does."""

    kind: str  # one of KINDS
    class_id: int | None  # None: a request not tied to a class (全校)
    class_name: str
    student_id: int | None
    title: str  # Chinese, the row's first line: 王小明（S0001）, 三(2)班 德育评分（教师评）, a request's topic
    group_text: str  # Chinese, class aggregate only, no name: 三(2)班：尚未家访 12 户，按进度还差 5 户
    due: datetime | None  # when it should be done (a request's limit, the term's end), None: no date
    overdue: bool
    urgency: tuple[int, float, int]  # sortable, smallest first: (rank of the kind, due as a timestamp, a tie-break)
    record_id: int | None = None  # the parent request or the volunteer record
    detail: str = ""  # a second line: what the record is (渠道, 志愿项目 …), no name of a guardian
    time_left: str = ""  # a request's time before its limit: 剩 5 小时, 已超时 1 天 3 小时
    guardian_name: str = ""  # the family's primary guardian (family items), for those who may see names
    guardian_phone: str = ""  # their phone, masked (formats.mask_phone)
    teacher: str = ""  # the class's 班主任 (the school view groups by class and teacher)


@dataclass(frozen=True)
class _Classes:
    """The classes in view and what is known of each: name, 班主任."""

    school_id: int
    ids: tuple[int, ...]
    names: dict[int, str]
    teachers: dict[int, str]


def _stamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else _NEVER


def _term_end(term: Term) -> datetime:
    """Midnight after the term's last day: the moment its work is due."""
    return midnight(term.end_date + timedelta(days=1))


def hours_left_text(due: datetime, now: datetime) -> str:
    """剩 5 小时 / 剩 2 天 3 小时 / 已超时 4 小时 / 已超时 1 天 2 小时: the time before (or past) ``due``."""
    seconds = (due - now).total_seconds()
    hours = math.floor(abs(seconds) / 3600) if seconds < 0 else math.ceil(seconds / 3600)
    days, rest = divmod(hours, 24)
    span = (f"{days} 天" + (f" {rest} 小时" if rest else "")) if days else f"{max(hours, 1)} 小时"
    return f"已超时 {span}" if seconds < 0 else f"剩 {span}"


# ---- which classes ----------------------------------------------------------------------------------


def _class_info(session: Session, school_id: int, ids: Iterable[int]) -> _Classes:
    ids = tuple(sorted(set(ids)))
    names: dict[int, str] = {}
    if ids:
        rows = session.execute(
            select(SchoolClass.id, SchoolClass.name)
            .where(SchoolClass.id.in_(ids), SchoolClass.school_id == school_id)
            .order_by(SchoolClass.grade_level, SchoolClass.class_no)
        ).all()
        names = {cid: name for cid, name in rows}
    teachers: dict[int, list[str]] = {}
    if names:
        heads = session.execute(
            select(ClassAssignment.class_id, Staff.name)
            .join(Staff, Staff.id == ClassAssignment.staff_id)
            .where(ClassAssignment.class_id.in_(list(names)), ClassAssignment.role == HEAD_TEACHER)
            .order_by(ClassAssignment.class_id, Staff.staff_no)
        ).all()
        for cid, name in heads:
            teachers.setdefault(cid, []).append(name)
    return _Classes(school_id, tuple(names), names, {cid: "、".join(t) for cid, t in teachers.items()})


def _year_classes(session: Session, school_id: int, school_year_id: int) -> list[int]:
    stmt = select(SchoolClass.id).where(
        SchoolClass.school_id == school_id, SchoolClass.school_year_id == school_year_id
    )
    return list(session.scalars(stmt))


def _in_year(session: Session, classes: _Classes, term: Term) -> tuple[int, ...]:
    """The classes in view that belong to the term's school year."""
    of_year = set(_year_classes(session, classes.school_id, term.school_year_id))
    return tuple(c for c in classes.ids if c in of_year)


def _records_term(session: Session, school_id: int, today: date) -> Term | None:
    """The term a contact saved today counts for (a 暑期家访 counts for the autumn term), else the latest begun."""
    try:
        return counting_term(session, school_id=school_id, day=today)
    except HolidayRefused:
        return current_term(session, school_id=school_id, today=today)


def _year_day(term: Term, today: date) -> date:
    """The day whose school year gives "my classes" for a term: today within it, else its first day."""
    return today if term.start_date <= today <= term.end_date else term.start_date


# ---- families not reached -----------------------------------------------------------------------------


def _on_pace(goals: dict[str, float], key: str, period: Period, today: date, term: Term) -> float | None:
    """The coverage target for today (judging.goal_now); 0 before the term has begun."""
    if today < term.start_date:
        return 0.0 if key in goals else None
    return judging.goal_now(goals, key, period)


def _behind_text(class_name: str, what: str, done: int, students: int, target: float | None, missing: int) -> str:
    """三(2)班：家访 28/40 户（70.0%），按进度应达 80.0%，还差 4 户；尚未家访 12 户."""
    share = f"{done / students:.1%}" if students else "无学生"
    text = f"{class_name}：{what} {done}/{students} 户（{share}）"
    if target is not None:
        needed = math.ceil(target * students - 1e-9)
        behind = max(0, needed - done)
        text += f"，按进度应达 {target:.1%}，" + (f"还差 {behind} 户" if behind else "已达进度")
    return text + f"；尚未{what} {missing} 户"


def _family_items(
    session: Session, classes: _Classes, today: date, *, with_names: frozenset[int] | None
) -> list[TodoItem]:
    term = _records_term(session, classes.school_id, today)
    if term is None or not classes.ids:
        return []
    period = term_period(term, today)
    in_year = _in_year(session, classes, term)
    if not in_year:
        return []
    view = ClassFilter(classes.school_id, class_ids=in_year)
    not_visited = communication.students_not_reached(session, period, view, home_visit=True)
    if not_visited.empty:
        return []
    not_contacted = set(communication.students_not_reached(session, period, view)["student_id"].astype(int))
    reached = communication.communication_by_class(session, period, view).fillna(0)
    sizes = dict(students_by_class(session, period, view).itertuples(index=False, name=None))
    contacted = {int(r.class_id): int(r.contacted_students) for r in reached.itertuples(index=False)}
    visited = {int(r.class_id): int(r.visited_students) for r in reached.itertuples(index=False)}
    goals = judging.targets(session, term_id=term.id)
    contact_goal = _on_pace(goals, "contact_coverage", period, today, term)
    visit_goal = _on_pace(goals, "home_visit_coverage", period, today, term)
    phones = _primary_phones(session, [int(s) for s in not_visited["student_id"]])
    due = _term_end(term)
    missing_contact: dict[int, int] = {}
    missing_visit: dict[int, int] = {}
    for row in not_visited.itertuples(index=False):
        missing_visit[int(row.class_id)] = missing_visit.get(int(row.class_id), 0) + 1
        if int(row.student_id) in not_contacted:
            missing_contact[int(row.class_id)] = missing_contact.get(int(row.class_id), 0) + 1
    group: dict[tuple[str, int], str] = {}
    for cid in in_year:
        name, size = classes.names[cid], int(sizes.get(cid, 0))
        group["not_contacted", cid] = _behind_text(
            name, "沟通", contacted.get(cid, 0), size, contact_goal, missing_contact.get(cid, 0)
        )
        group["not_visited", cid] = _behind_text(
            name, "家访", visited.get(cid, 0), size, visit_goal, missing_visit.get(cid, 0)
        )
    gone = _left_before(session, in_year, min(today, period.last_day))
    items = []
    for order, row in enumerate(not_visited.itertuples(index=False)):
        cid, sid = int(row.class_id), int(row.student_id)
        if (sid, cid) in gone:  # left the class (转出, 登记离校): counted in the term's figures, nothing to do
            continue
        kind = "not_contacted" if sid in not_contacted else "not_visited"
        named = with_names is None or cid in with_names
        items.append(
            TodoItem(
                kind=kind,
                class_id=cid,
                class_name=classes.names[cid],
                student_id=sid,
                title=f"{row.student_name}（{row.student_no}）" if named else f"学号 {row.student_no}",
                group_text=group[kind, cid],
                due=due,
                overdue=today > term.end_date,
                urgency=(_RANK[kind], _stamp(due), order),
                detail="本学期尚未沟通" if kind == "not_contacted" else "本学期已沟通，尚未家访",
                guardian_name=(row.guardian_name or "") if named else "",
                guardian_phone=mask_phone(phones.get(sid, "")) if named else "",
                teacher=classes.teachers.get(cid, ""),
            )
        )
    return items


def _left_before(session: Session, class_ids: Iterable[int], day: date) -> set[tuple[int, int]]:
    """(student, class) of the students whose time in the class ended before ``day``: still "students of the class"
    for the term's coverage (PRODUCT.md), but no family to contact or visit for it any more."""
    rows = session.execute(
        select(Enrolment.student_id, Enrolment.class_id).where(
            Enrolment.class_id.in_(list(class_ids)), Enrolment.end_date.is_not(None), Enrolment.end_date < day
        )
    )
    return {(int(s), int(c)) for s, c in rows}


def home_visit_channel(session: Session, school_id: int) -> int | None:
    """The id of the school's 家访 channel (the one 家访覆盖率 counts), for the form 待办 opens."""
    return session.scalar(
        select(Category.id).where(
            Category.school_id == school_id, Category.kind == "channel", Category.code == HOME_VISIT_CODE
        )
    )


def _primary_phones(session: Session, student_ids: list[int]) -> dict[int, str]:
    """student id → the phone of the family's primary guardian (the one students_not_reached names)."""
    if not student_ids:
        return {}
    rows = session.execute(
        select(Student.id, Guardian.name, Guardian.phone)
        .join(Guardian, Guardian.family_id == Student.family_id)
        .where(Student.id.in_(student_ids), Guardian.is_primary.is_(True))
        .order_by(Student.id, Guardian.name)
    ).all()
    phones: dict[int, str] = {}
    for sid, _name, phone in rows:
        phones.setdefault(sid, phone or "")  # min(name) in students_not_reached: the first by name
    return phones


# ---- requests ---------------------------------------------------------------------------------------------


def _request_items(session: Session, classes: _Classes, now: datetime, *, whole_school: bool) -> list[TodoItem]:
    limit = session.scalar(select(School.response_limit_hours).where(School.id == classes.school_id))
    if limit is None:
        return []
    channel = Category.__table__.alias("channel")
    topic = Category.__table__.alias("topic")
    status = request_status(School.response_limit_hours, now)
    stmt = (
        select(
            ParentRequest.id, ParentRequest.class_id, ParentRequest.received_at, channel.c.name, topic.c.name, status
        )
        .join(School, School.id == ParentRequest.school_id)
        .join(channel, channel.c.id == ParentRequest.channel_id)
        .outerjoin(topic, topic.c.id == ParentRequest.category_id)
        .where(
            ParentRequest.school_id == classes.school_id,
            ParentRequest.deleted_at.is_(None),
            ParentRequest.replied_at.is_(None),
        )
        .order_by(ParentRequest.received_at, ParentRequest.id)
    )
    in_classes = ParentRequest.class_id.in_(classes.ids)
    stmt = stmt.where(in_classes | ParentRequest.class_id.is_(None)) if whole_school else stmt.where(in_classes)
    rows = session.execute(stmt).all()
    waiting: dict[int | None, list[bool]] = {}
    for _rid, cid, _received, _channel, _topic, state in rows:
        waiting.setdefault(cid, []).append(state == "overdue")
    items = []
    for rid, cid, received, channel_name, topic_name, state in rows:
        due = received + timedelta(hours=limit)
        overdue = state == "overdue"
        class_name = classes.names.get(cid, "全校") if cid is not None else "全校"
        late = sum(waiting[cid])
        group_text = f"{class_name}：家长诉求待答复 {len(waiting[cid])} 件" + (
            f"，其中已超时 {late} 件" if late else ""
        )
        items.append(
            TodoItem(
                kind="request",
                class_id=cid,
                class_name=class_name,
                student_id=None,
                title=f"{class_name} 家长诉求" + (f"（{topic_name}）" if topic_name else ""),
                group_text=group_text,
                due=due,
                overdue=overdue,
                urgency=(_RANK["request_overdue" if overdue else "request"], _stamp(due), rid),
                record_id=rid,
                detail=f"{received:%m-%d %H:%M} 经{channel_name}收到",
                time_left=hours_left_text(due, now),
                teacher=classes.teachers.get(cid, "") if cid is not None else "",
            )
        )
    return items


# ---- 德育 grids --------------------------------------------------------------------------------------------


def _moral_items(session: Session, classes: _Classes, today: date) -> list[TodoItem]:
    term = current_term(session, school_id=classes.school_id, today=today)
    if term is None or today < term.start_date or (term.end_date - today).days >= MORAL_NEAR_DAYS:
        return []
    in_year = _in_year(session, classes, term)
    if not in_year:
        return []
    scheme = moral.moral_scheme(session, school_id=classes.school_id)
    period = term_period(term, today)
    view = ClassFilter(classes.school_id, class_ids=in_year)
    scored = dict(moral.completion_by_class(session, scheme, period, view).itertuples(index=False, name=None))
    sizes = dict(students_by_class(session, period, view).itertuples(index=False, name=None))
    rater = next((name for _id, code, name, _w in scheme.raters if code == moral.TEACHER_RATER), "教师评")
    due = _term_end(term)
    left = (term.end_date - today).days + 1
    items = []
    for cid in in_year:
        size, done = int(sizes.get(cid, 0)), int(scored.get(cid, 0))
        if size == 0 or done >= size:
            continue
        name = classes.names[cid]
        text = f"{name}：德育评分（{rater}）完成 {done}/{size} 人，还差 {size - done} 人"
        items.append(
            TodoItem(
                kind="moral_grid",
                class_id=cid,
                class_name=name,
                student_id=None,
                title=f"{name} 德育评分（{rater}）",
                group_text=text,
                due=due,
                overdue=today > term.end_date,
                urgency=(_RANK["moral_grid"], _stamp(due), cid),
                detail=f"完成 {done}/{size} 人 · "
                + (f"{term.name}已结束" if today > term.end_date else f"距学期结束还有 {left} 天"),
                teacher=classes.teachers.get(cid, ""),
            )
        )
    return items


# ---- volunteer hours to confirm ------------------------------------------------------------------------------


def _volunteer_items(session: Session, classes: _Classes, confirm_in: frozenset[int] | None) -> list[TodoItem]:
    ids = [c for c in classes.ids if confirm_in is None or c in confirm_in]
    if not ids:
        return []
    activity = Category.__table__.alias("activity")
    rows = session.execute(
        select(
            VolunteerRecord.id,
            VolunteerRecord.class_id,
            VolunteerRecord.service_date,
            VolunteerRecord.hours,
            activity.c.name,
        )
        .join(activity, activity.c.id == VolunteerRecord.activity_id)
        .where(
            VolunteerRecord.school_id == classes.school_id,
            VolunteerRecord.class_id.in_(ids),
            VolunteerRecord.deleted_at.is_(None),
            VolunteerRecord.confirmed_at.is_(None),
        )
        .order_by(VolunteerRecord.service_date, VolunteerRecord.id)
    ).all()
    count: dict[int, int] = {}
    for _rid, cid, *_rest in rows:
        count[cid] = count.get(cid, 0) + 1
    return [
        TodoItem(
            kind="volunteer_confirm",
            class_id=cid,
            class_name=classes.names[cid],
            student_id=None,
            title=f"{classes.names[cid]} {activity_name} {hours:g} 小时",
            group_text=f"{classes.names[cid]}：志愿时长待确认 {count[cid]} 条",
            due=None,
            overdue=False,
            urgency=(_RANK_VOLUNTEER, _stamp(midnight(day)), rid),
            record_id=rid,
            detail=f"服务日期 {day:%Y-%m-%d}",
            teacher=classes.teachers.get(cid, ""),
        )
        for rid, cid, day, hours, activity_name in rows
    ]


# ---- the lists --------------------------------------------------------------------------------------------


def _collect(
    session: Session,
    classes: _Classes,
    now: datetime,
    *,
    whole_school: bool,
    confirm_in: frozenset[int] | None,
    with_names: frozenset[int] | None,
) -> list[TodoItem]:
    today = now.date()
    items = [
        *_request_items(session, classes, now, whole_school=whole_school),
        *_moral_items(session, classes, today),
        *_family_items(session, classes, today, with_names=with_names),
        *_volunteer_items(session, classes, confirm_in),
    ]
    return sorted(items, key=lambda item: item.urgency)


def _school_year_classes(session: Session, school_id: int, today: date) -> list[int]:
    """Every class of the school year the forms work in (that of the term today's records count for)."""
    term = _records_term(session, school_id, today)
    if term is None:
        return []
    return _year_classes(session, school_id, term.school_year_id)


def school_items(session: Session, school_id: int, *, now: datetime) -> list[TodoItem]:
    """Everything due in the school (the principal's and the dean's 待办), most urgent first.

    Every class of the current school year, requests not tied to a class, every unconfirmed volunteer record.
    """
    classes = _class_info(session, school_id, _school_year_classes(session, school_id, now.date()))
    return _collect(session, classes, now, whole_school=True, confirm_in=None, with_names=None)


def items_for(session: Session, user: CurrentUser, *, now: datetime) -> list[TodoItem]:
    """What is due for the user, most urgent first: the classes they teach this school year (rights "my classes").

    A role that may see the names of every class (principal, dean, admin) gets the whole school (school_items);
    a role that may see none (meeting screen, district) gets nothing. Volunteer records are those the user may
    confirm (a 班主任's own classes).
    """
    if user.school_id is None or not rights.can(user.role, Action.VIEW_NAMES):
        return []
    today = now.date()
    if rights.school_wide(user.role, Action.VIEW_NAMES):
        return school_items(session, user.school_id, now=now)
    term = _records_term(session, user.school_id, today)
    if term is None:
        return []
    day = _year_day(term, today)
    mine = rights.my_class_ids(session, staff_id=user.staff_id, on_day=day)
    classes = _class_info(session, user.school_id, mine)
    names = rights.class_scope(session, user, Action.VIEW_NAMES, on_day=day)
    confirm = rights.class_scope(session, user, Action.CONFIRM_VOLUNTEERING, on_day=day)
    return _collect(session, classes, now, whole_school=False, confirm_in=confirm, with_names=names)


def group_lines(items: Iterable[TodoItem]) -> list[str]:
    """One line per class and kind, class aggregates only (no name): what a group message may carry."""
    return list(dict.fromkeys(item.group_text for item in items))


def counts(items: Iterable[TodoItem]) -> dict[str, int]:
    """How many items of each kind (every kind listed, 0 when none)."""
    found = dict.fromkeys(KINDS, 0)
    for item in items:
        found[item.kind] += 1
    return found
