"""The school's accounts (设置 → 账户): created with a generated first password, disabled, reset."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from hxgy import auth, rights
from hxgy.auth import CurrentUser
from hxgy.entry.rules import Problems, as_dict, audit, refuse, require_school_write
from hxgy.models import (
    Staff,
    UserAccount,
)
from hxgy.rights import Action, Role


def create_account(
    session: Session,
    user: CurrentUser,
    *,
    username: str,
    display_name: str,
    role: str,
    staff_id: int | None = None,
) -> tuple[UserAccount, str]:
    """A new account of the school with a generated first password (shown once to the admin)."""
    school_id = require_school_write(session, user, "创建账户", Action.MANAGE_ACCOUNTS)
    problems = Problems()
    if role == Role.DISTRICT:
        problems.add("角色", "教育局账户只能由系统管理员在命令行创建")
    if role == Role.ADMIN and not rights.can(user.role, Action.MANAGE_ADMIN_ACCOUNTS):
        problems.add("角色", "只有管理员可以创建管理员账户")
    if not re.fullmatch(r"[A-Za-z0-9_.-]{3,60}", username.strip()):
        problems.add("用户名", "3–60 个字母、数字、点、下划线或减号")
    if not display_name.strip():
        problems.add("姓名", "必须填写")
    if staff_id is not None:
        staff = session.get(Staff, staff_id)
        if staff is None or staff.school_id != school_id:
            problems.add("教职工", "不是本校的教职工")
    if link_problem := auth.staff_link_problem(role, staff_id):
        problems.add("教职工", link_problem)
    problems.raise_if_any()
    password = auth.generate_password()
    try:
        account = auth.create_user(
            session,
            username=username,
            password=password,
            role=role,
            display_name=display_name.strip(),
            school_id=school_id,
            staff_id=staff_id,
            actor=user.username,
        )
    except auth.AccountError as error:
        problems.add("用户名", str(error))
        problems.raise_if_any()
        raise
    return account, password


def _school_account(session: Session, user: CurrentUser, account_id: int, what: str) -> UserAccount:
    school_id = require_school_write(session, user, what, Action.MANAGE_ACCOUNTS)
    account = session.get(UserAccount, account_id)
    admin_account = account is not None and account.role == Role.ADMIN
    if (
        account is None
        or account.school_id != school_id
        or (admin_account and not rights.can(user.role, Action.MANAGE_ADMIN_ACCOUNTS))
    ):
        raise refuse(session, user, f"{what} {account_id}")
    return account


def set_account_active(session: Session, user: CurrentUser, account_id: int, active: bool) -> None:
    """Disable (or enable again) an account; disabling ends its sessions at once."""
    account = _school_account(session, user, account_id, "停用或启用账户")
    if account.id == user.id and not active:
        problems = Problems()
        problems.add("账户", "不能停用自己的账户")
        problems.raise_if_any()
    before = as_dict(account, ["active", "session_version"])
    account.active = active
    auth.end_sessions(account)
    session.flush()
    audit(session, user, "update", "user_account", account.id, before=before, after=as_dict(account, list(before)))


def reset_password(session: Session, user: CurrentUser, account_id: int) -> str:
    """A new generated password for an account (shown once); its old sessions end."""
    account = _school_account(session, user, account_id, "重置密码")
    password = auth.generate_password()
    account.password_hash = auth.hash_password(password)
    auth.end_sessions(account)
    account.failed_logins = 0
    account.locked_until = None
    session.flush()
    audit(session, user, "update", "user_account", account.id, detail="password reset")
    return password


def change_own_password(session: Session, user: CurrentUser, old_password: str, new_password: str) -> None:
    """The signed-in user's new password, after the old one is checked (auth.PasswordError says why not)."""
    auth.change_password(session, user_id=user.id, old_password=old_password, new_password=new_password)
