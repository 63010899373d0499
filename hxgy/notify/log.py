"""The message log: every message claimed before it is sent, then marked sent or failed.

Never twice: each due message has a unique ``key``; ``claim`` inserts its row (INSERT … ON CONFLICT DO NOTHING on the
unique key) in a short transaction of its own, so of two runs or processes that reach the same message only one gets
it. Never lost: a failed message is claimed again by the next run while it is still due (``attempts`` counts the
tries), and one left ``sending`` by a run that died is taken over after ``STALE_AFTER``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.formats import beijing_time
from hxgy.models.base import utcnow
from hxgy.models.notify import NotifyMessage
from hxgy.notify.channels import CHANNEL_LABELS

STALE_AFTER = timedelta(minutes=30)  # a message still "sending" this long after its claim was left by a dead run
KIND_LABELS = {
    "summary": "待办汇总",
    "request": "诉求超时提醒",
    "digest": "校长周报",
    "report": "学期报告",
    "test": "测试消息",
}
STATUS_LABELS = {"sending": "发送中", "sent": "已发送", "failed": "发送失败（下次运行时重试）"}


@dataclass(frozen=True)
class Claim:
    """A message this run may send: its row and which attempt this is."""

    message_id: int
    attempt: int


def _insert(engine: Engine):
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


def claim(
    engine: Engine, *, school_id: int, key: str, kind: str, channel: str, recipient: str, title: str
) -> Claim | None:
    """Take the message ``key`` for this run, or None when it was sent, or another run is sending it now."""
    now = utcnow()

    def work(session: Session) -> Claim | None:
        inserted = session.execute(
            _insert(engine)(NotifyMessage)
            .values(
                school_id=school_id,
                key=key,
                kind=kind,
                channel=channel,
                recipient=recipient[:200],
                title=title[:200],
                status="sending",
                attempts=1,
                error="",
                created_at=now,
                claimed_at=now,
            )
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(NotifyMessage.id)
        ).scalar()
        if inserted is not None:
            return Claim(int(inserted), 1)
        retaken = session.execute(
            update(NotifyMessage)
            .where(
                NotifyMessage.key == key,
                (NotifyMessage.status == "failed")
                | ((NotifyMessage.status == "sending") & (NotifyMessage.claimed_at < now - STALE_AFTER)),
            )
            .values(status="sending", attempts=NotifyMessage.attempts + 1, claimed_at=now, title=title[:200])
            .returning(NotifyMessage.id, NotifyMessage.attempts)
        ).first()
        return Claim(int(retaken[0]), int(retaken[1])) if retaken is not None else None

    return db.run_write(work, engine)


def finish(engine: Engine, message_id: int, *, error: str | None) -> None:
    """Record how a claimed message went: sent (no error) or failed with what went wrong."""
    now = utcnow()

    def work(session: Session) -> None:
        values: dict[str, object] = (
            {"status": "sent", "sent_at": now, "error": ""}
            if error is None
            else {"status": "failed", "error": error[:2000]}
        )
        session.execute(update(NotifyMessage).where(NotifyMessage.id == message_id).values(**values))

    db.run_write(work, engine)


def status_of(session: Session, key: str) -> str | None:
    """sent / failed / sending, or None for a message never tried."""
    return session.scalar(select(NotifyMessage.status).where(NotifyMessage.key == key))


def recent(session: Session, school_id: int, *, limit: int = 50) -> pd.DataFrame:
    """The school's latest messages for 设置 → 消息提醒, failed first (Chinese columns; no child's name in them)."""
    rows = session.scalars(
        select(NotifyMessage)
        .where(NotifyMessage.school_id == school_id)
        .order_by(NotifyMessage.claimed_at.desc(), NotifyMessage.id.desc())
        .limit(limit)
    ).all()
    frame = pd.DataFrame(
        [
            {
                "时间": beijing_time(m.sent_at or m.claimed_at),
                "类别": KIND_LABELS.get(m.kind, m.kind),
                "渠道": CHANNEL_LABELS.get(m.channel, m.channel),
                "发送给": m.recipient,
                "内容": m.title,
                "结果": "发送失败"
                if m.kind == "test" and m.status == "failed"
                else STATUS_LABELS.get(m.status, m.status),
                "尝试次数": m.attempts,
                "错误": m.error,
                "_failed": m.status == "failed",
            }
            for m in rows
        ],
        columns=["时间", "类别", "渠道", "发送给", "内容", "结果", "尝试次数", "错误", "_failed"],
    )
    return frame.sort_values("_failed", ascending=False, kind="stable").drop(columns="_failed").reset_index(drop=True)


def failures(session: Session, school_id: int) -> list[NotifyMessage]:
    """Messages whose last attempt failed (they are tried again while still due; test messages are not)."""
    return list(
        session.scalars(
            select(NotifyMessage)
            .where(NotifyMessage.school_id == school_id, NotifyMessage.status == "failed", NotifyMessage.kind != "test")
            .order_by(NotifyMessage.claimed_at.desc())
        )
    )


def last_claims(session: Session, school_id: int) -> datetime | None:
    """When this school's last message was claimed."""
    return session.scalar(
        select(NotifyMessage.claimed_at)
        .where(NotifyMessage.school_id == school_id)
        .order_by(NotifyMessage.claimed_at.desc())
        .limit(1)
    )
