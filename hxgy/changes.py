"""Telling every app process that the data changed, so none shows figures from before a write.

Each process caches figures for up to ten minutes (hxgy.ui.data). A write marks the database with a new
data version in the same transaction (``mark_changed``, called by ``hxgy.entry.rules.audit`` for every
change); at the start of each page run a process compares the version with the one it last saw
(``current_version``) and forgets its cached figures when it differs. Two processes behind a proxy
then show the same figures right after a write in either.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hxgy.models import AppMeta

DATA_VERSION = "data_version"


def mark_changed(session: Session) -> None:
    """Give the data a new version (the caller commits it together with the change)."""
    token = uuid.uuid4().hex
    updated = session.execute(update(AppMeta).where(AppMeta.key == DATA_VERSION).values(value=token))
    if updated.rowcount == 0:
        session.add(AppMeta(key=DATA_VERSION, value=token))
        session.flush()


def current_version(session: Session) -> str:
    """The data version now ('' before the first change)."""
    return session.scalar(select(AppMeta.value).where(AppMeta.key == DATA_VERSION)) or ""
