"""python -m hxgy notify against real receivers: a local SMTP server (aiosmtpd) and a local HTTP server playing the
企业微信 and 钉钉 robots (钉钉's signature checked). Each due message arrives once, group robots never carry a
child's or a guardian's name, failures are retried by the next run, two runs at once send once."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import datetime
from email.message import EmailMessage

import pytest
from docx import Document
from PIL import Image
from sqlalchemy import Engine, select

from hxgy import db
from hxgy.cli.main import main
from hxgy.entry.rules import InvalidEntry, WriteRefused
from hxgy.models import NotifyChannel, NotifyMessage
from hxgy.notify import log, secrets, setup
from hxgy.notify.run import run_school, send_test
from tests.conftest import PROJECT_ROOT
from tests.unit.notify_receivers import (
    CLASS_A,
    CLASS_B,
    DINGTALK_SECRET,
    EMAILS,
    NOW,
    SMTP_PASSWORD,
    SMTP_USER,
    Inbox,
    NotifySchool,
    Robots,
    notify_school,
    people_names,
    robot_server,
    smtp_server,
)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:aiosmtpd.*")
MONDAY = {"HXGY_TODAY": "2026-11-23"}  # config.now() = Monday 2026-11-23 12:00 (NOW)


def _body(mail: EmailMessage) -> str:
    """The plain-text body of a mail."""
    part = mail.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _configure(
    engine: Engine, robots: Robots, smtp_port: int, *, digest: bool = True, digest_to_robots: bool = True
) -> NotifySchool:
    """The school, its channels pointing at the local receivers (through the settings' own write functions), and a
    schedule: 待办 summaries on Mondays from 7:00, requests 12 hours before the limit, the digest Mondays from 8:00."""
    with db.write_session(engine) as session:
        made = notify_school(session)
        admin = made.users["admin"]
        setup.save_robot(session, admin, "wecom", enabled=True, webhook=robots.url("wecom"))
        setup.save_robot(
            session, admin, "dingtalk", enabled=True, webhook=robots.url("dingtalk"), secret=DINGTALK_SECRET
        )
        setup.save_mailer(
            session,
            admin,
            enabled=True,
            host="127.0.0.1",
            port=smtp_port,
            security="none",
            username=SMTP_USER,
            password=SMTP_PASSWORD,
            sender="notify@school.test",
        )
        setup.save_schedule(
            session,
            made.users["dean"],
            summary_days=[0],
            summary_hour=7,
            summary_to_robots=True,
            request_hours=12,
            digest_weekday=0 if digest else None,
            digest_hour=8,
            digest_to_robots=digest_to_robots,
            term_report=True,
        )
    return made


def _messages(engine: Engine) -> list[NotifyMessage]:
    with db.read_session(engine) as session:
        return list(session.scalars(select(NotifyMessage).order_by(NotifyMessage.id)))


def _no_names_in_groups(made: NotifySchool, robots: Robots, inbox: Inbox) -> None:
    """Every robot message, and every email to the principal and the dean: no child's or guardian's name."""
    names = people_names(made.school)
    assert len(names) == 22
    group_texts = [post.text() for post in robots.posts]
    leadership = [_body(m) + str(m["Subject"]) for m in inbox.mails if m["To"] in (EMAILS["principal"], EMAILS["dean"])]
    for text in group_texts + leadership:
        assert not [name for name in names if name in text], text


def _notify(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str, today: str
) -> tuple[int, str]:
    """``python -m hxgy notify`` run in this process (its parser and command; the subprocess runs are below)."""
    monkeypatch.setenv("HXGY_DATABASE_URL", _url(engine))
    monkeypatch.setenv("HXGY_TODAY", today)
    capsys.readouterr()
    status = main(["notify", *args])
    return status, capsys.readouterr().out


def test_notify_delivers_each_due_message_once_with_no_name_in_any_group(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with robot_server() as robots, smtp_server() as (inbox, port):
        made = _configure(engine, robots, port)
        status, first = _notify(engine, monkeypatch, capsys, today="2026-11-23")
        assert status == 0, first
        # the request of 三(2)班 11 hours from its limit: one class line to each robot, details to 周老师
        for robot in ("wecom", "dingtalk"):
            texts = [p.text() for p in robots.taken(robot)]
            assert sum("三(2)班有 1 件家长诉求将在 11 小时后超时" in t for t in texts) == 1, texts
            assert not any("四(1)班有" in t for t in texts)  # overdue and far requests: no reminder
            summary = next(t for t in texts if "各班待办" in t)
            assert "三(2)班" in summary and "四(1)班" in summary and "家长诉求待答复" in summary
            assert sum("校长周报" in t for t in texts) == 1
        # 企业微信 also got the status grid as a picture (md5 checked by the receiver)
        images = [p for p in robots.taken("wecom") if p.body["msgtype"] == "image"]
        assert len(images) == 1
        assert len(robots.taken("wecom")) == 4 and len(robots.taken("dingtalk")) == 3
        # 周老师: the summary with the names of their own class's families, and the request's details
        zhou = inbox.to(EMAILS["周老师"])
        assert sorted(str(m["Subject"]) for m in zhou) == [
            "11月23日待办汇总：共 6 项",
            "家长诉求将在 11 小时后超时（三(2)班）",
        ]
        summary_body = _body(next(m for m in zhou if "待办汇总" in str(m["Subject"])))
        assert all(name in summary_body for name in CLASS_A[2:])  # the four not yet contacted
        assert "王小明" not in summary_body  # visited: nothing due
        assert "李思思（S0002），本学期已沟通，尚未家访" in summary_body
        assert not any(name in summary_body for name in CLASS_B)
        qian = inbox.to(EMAILS["钱老师"])
        assert [str(m["Subject"]) for m in qian] == ["11月23日待办汇总：共 7 项"]
        assert len(inbox.to(EMAILS["principal"])) == 1 and not inbox.to(EMAILS["dean"])  # no term ended lately
        assert "发送失败" not in first and "完成：发送 10 条，失败 0 条" in first, first
        _no_names_in_groups(made, robots, inbox)
        posts, mails = len(robots.posts), len(inbox.mails)

        status, second = _notify(engine, monkeypatch, capsys, today="2026-11-23")
        assert status == 0 and "完成：发送 0 条，失败 0 条（下次运行时重试），已发送过 10 条" in second, second
        assert (len(robots.posts), len(inbox.mails)) == (posts, mails)
        assert all(m.status == "sent" and m.attempts == 1 for m in _messages(engine))

        status, dry = _notify(engine, monkeypatch, capsys, "--dry-run", today="2026-11-30")  # the next Monday
        assert status == 0 and "试运行：将发送 7 条，已发送过 0 条；未发送任何消息" in dry, dry
        assert "将发送　11月30日待办汇总：共 6 项 → 邮件 zhou@school.test" in dry  # the request is overdue now
        assert (len(robots.posts), len(inbox.mails)) == (posts, mails)


def test_a_failed_send_is_retried_next_run_and_never_blocks_the_others(engine: Engine) -> None:
    with robot_server() as robots, smtp_server() as (inbox, port):
        made = _configure(engine, robots, port, digest=False)
        robots.answer["wecom"] = "http500"
        robots.answer["dingtalk"] = "errcode"
        inbox.refuse.add(EMAILS["钱老师"])
        _setup, outcomes = run_school(engine, made.school.school.id, now=NOW)
        failed = {o.due.key: o.error for o in outcomes if o.status == "failed"}
        assert sorted(k.split(":")[1] for k in failed) == ["dingtalk", "dingtalk", "email", "wecom", "wecom"]
        assert any("返回 HTTP 500" in e for e in failed.values())
        assert any("errcode 310000，keywords not in content" in e for e in failed.values())
        assert any(f"拒收收件人 {EMAILS['钱老师']}" in e for e in failed.values())
        assert len(inbox.to(EMAILS["周老师"])) == 2  # the others went out
        with db.read_session(engine) as session:
            shown = log.recent(session, made.school.school.id)
        assert list(shown["结果"][:5]) == ["发送失败（下次运行时重试）"] * 5  # failures first on 设置 → 消息提醒
        assert "HTTP 500" in " ".join(shown["错误"])

        robots.answer.update(wecom="ok", dingtalk="ok")
        inbox.refuse.clear()
        _setup, again = run_school(engine, made.school.school.id, now=NOW)
        assert sorted(o.due.key for o in again if o.status == "sent") == sorted(failed)
        assert all(o.attempt == 2 for o in again if o.status == "sent")
        assert [str(m["Subject"]) for m in inbox.to(EMAILS["钱老师"])] == ["11月23日待办汇总：共 7 项"]
        assert len(inbox.to(EMAILS["周老师"])) == 2
        assert sum("三(2)班有 1 件家长诉求" in p.text() for p in robots.posts) == 2  # once per robot
        _no_names_in_groups(made, robots, inbox)

    # a mail server that is down: connection refused, said in Chinese, tried again next time
    with db.write_session(engine) as session:
        channel = session.scalar(select(NotifyChannel).where(NotifyChannel.kind == "email"))
        assert channel is not None
        channel.smtp_port = port  # nothing listens there any more
    later = NOW.replace(day=30)  # the next Monday: a new summary is due
    _setup, down = run_school(engine, made.school.school.id, now=later)
    errors = [o.error for o in down if o.due.channel == "email"]
    assert errors and all("无法连接邮件服务器 127.0.0.1" in e for e in errors)


def test_two_notify_processes_at_once_send_each_message_once(engine: Engine) -> None:
    with robot_server() as robots, smtp_server() as (inbox, port):
        _configure(engine, robots, port, digest=False)
        robots.delay_s = 0.2  # the robots answer slowly, so the two runs overlap
        env = {**os.environ, "HXGY_DATABASE_URL": _url(engine), **MONDAY}
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "hxgy", "notify"], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=120)[0] for run in runs]
        assert all(run.returncode == 0 for run in runs), outputs
        keys = [m.key for m in _messages(engine)]
        assert len(keys) == len(set(keys)) == 7
        assert len(robots.posts) == 4  # a summary and a request line to each robot
        assert len(inbox.mails) == 3  # 周老师 ×2, 钱老师
        assert sum(out.count("已发送　") for out in outputs) == 7  # each message by one of the two runs


def test_the_term_report_and_the_digest_arrive_with_their_files(engine: Engine) -> None:
    with robot_server() as robots, smtp_server() as (inbox, port):
        made = _configure(engine, robots, port, digest_to_robots=False)
        with db.write_session(engine) as session:  # only the leadership's mail this time
            setup.save_schedule(
                session,
                made.users["dean"],
                summary_days=[],
                summary_hour=7,
                summary_to_robots=False,
                request_hours=0,
                digest_weekday=0,
                digest_hour=8,
                digest_to_robots=False,
                term_report=True,
            )
        after_term = datetime(2027, 1, 25, 9, 0)  # a Monday; the autumn term ended on 1月20日
        _setup, outcomes = run_school(engine, made.school.school.id, now=after_term)
        assert [o.status for o in outcomes] == ["sent"] * 3, [o.error for o in outcomes]
        digest = inbox.to(EMAILS["principal"])
        report_mails = [m for m in inbox.mails if "工作报告" in str(m["Subject"])]
        assert sorted(m["To"] for m in report_mails) == [EMAILS["dean"], EMAILS["principal"]]
        weekly = next(m for m in digest if "校长周报" in str(m["Subject"]))
        body = _body(weekly)
        assert "家访覆盖率：9.1%" in body  # 1 of 11 students visited
        picture = next(weekly.iter_attachments())
        assert picture.get_content_type() == "image/png"
        image = Image.open(io.BytesIO(picture.get_content()))
        assert image.format == "PNG" and image.width > 300
        report = next(report_mails[0].iter_attachments())
        assert str(report.get_filename()).endswith(".docx")
        document = Document(io.BytesIO(report.get_content()))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "2026-2027学年第一学期" in text and "测试小学" in text
        _no_names_in_groups(made, robots, inbox)
        _setup, again = run_school(engine, made.school.school.id, now=after_term.replace(hour=15))
        assert [o.status for o in again] == ["skipped"] * 3


def test_secrets_are_stored_encrypted_shown_masked_and_only_admin_or_dean_sets_them(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.write_session(engine) as session:
        made = notify_school(session)
        admin, head = made.users["admin"], made.users["周老师"]
        webhook = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aoc-4bc4-97a0-0ec2sifa5aaa"
        setup.save_robot(session, admin, "wecom", enabled=True, webhook=webhook)
        setup.save_robot(session, admin, "dingtalk", enabled=False, webhook="", secret=DINGTALK_SECRET)
        with pytest.raises(WriteRefused):
            setup.save_robot(session, head, "wecom", enabled=True, webhook=webhook)
    with db.read_session(engine) as session:
        stored = session.scalar(select(NotifyChannel).where(NotifyChannel.kind == "wecom"))
        assert stored is not None and "693a91f6" not in stored.webhook_enc and stored.webhook_enc
        assert secrets.decrypt(stored.webhook_enc) == webhook
        view = setup.channel_view(session, made.school.school.id, "wecom")
        assert view.webhook == "****5aaa" and view.enabled
        assert setup.channel_view(session, made.school.school.id, "dingtalk").secret == "****6789"
        loaded = setup.load_setup(session, made.school.school.id)
        assert [r.kind for r in loaded.robots] == ["wecom"]  # 钉钉 saved but not enabled
        audit = session.execute(select(NotifyChannel.id)).all()
        assert audit
        from hxgy.models import AuditLog

        entries = session.scalars(select(AuditLog.after).where(AuditLog.entity == "notify_channel")).all()
        assert entries and not any("693a91f6" in (e or "") or DINGTALK_SECRET in (e or "") for e in entries)
        refused = session.scalar(select(AuditLog.detail).where(AuditLog.action == "denied"))
        assert refused is not None
    # the environment wins over the stored secret
    monkeypatch.setenv("HXGY_WECOM_WEBHOOK", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=from-env-zzzz")
    with db.read_session(engine) as session:
        assert setup.load_setup(session, made.school.school.id).robots[0].webhook.endswith("from-env-zzzz")
        assert setup.channel_view(session, made.school.school.id, "wecom").from_environment == ("HXGY_WECOM_WEBHOOK",)
    # another cookie key cannot read the stored secret: said in Chinese, nothing sent with it
    monkeypatch.delenv("HXGY_WECOM_WEBHOOK")
    monkeypatch.setenv("HXGY_COOKIE_KEY", "another-cookie-key-" + "q" * 40)
    with db.read_session(engine) as session:
        loaded = setup.load_setup(session, made.school.school.id)
        assert loaded.robots == () and "无法解密" in loaded.problems[0]
    monkeypatch.undo()
    with db.write_session(engine) as session, pytest.raises(InvalidEntry) as wrong:
        setup.save_mailer(
            session, admin, enabled=True, host="", port=70000, security="tls", username="", password=None, sender="x"
        )
    assert [p.field for p in wrong.value.problems] == ["SMTP 服务器", "端口", "加密方式", "发件人邮箱"]
    with db.write_session(engine) as session, pytest.raises(InvalidEntry) as bad:
        setup.save_robot(session, admin, "wecom", enabled=True, webhook="http://example.com/hook")
    assert "应以 https:// 开头" in str(bad.value)
    with db.write_session(engine) as session, pytest.raises(InvalidEntry) as mail:
        setup.set_email(session, admin, made.users["周老师"].id, "zhou-at-school")
    assert "不是有效的邮箱地址" in str(mail.value)


def test_the_test_button_says_in_chinese_what_happened(engine: Engine) -> None:
    with robot_server() as robots, smtp_server() as (inbox, port):
        made = _configure(engine, robots, port)
        dean, head = made.users["dean"], made.users["周老师"]
        assert send_test(engine, dean, "wecom") == (True, "测试消息已发送到企业微信群机器人群，请到群里或邮箱中查看。")
        ok, said = send_test(engine, dean, "dingtalk")
        assert ok, said
        ok, said = send_test(engine, dean, "email", to="dean@school.test")
        assert ok and "测试消息（邮件）" in str(inbox.to("dean@school.test")[0]["Subject"])
        robots.answer["dingtalk"] = "http500"
        assert send_test(engine, dean, "dingtalk")[1].startswith("测试消息发送失败：钉钉群机器人（127.0.0.1:")
        assert send_test(engine, head, "wecom") == (False, "您无权发送测试消息。")
        assert [m.kind for m in _messages(engine)] == ["test"] * 4
