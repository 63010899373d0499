"""What is due now, for one school: each a ``Due`` with a unique key, its recipient and how to build its text.

- 待办汇总: each 班主任's own 待办 (hxgy.todo.items_for: names, for them alone) by email, on the school's weekdays from
  its hour on; and one message of class aggregates (hxgy.todo.group_lines: no name) to each group robot;
- 诉求超时提醒: a parent request whose reply limit is at most ``request_hours`` away: one class-aggregate line to each
  robot ("三(2)班有 1 件家长诉求将在 11 小时后超时") and the details by email to the class's 班主任 (a request of no
  class: to the 德育主任);
- 校长周报: on the school's weekday from its hour, the term's 总览 figures against target and the class × measure
  status grid as a PNG (hxgy.report.gather / chart_png: groups under 5 students hidden), by email to the principal,
  and to the robots if the school wants (aggregates only);
- 学期报告: within ``REPORT_DAYS`` days after a term ends, its drafted report (.docx, hxgy.report.build) by email to
  the principal and the 德育主任.

Group robots get class aggregates only, never a child's or a guardian's name; names go only by email to the
individual head teacher. A key names the message, its channel and recipient, and its period (the day, the ISO week,
the term) or record, so a message is due again only in its next period.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from hxgy import db, todo
from hxgy.auth import CurrentUser
from hxgy.glossary import STATUS_LABELS
from hxgy.metrics import judging, measures
from hxgy.models import ClassAssignment, School, Term, UserAccount
from hxgy.models.people import HEAD_TEACHER
from hxgy.notify.channels import CHANNEL_LABELS, Attachment, Outgoing, Robot
from hxgy.notify.setup import Setup
from hxgy.rights import Role
from hxgy.terms import current_term

REPORT_DAYS = 14  # the term report goes out in the first two weeks after the term's last day
MAX_LINES = 30  # lines of one kind in a summary; the rest are counted
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DIGEST_KEYS = (
    "contact_coverage",
    "home_visit_coverage",
    "contacts_per_family",
    "response_on_time",
    "volunteer_hours",
    "volunteer_participation",
    "moral_good_rate",
    "satisfaction",
    "activities",
)
ROBOT_GROUP = "群"


@dataclass(frozen=True)
class Due:
    """One message due: its unique key, kind, channel, recipient (an email address, or the robot's group), a title
    without a child's name (for the log and the command's output), and how to build it (only once it is claimed)."""

    key: str
    kind: str
    channel: str
    recipient: str
    title: str
    build: Callable[[], Outgoing]
    robot: Robot | None = None

    @property
    def to_text(self) -> str:
        """Who it goes to, in Chinese."""
        return f"{CHANNEL_LABELS[self.channel]}{ROBOT_GROUP}" if self.robot else f"邮件 {self.recipient}"


def _user(account: UserAccount) -> CurrentUser:
    return CurrentUser(
        id=account.id,
        username=account.username,
        display_name=account.display_name,
        role=account.role,
        school_id=account.school_id,
        district=account.district,
        staff_id=account.staff_id,
    )


def _accounts(session: Session, school_id: int, roles: Iterable[str]) -> list[UserAccount]:
    """Active accounts of these roles with an email address."""
    return list(
        session.scalars(
            select(UserAccount)
            .where(
                UserAccount.school_id == school_id,
                UserAccount.active.is_(True),
                UserAccount.role.in_(list(roles)),
                UserAccount.email != "",
            )
            .order_by(UserAccount.id)
        )
    )


def _head_teachers(session: Session, school_id: int, class_id: int) -> list[UserAccount]:
    """The accounts (with an email address) of the class's 班主任."""
    return list(
        session.scalars(
            select(UserAccount)
            .join(ClassAssignment, ClassAssignment.staff_id == UserAccount.staff_id)
            .where(
                ClassAssignment.class_id == class_id,
                ClassAssignment.role == HEAD_TEACHER,
                UserAccount.school_id == school_id,
                UserAccount.active.is_(True),
                UserAccount.email != "",
            )
            .order_by(UserAccount.id)
        )
    )


def _fixed(message: Outgoing) -> Callable[[], Outgoing]:
    return lambda: message


def hours_left(due: datetime, now: datetime) -> int:
    """Whole hours before ``due`` (rounded up, at least 1)."""
    return max(1, math.ceil((due - now).total_seconds() / 3600))


# ---- 待办汇总 ---------------------------------------------------------------------------------------------


