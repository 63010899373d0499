"""Signing in: the password check with failures slowed down, then locked for a while, per username and client.

No Streamlit here; hxgy.ui.gate draws the form and keeps the session.

- The first FREE_FAILURES failures cost nothing. After that each further
  try must wait 2, 4, 8 … seconds (at most MAX_WAIT_SECONDS) after the last
  failure; a try that comes sooner is refused without checking the password.
- LOCK_AFTER failures lock the pair for LOCK_MINUTES; the lock ends by
  itself and the count starts again.
- Failures are counted per (username, client address). Someone trying
  passwords from elsewhere slows down and locks only their own address,
  so a stranger cannot lock a teacher out of their account.
- An unknown or disabled username is checked against a dummy hash and
  counted exactly like a wrong password: same time, same message.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hxgy import auth
from hxgy.models import AuditLog, LoginThrottle, UserAccount

FREE_FAILURES = 3
MAX_WAIT_SECONDS = 60
LOCK_AFTER = 10
LOCK_MINUTES = 15
FORGET_AFTER = timedelta(days=1)  # throttle rows idle this long are removed

WRONG = "用户名或密码不正确。"


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt gave: the user, or a message for the form (and how long to wait)."""

    user: auth.SchoolUser | auth.DistrictUser | None
    message: str | None = None
    retry_after_seconds: int = 0


def wait_after(failures: int) -> int:
    """Seconds a client must wait after its last failure before the next try counts."""
    if failures < FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES + 1), MAX_WAIT_SECONDS)


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return f"登录失败次数过多，已暂时锁定。请 {minutes} 分钟后再试，或请管理员重置密码。"


def attempt_login(session: Session, *, username: str, password: str, client: str, now: datetime) -> LoginResult:
    """Check a login (the caller commits): the user on success, else a Chinese message. ``now`` is UTC."""
    name = username.strip().lower()[:60]
    client = (client or "unknown")[:64]
    row = session.scalar(select(LoginThrottle).where(LoginThrottle.username == name, LoginThrottle.client == client))
    if row is not None and row.locked_until is not None:
        if row.locked_until > now:
            seconds = math.ceil((row.locked_until - now).total_seconds())
            return LoginResult(None, _locked_message(row.locked_until, now), seconds)
        row.failures, row.locked_until = 0, None  # the lock has run out: start again
    if row is not None:
        ready = row.last_failed_at + timedelta(seconds=wait_after(row.failures))
        if now < ready:
            seconds = math.ceil((ready - now).total_seconds())
            return LoginResult(None, f"登录失败次数较多，请 {seconds} 秒后再试。", seconds)
    account = session.scalar(select(UserAccount).where(UserAccount.username == name, UserAccount.active.is_(True)))
    matches = auth.verify_password(password, account.password_hash if account else auth.unknown_user_hash())
    if account is not None and matches:
        if row is not None:
            session.delete(row)
        auth.record_login(session, user_id=account.id)
        return LoginResult(auth.load_user(session, name))
    return _failed(session, row, name, client, account, now)


def _failed(
    session: Session, row: LoginThrottle | None, name: str, client: str, account: UserAccount | None, now: datetime
) -> LoginResult:
    session.execute(delete(LoginThrottle).where(LoginThrottle.last_failed_at < now - FORGET_AFTER))
    if row is None:
        row = LoginThrottle(username=name, client=client, failures=0)
        session.add(row)
    row.failures += 1
    row.last_failed_at = now
    if account is not None:
        account.failed_logins += 1
    session.add(
        AuditLog(
            school_id=account.school_id if account else None,
            user_id=account.id if account else None,
            username=name,
            action="login_failed",
            detail=f"client={client} failures={row.failures}",
        )
    )
    if row.failures >= LOCK_AFTER:
        row.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        return LoginResult(None, _locked_message(row.locked_until, now), LOCK_MINUTES * 60)
    wait = wait_after(row.failures)
    if wait:
        return LoginResult(None, f"{WRONG}失败次数较多，请 {wait} 秒后再试。", wait)
    return LoginResult(None, WRONG)
