"""Accounts, the audit log and facts about the database itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hxgy.models.base import Base, CreatedAt, one_of, utcnow
from hxgy.rights import ROLES


class UserAccount(CreatedAt, Base):
    """Someone who logs in, with one role; school-bound except the district role."""

    __tablename__ = "user_account"
    __table_args__ = (one_of("role", ROLES, name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(60))
    email: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    district: Mapped[str] = mapped_column(String(100), default="")  # for the district role
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # raised on logout, password change or disabling: older sessions end
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    # sessions and login cookies issued before this moment (UTC) are no longer accepted
    sessions_valid_from: Mapped[datetime | None] = mapped_column(DateTime)


class AuditLog(Base):
    """Who did what, when, and what it was before."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_school_at", "school_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(60), default="")
    action: Mapped[str] = mapped_column(String(30))  # create, update, delete, login, import, denied ...
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[str | None] = mapped_column(Text)  # JSON
    after: Mapped[str | None] = mapped_column(Text)  # JSON
    detail: Mapped[str] = mapped_column(Text, default="")


class AppMeta(Base):
    """Facts about this database, e.g. that it holds the demo school."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class LoginThrottle(Base):
    """Failed logins of one username from one client address: slows down, then locks, that pair for a while.

    Unknown usernames get rows too, so they answer exactly like wrong passwords.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("username", "client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60))
    client: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class ImportBatch(Base):
    """One imported file: who, when, which file (name and SHA-256) and what it did."""

    __tablename__ = "import_batch"
    __table_args__ = (Index("ix_import_batch_school_at", "school_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(30))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
