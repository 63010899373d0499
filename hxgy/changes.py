"""Telling every app process that the data changed, so none shows figures from before a write.

Each process caches figures for up to ten minutes (hxgy.ui.data). A write gives the data a new version in
the same transaction: ``mark_changed`` (called by ``hxgy.entry.rules.audit`` for every change) flags the
session, and just before the session commits the version row is upserted, as the transaction's last
statement, so concurrent writers never wait on it in a different order (no deadlock) and never insert it
twice. At the start of each page run a process compares the version with the one it last saw
(``current_version``) and forgets its cached figures when it differs, so two processes behind a proxy
show the same figures right after a write in either.
"""

from __future__ import annotations

import uuid

from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from hxgy.models import AppMeta

DATA_VERSION = "data_version"
_CHANGED = "hxgy_data_changed"


def mark_changed(session: Session) -> None:
    """Note that this transaction changes data: the version moves when it commits."""
    session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _new_version(session: Session) -> None:
    if not session.info.pop(_CHANGED, False):
        return
    token = uuid.uuid4().hex
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(AppMeta).values(key=DATA_VERSION, value=token)
    session.execute(statement.on_conflict_do_update(index_elements=[AppMeta.key], set_={"value": token}))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def current_version(session: Session) -> str:
    """The data version now ('' before the first change)."""
    return session.scalar(select(AppMeta.value).where(AppMeta.key == DATA_VERSION)) or ""
