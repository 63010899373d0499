"""设置 → 消息提醒: the dean saves a robot and the schedule, sees the secret masked, sends a test message to a local
receiver and sees the result in Chinese, and the last failures are listed first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.models import NotifyChannel, NotifySchedule
from hxgy.notify import secrets
from tests.app.conftest import all_text
from tests.conftest import run_cli
from tests.unit.notify_receivers import notify_school, robot_server


def _dean(url: str) -> str:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        made = notify_school(session)
        session.commit()
        username = made.users["dean"].username
    engine.dispose()
    return username


def _tab(at):
    return next(tab for tab in at.tabs if tab.label == "消息提醒")


def test_the_dean_sets_up_a_robot_and_the_schedule_and_tests_it(make_app, empty_database_url) -> None:
    url = empty_database_url
    assert run_cli(url, "migrate").returncode == 0
    dean = _dean(url)
    with robot_server() as robots:
        at = make_app(url, dean)
        at.run()
        at.switch_page("pages/settings.py")
        at.run()
        assert not at.exception, at.exception
        assert "发到群里的消息只含各班汇总数字" in all_text(at)
        at.text_input(key="notify-wecom-webhook").input(robots.url("wecom"))
        next(b for b in _tab(at).button if b.label == "保存" and "notify-wecom" in str(b.id)).click()
        at.run()
        assert not at.exception, at.exception
        assert "已保存企业微信群机器人设置。" in all_text(at)
        assert "已保存：****9f8e（留空则不修改）" in all_text(at) or "****9f8e" in str(
            at.text_input(key="notify-wecom-webhook").placeholder
        )
        at.button(key="notify-test-wecom").click()
        at.run()
        assert "测试消息已发送到企业微信群机器人群" in all_text(at)
        assert len(robots.taken("wecom")) == 1
        robots.answer["wecom"] = "errcode"
        at.button(key="notify-test-wecom").click()
        at.run()
        assert "测试消息发送失败：企业微信群机器人拒绝了消息：errcode 310000" in all_text(at)
        at.run()
        assert "测试消息（企业微信群机器人）,发送失败,1,企业微信群机器人拒绝了消息：errcode 310000" in all_text(at)
        assert "将在下次运行时自动重试" not in all_text(at)  # a test message is not tried again
        at.selectbox(key="notify-digest-day").select_index(0)  # 不发送
        at.number_input(key="notify-request-hours").set_value(6)
        next(b for b in _tab(at).button if b.label == "保存提醒时间").click()
        at.run()
        assert "已保存提醒时间。" in all_text(at), all_text(at)
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        stored = session.scalar(select(NotifyChannel))
        assert stored is not None and "wecom-key" not in stored.webhook_enc
        assert secrets.decrypt(stored.webhook_enc) == robots.url("wecom")
        schedule = session.scalar(select(NotifySchedule))
        assert schedule is not None and schedule.digest_weekday is None and schedule.request_hours == 6
    engine.dispose()
