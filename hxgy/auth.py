"""Accounts and who may do what: passwords, the signed-in user, roles and scope.

No Streamlit here; hxgy.ui wires this to streamlit-authenticator.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

import bcrypt
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.models import ROLES, AuditLog, ClassAssignment, SchoolClass, SchoolYear, UserAccount
from hxgy.models.base import utcnow

BCRYPT_MAX_BYTES = 72
MIN_PASSWORD_CHARS = 8
# roles that may see students' and guardians' names (a head teacher only for own classes)
NAME_ROLES = frozenset({"admin", "principal", "dean", "head_teacher", "teacher"})
SCHOOL_WIDE_ROLES = frozenset({"admin", "principal", "dean", "meeting"})


class PasswordError(ValueError):
    """A new password breaks the rules; the message says which, in Chinese."""


class AccountError(ValueError):
    """An account cannot be created or changed as asked."""


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user, as read from the database on every run."""

    id: int
    username: str
    display_name: str
    role: str
    school_id: int | None
    district: str
    staff_id: int | None


def hash_password(password: str) -> str:
    """A bcrypt hash of the password."""
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    """Whether the password matches the hash."""
    data = password.encode("utf-8")
    if len(data) > BCRYPT_MAX_BYTES:
        return False
    return bcrypt.checkpw(data, password_hash.encode("ascii"))


def check_new_password(password: str, *, username: str) -> None:
    """Refuse a password that is too short, too long, or the username itself."""
    if password != password.strip():
        raise PasswordError("密码首尾不能有空格")
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordError(f"密码至少需要 {MIN_PASSWORD_CHARS} 个字符")
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        raise PasswordError(f"密码过长：最多 {BCRYPT_MAX_BYTES} 字节（约 24 个汉字）")
    if password.lower() == username.lower():
        raise PasswordError("密码不能与用户名相同")


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
    if role not in ROLES:
        raise AccountError(f"未知角色：{role}")
    if not username:
        raise AccountError("用户名不能为空")
    if role != "district" and school_id is None:
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
    user.session_version += 1
    session.add(
        AuditLog(
            school_id=user.school_id,
            user_id=user.id,
            username=user.username,
            action="update",
            entity="user_account",
            entity_id=user.id,
            detail="password changed",
        )
    )


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


def load_user(session: Session, username: str) -> CurrentUser | None:
    """The active account with this username, or None."""
    user = session.scalar(
        select(UserAccount).where(UserAccount.username == username.strip().lower(), UserAccount.active.is_(True))
    )
    if user is None:
        return None
    return CurrentUser(
        user.id, user.username, user.display_name, user.role, user.school_id, user.district, user.staff_id
    )


def record_login(session: Session, *, user_id: int) -> None:
    """Note a successful login on the account and in the audit log."""
    user = session.get(UserAccount, user_id)
    if user is None:
        return
    user.last_login_at = utcnow()
    user.failed_logins = 0
    session.add(AuditLog(school_id=user.school_id, user_id=user.id, username=user.username, action="login"))


def own_class_ids(session: Session, *, staff_id: int | None, on_day: date) -> list[int]:
    """Classes a member of staff teaches in the school year that contains ``on_day``."""
    if staff_id is None:
        return []
    stmt = (
        select(ClassAssignment.class_id)
        .join(SchoolClass, SchoolClass.id == ClassAssignment.class_id)
        .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
        .where(ClassAssignment.staff_id == staff_id)
        .where(SchoolYear.start_date <= on_day, SchoolYear.end_date >= on_day)
        .distinct()
        .order_by(ClassAssignment.class_id)
    )
    return list(session.scalars(stmt))


def head_teacher_class_ids(session: Session, *, staff_id: int | None, on_day: date) -> list[int]:
    """Classes a member of staff is 班主任 of in the school year that contains ``on_day``."""
    if staff_id is None:
        return []
    stmt = (
        select(ClassAssignment.class_id)
        .join(SchoolClass, SchoolClass.id == ClassAssignment.class_id)
        .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
        .where(ClassAssignment.staff_id == staff_id, ClassAssignment.role == "head_teacher")
        .where(SchoolYear.start_date <= on_day, SchoolYear.end_date >= on_day)
        .order_by(ClassAssignment.class_id)
    )
    return list(session.scalars(stmt))


def record_denied(session: Session, *, user: CurrentUser, what: str) -> None:
    """Log a refused request so an admin can see who tried what."""
    session.add(
        AuditLog(school_id=user.school_id, user_id=user.id, username=user.username, action="denied", detail=what)
    )


def names_visible(session: Session, *, user: CurrentUser, on_day: date) -> frozenset[int] | None:
    """Classes whose students' and parents' names this user may see: None means every class."""
    if user.role in ("admin", "principal", "dean"):
        return None
    if user.role in ("head_teacher", "teacher"):
        return frozenset(own_class_ids(session, staff_id=user.staff_id, on_day=on_day))
    return frozenset()


def may_download(role: str) -> bool:
    """The meeting screen offers no downloads; every other role may download what it sees."""
    return role != "meeting"
