"""设置 → 消息提醒: a school's channels and schedule, read for sending (secrets decrypted) and written by admin and
dean (hxgy.rights MANAGE_SETTINGS), audited without the secrets themselves.

Every write function takes the session of ``hxgy.ui.entry.save`` and only flushes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry.rules import Problems, audit, require_settings_write
from hxgy.models import UserAccount
from hxgy.models.notify import (
    CHANNEL_KINDS,
    DEFAULT_DIGEST_WEEKDAY,
    SMTP_SECURITY,
    NotifyChannel,
    NotifySchedule,
)
from hxgy.notify import secrets
from hxgy.notify.channels import CHANNEL_LABELS, Mailer, Robot
from hxgy.rights import Role

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
SECURITY_LABELS = {
    "ssl": "SSL（通常端口 465）",
    "starttls": "STARTTLS（通常端口 587）",
    "none": "不加密（仅限校内网络）",
}
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# plain http only to this machine (a local relay, the tests' receivers); every other address must be https
LOCAL_HTTP = ("http://127.0.0.1:", "http://localhost:")
WEBHOOK_HOSTS = {"wecom": "qyapi.weixin.qq.com", "dingtalk": "oapi.dingtalk.com"}
# the roles whose accounts receive email: the 待办 summary and request details (班主任), the weekly digest (校长),
# the term report (校长, 德育主任)
EMAIL_ROLES = (Role.PRINCIPAL, Role.DEAN, Role.HEAD_TEACHER)


@dataclass(frozen=True)
class Setup:
    """What ``notify`` sends with: the enabled robots and mail server, the schedule, and what is wrong with them."""

    school_id: int
    robots: tuple[Robot, ...]
    mailer: Mailer | None
    schedule: NotifySchedule
    problems: tuple[str, ...] = field(default_factory=tuple)


def _channel(session: Session, school_id: int, kind: str) -> NotifyChannel | None:
    return session.scalar(select(NotifyChannel).where(NotifyChannel.school_id == school_id, NotifyChannel.kind == kind))


def schedule_of(session: Session, school_id: int) -> NotifySchedule:
    """The school's schedule (the defaults, not saved, when the school has not set one)."""
    found = session.scalar(select(NotifySchedule).where(NotifySchedule.school_id == school_id))
    if found is not None:
        return found
    defaults = {c.key: c.default.arg for c in NotifySchedule.__table__.columns if c.default is not None}
    defaults["digest_weekday"] = DEFAULT_DIGEST_WEEKDAY
    return NotifySchedule(school_id=school_id, **{k: v for k, v in defaults.items() if k not in {"id", "school_id"}})


def _secret(channel: NotifyChannel, field_name: str, problems: list[str]) -> str:
    from_env = secrets.from_environment(channel.kind, field_name)
    if from_env:
        return from_env
    try:
        return secrets.decrypt(channel.webhook_enc if field_name == "webhook" else channel.secret_enc)
    except secrets.SecretUnreadable as exc:
        problems.append(f"{CHANNEL_LABELS[channel.kind]}：{exc}")
        return ""


def load_setup(session: Session, school_id: int, *, only_enabled: bool = True) -> Setup:
    """The school's channels with their secrets (the environment's first), for sending."""
    problems: list[str] = []
    robots: list[Robot] = []
    mailer: Mailer | None = None
    for kind in CHANNEL_KINDS:
        channel = _channel(session, school_id, kind)
        if channel is None or (only_enabled and not channel.enabled):
            continue
        if kind == "email":
            mailer = Mailer(
                host=channel.smtp_host,
                port=channel.smtp_port,
                security=channel.smtp_security,
                user=channel.smtp_user,
                password=_secret(channel, "secret", problems),
                sender=channel.sender,
            )
        else:
            webhook = _secret(channel, "webhook", problems)
            secret = _secret(channel, "secret", problems) if kind == "dingtalk" else ""
            if webhook:
                robots.append(Robot(kind, webhook, secret))
    return Setup(school_id, tuple(robots), mailer, schedule_of(session, school_id), tuple(problems))


@dataclass(frozen=True)
class ChannelView:
    """What 设置 shows of a channel: its settings, secrets masked (****abcd), and where each secret comes from."""

    kind: str
    saved: bool
    enabled: bool
    webhook: str  # masked
    secret: str  # masked
    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_user: str
    sender: str
    from_environment: tuple[str, ...]  # the environment variables that give this channel's secrets now
    problem: str = ""


