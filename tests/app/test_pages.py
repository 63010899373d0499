"""Every page of every role runs; pages outside a role are refused on the server."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import auth, config, db, formats, terms
from hxgy.metrics import overview
from hxgy.metrics.roster import ClassFilter
from hxgy.models import ROLES, AuditLog, Guardian, School, SchoolClass, Student, UserAccount
from hxgy.navigation import PAGES, pages_for_role
from tests.app.conftest import all_text
from tests.conftest import DEMO_ANCHOR, run_cli

USERNAME = {
    "admin": "admin",
    "district": "district",
    "principal": "principal",
    "dean": "dean",
    "head_teacher": "headteacher",
    "teacher": "teacher",
    "meeting": "meeting",
}


def test_logged_out_visitors_see_only_the_login_form(make_app, demo_url) -> None:
    at = make_app(demo_url)
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["家校社协同育人"]
    assert len(at.text_input) == 2 and not at.metric and not at.dataframe
    assert "hxgy-demo" in all_text(at), "a demo database tells newcomers how to sign in"


def test_wrong_password_is_refused_in_chinese(make_app, demo_url) -> None:
    at = make_app(demo_url)
    at.run()
    at.text_input[0].input("principal")
    at.text_input[1].input("not-the-password")
    at.button[0].click()
    at.run()
    assert "用户名或密码不正确" in at.error[0].value
    assert not at.metric


def _figures(url: str, class_names: tuple[str, ...] | None = None) -> dict[str, float]:
    """The main school's current-term figures computed straight from hxgy.metrics."""
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        term = terms.current_term(session, school_id=school.id, today=DEMO_ANCHOR)
        period = terms.term_period(term, DEMO_ANCHOR)
        ids = None
        if class_names:
            ids = tuple(
                session.scalars(
                    select(SchoolClass.id).where(
                        SchoolClass.school_year_id == term.school_year_id, SchoolClass.name.in_(class_names)
                    )
                )
            )
        figures = overview.school_figures(session, period, ClassFilter(school.id, None, ids), now=config.now())
    engine.dispose()
    return figures


def test_login_by_form_lands_on_the_overview_with_real_figures(make_app, demo_url) -> None:
    at = make_app(demo_url)
    at.run()
    at.text_input[0].input("Principal")
    at.text_input[1].input("hxgy-demo")
    at.button[0].click()
    at.run()
    assert not at.exception
    figures = _figures(demo_url)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["沟通覆盖率"] == formats.percent(figures["contact_coverage"])
    assert metrics["家访覆盖率"] == formats.percent(figures["home_visit_coverage"])
    assert metrics["德育优良率"] == formats.percent(figures["moral_good_rate"])
    assert metrics["协同活动场次"] == f"{int(figures['activities'])} 场"
    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:
        logins = session.scalar(select(AuditLog.id).where(AuditLog.action == "login", AuditLog.username == "principal"))
    engine.dispose()
    assert logins is not None, "the login is in the audit log"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_role_runs(make_app, demo_url, role) -> None:
    at = make_app(demo_url, USERNAME[role])
    at.run()
    assert not at.exception, at.exception
    for pages in pages_for_role(role).values():
        for page in pages:
            at.switch_page(page.path)
            at.run()
            assert not at.exception, (role, page.key, at.exception)
            assert not at.error, (role, page.key, [e.value for e in at.error])


@pytest.mark.parametrize("role", ROLES)
def test_pages_outside_a_role_are_refused_even_when_run_directly(make_app, demo_url, role) -> None:
    """Run the page file itself, as Streamlit does for a URL in its legacy pages/ mode."""
    outside = [p for p in PAGES if role not in p.roles]
    for page in outside:
        at = make_app(demo_url, USERNAME[role], script=page.path)
        at.run()
        assert not at.exception
        assert "无权打开该页面" in all_text(at)
        assert not at.metric and not at.dataframe and not at.text_input
    if outside:
        engine = db.create_db_engine(demo_url)
        with Session(engine) as session:
            refused = session.scalars(
                select(AuditLog.detail).where(AuditLog.action == "denied", AuditLog.username == USERNAME[role])
            ).all()
        engine.dispose()
        assert {f"page {p.key}" for p in outside} <= set(refused), "refusals are logged"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.key)
def test_a_page_run_directly_while_logged_out_shows_the_login_form_only(make_app, demo_url, page) -> None:
    at = make_app(demo_url, script=page.path)
    at.run()
    assert not at.exception
    assert len(at.text_input) == 2 and at.button[0].label == "登录"
    assert not at.metric and not at.dataframe


@pytest.mark.parametrize("role", ROLES)
def test_allowed_pages_run_directly_too(make_app, demo_url, role) -> None:
    for pages in pages_for_role(role).values():
        for page in pages:
            at = make_app(demo_url, USERNAME[role], script=page.path)
            at.run()
            assert not at.exception and not at.error, (role, page.key)


