"""Accounts: passwords, creating and signing in, the signed-in user (SchoolUser or DistrictUser).

Who may do what, for which classes, is hxgy.rights.

No Streamlit here; hxgy.ui wires this to streamlit-authenticator.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import bcrypt
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import config, rights
from hxgy.models import AuditLog, UserAccount
from hxgy.models.base import utcnow

BCRYPT_MAX_BYTES = 72  # bcrypt reads no further; longer passwords are hashed with SHA-256 first (PREHASHED)
PREHASHED = "sha256$"  # marks a bcrypt hash of base64(sha256(password))
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 200
COMMON_PASSWORDS = frozenset(
    line.strip().lower()
    for line in (Path(__file__).with_name("common_passwords.txt")).read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
# keyboard and alphabet runs a password may not be made of
RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")
STAFF_LINK_REQUIRED = "班主任和任课教师账户必须关联教职工，才能确定任教的班级"


def staff_link_problem(role: str, staff_id: int | None) -> str | None:
    """Why an account of this role cannot be created with this staff link (None: it can).

    A 班主任 or 任课教师 account sees and imports only the classes of its staff member, so it needs one.
    """
    if role in rights.STAFF_LINKED_ROLES and staff_id is None:
        return STAFF_LINK_REQUIRED
    return None


class PasswordError(ValueError):
    """A new password breaks the rules; the message says which, in Chinese."""


class AccountError(ValueError):
    """An account cannot be created or changed as asked."""


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user, as read from the database on every run (a SchoolUser or a DistrictUser)."""

    id: int
    username: str
    display_name: str
    role: str
    school_id: int | None
    district: str
    staff_id: int | None


@dataclass(frozen=True)
class SchoolUser(CurrentUser):
    """A signed-in account of a school (every role but the district's): its school is known."""

    school_id: int


@dataclass(frozen=True)
class DistrictUser(CurrentUser):
    """A signed-in 教育局 account: the schools of its district, no school of its own."""

    school_id: None


def signed_in(account: UserAccount) -> SchoolUser | DistrictUser:
    """The signed-in user of an account: a SchoolUser when it belongs to a school, else a DistrictUser."""
    fields = (account.id, account.username, account.display_name, account.role)
    if account.school_id is not None:
        return SchoolUser(*fields, account.school_id, account.district, account.staff_id)
    return DistrictUser(*fields, None, account.district, account.staff_id)


def _prehash(password: str) -> bytes:
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str) -> str:
    """A bcrypt hash of the password's SHA-256 (so every character counts, however long the passphrase)."""
    return PREHASHED + bcrypt.hashpw(_prehash(password), bcrypt.gensalt()).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    """Whether the password matches the hash (a PREHASHED hash, or a plain bcrypt hash of older accounts)."""
    if password_hash.startswith(PREHASHED):
        return bcrypt.checkpw(_prehash(password), password_hash.removeprefix(PREHASHED).encode("ascii"))
    data = password.encode("utf-8")
    if len(data) > BCRYPT_MAX_BYTES:
        return False
    return bcrypt.checkpw(data, password_hash.encode("ascii"))


@functools.cache
def unknown_user_hash() -> str:
    """A hash to check unknown usernames against, so they take as long as a wrong password."""
    return hash_password(secrets.token_urlsafe(16))


def _is_run(text: str) -> bool:
    """One character repeated, or a stretch of an alphabet or keyboard row (either way round)."""
    lowered = text.lower()
    if len(set(lowered)) == 1:
        return True
    return any(lowered in run or lowered in run[::-1] for run in RUNS)


def check_new_password(password: str, *, username: str) -> None:
    """Refuse a password that is too short or too long, the username, or one of the most common ones.

    Any characters are allowed (Chinese too) and no mix of character classes is forced:
    a long passphrase is the best password.
    """
    if password != password.strip():
        raise PasswordError("密码首尾不能有空格")
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordError(f"密码至少需要 {MIN_PASSWORD_CHARS} 个字符（可以是一句话，汉字也可以）")
    if len(password) > MAX_PASSWORD_CHARS:
        raise PasswordError(f"密码过长：最多 {MAX_PASSWORD_CHARS} 个字符")
    lowered, name = password.lower(), username.strip().lower()
    if name and lowered.startswith(name) and not any(c.isalpha() for c in lowered[len(name) :]):
        raise PasswordError("密码不能是用户名（或用户名加数字）")
    if lowered in COMMON_PASSWORDS or _is_run(password):
        raise PasswordError("这个密码太常见，容易被猜到，请换一个（例如一句只有您知道的话）")


