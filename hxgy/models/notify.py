"""Reminders and digests (python -m hxgy notify): a school's channels, its schedule and the message log.

The log's ``key`` is unique: a due message is claimed by inserting (or, after a failure, updating) its row before it
is sent, so two overlapping runs or app processes send it once (hxgy.notify.log).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hxgy.models.base import Base, SchoolOwned, one_of, utcnow

CHANNEL_KINDS = ("wecom", "dingtalk", "email")  # 企业微信群机器人, 钉钉群机器人, 邮件 (SMTP)
SMTP_SECURITY = ("starttls", "ssl", "none")
MESSAGE_STATES = ("sending", "sent", "failed")
DEFAULT_REQUEST_HOURS = 12  # a parent request is reminded of this many hours before its reply limit
DEFAULT_SUMMARY_DAYS = "0,2,4"  # 待办 summaries on Monday, Wednesday and Friday (0 = Monday)
DEFAULT_SUMMARY_HOUR = 7
DEFAULT_DIGEST_WEEKDAY = 0  # the principal's weekly digest on Monday
DEFAULT_DIGEST_HOUR = 8


class NotifyChannel(SchoolOwned, Base):
    """One channel of a school: its 企业微信 robot, its 钉钉 robot or its mail server.

    Secrets (the webhook address, which carries the robot's key; the 钉钉 signing secret; the SMTP password) are
    stored encrypted (hxgy.notify.secrets), never in clear.
    """

    __tablename__ = "notify_channel"
    __table_args__ = (UniqueConstraint("school_id", "kind"), one_of("kind", CHANNEL_KINDS, name="kind_known"))

    kind: Mapped[str] = mapped_column(String(20))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    webhook_enc: Mapped[str] = mapped_column(Text, default="")  # robots: the webhook address, encrypted
    secret_enc: Mapped[str] = mapped_column(Text, default="")  # 钉钉 加签 secret / SMTP password, encrypted
    smtp_host: Mapped[str] = mapped_column(String(200), default="")
    smtp_port: Mapped[int] = mapped_column(Integer, default=465)
    smtp_security: Mapped[str] = mapped_column(String(10), default="ssl")
    smtp_user: Mapped[str] = mapped_column(String(200), default="")
    sender: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class NotifySchedule(SchoolOwned, Base):
    """When a school's reminders and digests go out (times are the server's local time, Beijing time)."""

    __tablename__ = "notify_schedule"
    __table_args__ = (UniqueConstraint("school_id"),)

    summary_days: Mapped[str] = mapped_column(String(20), default=DEFAULT_SUMMARY_DAYS)  # weekdays, 0 = Monday
    summary_hour: Mapped[int] = mapped_column(Integer, default=DEFAULT_SUMMARY_HOUR)
    summary_to_robots: Mapped[bool] = mapped_column(Boolean, default=True)  # class aggregates to the groups too
    request_hours: Mapped[int] = mapped_column(Integer, default=DEFAULT_REQUEST_HOURS)  # 0: no request reminder
    # None: no digest (no column default: an explicit None must stay None; hxgy.notify.setup.schedule_of gives
    # an unsaved schedule DEFAULT_DIGEST_WEEKDAY)
    digest_weekday: Mapped[int | None] = mapped_column(Integer)
    digest_hour: Mapped[int] = mapped_column(Integer, default=DEFAULT_DIGEST_HOUR)
    digest_to_robots: Mapped[bool] = mapped_column(Boolean, default=False)
    term_report: Mapped[bool] = mapped_column(Boolean, default=True)  # the drafted report after a term ends


class NotifyMessage(Base):
    """One message to one recipient on one channel: claimed before it is sent, then sent or failed.

    ``key`` names the message (kind, recipient and period or record), so the same due message is never sent twice;
    a failed one is tried again by the next run while it is still due.
    """

    __tablename__ = "notify_message"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_notify_message_school_at", "school_id", "created_at"),
        one_of("status", MESSAGE_STATES, name="status_known"),
        one_of("channel", CHANNEL_KINDS, name="channel_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # summary, request, digest, report, test
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(200))  # an email address, or the robot's group
    title: Mapped[str] = mapped_column(String(200), default="")  # what it is, in Chinese (no child's name)
    status: Mapped[str] = mapped_column(String(10), default="sending")
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