def summary_text(name: str, items: list[todo.TodoItem], now: datetime) -> str:
    """A head teacher's own 待办, by kind (names of their own classes' families: email to them alone)."""
    lines = [f"{name}老师，您好！截至 {now:%m月%d日 %H:%M}，您的待办共 {len(items)} 项："]
    for kind in todo.KINDS:
        of_kind = [item for item in items if item.kind == kind]
        if not of_kind:
            continue
        lines.append("")
        lines.append(f"【{todo.KIND_LABELS[kind]}】{len(of_kind)} 项")
        for item in of_kind[:MAX_LINES]:
            parts = [item.title, item.detail]
            if item.guardian_name:
                parts.append(f"家长 {item.guardian_name} {item.guardian_phone}".rstrip())
            lines.append(
                "- " + "，".join(p for p in parts if p) + ("（已超时）" if item.overdue and kind == "request" else "")
            )
        if len(of_kind) > MAX_LINES:
            lines.append(f"- ……还有 {len(of_kind) - MAX_LINES} 项")
    lines += ["", "请登录家校社协同育人平台，在“待办”中逐项处理。"]
    return "\n".join(lines)


def _summaries(
    session: Session, setup: Setup, now: datetime, school_items: Callable[[], list[todo.TodoItem]]
) -> list[Due]:
    schedule = setup.schedule
    days = {int(d) for d in schedule.summary_days.split(",") if d.strip()}
    if now.weekday() not in days or now.hour < schedule.summary_hour:
        return []
    day = f"{now:%Y-%m-%d}"
    due: list[Due] = []
    if setup.mailer is not None:
        for account in _accounts(session, setup.school_id, [Role.HEAD_TEACHER]):
            items = todo.items_for(session, _user(account), now=now)
            if not items:
                continue
            title = f"{now.month}月{now.day}日待办汇总：共 {len(items)} 项"
            message = Outgoing(title, summary_text(account.display_name, items, now))
            due.append(
                Due(f"summary:email:u{account.id}:{day}", "summary", "email", account.email, title, _fixed(message))
            )
    if schedule.summary_to_robots and setup.robots:
        lines = todo.group_lines(school_items())
        if lines:
            title = f"{now.month}月{now.day}日各班待办"
            shown = [f"- {line}" for line in lines[: MAX_LINES * 2]]
            if len(lines) > len(shown):
                shown.append(f"- ……还有 {len(lines) - len(shown)} 条")
            text = "\n".join([*shown, "", "请各位班主任登录平台，在“待办”中查看本班明细。"])
            for robot in setup.robots:
                due.append(
                    Due(
                        f"summary:{robot.kind}:school:{day}",
                        "summary",
                        robot.kind,
                        ROBOT_GROUP,
                        title,
                        _fixed(Outgoing(title, text)),
                        robot,
                    )
                )
    return due


# ---- 诉求超时提醒 ------------------------------------------------------------------------------------------


def _requests(
    session: Session, setup: Setup, now: datetime, school_items: Callable[[], list[todo.TodoItem]]
) -> list[Due]:
    hours = setup.schedule.request_hours
    if hours <= 0 or (not setup.robots and setup.mailer is None):
        return []
    near = [
        item
        for item in school_items()
        if item.kind == "request"
        and item.due is not None
        and item.record_id is not None
        and now < item.due <= now + timedelta(hours=hours)
    ]
    due: list[Due] = []
    for item in near:
        assert item.due is not None
        left = hours_left(item.due, now)
        line = f"{item.class_name}有 1 件家长诉求将在 {left} 小时后超时"
        for robot in setup.robots:
            message = Outgoing("家长诉求即将超时", f"{line}，请班主任及时答复。")
            due.append(
                Due(
                    f"request:{robot.kind}:school:r{item.record_id}",
                    "request",
                    robot.kind,
                    ROBOT_GROUP,
                    line,
                    _fixed(message),
                    robot,
                )
            )
        if setup.mailer is None:
            continue
        if item.class_id is not None:
            accounts = _head_teachers(session, setup.school_id, item.class_id)
        else:
            accounts = _accounts(session, setup.school_id, [Role.DEAN])
        for account in accounts:
            title = f"家长诉求将在 {left} 小时后超时（{item.class_name}）"
            text = "\n".join(
                [
                    f"{account.display_name}老师，您好！",
                    f"{item.title}尚未答复，将在 {left} 小时后（{item.due:%m月%d日 %H:%M}）超过学校规定的答复时限。",
                    f"详情：{item.detail}",
                    "",
                    "请登录家校社协同育人平台，在“家长诉求”中答复。",
                ]
            )
            due.append(
                Due(
                    f"request:email:u{account.id}:r{item.record_id}",
                    "request",
                    "email",
                    account.email,
                    title,
                    _fixed(Outgoing(title, text)),
                )
            )
    return due


# ---- 校长周报 ---------------------------------------------------------------------------------------------


