"""工作要求 (合规): the school's rules, kept as data (``work_rule``), checked against the records.

A rule is a measure, a group, a period and a threshold a dean edits on 设置 → 工作要求
(defaults: DEFAULT_RULES in db/seed.py):

- ``home_visit``: every student of the class gets at least ``min_count`` 家访 in person (records on a channel marked
  ``in_person``, e.g. 家访; a 视频家访 channel the school leaves unmarked does not count) in the term;
- ``new_student_visit``: the same for the students in their first term at the school (no enrolment before the term);
- ``flag_contact``: every student with ``flag`` (留守儿童, 单亲, 困难家庭) has at least ``min_count`` individual
  contacts (any channel) in every month of the term;
- ``guidance_sessions``: the school holds at least ``min_count`` 家长学校 (guidance) sessions in the term;
- ``guidance_attendance``: each family attends at least ``min_count`` of them;
- ``request_reply``: each home→school request is answered within the school's limit.

Each rule has subjects (students, families, requests or the school itself). A subject has met the rule, failed
it (it can no longer meet it: the term is over, a month went by without a contact, a reply came late), or is
still pending. The rule is met when at least ``share`` % of its subjects have met it, not met once so many have
failed that ``share`` % can no longer be reached (or the term is over without it), and 未到期 (not yet due) while
the term runs and it can still be met. A student counts in the class they were in at the end of the period
(hxgy.metrics.roster), and their contacts count wherever they were made in the period, as for 沟通覆盖率.
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry.rules import audit, refuse
from hxgy.metrics import parent_school, small_groups
from hxgy.metrics.communication import live_contacts, request_status, requests_in
from hxgy.metrics.roster import ClassFilter, period_roster
from hxgy.models import (
    Category,
    Communication,
    Enrolment,
    ParentRequest,
    School,
    SchoolClass,
    SchoolYear,
    Student,
    WorkRule,
)
from hxgy.terms import Period, previous_term

MET, NOT_MET, NOT_DUE, NO_SUBJECTS = "met", "not_met", "not_due", "none"
ON_TRACK = "on_track"  # a subject's state only: not met yet, nothing missed so far
STATUS_LABELS = {MET: "达标", NOT_MET: "未达标", NOT_DUE: "未到期", NO_SUBJECTS: "无需检查"}
FLAG_LABELS = {"left_behind": "留守儿童", "single_parent": "单亲家庭学生", "hardship": "困难家庭学生"}
KIND_LABELS = {
    "home_visit": "全员家访",
    "new_student_visit": "新生家访",
    "flag_contact": "关爱学生联系",
    "guidance_sessions": "家长学校场次",
    "guidance_attendance": "家长学校参与",
    "request_reply": "诉求按时答复",
}
SUBJECT_UNITS = {
    "home_visit": "名学生",
    "new_student_visit": "名新生",
    "flag_contact": "名学生",
    "guidance_sessions": "",
    "guidance_attendance": "户家庭",
    "request_reply": "条诉求",
}
CLASS_RULES = frozenset({"home_visit", "new_student_visit", "flag_contact", "guidance_attendance", "request_reply"})
MIN_MONTH_DAYS = 14  # a month with fewer days in the term is joined to the month next to it


@dataclass(frozen=True)
class Rule:
    """One rule of 工作要求, as the dean set it."""

    id: int
    code: str
    kind: str
    flag: str | None
    min_count: int
    share: float  # %
    enabled: bool

    @property
    def needs_flags(self) -> bool:
        """Whether the rule is about flagged students (shown only to roles that may see flags)."""
        return self.kind == "flag_contact"

    @property
    def per_class(self) -> bool:
        """Whether the rule is judged for each class (else only for the school)."""
        return self.kind in CLASS_RULES

    def text(self, limit_hours: int) -> str:
        """The rule in words: 每名学生每学期上门家访至少 1 次."""
        n, share = self.min_count, _share_text(self.share)
        texts = {
            "home_visit": f"每名学生每学期上门家访至少 {n} 次",
            "new_student_visit": f"新生入校第一学期内上门家访至少 {n} 次",
            "flag_contact": f"{FLAG_LABELS.get(self.flag or '', '关爱学生')}每月至少联系 {n} 次",
            "guidance_sessions": f"每学期至少举办家长学校（家庭教育指导）{n} 场",
            "guidance_attendance": f"每户家庭每学期至少参加家长学校 {n} 场",
            "request_reply": f"家长诉求在 {limit_hours} 小时内答复",
        }
        wanted = "" if self.kind == "guidance_sessions" or self.share >= 100 else f"（{share}以上达到）"
        return texts[self.kind] + wanted

    @property
    def label(self) -> str:
        """A short name: 全员家访, 留守儿童联系 …"""
        if self.kind == "flag_contact":
            return f"{FLAG_LABELS.get(self.flag or '', '关爱学生')}联系"
        return KIND_LABELS[self.kind]


def _share_text(share: float) -> str:
    return f"{share:g}%"


@dataclass(frozen=True)
class Result:
    """A rule judged for one class (``class_id``) or the school (``class_id`` None) over one period."""

    rule: Rule
    class_id: int | None
    status: str
    subjects: int
    met: int
    failed: int
    behind: tuple[int, ...] = ()  # the subjects not met yet: student ids, family ids or request ids
    failed_ids: tuple[int, ...] = ()  # those of them that can no longer meet it
    on_track: int = 0  # not met yet but up to date (关爱学生: contacted in every month so far); not in ``behind``
    note: str = ""

    @property
    def share_met(self) -> float:
        """The share of subjects that met the rule (NaN without subjects)."""
        return self.met / self.subjects if self.subjects else math.nan


@dataclass
class _Tally:
    """Subjects of one rule in one class: their state."""

    met: set[int] = field(default_factory=set)
    failed: set[int] = field(default_factory=set)
    pending: set[int] = field(default_factory=set)  # not met yet, and behind: nothing done for it so far
    on_track: set[int] = field(
        default_factory=set
    )  # not met yet, but up to date (关爱学生: contacted every month so far)

    def add(self, subject: int, state: str) -> None:
        {MET: self.met, NOT_MET: self.failed, NOT_DUE: self.pending, ON_TRACK: self.on_track}[state].add(subject)

    def merge(self, other: _Tally) -> None:
        self.met |= other.met
        self.failed |= other.failed
        self.pending |= other.pending
        self.on_track |= other.on_track

    @property
    def subjects(self) -> int:
        return len(self.met) + len(self.failed) + len(self.pending) + len(self.on_track)


def rules(session: Session, school_id: int, *, enabled_only: bool = True) -> list[Rule]:
    """The school's rules in their order."""
    stmt = select(WorkRule).where(WorkRule.school_id == school_id).order_by(WorkRule.sort_order, WorkRule.id)
    if enabled_only:
        stmt = stmt.where(WorkRule.enabled.is_(True))
    return [Rule(r.id, r.code, r.kind, r.flag, r.min_count, r.share, r.enabled) for r in session.scalars(stmt).all()]


