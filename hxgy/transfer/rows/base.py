"""What every kind does with its rows: the record a row asks for (Prepared, holding the kind's typed record),
the stored record it matches (Stored), and the Handler each kind fills in: convert a row, find the stored
records, write new and changed ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import ColumnElement, insert, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from hxgy.auth import CurrentUser
from hxgy.models.base import Base, utcnow
from hxgy.transfer.kinds import Column, Kind
from hxgy.transfer.lookup import Lookup
from hxgy.transfer.reading import Problem, RowReader

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

CHUNK = 2000
Progress = Callable[[str, float], None]
Key = tuple[object, ...]  # a record's natural key, as the kind builds it (its parts differ by kind)
Values = dict[str, Any]  # one row of an INSERT or UPDATE, by column name, as SQLAlchemy takes it
R = TypeVar("R", bound="DataclassInstance")  # a kind's record: a frozen dataclass


@dataclass(frozen=True, slots=True)
class Prepared(Generic[R]):
    """One record a row asks for: its natural key, the kind's typed record, and what it touches."""

    row: int
    key: Key
    record: R
    class_id: int | None
    day: date
    rows: tuple[int, ...] = ()  # every row merged into it (activities, staff, students)
    given: frozenset[str] | None = None  # the columns its sheet has (None: all); an absent column changes nothing

    def value(self, name: str) -> object:
        """A field of the record by name (the fields a kind compares are named in ``Handler.compared``)."""
        return getattr(self.record, name)


@dataclass(frozen=True, slots=True)
class Stored:
    """A record already in the database that a row matches: its id and the stored values of the compared fields."""

    id: int
    values: Mapping[str, Any]
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Changes(Generic[R]):
    """What an import writes for a user: the new records, and the changed ones with the stored records they match."""

    user: CurrentUser
    lk: Lookup
    new: list[Prepared[R]]
    changed: list[tuple[Prepared[R], Stored]]
    progress: Progress | None = None