def digest_text(fig: object) -> str:
    """The term's figures against target, as on 总览 (aggregates only)."""
    from hxgy.report.figures import ReportFigures
    from hxgy.report.wording import goal_text, value_text

    assert isinstance(fig, ReportFigures)
    lines = [f"{fig.school_name}　{fig.term_name}（截至 {fig.period.end:%m月%d日}）", ""]
    for key in DIGEST_KEYS:
        card = fig.cards.get(key)
        if card is None:
            continue
        if fig.hidden(key):
            lines.append(f"- {measures.label(key)}：人数过少，不显示")
            continue
        goal = ""
        if card.target_now is not None:
            pace = "按进度目标" if fig.period.in_progress and card.target_now != card.target else "目标"
            goal = f"（{pace} {goal_text(key, card.target_now)}，{STATUS_LABELS.get(card.status, card.status)}）"
        lines.append(f"- {measures.label(key)}：{value_text(key, card.value)}{goal}")
    red = judging.below_target(fig.statuses)
    if not red.empty:
        lines += ["", "未达标的班级："]
        for key, names in red.groupby("measure")["class_name"].agg(list).items():
            lines.append(f"- {measures.label(str(key))}：{len(names)} 个班（{'、'.join(names)}）")
    lines += ["", "各班目标达成情况见附图（绿色达标，黄色接近目标，红色未达标）。"]
    return "\n".join(lines)


def _digest(session: Session, setup: Setup, now: datetime, engine: Engine) -> list[Due]:
    schedule = setup.schedule
    if schedule.digest_weekday is None or now.weekday() != schedule.digest_weekday or now.hour < schedule.digest_hour:
        return []
    term = current_term(session, school_id=setup.school_id, today=now.date())
    if term is None or now.date() < term.start_date:
        return []
    year, week, _ = now.isocalendar()
    slot = f"{year}-W{week:02d}"
    title = f"校长周报：{term.name}第 {max(1, (now.date() - term.start_date).days // 7 + 1)} 周"
    school_id, term_id = setup.school_id, term.id

    @functools.cache
    def content() -> Outgoing:
        from hxgy.report import ReportScope, gather  # the report's charts and Word: loaded only when one is due
        from hxgy.report.pictures import chart_png

        with db.read_session(engine) as read:
            fig = gather(
                read, ReportScope(school_id, term_id, now.date(), now.replace(minute=0, second=0, microsecond=0))
            )
        picture = chart_png(fig, "status")
        return Outgoing(
            title,
            digest_text(fig),
            image=picture,
            attachments=(Attachment(f"各班目标达成_{now:%Y%m%d}.png", "image/png", picture),),
        )

    due = [
        Due(f"digest:email:u{account.id}:{slot}", "digest", "email", account.email, title, content)
        for account in (_accounts(session, setup.school_id, [Role.PRINCIPAL]) if setup.mailer else [])
    ]
    if schedule.digest_to_robots:
        due += [
            Due(f"digest:{r.kind}:school:{slot}", "digest", r.kind, ROBOT_GROUP, title, content, r)
            for r in setup.robots
        ]
    return due


# ---- 学期报告 ---------------------------------------------------------------------------------------------


def _term_report(session: Session, setup: Setup, now: datetime, engine: Engine) -> list[Due]:
    if not setup.schedule.term_report or setup.mailer is None:
        return []
    today = now.date()
    ended = session.scalars(
        select(Term)
        .where(
            Term.school_id == setup.school_id,
            Term.end_date < today,
            Term.end_date >= today - timedelta(days=REPORT_DAYS),
        )
        .order_by(Term.end_date.desc())
        .limit(1)
    ).first()
    if ended is None:
        return []
    school_id, term_id = setup.school_id, ended.id
    title = f"{ended.name}家校社协同育人工作报告（初稿）"

    @functools.cache
    def content() -> Outgoing:
        from hxgy.report import ReportScope, build, gather

        with db.read_session(engine) as read:
            fig = gather(read, ReportScope(school_id, term_id, today, now.replace(minute=0, second=0, microsecond=0)))
        report = build(fig)
        text = "\n".join(
            [
                f"{ended.name}已结束，平台根据本学期数据起草了工作报告（Word），见附件。",
                "报告中的数字均可在平台“学期报告”页核对；请补充举措、案例和下学期计划后定稿。",
            ]
        )
        return Outgoing(title, text, attachments=(Attachment(report.file_name, DOCX, report.data),))

    return [
        Due(f"report:email:u{account.id}:t{term_id}", "report", "email", account.email, title, content)
        for account in _accounts(session, setup.school_id, [Role.PRINCIPAL, Role.DEAN])
    ]


def due_messages(session: Session, setup: Setup, now: datetime, engine: Engine) -> list[Due]:
    """Every message due for the school at ``now`` (local time), whether or not it was sent already."""
    if session.get(School, setup.school_id) is None:
        return []

    @functools.cache
    def school_items() -> list[todo.TodoItem]:
        return todo.school_items(session, setup.school_id, now=now)

    cached = lambda: list(school_items())  # noqa: E731 (the list is read, never changed)
    return [
        *_requests(session, setup, now, cached),
        *_summaries(session, setup, now, cached),
        *_digest(session, setup, now, engine),
        *_term_report(session, setup, now, engine),
    ]