def judge(rule: Rule, tally: _Tally, *, running: bool) -> str:
    """The rule's status from its subjects' states (see the module's docstring)."""
    subjects = tally.subjects
    if subjects == 0:
        return NO_SUBJECTS
    needed = math.ceil(rule.share / 100 * subjects - 1e-9)
    if len(tally.met) >= needed:
        return MET
    if not running or subjects - len(tally.failed) < needed:
        return NOT_MET
    return NOT_DUE


def months(period: Period) -> list[tuple[date, date]]:
    """The months of a term for a monthly rule: calendar months cut to the term, a stub under MIN_MONTH_DAYS days
    joined to its neighbour."""
    last = period.full_end or period.end
    spans: list[tuple[date, date]] = []
    day = period.start
    while day <= last:
        month_end = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
        spans.append((day, min(month_end, last)))
        day = month_end + timedelta(days=1)
    if len(spans) > 1 and (spans[0][1] - spans[0][0]).days + 1 < MIN_MONTH_DAYS:
        spans[1] = (spans[0][0], spans[1][1])
        spans.pop(0)
    if len(spans) > 1 and (spans[-1][1] - spans[-1][0]).days + 1 < MIN_MONTH_DAYS:
        spans[-2] = (spans[-2][0], spans[-1][1])
        spans.pop()
    return spans


