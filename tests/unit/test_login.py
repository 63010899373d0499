"""Signing in: slowed down after failures, locked for a while per client, unknown users like wrong passwords,
long passphrases, the password rules, and sessions ended by logout."""

from __future__ import annotations

from datetime import datetime, timedelta

import bcrypt
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import auth, login
from hxgy.models import AuditLog, LoginThrottle, UserAccount
from tests.builders import tiny_school

T0 = datetime(2026, 11, 22, 8, 0)
PASSWORD = "我们的学校在东湖边上"


@pytest.fixture
def session(engine):
    with Session(engine) as session:
        school = tiny_school(session)
        auth.create_user(
            session, username="teacher1", password=PASSWORD, role="teacher", display_name="李老师",
            school_id=school.school.id,
        )  # fmt: skip
        session.commit()
        yield session


def _try(session: Session, password: str, now: datetime, *, client: str = "10.0.0.1", user: str = "teacher1"):
    result = login.attempt_login(session, username=user, password=password, client=client, now=now)
    session.commit()
    return result


def test_the_waits_grow_after_three_failures_and_stop_at_a_minute() -> None:
    assert [login.wait_after(n) for n in range(1, 10)] == [0, 0, 2, 4, 8, 16, 32, 60, 60]


def test_a_right_password_signs_in_and_a_wrong_one_is_refused_in_chinese(session) -> None:
    assert _try(session, "wrong-password", T0).message == "用户名或密码不正确。"
    ok = _try(session, PASSWORD, T0 + timedelta(seconds=1))
    assert ok.user is not None and ok.user.username == "teacher1" and ok.message is None
    assert session.scalar(select(LoginThrottle)) is None, "a success forgets the failures"
    actions = session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions[-2:] == ["login_failed", "login"]


def test_failures_slow_down_then_lock_and_the_lock_ends_by_itself(session) -> None:
    now = T0
    for number in range(1, login.LOCK_AFTER):
        result = _try(session, f"wrong-{number}", now)
        assert result.user is None
        assert result.retry_after_seconds == login.wait_after(number)
        if number >= login.FREE_FAILURES:
            early = _try(session, PASSWORD, now + timedelta(seconds=result.retry_after_seconds - 1))
            assert early.user is None and "秒后再试" in early.message, "too soon: the password is not even checked"
        now += timedelta(seconds=result.retry_after_seconds)
    locked = _try(session, "wrong-last", now)
    assert "已暂时锁定" in locked.message and "15 分钟" in locked.message
    assert _try(session, PASSWORD, now + timedelta(minutes=14)).user is None, "locked: even the right password"
    assert _try(session, PASSWORD, now + timedelta(minutes=14), client="10.0.0.2").user is not None, (
        "a stranger's failures lock only the stranger's address, never the owner out"
    )
    assert _try(session, PASSWORD, now + timedelta(minutes=15, seconds=1)).user is not None


def test_an_unknown_username_is_checked_and_counted_like_a_wrong_password(session, monkeypatch) -> None:
    checks: list[bytes] = []
    real = bcrypt.checkpw
    monkeypatch.setattr(auth.bcrypt, "checkpw", lambda pw, h: checks.append(h) or real(pw, h))
    wrong = _try(session, "wrong-password", T0)
    unknown = _try(session, "wrong-password", T0, user="nobody")
    assert len(checks) == 2, "both ran one bcrypt check: the same time"
    assert (wrong.message, wrong.retry_after_seconds) == (unknown.message, unknown.retry_after_seconds)
    rows = {row.username: row.failures for row in session.scalars(select(LoginThrottle))}
    assert rows == {"teacher1": 1, "nobody": 1}


def test_a_disabled_account_answers_like_a_wrong_password(session) -> None:
    session.execute(UserAccount.__table__.update().values(active=False))
    session.commit()
    assert _try(session, PASSWORD, T0).message == "用户名或密码不正确。"


def test_old_rows_are_forgotten(session) -> None:
    _try(session, "wrong-password", T0, user="stranger")
    _try(session, "wrong-password", T0 + login.FORGET_AFTER + timedelta(seconds=1), user="another")
    assert session.scalars(select(LoginThrottle.username)).all() == ["another"]


def test_a_long_chinese_passphrase_counts_to_the_last_character() -> None:
    passphrase = "春天的东湖边上有一所很好的学校，我们每天都在这里学习和成长，" * 3  # 270 UTF-8 bytes
    assert len(passphrase.encode("utf-8")) > auth.BCRYPT_MAX_BYTES
    auth.check_new_password(passphrase[:80], username="teacher1")
    stored = auth.hash_password(passphrase)
    assert stored.startswith(auth.PREHASHED)
    assert auth.verify_password(passphrase, stored)
    assert not auth.verify_password(passphrase[:-1] + "。", stored), "bcrypt alone would stop at 72 bytes"


def test_hashes_of_older_accounts_still_verify() -> None:
    legacy = bcrypt.hashpw(b"an-old-password", bcrypt.gensalt()).decode("ascii")
    assert auth.verify_password("an-old-password", legacy) and not auth.verify_password("another", legacy)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "至少需要 8 个字符"),
        (" padded-password", "首尾不能有空格"),
        ("x" * 201, "最多 200 个字符"),
        ("teacher1", "不能是用户名"),
        ("teacher12024", "不能是用户名"),
        ("12345678", "太常见"),
        ("woaini1314", "太常见"),
        ("Password123", "太常见"),
        ("aaaaaaaaaa", "太常见"),
        ("87654321", "太常见"),
        ("qwertyuiop", "太常见"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, reason) -> None:
    with pytest.raises(auth.PasswordError, match=reason):
        auth.check_new_password(password, username="teacher1")


@pytest.mark.parametrize("password", ["teacher1-likes-tea", "春眠不觉晓处处闻啼鸟", "correct horse battery staple"])
def test_passphrases_are_welcome(password) -> None:
    auth.check_new_password(password, username="teacher1")


def test_logging_out_ends_every_session_and_cookie_issued_before(session) -> None:
    account = session.scalar(select(UserAccount).where(UserAccount.username == "teacher1"))
    assert auth.sessions_valid_from(session, "teacher1") is None
    version = account.session_version
    auth.log_out(session, user_id=account.id)
    session.commit()
    cut = auth.sessions_valid_from(session, "teacher1")
    assert cut is not None and account.session_version == version + 1
    assert auth.session_ended(cut, cut - timedelta(seconds=1))
    assert not auth.session_ended(cut, cut + timedelta(seconds=1)), "a new login after the logout counts"
    assert session.scalars(select(AuditLog.action).order_by(AuditLog.id.desc())).first() == "logout"


def test_sessions_expire_after_the_cookie_lifetime(monkeypatch) -> None:
    monkeypatch.setenv("HXGY_COOKIE_EXPIRY_DAYS", "1")
    assert not auth.session_expired(T0, now=T0 + timedelta(hours=23))
    assert auth.session_expired(T0, now=T0 + timedelta(hours=25))
