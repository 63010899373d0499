"""A refused write goes into the audit log in its own short transaction, whatever becomes of the caller's.

``rules.refuse`` hands the refusal here. The caller's transaction is never rolled back or committed for it:

- when the caller has no transaction open, the refusal is written at once;
- when it has one (which, on SQLite, may hold the write lock: a second writer would wait for it), the refusal
  is written as soon as that transaction ends, committed or rolled back — normally at once, as the refusal's
  error leaves the caller's write session.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, SessionTransaction

from hxgy import auth, db
from hxgy.auth import CurrentUser

_PENDING = "hxgy_pending_refusals"  # key in Session.info: refusals waiting for the caller's transaction to end


@dataclass(frozen=True)
class Refusal:
    """Who was refused what (the Chinese description of the change)."""

    user: CurrentUser
    what: str


def log_refusal(session: Session, user: CurrentUser, what: str) -> None:
    """Write the refusal to the audit log in its own transaction: now, or when the caller's transaction ends."""
    refusal = Refusal(user, what)
    if session.in_transaction():
        session.info.setdefault(_PENDING, []).append(refusal)
    else:
        _write(session.get_bind(), [refusal])


def _write(bind: Engine | Connection, refusals: list[Refusal]) -> None:
    engine = bind if isinstance(bind, Engine) else bind.engine

    def work(session: Session) -> None:
        for refusal in refusals:
            auth.record_denied(session, user=refusal.user, what=refusal.what)

    db.run_write(work, engine)


@event.listens_for(Session, "after_transaction_end")
def _write_pending(session: Session, transaction: SessionTransaction) -> None:
    """When a session's outermost transaction has ended (its connection let go), write what it refused."""
    if transaction.parent is not None:
        return
    pending: list[Refusal] | None = session.info.pop(_PENDING, None)
    if pending:
        _write(session.get_bind(), pending)
