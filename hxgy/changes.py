"""Telling every app process that the data changed, and what changed, so none shows figures from before a write.

Each process caches what it reads (hxgy.ui.data) under the version of the data it read. A write moves the
versions in its own transaction:

- ``data_version`` moves on every change: one small read per page run tells a process whether anything
  changed since it last looked (``current_version``).
- ``structure_version`` moves on a change to anything but the records: classes, students, staff, settings,
  targets, categories, school years, imports. Every cached read depends on it.
- ``term_version:<term id>:<part>`` moves when one part of the records counted for that term changes: its
  contacts, parent requests, volunteer hours, activities, 德育 scores or surveys (PARTS). A term's figures
  depend on the structure and on the parts they count, so a head teacher's contact this term leaves last
  term's figures, this term's 德育 and volunteer details, the class lists and the settings cached.

``mark_changed`` (called by ``hxgy.entry.rules.audit`` for every change) flags the session as a structure
change, ``mark_records_changed`` as a change of one part of the records, and ``mark_term`` names a term whose
records changed (``hxgy.metrics.stats`` calls it for every term it refreshes). A change of records that names
no term moves the structure version: never a figure from before a write. Just before the session commits the
version rows are upserted, as the transaction's last statements, in one order, so concurrent writers never
wait on them in different orders (no deadlock) and never insert them twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from hxgy.models import AppMeta

DATA_VERSION = "data_version"
STRUCTURE_VERSION = "structure_version"
TERM_VERSION = "term_version:"  # + the term's id + ":" + the part
PARTS = ("communication", "requests", "volunteering", "activities", "moral", "satisfaction")
_STRUCTURE = "hxgy_structure_changed"
_RECORDS = "hxgy_records_changed"
_TERMS = "hxgy_terms_changed"


def mark_changed(session: Session) -> None:
    """Note that this transaction changes the structure or settings: every cached read goes when it commits."""
    session.info[_STRUCTURE] = True


def mark_records_changed(session: Session, part: str) -> None:
    """Note that this transaction changes one part (PARTS) of the records of the terms it names (mark_term)."""
    if part not in PARTS:
        raise ValueError(f"unknown part of the records: {part}")
    session.info.setdefault(_RECORDS, set()).add(part)


def mark_term(session: Session, term_id: int) -> None:
    """Note that the records counted for ``term_id`` change in this transaction."""
    session.info.setdefault(_TERMS, set()).add(int(term_id))


@event.listens_for(Session, "before_commit")
def _new_version(session: Session) -> None:
    structure = session.info.pop(_STRUCTURE, False)
    parts: set[str] = session.info.pop(_RECORDS, set())
    terms: set[int] = session.info.pop(_TERMS, set())
    if not (structure or parts):
        return
    token = uuid.uuid4().hex
    keys = [DATA_VERSION]
    if structure or not terms:
        keys.append(STRUCTURE_VERSION)
    else:
        keys += [f"{TERM_VERSION}{t}:{part}" for t in terms for part in parts]
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for key in sorted(keys):
        statement = insert(AppMeta).values(key=key, value=token)
        session.execute(statement.on_conflict_do_update(index_elements=[AppMeta.key], set_={"value": token}))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    for key in (_STRUCTURE, _RECORDS, _TERMS):
        session.info.pop(key, None)


def current_version(session: Session) -> str:
    """The data version now ('' before the first change)."""
    return session.scalar(select(AppMeta.value).where(AppMeta.key == DATA_VERSION)) or ""


@dataclass(frozen=True)
class Versions:
    """Every version at one moment: the data's, the structure's and each changed term's."""

    data: str = ""
    structure: str = ""
    terms: dict[tuple[int, str], str] = field(default_factory=dict)  # (term id, part) → version

    def of_term(self, term_id: int | None, parts: tuple[str, ...] = PARTS) -> str:
        """What figures of a term counting ``parts`` of its records depend on: the structure and those parts
        (term None: any change at all)."""
        if term_id is None:
            return f"{self.structure}/{self.data}"
        return "/".join([self.structure, *(self.terms.get((term_id, part), "") for part in parts)])


def current_versions(session: Session) -> Versions:
    """Every version now (one query)."""
    rows = session.execute(
        select(AppMeta.key, AppMeta.value).where(
            (AppMeta.key.in_((DATA_VERSION, STRUCTURE_VERSION))) | AppMeta.key.startswith(TERM_VERSION)
        )
    ).all()
    values = dict(rows)
    terms = {}
    for key, value in values.items():
        if key.startswith(TERM_VERSION):
            term_id, _, part = key.removeprefix(TERM_VERSION).partition(":")
            if term_id.isdigit() and part in PARTS:
                terms[int(term_id), part] = value
    return Versions(values.get(DATA_VERSION, ""), values.get(STRUCTURE_VERSION, ""), terms)
