"""设置 → 消息提醒: the 企业微信 and 钉钉 robots, the mail server, who gets email, the schedule, and the last results
(docs/notify.md). Admin and dean only (the 设置 page's guard; the writes ask hxgy.rights again).

Secrets are never shown back in full (****abcd); a blank secret field keeps the saved one. Saving goes through
``hxgy.ui.entry.save`` with the functions of ``hxgy.notify.setup``; 发送测试消息 calls ``hxgy.notify.run.send_test``,
which writes the message to the log in its own short transactions (a send is never inside a retried write).
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session

from hxgy.auth import SchoolUser
from hxgy.glossary import ROLE_LABELS
from hxgy.notify import log, run, setup
from hxgy.notify.channels import CHANNEL_LABELS
from hxgy.ui import data
from hxgy.ui import entry as forms


def notify_tab(user: SchoolUser) -> None:
    """Channels, recipients, schedule and the last results."""
    st.subheader("消息提醒")
    st.caption(
        "平台每 15 分钟检查一次到期的提醒，通过企业微信群机器人、钉钉群机器人和邮件发送："
        "班主任待办汇总、家长诉求超时前提醒、校长周报和学期报告。发到群里的消息只含各班汇总数字，"
        "不含任何学生或家长姓名；姓名只通过邮件发给本班班主任。"
    )
    school_id = user.school_id
    with data.read_session() as session:
        views = {kind: setup.channel_view(session, school_id, kind) for kind in ("wecom", "dingtalk", "email")}
        schedule = setup.schedule_of(session, school_id)
        accounts = setup.email_accounts(session, school_id)
        failures = log.failures(session, school_id)
        recent = log.recent(session, school_id)
    if failures:
        st.error(f"有 {len(failures)} 条消息发送失败，将在下次运行时自动重试。最近一条：{failures[0].error}")
    _robot(user, "wecom", views["wecom"])
    _robot(user, "dingtalk", views["dingtalk"])
    _mailer(user, views["email"])
    _recipients(user, accounts)
    _schedule(user, schedule)
    st.markdown("**最近发送**")
    if recent.empty:
        st.info("还没有发送过消息。")
    else:
        st.dataframe(recent, hide_index=True, use_container_width=True)


def _state(view: setup.ChannelView) -> str:
    if not view.saved and not view.from_environment:
        return "未设置"
    parts = ["已启用" if view.enabled else "未启用"]
    if view.from_environment:
        parts.append("密钥来自服务器环境变量 " + "、".join(view.from_environment))
    return "，".join(parts)


def _test_button(user: SchoolUser, kind: str, *, to: str = "") -> None:
    if st.button("发送测试消息", key=f"notify-test-{kind}"):
        ok, said = run.send_test(data.engine(), user, kind, to=to)
        (st.success if ok else st.error)(said)


def _robot(user: SchoolUser, kind: str, view: setup.ChannelView) -> None:
    label = CHANNEL_LABELS[kind]
    with st.expander(f"{label}（{_state(view)}）", expanded=not view.saved):
        if view.problem:
            st.error(view.problem)
        with st.form(f"notify-{kind}"):
            enabled = st.checkbox("启用", value=view.enabled or not view.saved, key=f"notify-{kind}-enabled")
            webhook = st.text_input(
                "Webhook 地址",
                type="password",
                placeholder=f"已保存：{view.webhook}（留空则不修改）" if view.webhook else "在群机器人的设置中复制",
                key=f"notify-{kind}-webhook",
            )
            secret = None
            if kind == "dingtalk":
                secret = st.text_input(
                    "加签密钥（SEC 开头，未开启加签可留空）",
                    type="password",
                    placeholder=f"已保存：{view.secret}（留空则不修改）" if view.secret else "",
                    key="notify-dingtalk-secret",
                )
            if st.form_submit_button("保存"):
                ok, _saved = forms.save(
                    lambda session: setup.save_robot(
                        session, user, kind, enabled=enabled, webhook=webhook, secret=secret
                    )
                )
                if ok:
                    forms.flash(f"已保存{label}设置。")
        _test_button(user, kind)


def _mailer(user: SchoolUser, view: setup.ChannelView) -> None:
    with st.expander(f"邮件（{_state(view)}）", expanded=not view.saved):
        if view.problem:
            st.error(view.problem)
        with st.form("notify-email"):
            enabled = st.checkbox("启用", value=view.enabled or not view.saved, key="notify-email-enabled")
            host = st.text_input(
                "SMTP 服务器", value=view.smtp_host, placeholder="例如 smtp.exmail.qq.com", key="notify-host"
            )
            left, right = st.columns(2)
            port = left.number_input("端口", min_value=1, max_value=65535, value=view.smtp_port, key="notify-port")
            options = list(setup.SECURITY_LABELS)
            security = right.selectbox(
                "加密方式",
                options,
                index=options.index(view.smtp_security) if view.smtp_security in options else 0,
                format_func=setup.SECURITY_LABELS.__getitem__,
                key="notify-security",
            )
            username = st.text_input("登录用户名", value=view.smtp_user, key="notify-user")
            password = st.text_input(
                "登录密码或授权码",
                type="password",
                placeholder=f"已保存：{view.secret}（留空则不修改）" if view.secret else "",
                key="notify-password",
            )
            sender = st.text_input("发件人邮箱", value=view.sender, key="notify-sender")
            if st.form_submit_button("保存"):
                ok, _saved = forms.save(
                    lambda session: setup.save_mailer(
                        session,
                        user,
                        enabled=enabled,
                        host=host,
                        port=int(port),
                        security=str(security),
                        username=username,
                        password=password,
                        sender=sender,
                    )
                )
                if ok:
                    forms.flash("已保存邮件设置。")
        to = st.text_input("测试邮件收件地址", placeholder="例如 dean@school.edu.cn", key="notify-test-to")
        _test_button(user, "email", to=to)


def _recipients(user: SchoolUser, accounts: list[tuple[int, str, str, str]]) -> None:
    with st.expander("收件邮箱（校长、德育主任、班主任）"):
        st.caption(
            "校长收周报和学期报告，德育主任收学期报告，班主任收本班待办汇总和诉求提醒；未填写邮箱的账户不收邮件。"
        )
        if not accounts:
            st.info("本校还没有校长、德育主任或班主任账户。")
            return
        with st.form("notify-emails"):
            typed = {
                account_id: st.text_input(
                    f"{name}（{ROLE_LABELS.get(role, role)}）",
                    value=email,
                    max_chars=120,
                    key=f"notify-email-{account_id}",
                )
                for account_id, name, role, email in accounts
            }
            if st.form_submit_button("保存邮箱"):
                changed = {i: e for i, e in typed.items() if e.strip() != next(a[3] for a in accounts if a[0] == i)}

                def save_all(session: Session) -> int:
                    for account_id, email in changed.items():
                        setup.set_email(session, user, account_id, email)
                    return len(changed)

                ok, count = forms.save(save_all)
                if ok:
                    forms.flash(f"已保存 {count} 个邮箱。")


def _schedule(user: SchoolUser, schedule: object) -> None:
    from hxgy.models.notify import NotifySchedule

    assert isinstance(schedule, NotifySchedule)
    days = [int(d) for d in schedule.summary_days.split(",") if d.strip()]
    hours = list(range(24))
    with st.expander("提醒时间"), st.form("notify-schedule"):
        summary_days = st.multiselect(
            "班主任待办汇总：每周发送日",
            list(range(7)),
            default=days,
            format_func=lambda d: setup.WEEKDAYS[d],
            placeholder="不发送（选择星期几）",
            key="notify-summary-days",
        )
        summary_hour = st.selectbox(
            "待办汇总发送时间（点）", hours, index=schedule.summary_hour, key="notify-summary-hour"
        )
        summary_to_robots = st.checkbox(
            "同时发到群（只含各班汇总数字）", value=schedule.summary_to_robots, key="notify-summary-robots"
        )
        request_hours = st.number_input(
            "家长诉求超时前几小时提醒（0 为不提醒）",
            min_value=0,
            max_value=72,
            value=schedule.request_hours,
            key="notify-request-hours",
        )
        digest_options: list[int | None] = [None, *range(7)]
        digest_weekday = st.selectbox(
            "校长周报：每周发送日",
            digest_options,
            index=digest_options.index(schedule.digest_weekday),
            format_func=lambda d: "不发送" if d is None else setup.WEEKDAYS[d],
            placeholder="不发送",
            key="notify-digest-day",
        )
        digest_hour = st.selectbox("周报发送时间（点）", hours, index=schedule.digest_hour, key="notify-digest-hour")
        digest_to_robots = st.checkbox(
            "周报同时发到群（各班汇总和达标情况图）", value=schedule.digest_to_robots, key="notify-digest-robots"
        )
        term_report = st.checkbox(
            "学期结束后把学期报告初稿发给校长和德育主任", value=schedule.term_report, key="notify-term-report"
        )
        if st.form_submit_button("保存提醒时间"):
            ok, _saved = forms.save(
                lambda session: setup.save_schedule(
                    session,
                    user,
                    summary_days=[int(d) for d in summary_days],
                    summary_hour=int(summary_hour),
                    summary_to_robots=summary_to_robots,
                    request_hours=int(request_hours),
                    digest_weekday=digest_weekday,
                    digest_hour=int(digest_hour),
                    digest_to_robots=digest_to_robots,
                    term_report=term_report,
                )
            )
            if ok:
                forms.flash("已保存提醒时间。")