def columns_of(record: DataclassInstance) -> Values:
    """A record's fields by name, as stored (not copied deeply, unlike dataclasses.asdict)."""
    names = _FIELD_NAMES.get(type(record))
    if names is None:
        names = _FIELD_NAMES[type(record)] = tuple(f.name for f in fields(record))
    return {name: getattr(record, name) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # dataclasses.fields() is slow to call once a row


def chunks(rows: Sequence[Values], size: int = CHUNK) -> Iterator[tuple[int, Sequence[Values]]]:
    """The rows in slices of ``size``, each with the index of its first row."""
    for start in range(0, len(rows), size):
        yield start, rows[start : start + size]


class Handler(Generic[R]):
    """What every kind does; subclasses fill in convert, existing and (where needed) write."""

    model: type[Base]
    compared: tuple[str, ...] = ()  # fields that, when different, make a row an update
    # the same key may rightly come twice (two calls on one day): the n-th such row matches the n-th stored record
    repeatable = False

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.column_keys = frozenset(c.key for c in kind.columns)

    def said(self, p: Prepared[R], name: str) -> bool:
        """Whether the file says anything about a stored field: a column absent from the file never changes it
        (a roster re-imported without 性别 keeps every 性别). Fields derived from other columns are always said."""
        column = FIELD_COLUMN.get(name, name)
        return p.given is None or column not in self.column_keys or column in p.given

    def extra_columns(self, lookup: Lookup) -> list[Column]:
        """Columns a kind takes beyond its own (德育 dimensions of the school in the wide sheet)."""
        return []

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared[R]]:
        """The records one row asks for (none when the row has a problem, noted on ``r``)."""
        raise NotImplementedError

    def group(self, prepared: list[Prepared[R]], problems: list[Problem]) -> list[Prepared[R]]:
        """Merge rows that together make one record (default: each row is one record)."""
        return prepared

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared[R]]) -> dict[Key, Stored]:
        """The stored records the prepared ones may match, by natural key."""
        raise NotImplementedError

    def against_stored(self, p: Prepared[R], stored: Stored | None) -> Prepared[R] | Problem:
        """The record as it is written once the stored record it matches is known (None: it is new), or the problem
        that stops its row (a masked phone that stands for no stored number, hxgy.transfer.rows.phones)."""
        return p

    def differs(self, p: Prepared[R], stored: Stored) -> bool:
        """Whether writing the row would change the stored record."""
        return stored.deleted or any(p.value(c) != stored.values.get(c) for c in self.compared if self.said(p, c))

    def write(self, session: Session, changes: Changes[R]) -> None:
        """Insert the new records and update the changed ones, in chunks (each chunk's rows built when it is sent).

        A chunk whose rows leave no defaulted column None is sent with ``render_nulls``: one executemany for the
        chunk instead of one per set of None columns (the ORM otherwise leaves None out, so the column default
        would apply; a chunk that needs that is sent as before)."""
        user, lk, new, changed, progress = changes.user, changes.lk, changes.new, changes.changed, changes.progress
        total = max(1, len(new) + len(changed))
        defaulted = _defaulted_columns(self.model)
        for start in range(0, len(new), CHUNK):
            chunk = [self.insert_values(p, lk, user) for p in new[start : start + CHUNK]]
            plain = not any(row.get(name, 0) is None for name in defaulted for row in chunk)
            statement = insert(self.model).execution_options(render_nulls=True) if plain else insert(self.model)
            session.execute(statement, chunk)
            if progress:
                progress("写入数据库", (start + len(chunk)) / total)
        for start in range(0, len(changed), CHUNK):
            updates = [{"id": s.id, **self.update_values(p, s, user)} for p, s in changed[start : start + CHUNK]]
            session.execute(update(self.model), updates)
            if progress:
                progress("写入数据库", (len(new) + start + len(updates)) / total)

    def insert_values(self, p: Prepared[R], lk: Lookup, user: CurrentUser) -> Values:
        """The columns of a new record."""
        return {"school_id": lk.school_id, **columns_of(p.record), "created_by": user.id, "created_at": utcnow()}

    def update_values(self, p: Prepared[R], stored: Stored, user: CurrentUser) -> Values:
        """The columns a changed record gets (only those its file says)."""
        values = {c: p.value(c) for c in self.compared if self.said(p, c)}
        if hasattr(self.model, "deleted_at"):
            values["deleted_at"] = None
        if hasattr(self.model, "updated_at"):
            values["updated_at"] = utcnow()
        return values

    def refresh_scope(self, lk: Lookup, written: list[Prepared[R]]) -> tuple[list[date], list[int] | None]:
        """The days and classes whose pre-aggregated figures the import changed (None: every class)."""
        days = sorted({p.day for p in written})
        classes = {p.class_id for p in written}
        return days, (None if None in classes else sorted(c for c in classes if c is not None))


def _defaulted_columns(model: type[Base]) -> tuple[str, ...]:
    """The columns of a model that take a default when an INSERT leaves them out."""
    table = model.__table__
    return tuple(c.key for c in table.columns if c.default is not None or c.server_default is not None)


def merged(first: Prepared[R], record: R, row: int) -> Prepared[R]:
    """``first`` with the record of several rows, and one more row merged into it."""
    return replace(first, record=record, rows=(*first.rows, row))


def merge_by_key(
    prepared: list[Prepared[R]], join: Callable[[Prepared[R], Prepared[R]], Prepared[R]]
) -> list[Prepared[R]]:
    """The rows of one key as one, in the order first seen: each later row joined into what the rows before it made
    (``join`` returns that unchanged when the row conflicts with them, after noting the problem)."""
    together: dict[Key, Prepared[R]] = {}
    for p in prepared:
        first = together.setdefault(p.key, p)
        if first is not p:
            together[p.key] = join(first, p)
    return list(together.values())


# the column a stored field comes from, where the names differ
FIELD_COLUMN = {"topic_id": "topic", "category_id": "category", "type_id": "type", "partner_id": "partner"}


def between(
    model_date: InstrumentedAttribute[date] | InstrumentedAttribute[datetime], prepared: Sequence[Prepared[R]]
) -> ColumnElement[bool]:
    """Stored records dated from the first to the last day of the prepared ones."""
    days = [p.day for p in prepared]
    return model_date.between(min(days), max(days) + timedelta(days=1))


def occurrence(seen: dict[Key, int], key: Key) -> int:
    """How many times ``key`` came before (0 the first time)."""
    count = seen.get(key, 0)
    seen[key] = count + 1
    return count


def to_second(moment: datetime | None) -> datetime | None:
    """Times are imported and compared to the second (a spreadsheet keeps no more)."""
    return moment.replace(microsecond=0) if moment is not None else None
