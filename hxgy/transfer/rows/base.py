"""What every kind does with its rows: the record a row asks for (Prepared), the stored record it matches
(Stored), and the Handler each kind fills in: convert a row, find the stored records, write new and changed ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models.base import Base, utcnow
from hxgy.transfer.kinds import (
    Column,
    Kind,
)
from hxgy.transfer.lookup import Lookup
from hxgy.transfer.reading import Problem, RowReader

CHUNK = 2000
Progress = Callable[[str, float], None]


@dataclass
class Prepared:
    """One record a row asks for: its natural key, the values to store, and what it touches."""

    row: int
    key: tuple
    values: dict[str, Any]
    class_id: int | None
    day: date
    extra: dict[str, Any] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)  # every row merged into it (activities, staff)
    given: frozenset[str] | None = None  # the columns its sheet has (None: all); an absent column changes nothing


@dataclass
class Stored:
    """A record already in the database that a row matches."""

    id: int
    values: dict[str, Any]
    deleted: bool = False


def chunks(rows: Sequence[dict[str, Any]], size: int = CHUNK) -> Iterator[tuple[int, Sequence[dict[str, Any]]]]:
    """The rows in slices of ``size``, each with the index of its first row."""
    for start in range(0, len(rows), size):
        yield start, rows[start : start + size]


class Handler:
    """What every kind does; subclasses fill in convert, existing and (where needed) write."""

    model: type[Base]
    compared: tuple[str, ...] = ()  # columns that, when different, make a row an update
    # the same key may rightly come twice (two calls on one day): the n-th such row matches the n-th stored record
    repeatable = False

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.column_keys = frozenset(c.key for c in kind.columns)

    def said(self, p: Prepared, name: str) -> bool:
        """Whether the file says anything about a stored field: a column absent from the file never changes it
        (a roster re-imported without 性别 keeps every 性别). Fields derived from other columns are always said."""
        column = FIELD_COLUMN.get(name, name)
        return p.given is None or column not in self.column_keys or column in p.given

    def extra_columns(self, lookup: Lookup) -> list[Column]:
        return []

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        raise NotImplementedError

    def group(self, prepared: list[Prepared], problems: list[Problem]) -> list[Prepared]:
        """Merge rows that together make one record (default: each row is one record)."""
        return prepared

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        raise NotImplementedError

    def differs(self, p: Prepared, stored: Stored) -> bool:
        return stored.deleted or any(p.values.get(c) != stored.values.get(c) for c in self.compared if self.said(p, c))

    def write(
        self,
        session: Session,
        user: CurrentUser,
        lk: Lookup,
        new: list[Prepared],
        changed: list[tuple[Prepared, Stored]],
        progress: Progress | None,
    ) -> None:
        """Insert the new records and update the changed ones, in chunks."""
        inserts = [self.insert_values(p, lk, user) for p in new]
        total = max(1, len(inserts) + len(changed))
        for start, chunk in chunks(inserts):
            session.execute(insert(self.model), chunk)
            if progress:
                progress("写入数据库", (start + len(chunk)) / total)
        updates = [{"id": s.id, **self.update_values(p, s, user)} for p, s in changed]
        for start, chunk in chunks(updates):
            session.execute(update(self.model), chunk)
            if progress:
                progress("写入数据库", (len(inserts) + start + len(chunk)) / total)

    def insert_values(self, p: Prepared, lk: Lookup, user: CurrentUser) -> dict[str, Any]:
        return {"school_id": lk.school_id, **p.values, "created_by": user.id, "created_at": utcnow()}

    def update_values(self, p: Prepared, stored: Stored, user: CurrentUser) -> dict[str, Any]:
        values = {c: p.values[c] for c in self.compared if self.said(p, c)}
        if hasattr(self.model, "deleted_at"):
            values["deleted_at"] = None
        if hasattr(self.model, "updated_at"):
            values["updated_at"] = utcnow()
        return values

    def refresh_scope(self, lk: Lookup, written: list[Prepared]) -> tuple[list[date], list[int] | None]:
        """The days and classes whose pre-aggregated figures the import changed."""
        days = sorted({p.day for p in written})
        classes = {p.class_id for p in written}
        return days, (None if None in classes else sorted(classes))  # type: ignore[arg-type]


# the column a stored field comes from, where the names differ
FIELD_COLUMN = {"topic_id": "topic", "category_id": "category", "type_id": "type", "partner_id": "partner"}


def between(model_date: Any, prepared: list[Prepared]) -> Any:
    days = [p.day for p in prepared]
    return model_date.between(min(days), max(days) + timedelta(days=1))


def occurrence(seen: dict[tuple, int], key: tuple) -> int:
    """How many times ``key`` came before (0 the first time)."""
    count = seen.get(key, 0)
    seen[key] = count + 1
    return count


def to_second(moment: datetime | None) -> datetime | None:
    """Times are imported and compared to the second (a spreadsheet keeps no more)."""
    return moment.replace(microsecond=0) if moment is not None else None
