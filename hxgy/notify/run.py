"""One run of ``python -m hxgy notify``: for each school, what is due, each claimed in the log, built, sent and
recorded. One message failing (a channel down, HTTP 500, errcode ≠ 0, SMTP refused) never stops the others; it is
tried again by the next run while it is still due.

``send_test`` is the 设置 page's 发送测试消息: the same channels, written to the same log.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from hxgy import db, rights
from hxgy.auth import CurrentUser
from hxgy.notify import log
from hxgy.notify.channels import CHANNEL_LABELS, Outgoing, SendError, send_email, send_robot
from hxgy.notify.due import Due, due_messages
from hxgy.notify.setup import Setup, load_setup

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What became of one due message in this run: sent, failed, skipped (sent before, or being sent by another
    run) or, in a dry run, would_send."""

    due: Due
    status: str
    error: str = ""
    attempt: int = 0

    def line(self) -> str:
        """The command's line about it, in Chinese."""
        what = f"{self.due.title} → {self.due.to_text}"
        if self.status == "sent":
            return f"已发送　{what}" + (f"（第 {self.attempt} 次尝试）" if self.attempt > 1 else "")
        if self.status == "failed":
            return f"发送失败　{what}：{self.error}（下次运行时重试）"
        if self.status == "would_send":
            return f"将发送　{what}" + (f"（上次失败：{self.error}）" if self.error else "")
        return f"已发送过，跳过　{what}"


def deliver(setup: Setup, due: Due, message: Outgoing) -> None:
    """Send one built message on its channel (SendError when it did not go out)."""
    if due.robot is not None:
        send_robot(due.robot, message)
        return
    if setup.mailer is None:
        raise SendError("尚未设置邮件（SMTP）")
    send_email(setup.mailer, due.recipient, message)


def _send(engine: Engine, setup: Setup, due: Due) -> Outcome:
    claimed = log.claim(
        engine,
        school_id=setup.school_id,
        key=due.key,
        kind=due.kind,
        channel=due.channel,
        recipient=due.recipient,
        title=due.title,
    )
    if claimed is None:
        return Outcome(due, "skipped")
    try:
        deliver(setup, due, due.build())
    except SendError as exc:
        error = str(exc)
    except Exception as exc:  # a message that cannot be built or sent must not stop the others
        logger.exception("notify: %s failed", due.key)
        error = f"生成或发送时出错：{type(exc).__name__}: {exc}"
    else:
        log.finish(engine, claimed.message_id, error=None)
        return Outcome(due, "sent", attempt=claimed.attempt)
    log.finish(engine, claimed.message_id, error=error)
    return Outcome(due, "failed", error, claimed.attempt)


def run_school(engine: Engine, school_id: int, *, now: datetime, dry_run: bool = False) -> tuple[Setup, list[Outcome]]:
    """Send (or, dry, list) every message due for one school at ``now``."""
    with db.read_session(engine) as session:
        setup = load_setup(session, school_id)
        due = due_messages(session, setup, now, engine)
        if dry_run:
            outcomes = []
            for item in due:
                status = log.status_of(session, item.key)
                if status in (None, "failed"):
                    error = next((m.error for m in log.failures(session, school_id) if m.key == item.key), "")
                    outcomes.append(Outcome(item, "would_send", error))
                else:
                    outcomes.append(Outcome(item, "skipped"))
            return setup, outcomes
    return setup, [_send(engine, setup, item) for item in due]


TEST_TEXT = "这是一条测试消息：家校社协同育人平台的{channel}已设置成功，今后的待办提醒和周报将发到这里。"


def send_test(engine: Engine, user: CurrentUser, kind: str, *, to: str = "") -> tuple[bool, str]:
    """发送测试消息 on one channel of the user's school (admin, dean): (sent, what happened in Chinese). The message
    goes to the log like any other (kind "test")."""
    label = CHANNEL_LABELS.get(kind, kind)
    if user.school_id is None or not rights.can(user.role, rights.Action.MANAGE_SETTINGS):
        return False, "您无权发送测试消息。"
    with db.read_session(engine) as session:
        setup = load_setup(session, user.school_id, only_enabled=False)
    robot = next((r for r in setup.robots if r.kind == kind), None)
    if kind != "email" and robot is None:
        return False, f"尚未保存{label}的 Webhook 地址，请先填写并保存。"
    if kind == "email" and (setup.mailer is None or not setup.mailer.host):
        return False, "尚未保存邮件服务器（SMTP）设置，请先填写并保存。"
    if kind == "email" and not to:
        return False, "请填写测试邮件的收件地址。"
    title = f"测试消息（{label}）"
    due = Due(
        f"test:{kind}:{uuid.uuid4().hex}",
        "test",
        kind,
        to if kind == "email" else "群",
        title,
        lambda: Outgoing(title, TEST_TEXT.format(channel=label)),
        robot,
    )
    outcome = _send(engine, setup, due)
    if outcome.status == "sent":
        return True, f"测试消息已发送到{due.to_text}，请到群里或邮箱中查看。"
    return False, f"测试消息发送失败：{outcome.error}"
