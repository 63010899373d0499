"""Declarative base, naming convention and shared column helpers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints let Alembic see constraint changes on SQLite too.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time in UTC, naive (stored the same way on every database)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Base class of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CreatedAt:
    """When a row was created."""

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Tracked(CreatedAt):
    """A record people enter: when changed, and soft-deleted instead of removed."""

    updated_at: Mapped[datetime | None] = mapped_column(DateTime, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, index=False)