def channel_view(session: Session, school_id: int, kind: str) -> ChannelView:
    """A channel as the settings page shows it: never a secret in full."""
    channel = _channel(session, school_id, kind)
    problems: list[str] = []
    env = tuple(
        name
        for field_name in ("webhook", "secret")
        if (name := secrets.environment_name(kind, field_name)) and secrets.from_environment(kind, field_name)
    )
    if channel is None:
        webhook = secrets.from_environment(kind, "webhook")
        secret = secrets.from_environment(kind, "secret")
        return ChannelView(kind, False, False, secrets.mask(webhook), secrets.mask(secret), "", 465, "ssl", "", "", env)
    webhook = _secret(channel, "webhook", problems) if kind != "email" else ""
    secret = _secret(channel, "secret", problems) if kind != "wecom" else ""
    return ChannelView(
        kind,
        True,
        channel.enabled,
        secrets.mask(webhook),
        secrets.mask(secret),
        channel.smtp_host,
        channel.smtp_port,
        channel.smtp_security,
        channel.smtp_user,
        channel.sender,
        env,
        "；".join(problems),
    )


def _public(channel: NotifyChannel) -> dict[str, object]:
    """A channel as the audit log keeps it: the secrets only as "已设置" / masked."""
    return {
        "渠道": CHANNEL_LABELS[channel.kind],
        "启用": channel.enabled,
        "Webhook": "已设置" if channel.webhook_enc else "",
        "密钥": "已设置" if channel.secret_enc else "",
        "SMTP服务器": channel.smtp_host,
        "端口": channel.smtp_port,
        "加密方式": channel.smtp_security,
        "用户名": channel.smtp_user,
        "发件人": channel.sender,
    }


def _get_or_add(session: Session, school_id: int, kind: str) -> tuple[NotifyChannel, dict[str, object] | None]:
    channel = _channel(session, school_id, kind)
    if channel is not None:
        return channel, _public(channel)
    channel = NotifyChannel(school_id=school_id, kind=kind, webhook_enc="", secret_enc="")
    session.add(channel)
    return channel, None


def save_robot(
    session: Session, user: CurrentUser, kind: str, *, enabled: bool, webhook: str | None, secret: str | None = None
) -> NotifyChannel:
    """A group robot's webhook address (and 钉钉's 加签 secret); None (or "") keeps the stored one, which is never
    shown back. The address is https (企业微信 qyapi.weixin.qq.com, 钉钉 oapi.dingtalk.com, or a school's relay)."""
    label = CHANNEL_LABELS.get(kind, kind)
    school_id = require_settings_write(session, user, f"修改{label}设置")
    problems = Problems()
    if kind not in WEBHOOK_HOSTS:
        problems.add("渠道", f"{kind} 不是群机器人")
        problems.raise_if_any()
    new_webhook = (webhook or "").strip()
    if new_webhook and not new_webhook.startswith(("https://", *LOCAL_HTTP)):
        problems.add(
            f"{label} Webhook 地址",
            f"应以 https:// 开头，例如 https://{WEBHOOK_HOSTS[kind]}/…（在群机器人的设置中复制）",
        )
    new_secret = (secret or "").strip()
    if kind == "dingtalk" and new_secret and not new_secret.startswith("SEC"):
        problems.add("钉钉加签密钥", "应以 SEC 开头（机器人安全设置 → 加签）")
    channel, before = _get_or_add(session, school_id, kind)
    if enabled and not new_webhook and not channel.webhook_enc and not secrets.from_environment(kind, "webhook"):
        problems.add(f"{label} Webhook 地址", "启用前必须填写")
    problems.raise_if_any()
    channel.enabled = enabled
    if new_webhook:
        channel.webhook_enc = secrets.encrypt(new_webhook)
    if new_secret:
        channel.secret_enc = secrets.encrypt(new_secret)
    session.flush()
    audit(
        session,
        user,
        "update" if before else "create",
        "notify_channel",
        channel.id,
        before=before,
        after=_public(channel),
    )
    return channel


def save_mailer(
    session: Session,
    user: CurrentUser,
    *,
    enabled: bool,
    host: str,
    port: int,
    security: str,
    username: str,
    password: str | None,
    sender: str,
) -> NotifyChannel:
    """The SMTP server the emails go through; a password of None (or "") keeps the stored one."""
    school_id = require_settings_write(session, user, "修改邮件（SMTP）设置")
    problems = Problems()
    host, username, sender = host.strip(), username.strip(), sender.strip()
    if enabled and not host:
        problems.add("SMTP 服务器", "启用前必须填写，例如 smtp.exmail.qq.com")
    if not 1 <= int(port) <= 65535:
        problems.add("端口", "应在 1 到 65535 之间")
    if security not in SMTP_SECURITY:
        problems.add("加密方式", "应为 SSL、STARTTLS 或不加密")
    if enabled and not EMAIL_PATTERN.match(sender):
        problems.add("发件人邮箱", f"“{sender}”不是有效的邮箱地址")
    problems.raise_if_any()
    channel, before = _get_or_add(session, school_id, "email")
    channel.enabled = enabled
    channel.smtp_host, channel.smtp_port, channel.smtp_security = host, int(port), security
    channel.smtp_user, channel.sender = username, sender
    if password:
        channel.secret_enc = secrets.encrypt(password)
    session.flush()
    audit(
        session,
        user,
        "update" if before else "create",
        "notify_channel",
        channel.id,
        before=before,
        after=_public(channel),
    )
    return channel