def test_a_head_teacher_lands_on_own_class(make_app, demo_url) -> None:
    at = make_app(demo_url, "headteacher")
    at.run()
    assert [t.value for t in at.title] == ["待办"], "a head teacher lands on what is due"
    at.switch_page("pages/overview.py").run()
    assert at.selectbox(key="f-class").value is not None
    assert "三(2)班" in at.caption[0].value
    figures = _figures(demo_url, ("三(2)班",))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["家访覆盖率"] == formats.percent(figures["home_visit_coverage"])


def test_choosing_a_grade_changes_the_figures(make_app, demo_url) -> None:
    at = make_app(demo_url, "principal")
    at.run()
    at.selectbox(key="f-grade").select(4)
    at.run()
    figures = _figures(demo_url, ("四(1)班", "四(2)班", "四(3)班", "四(4)班", "四(5)班"))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["沟通覆盖率"] == formats.percent(figures["contact_coverage"])
    assert "四年级" in at.caption[0].value


def test_a_custom_date_range(make_app, demo_url) -> None:
    at = make_app(demo_url, "principal")
    at.run()
    at.toggle(key="f-custom").set_value(True)
    at.run()
    at.date_input(key="f-range").set_value((date(2026, 10, 1), date(2026, 10, 31)))
    at.run()
    assert not at.exception
    assert "2026年10月1日—2026年10月31日" in at.caption[0].value
    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        period = terms.custom_period(session, school_id=school.id, start=date(2026, 10, 1), end=date(2026, 10, 31))
        figures = overview.school_figures(session, period, ClassFilter(school.id), now=config.now())
    engine.dispose()
    assert {m.label: m.value for m in at.metric}["家访覆盖率"] == formats.percent(figures["home_visit_coverage"])


def test_names_only_for_own_classes(make_app, demo_url) -> None:
    at = make_app(demo_url, "headteacher")
    at.run()
    at.switch_page("pages/communication.py")
    at.run()
    own = [frame.value for frame in at.dataframe if "学生" in frame.value.columns]
    assert own and len(own[0]) > 0, "the head teacher sees who in 三(2)班 has not been reached"
    at.selectbox(key="f-class").set_value(None)
    at.selectbox(key="f-grade").set_value(1)
    at.run()
    assert not any("学生" in frame.value.columns for frame in at.dataframe), "no names of other classes"
    principal = make_app(demo_url, "principal")
    principal.run()
    principal.switch_page("pages/volunteers.py")
    principal.run()
    assert any("家长" in frame.value.columns for frame in principal.dataframe), "the principal sees the ranking"


def test_the_district_sees_every_school(make_app, demo_url) -> None:
    at = make_app(demo_url, "district")
    at.run()
    schools = at.dataframe[0].value
    assert len(schools) == 3 and "东湖区实验小学" in schools["学校"].tolist()
    assert not at.exception


def test_the_meeting_screen_shows_no_child_or_parent_name(make_app, demo_url) -> None:
    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:
        names = set(session.scalars(select(Student.name))) | set(session.scalars(select(Guardian.name)))
    engine.dispose()
    at = make_app(demo_url, "meeting")
    at.run()
    for pages in pages_for_role("meeting").values():
        for page in pages:
            at.switch_page(page.path)
            at.run()
            text = all_text(at)
            assert "班" in text, page.key
            assert not at.get("download_button"), f"no downloads on the meeting screen ({page.key})"
            assert not [n for n in names if n in text], page.key


def test_a_disabled_account_is_signed_out_at_once(make_app, empty_database_url) -> None:
    assert run_cli(empty_database_url, "init", env={"HXGY_ADMIN_PASSWORD": "admin-passphrase"}).returncode == 0
    at = make_app(empty_database_url, "admin")
    at.run()
    assert "尚未设置学期" in all_text(at)
    engine = db.create_db_engine(empty_database_url)
    with db.write_session(engine) as session:
        session.scalar(select(UserAccount)).active = False
    engine.dispose()
    at.run()
    assert "停用" in all_text(at) and not at.metric


def test_change_password_on_the_account_page(make_app, empty_database_url) -> None:
    assert run_cli(empty_database_url, "init", env={"HXGY_ADMIN_PASSWORD": "admin-passphrase"}).returncode == 0
    at = make_app(empty_database_url, "admin")
    at.run()
    at.switch_page("pages/account.py")
    at.run()

    def submit(old: str, new: str, again: str) -> None:
        fields = at.text_input
        fields[0].input(old)
        fields[1].input(new)
        fields[2].input(again)
        next(b for b in at.button if b.label == "保存新密码").click()
        at.run()

    submit("admin-passphrase", "new-passphrase-1", "different")
    assert "不一致" in at.error[0].value
    submit("wrong-passphrase", "new-passphrase-1", "new-passphrase-1")
    assert "原密码不正确" in at.error[0].value
    submit("admin-passphrase", "短", "短")
    assert "至少" in at.error[0].value
    submit("admin-passphrase", "我们的新学期口令", "我们的新学期口令")
    assert not at.error and "密码已修改" in at.success[0].value
    engine = db.create_db_engine(empty_database_url)
    with Session(engine) as session:
        assert auth.verify_password("我们的新学期口令", session.scalar(select(UserAccount)).password_hash)
    engine.dispose()
