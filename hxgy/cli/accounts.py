"""Commands for accounts: create-user and accounts."""

from __future__ import annotations

import argparse
import os
import sys

from sqlalchemy import select

from hxgy import db
from hxgy.auth import AccountError, PasswordError, create_user, generate_password, staff_link_problem
from hxgy.models import School, UserAccount
from hxgy.rights import Role


def cmd_create_user(args: argparse.Namespace) -> int:
    """Create an account; the password comes from an environment variable or is generated.

    A head_teacher or teacher account is linked to a member of staff (--staff 工号), as on 设置.
    """
    from hxgy.models import Staff

    password = os.environ.get(args.password_env, "") if args.password_env else ""
    generated = not password
    password = password or generate_password()
    try:
        with db.write_session() as session:
            school_id = None
            if args.school:
                school_id = session.scalar(select(School.id).where(School.code == args.school))
                if school_id is None:
                    print(f"no school with code {args.school}", file=sys.stderr)
                    return 2
            elif args.role != Role.DISTRICT:  # the first school, as the other commands
                school_id = session.scalar(select(School.id).order_by(School.id).limit(1))
            staff_id = None
            if args.staff:
                staff_id = session.scalar(
                    select(Staff.id).where(Staff.school_id == school_id, Staff.staff_no == args.staff.strip())
                )
                if staff_id is None:
                    print(f"错误：本校教职工名单中没有工号 {args.staff}（请先导入教职工模板）", file=sys.stderr)
                    return 2
            if problem := staff_link_problem(args.role, staff_id):
                print(f"错误：{problem}（请加 --staff 工号）", file=sys.stderr)
                return 2
            create_user(
                session,
                username=args.username,
                password=password,
                role=args.role,
                display_name=args.display_name,
                school_id=school_id,
                district=args.district,
                staff_id=staff_id,
            )
    except (AccountError, PasswordError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"created {args.username} ({args.role})" + (f", password: {password}" if generated else ""))
    return 0


def cmd_accounts(_args: argparse.Namespace) -> int:
    """List every account."""
    with db.read_session() as session:
        rows = session.execute(
            select(UserAccount.username, UserAccount.role, UserAccount.display_name, School.code, UserAccount.active)
            .outerjoin(School, School.id == UserAccount.school_id)
            .order_by(UserAccount.id)
        ).all()
    for username, role, name, school, active in rows:
        print(f"{username:<16} {role:<13} {school or '-':<8} {'active' if active else 'disabled':<9} {name}")
    return 0