def _schedule_dict(schedule: NotifySchedule) -> dict[str, object]:
    days = [WEEKDAYS[int(d)] for d in schedule.summary_days.split(",") if d.strip()]
    return {
        "待办汇总": "、".join(days) or "不发送",
        "待办汇总时间": f"{schedule.summary_hour}:00",
        "待办汇总发到群": schedule.summary_to_robots,
        "诉求超时前提醒（小时）": schedule.request_hours,
        "校长周报": WEEKDAYS[schedule.digest_weekday] if schedule.digest_weekday is not None else "不发送",
        "校长周报时间": f"{schedule.digest_hour}:00",
        "周报发到群": schedule.digest_to_robots,
        "学期报告": schedule.term_report,
    }


def save_schedule(
    session: Session,
    user: CurrentUser,
    *,
    summary_days: list[int],
    summary_hour: int,
    summary_to_robots: bool,
    request_hours: int,
    digest_weekday: int | None,
    digest_hour: int,
    digest_to_robots: bool,
    term_report: bool,
) -> NotifySchedule:
    """When the school's reminders and digests go out (hours 0–23, weekdays 0 = 周一)."""
    school_id = require_settings_write(session, user, "修改消息提醒时间")
    problems = Problems()
    if any(not 0 <= d <= 6 for d in summary_days):
        problems.add("待办汇总日期", "应为周一至周日")
    for label, hour in (("待办汇总时间", summary_hour), ("校长周报时间", digest_hour)):
        if not 0 <= hour <= 23:
            problems.add(label, "应为 0 到 23 点")
    if not 0 <= request_hours <= 72:
        problems.add("诉求超时前提醒", "应为 0 到 72 小时（0 表示不提醒）")
    if digest_weekday is not None and not 0 <= digest_weekday <= 6:
        problems.add("校长周报日期", "应为周一至周日")
    problems.raise_if_any()
    schedule = session.scalar(select(NotifySchedule).where(NotifySchedule.school_id == school_id))
    before = _schedule_dict(schedule) if schedule is not None else None
    if schedule is None:
        schedule = NotifySchedule(school_id=school_id)
        session.add(schedule)
    schedule.summary_days = ",".join(str(d) for d in sorted(set(summary_days)))
    schedule.summary_hour, schedule.summary_to_robots = summary_hour, summary_to_robots
    schedule.request_hours = request_hours
    schedule.digest_weekday, schedule.digest_hour, schedule.digest_to_robots = (
        digest_weekday,
        digest_hour,
        digest_to_robots,
    )
    schedule.term_report = term_report
    session.flush()
    audit(
        session,
        user,
        "update" if before else "create",
        "notify_schedule",
        schedule.id,
        before=before,
        after=_schedule_dict(schedule),
    )
    return schedule


def email_accounts(session: Session, school_id: int) -> list[tuple[int, str, str, str]]:
    """The school's active accounts that may receive email (校长, 德育主任, 班主任): (id, name, role, email)."""
    rows = session.execute(
        select(UserAccount.id, UserAccount.display_name, UserAccount.role, UserAccount.email)
        .where(UserAccount.school_id == school_id, UserAccount.active.is_(True), UserAccount.role.in_(EMAIL_ROLES))
        .order_by(UserAccount.role, UserAccount.display_name)
    ).all()
    return [(int(i), name, role, email or "") for i, name, role, email in rows]


def set_email(session: Session, user: CurrentUser, account_id: int, email: str) -> None:
    """An account's email address ("" : no email); audited."""
    school_id = require_settings_write(session, user, "修改账户邮箱")
    account = session.get(UserAccount, account_id)
    problems = Problems()
    if account is None or account.school_id != school_id:
        problems.add("账户", "不是本校的账户")
        problems.raise_if_any()
    assert account is not None
    email = email.strip()
    if email and not EMAIL_PATTERN.match(email):
        problems.add(f"{account.display_name}的邮箱", f"“{email}”不是有效的邮箱地址")
    if len(email) > 120:
        problems.add(f"{account.display_name}的邮箱", "不能超过 120 个字符")
    problems.raise_if_any()
    if account.email == email:
        return
    before = {"邮箱": account.email}
    account.email = email
    session.flush()
    audit(session, user, "update", "user_account", account.id, before=before, after={"邮箱": email})