def _roster(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """The students of the classes in view with their flags, their first day at the school and the first and last
    day they were at the school within the period (``arrived``, ``left``)."""
    roster = period_roster(period, classes).subquery()
    first_day = select(func.min(Enrolment.start_date)).where(Enrolment.student_id == Student.id).scalar_subquery()
    stmt = select(
        roster.c.student_id,
        roster.c.class_id,
        Student.left_behind,
        Student.single_parent,
        Student.hardship,
        first_day,
    ).join(Student, Student.id == roster.c.student_id)
    columns = ["student_id", "class_id", "left_behind", "single_parent", "hardship", "first_day"]
    frame = pd.DataFrame(session.execute(stmt).all(), columns=columns)
    last_day = func.coalesce(Enrolment.end_date, SchoolYear.end_date)
    spans = session.execute(
        select(Enrolment.student_id, func.min(Enrolment.start_date), func.max(last_day))
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
        .where(
            SchoolClass.school_id == classes.school_id,
            Enrolment.start_date <= period.end,
            last_day >= period.start,
            Enrolment.student_id.in_(select(roster.c.student_id)),
        )
        .group_by(Enrolment.student_id)
    ).all()
    here = {int(s): (max(first, period.start), min(last, period.full_end or period.end)) for s, first, last in spans}
    frame["arrived"] = [here.get(int(s), (period.start, period.end))[0] for s in frame["student_id"]]
    frame["left"] = [here.get(int(s), (period.start, period.end))[1] for s in frame["student_id"]]
    return frame


def _staying(roster: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The students who had not left the school before the term's last day (a student who left mid-term is not
    checked by the student rules: they can no longer be visited or followed up)."""
    return roster[roster["left"] >= (period.full_end or period.end)]


def _contacts(session: Session, period: Period, school_id: int, student_ids: Iterable[int]) -> pd.DataFrame:
    """The individual contacts of these students in the period: student_id, contact_date, in_person."""
    ids = list(student_ids)
    if not ids:
        return pd.DataFrame(columns=["student_id", "contact_date", "in_person"])
    stmt = (
        select(Communication.student_id, Communication.contact_date, Category.in_person)
        .join(Category, Category.id == Communication.channel_id)
        .where(live_contacts(period, school_id), Communication.student_id.in_(ids))
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=["student_id", "contact_date", "in_person"])


def _new_students(session: Session, period: Period, roster: pd.DataFrame) -> set[int]:
    """Students in their first term at the school: first enrolled after the previous term ended. In the first
    term on record nobody's earlier terms are known: there the students who entered the school this school year
    (Student.entry_year) are new."""
    if period.term_id is None:
        return set()
    before = previous_term(session, term_id=period.term_id)
    if before is None:
        year = session.get(SchoolYear, period.school_year_id)
        start_year = year.start_year if year is not None else 0
        entered = dict(
            session.execute(
                select(Student.id, Student.entry_year).where(Student.id.in_([int(s) for s in roster["student_id"]]))
            ).all()
        )
        return {int(s) for s in roster["student_id"] if entered.get(int(s), 0) >= start_year}
    start = before.end_date + timedelta(days=1)
    return {int(s) for s, first in zip(roster["student_id"], roster["first_day"], strict=True) if first >= start}


def _visit_tally(rule: Rule, roster: pd.DataFrame, visits: dict[int, int], running: bool) -> dict[int, _Tally]:
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for student, class_id in zip(roster["student_id"], roster["class_id"], strict=True):
        done = visits.get(int(student), 0) >= rule.min_count
        tallies[int(class_id)].add(int(student), MET if done else (NOT_DUE if running else NOT_MET))
    return tallies


def _flag_tally(
    rule: Rule, roster: pd.DataFrame, contacts: pd.DataFrame, period: Period, running: bool
) -> dict[int, _Tally]:
    """Each flagged student's months: those of the term in which they were at the school at least MIN_MONTH_DAYS
    days (a student who came on 20 November is first checked in December). Failed once a month of theirs went by
    without enough contacts; pending while this month still lacks them; on track when every month so far has them."""
    spans = months(period)
    flagged = roster[roster[rule.flag or "left_behind"].astype(bool)]
    per_month: dict[tuple[int, int], int] = defaultdict(int)
    for student, day in zip(contacts["student_id"], contacts["contact_date"], strict=True):
        # a holiday record before the term counts for its first month, one after it for its last
        index = next((i for i, (_, last) in enumerate(spans) if day <= last), len(spans) - 1)
        per_month[(int(student), index)] += 1
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for row in flagged.itertuples(index=False):
        student = int(row.student_id)
        present = [
            i
            for i, (first, last) in enumerate(spans)
            if (min(last, row.left) - max(first, row.arrived)).days + 1 >= min(MIN_MONTH_DAYS, (last - first).days + 1)
        ]
        state = MET
        for index in present:
            last = spans[index][1]
            if per_month[(student, index)] >= rule.min_count:
                continue
            if not running or last < period.end:  # a month over without enough contacts
                state = NOT_MET
                break
            if spans[index][0] <= period.end:  # this month still lacks them
                state = NOT_DUE
            elif state == MET:  # only months to come: nothing missed so far
                state = ON_TRACK
        tallies[int(row.class_id)].add(student, state)
    return tallies


def _attendance_tally(rule: Rule, families: pd.DataFrame, running: bool) -> dict[int, _Tally]:
    """Families of each class (one row per student: a family with two children in a class counts once; a student
    with no family on record has no family to attend, as in hxgy.metrics.parent_school)."""
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for row in families.itertuples(index=False):
        if row.family_id is None or pd.isna(row.family_id):
            continue
        family = int(row.family_id)
        done = int(row.sessions) >= rule.min_count
        tallies[int(row.class_id)].add(family, MET if done else (NOT_DUE if running else NOT_MET))
    return tallies


def _request_tally(session: Session, period: Period, classes: ClassFilter, now: datetime) -> dict[int, _Tally]:
    limit = select(School.response_limit_hours).where(School.id == classes.school_id).scalar_subquery()
    status = request_status(limit, now)
    in_view = classes.ids_in(period)
    condition: ColumnElement[bool] = ParentRequest.class_id.in_(in_view)
    if classes.grade_level is None and classes.class_ids is None:
        condition = condition | ParentRequest.class_id.is_(None)
    rows = session.execute(
        select(ParentRequest.id, ParentRequest.class_id, status).where(
            requests_in(period, classes.school_id), condition
        )
    ).all()
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for request_id, class_id, state in rows:
        if state == "pending":
            continue  # not due yet: it counts once answered or once its limit passes
        tallies[-1 if class_id is None else int(class_id)].add(int(request_id), MET if state == "on_time" else NOT_MET)
    return tallies


def evaluate(
    session: Session, period: Period, classes: ClassFilter, now: datetime, *, only: Iterable[Rule] | None = None
) -> list[Result]:
    """Every enabled rule for each class in view and for the view as a whole (class_id None), over ``period``.

    A rule judged only for the school (家长学校场次) has no class rows. Requests not tied to a class count only
    for the whole school.
    """
    chosen = list(only) if only is not None else rules(session, classes.school_id)
    running = period.in_progress
    roster = _roster(session, period, classes)
    staying = _staying(roster, period)
    class_ids = sorted(
        session.scalars(
            select(SchoolClass.id).where(classes.condition(), SchoolClass.school_year_id == period.school_year_id)
        )
    )
    contacts = _contacts(session, period, classes.school_id, roster["student_id"])
    visits: dict[int, int] = {}
    if not contacts.empty:
        in_person = contacts[contacts["in_person"].astype(bool)]
        visits = {int(k): int(v) for k, v in in_person.groupby("student_id").size().items()}
    results: list[Result] = []
    for rule in chosen:
        tallies: dict[int, _Tally]
        if rule.kind == "home_visit":
            tallies = _visit_tally(rule, staying, visits, running)
        elif rule.kind == "new_student_visit":
            new = _new_students(session, period, staying)
            tallies = _visit_tally(rule, staying[staying["student_id"].isin(new)], visits, running)
        elif rule.kind == "flag_contact":
            tallies = _flag_tally(rule, staying, contacts, period, running)
        elif rule.kind == "guidance_attendance":
            tallies = _attendance_tally(rule, parent_school.family_attendance(session, period, classes), running)
        elif rule.kind == "request_reply":
            tallies = _request_tally(session, period, classes, now)
        else:  # guidance_sessions: the school's own count
            held = parent_school.guidance_sessions(session, period, classes.school_id)
            whole = _Tally()
            whole.add(0, MET if held >= rule.min_count else (NOT_DUE if running else NOT_MET))
            results.append(
                Result(
                    rule,
                    None,
                    judge(rule, whole, running=running),
                    1,
                    len(whole.met),
                    len(whole.failed),
                    note=f"已举办 {held} 场",
                )
            )
            continue
        total = _Tally()
        for class_id in class_ids:
            tally = tallies.get(class_id, _Tally())
            total.merge(tally)
            results.append(_result(rule, class_id, tally, running))
        if -1 in tallies:
            total.merge(tallies[-1])
        results.append(_result(rule, None, total, running))
    return results


def _result(rule: Rule, class_id: int | None, tally: _Tally, running: bool) -> Result:
    behind = tuple(sorted(tally.failed | tally.pending))  # the failed first in behind_list
    return Result(
        rule,
        class_id,
        judge(rule, tally, running=running),
        tally.subjects,
        len(tally.met),
        len(tally.failed),
        behind,
        tuple(sorted(tally.failed)),
        len(tally.on_track),
    )


def school_results(session: Session, school_id: int, period: Period, now: datetime) -> list[Result]:
    """Each enabled rule for the whole school (the 全区 统计表 and the report use these)."""
    return [r for r in evaluate(session, period, ClassFilter(school_id), now) if r.class_id is None]


STUDENT_RULES = frozenset({"home_visit", "new_student_visit", "flag_contact"})
COUNTED_RULES = STUDENT_RULES | {"guidance_attendance", "request_reply"}  # subjects counted one by one
SUBGROUP_RULES = frozenset({"new_student_visit", "flag_contact"})  # subjects: a part of the students only


def too_few(result: Result, *, subgroups_only: bool = False) -> bool:
    """Whether a result counts a group of 1–4 students, families or requests (hxgy.metrics.small_groups), whose
    status is then not told: in the term report any such rule; in the district's 统计表 (which shows each school's
    own figures whatever its size) a rule about a part of the students (new or flagged ones). 合规 shows it to those
    who may see the names behind it."""
    kinds = SUBGROUP_RULES if subgroups_only else COUNTED_RULES
    return result.rule.kind in kinds and result.status != NO_SUBJECTS and small_groups.small(result.subjects)


def visible_classes(session: Session, user: CurrentUser, *, on_day: date) -> frozenset[int] | None:
    """The classes whose 合规 the user may see (None: the whole school; a 班主任: the classes they head)."""
    return rights.class_scope(session, user, rights.Action.VIEW_COMPLIANCE, on_day=on_day)


def behind_list(
    session: Session,
    user: CurrentUser,
    result: Result,
    period: Period,
    classes: ClassFilter,
    where: str,
    *,
    on_day: date,
) -> pd.DataFrame:
    """Who is behind one result of the view ``classes`` (named ``where``: 全校, 三年级, 三(2)班), named, for a user
    allowed to see it; the view is written to the audit log.

    Students (or the children in the view of the families) not meeting the rule, those who can no longer meet it
    first: 班级, 学号, 学生, 状态; requests: 收到时间, 班级, 状态 (requests carry no child's name). Every class of
    the view must be open to the user for 合规 and for names (Action.VIEW_NAMES), for a rule about flagged students
    also for flags (Action.VIEW_FLAGS).
    """
    actions = [rights.Action.VIEW_COMPLIANCE]
    if result.rule.kind != "request_reply":
        actions.append(rights.Action.VIEW_NAMES)
    if result.rule.needs_flags:
        actions.append(rights.Action.VIEW_FLAGS)
    in_view = set(session.scalars(classes.ids_in(period)))
    for action in actions:
        scope = rights.class_scope(session, user, action, on_day=on_day)
        whole = classes.grade_level is None and classes.class_ids is None
        if scope is not None and (whole or not in_view <= scope):
            raise refuse(session, user, f"查看合规名单（{result.rule.label}，{where}）")
    audit(session, user, "view", "work_rule", result.rule.id, detail=f"合规名单：{result.rule.label}（{where}）")
    failed = set(result.failed_ids)
    if result.rule.kind == "request_reply":
        requests = session.execute(
            select(ParentRequest.id, ParentRequest.received_at, SchoolClass.name)
            .outerjoin(SchoolClass, SchoolClass.id == ParentRequest.class_id)
            .where(ParentRequest.id.in_(result.behind))
            .order_by(ParentRequest.received_at)
        ).all()
        return pd.DataFrame(
            [(received, name or "全校", "答复超时") for _, received, name in requests],
            columns=["收到时间", "班级", "状态"],
        )
    roster = period_roster(period, classes).subquery()
    key = Student.id if result.rule.kind in STUDENT_RULES else Student.family_id
    stmt = (
        select(key, SchoolClass.name, Student.student_no, Student.name)
        .join(roster, roster.c.student_id == Student.id)
        .join(SchoolClass, SchoolClass.id == roster.c.class_id)
        .where(key.in_(result.behind))
        .order_by(SchoolClass.grade_level, SchoolClass.class_no, Student.student_no)
    )
    if result.class_id is not None:
        stmt = stmt.where(roster.c.class_id == result.class_id)
    rows = session.execute(stmt).all()
    listed = [
        (subject not in failed, cls, no, name, "未达标" if subject in failed else "待完成")
        for subject, cls, no, name in rows
    ]
    listed.sort(key=lambda row: row[0])  # stable: the failed first, each part by class and 学号
    return pd.DataFrame([row[1:] for row in listed], columns=["班级", "学号", "学生", "状态"])
