"""What the commands share: the school or account a command acts as, and the database's printable address."""

from __future__ import annotations

import sys

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy import config, db
from hxgy.auth import DistrictUser, SchoolUser
from hxgy.models import School
from hxgy.rights import Role


def safe_url() -> str:
    """The configured database URL with its password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(config.database_url()).render_as_string(hide_password=True)


def database_is_empty() -> bool:
    """Whether the database holds no school yet."""
    with db.read_session() as session:
        return (session.scalar(select(func.count()).select_from(School)) or 0) == 0


def find_school(session: Session, school_code: str | None) -> School | None:
    """The school with this code, or the first school when no code is given."""
    return session.scalar(
        select(School).where(School.code == school_code) if school_code else select(School).order_by(School.id).limit(1)
    )


def schools_to_run(school_code: str | None) -> list[tuple[int, str, str]] | None:
    """(id, code, name) of every school, or of the one with ``--school``'s code; None (and a message) if no school
    has that code. For the commands that go through every school (notify, purge)."""
    with db.read_session() as session:
        if school_code:
            school = find_school(session, school_code)
            if school is None:
                print(f"错误：没有代码为 {school_code} 的学校", file=sys.stderr)
                return None
            return [(school.id, school.code, school.name)]
        return [(s.id, s.code, s.name) for s in session.scalars(select(School).order_by(School.id))]


def cli_admin(session: Session, school_code: str | None) -> SchoolUser | None:
    """The command line acting as an admin of a school (audit log: user "cli"), or None with a message."""
    school = find_school(session, school_code)
    if school is None:
        print(f"错误：没有学校 {school_code or ''}（请先运行 python -m hxgy init --school 校名）", file=sys.stderr)
        return None
    # no account stands behind the command line: its audit entries have no user id (user_id NULL)
    return SchoolUser(None, "cli", "命令行", Role.ADMIN, school.id, "", None)  # type: ignore[arg-type]


def school_user(session: Session, school_code: str | None) -> SchoolUser | None:
    """An admin of a school, for commands that act for the school rather than a person (templates)."""
    school = find_school(session, school_code)
    if school is None:
        return None
    return SchoolUser(0, "cli", "命令行", Role.ADMIN, school.id, "", None)


def cli_user(session: Session, username: str) -> SchoolUser | DistrictUser | None:
    """The active account a command is run as, or None with a message."""
    from hxgy.auth import load_user

    user = load_user(session, username)
    if user is None:
        print(f"no active account {username}", file=sys.stderr)
    return user
