"""The command line a newcomer and an admin use."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import auth, db
from hxgy.models import AppMeta, School, UserAccount
from tests.conftest import run_cli


def test_init_outside_demo_mode_creates_one_admin_with_a_random_password(empty_database_url) -> None:
    result = run_cli(empty_database_url, "init", env={"HXGY_ADMIN_PASSWORD": ""})
    assert result.returncode == 0, result.stderr
    password = result.stdout.split("password: ")[1].split()[0]
    engine = db.create_db_engine(empty_database_url)
    with Session(engine) as session:
        users = session.scalars(select(UserAccount)).all()
        assert [(u.username, u.role) for u in users] == [("admin", "admin")]
        assert auth.verify_password(password, users[0].password_hash)
        assert session.get(AppMeta, "demo") is None, "no demo accounts outside demo mode"
        assert session.scalar(select(School.name)) == "我的学校"
    engine.dispose()
    again = run_cli(empty_database_url, "init")
    assert again.returncode == 0 and "nothing to do" in again.stdout


def test_init_takes_the_admin_password_from_the_environment(empty_database_url) -> None:
    result = run_cli(
        empty_database_url, "init", "--school", "东湖小学", env={"HXGY_ADMIN_PASSWORD": "a-chosen-passphrase"}
    )
    assert result.returncode == 0, result.stderr
    assert "a-chosen-passphrase" not in result.stdout
    engine = db.create_db_engine(empty_database_url)
    with Session(engine) as session:
        admin = session.scalar(select(UserAccount))
        assert auth.verify_password("a-chosen-passphrase", admin.password_hash)
    engine.dispose()


def test_create_user_and_list_accounts(empty_database_url) -> None:
    assert run_cli(empty_database_url, "init", env={"HXGY_ADMIN_PASSWORD": "admin-passphrase"}).returncode == 0
    made = run_cli(
        empty_database_url,
        "create-user",
        "liu",
        "--role",
        "dean",
        "--display-name",
        "刘主任",
        "--school",
        "S001",
        "--password-env",
        "NEW_PW",
        env={"NEW_PW": "dean-passphrase"},
    )
    assert made.returncode == 0, made.stderr
    bad = run_cli(empty_database_url, "create-user", "x", "--role", "dean", "--display-name", "X", "--school", "NOPE")
    assert bad.returncode == 2 and "NOPE" in bad.stderr
    short = run_cli(
        empty_database_url,
        "create-user",
        "y",
        "--role",
        "dean",
        "--display-name",
        "Y",
        "--school",
        "S001",
        "--password-env",
        "PW",
        env={"PW": "short"},
    )
    assert short.returncode == 2 and "至少" in short.stderr
    listing = run_cli(empty_database_url, "accounts")
    assert "liu" in listing.stdout and "dean" in listing.stdout


def test_demo_refuses_a_database_that_holds_data(demo_url) -> None:
    result = run_cli(demo_url, "demo")
    assert result.returncode == 2 and "already holds data" in result.stderr


def test_init_demo_on_a_loaded_database_prints_the_accounts_again(demo_url) -> None:
    result = run_cli(demo_url, "init", "--demo")
    assert result.returncode == 0, result.stderr
    for username in ("principal", "dean", "headteacher", "meeting", "district"):
        assert username in result.stdout
