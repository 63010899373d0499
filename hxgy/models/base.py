"""Declarative base, naming convention and shared column helpers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, MetaData, String
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


def one_of(column: str, values: Iterable[str], *, name: str) -> CheckConstraint:
    """A CHECK that ``column`` holds one of ``values``: the constant the code uses, so the two cannot drift apart."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


class Base(DeclarativeBase):
    """Base class of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SchoolOwned:
    """A row of one school, deleted with it: its key and its indexed school, the table's first two columns.

    (sort_order puts a mixin's columns first; they would otherwise come last.) Tables whose school_id leads
    a composite index (the records, the stats, the import batches) or may be empty (accounts) spell it out.
    """

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True, sort_order=-1)


class CreatedAt:
    """When a row was created."""

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Tracked(CreatedAt):
    """A record people enter: who entered it, its submission key, when changed, and soft-deleted instead of removed."""

    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # the same form submitted twice, or the same import row, carries the same key
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, index=False)