def generate_password() -> str:
    """A random password for a new account, easy to read out and type."""
    return secrets.token_urlsafe(12)


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str,
    school_id: int | None,
    district: str = "",
    staff_id: int | None = None,
    actor: str = "cli",
) -> UserAccount:
    """Add an account (the caller commits); ``actor`` is who created it, for the audit log."""
    username = username.strip().lower()
    if role not in rights.ROLES:
        raise AccountError(f"未知角色：{role}")
    if not username:
        raise AccountError("用户名不能为空")
    if role in rights.SCHOOL_ROLES and school_id is None:
        raise AccountError("除教育局外，每个账户都必须属于一所学校")
    if session.scalar(select(UserAccount.id).where(UserAccount.username == username)) is not None:
        raise AccountError(f"用户名已存在：{username}")
    check_new_password(password, username=username)
    user = UserAccount(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        school_id=school_id,
        district=district,
        staff_id=staff_id,
    )
    session.add(user)
    session.flush()
    session.add(
        AuditLog(
            school_id=school_id,
            username=actor,
            action="create",
            entity="user_account",
            entity_id=user.id,
            detail=f"username={username} role={role}",
        )
    )
    return user


def change_password(session: Session, *, user_id: int, old_password: str, new_password: str) -> None:
    """Change one's own password after checking the old one (the caller commits)."""
    user = session.get(UserAccount, user_id)
    if user is None or not user.active:
        raise AccountError("账户不存在或已停用")
    if not verify_password(old_password, user.password_hash):
        raise PasswordError("原密码不正确")
    if old_password == new_password:
        raise PasswordError("新密码不能与原密码相同")
    check_new_password(new_password, username=user.username)
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    add_audit(session, user, "update", entity="user_account", entity_id=user.id, detail="password changed")


def login_credentials(session: Session) -> dict[str, dict[str, dict[str, object]]]:
    """The credentials dict streamlit-authenticator wants, built from active accounts."""
    rows = session.execute(
        select(
            UserAccount.username,
            UserAccount.display_name,
            UserAccount.email,
            UserAccount.password_hash,
            UserAccount.role,
        ).where(UserAccount.active.is_(True))
    )
    return {
        "usernames": {
            username: {"name": name, "email": email, "password": pw_hash, "roles": [role]}
            for username, name, email, pw_hash, role in rows
        }
    }


def load_user(session: Session, username: str) -> SchoolUser | DistrictUser | None:
    """The active account with this username, or None."""
    user = session.scalar(
        select(UserAccount).where(UserAccount.username == username.strip().lower(), UserAccount.active.is_(True))
    )
    return None if user is None else signed_in(user)


def record_login(session: Session, *, user_id: int) -> None:
    """Note a successful login on the account and in the audit log."""
    user = session.get(UserAccount, user_id)
    if user is None:
        return
    user.last_login_at = utcnow()
    user.failed_logins = 0
    add_audit(session, user, "login")


def end_sessions(account: UserAccount) -> None:
    """End every session and login cookie of the account issued until now (logout, password change, disabling)."""
    account.session_version += 1
    account.sessions_valid_from = utcnow()


def log_out(session: Session, *, user_id: int) -> None:
    """Logging out ends every session and cookie of the account, here and on other devices (the caller commits)."""
    account = session.get(UserAccount, user_id)
    if account is not None:
        end_sessions(account)
        add_audit(session, account, "logout")


def sessions_valid_from(session: Session, username: str) -> datetime | None:
    """The moment before which the account's sessions and cookies no longer count (None: all count)."""
    return session.scalar(select(UserAccount.sessions_valid_from).where(UserAccount.username == username))


def session_expired(signed_in_at: datetime, *, now: datetime | None = None) -> bool:
    """Whether a session signed in at ``signed_in_at`` (UTC) has outlived HXGY_COOKIE_EXPIRY_DAYS."""
    days = config.get_settings().cookie_expiry_days
    return (now or utcnow()) - signed_in_at > timedelta(days=days)


def session_ended(valid_from: datetime | None, signed_in_at: datetime) -> bool:
    """Whether a session signed in (or a cookie issued) at ``signed_in_at`` has been ended since (UTC, naive)."""
    return valid_from is not None and signed_in_at < valid_from


def record_denied(session: Session, *, user: CurrentUser, what: str) -> None:
    """Log a refused request so an admin can see who tried what."""
    add_audit(session, user, "denied", detail=what)


def add_audit(session: Session, who: UserAccount | CurrentUser, action: str, **fields: object) -> None:
    """One line in the audit log: what the account ``who`` did (the caller commits)."""
    session.add(AuditLog(school_id=who.school_id, user_id=who.id, username=who.username, action=action, **fields))
