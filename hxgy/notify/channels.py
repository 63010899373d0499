"""The three channels: a 企业微信 group robot, a 钉钉 group robot (optionally signed) and email over SMTP.

Only the standard library: urllib for the webhooks, smtplib and email for the mail. Every answer is checked: a
robot answers HTTP 200 with ``errcode`` 0 when it took the message; anything else (another HTTP status, an errcode
that is not 0, no answer, a refused connection, an SMTP error) raises ``SendError`` with what went wrong in Chinese.

企业微信: POST JSON ``{"msgtype": "markdown", "markdown": {"content": …}}`` to the webhook address
(https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…); a picture is a second message
``{"msgtype": "image", "image": {"base64": …, "md5": …}}`` (the md5 of the PNG before base64, at most 2 MB).
钉钉: POST JSON ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}`` to
https://oapi.dingtalk.com/robot/send?access_token=…; with 加签 the address gets ``&timestamp=…&sign=…``, the sign
being base64(HMAC-SHA256(key=secret, "timestamp\\nsecret")) url-encoded, the timestamp in milliseconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

TIMEOUT_S = 15
WECOM_MARKDOWN_MAX_BYTES = 4096
DINGTALK_MAX_BYTES = 18000
IMAGE_MAX_BYTES = 2 * 1024 * 1024
CHANNEL_LABELS = {"wecom": "企业微信群机器人", "dingtalk": "钉钉群机器人", "email": "邮件"}


class SendError(RuntimeError):
    """A message that did not go out; the text says why, in Chinese."""


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email."""

    file_name: str
    mime: str  # e.g. image/png
    data: bytes


@dataclass(frozen=True)
class Outgoing:
    """What one message says: a title, a Markdown body, a picture for the robots, files for the email."""

    title: str
    text: str
    image: bytes | None = None  # a PNG: 企业微信 gets it as an image message (钉钉 robots take pictures by URL only)
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Robot:
    """A group robot: its kind (wecom, dingtalk), webhook address and 钉钉 signing secret ("" unsigned)."""

    kind: str
    webhook: str
    secret: str = ""


@dataclass(frozen=True)
class Mailer:
    """An SMTP server and the account that sends."""

    host: str
    port: int
    security: str  # starttls, ssl, none
    user: str
    password: str
    sender: str
    sender_name: str = "家校社协同育人平台"


def _cut(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[: max_bytes - 40].decode("utf-8", errors="ignore") + "\n……（内容过长，已截断）"


def dingtalk_signed(webhook: str, secret: str, *, now_ms: int | None = None) -> str:
    """The 钉钉 webhook address with ``&timestamp=…&sign=…`` for the robot's 加签 secret."""
    timestamp = str(now_ms if now_ms is not None else round(time.time() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if "?" in webhook else "?"
    return f"{webhook}{joiner}timestamp={timestamp}&sign={sign}"


def _where(url: str) -> str:
    """The host of a webhook address, for messages (never its key)."""
    return urllib.parse.urlsplit(url).netloc or "（地址无效）"


def post_json(url: str, body: dict[str, object], *, label: str) -> None:
    """POST JSON to a robot and check its answer: HTTP 200 and errcode 0, else SendError."""
    if not url.lower().startswith(("https://", "http://")):
        raise SendError(f"{label}的 Webhook 地址应以 https:// 开头")
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise SendError(f"{label}（{_where(url)}）返回 HTTP {exc.code}，消息未送达") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SendError(f"无法连接{label}（{_where(url)}）：{reason}") from exc
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SendError(f"{label}（{_where(url)}）的回复不是 JSON，消息可能未送达") from exc
    code = answer.get("errcode") if isinstance(answer, dict) else None
    if code != 0:
        message = answer.get("errmsg", "") if isinstance(answer, dict) else ""
        raise SendError(f"{label}拒绝了消息：errcode {code}，{message}")


def send_robot(robot: Robot, message: Outgoing) -> None:
    """Post a message to a group robot (the picture too, on 企业微信)."""
    label = CHANNEL_LABELS[robot.kind]
    if not robot.webhook:
        raise SendError(f"尚未填写{label}的 Webhook 地址")
    if robot.kind == "wecom":
        content = _cut(f"**{message.title}**\n{message.text}", WECOM_MARKDOWN_MAX_BYTES)
        post_json(robot.webhook, {"msgtype": "markdown", "markdown": {"content": content}}, label=label)
        if message.image is not None:
            if len(message.image) > IMAGE_MAX_BYTES:
                raise SendError(f"图片超过 2 MB，{label}不接收")
            image = {
                "base64": base64.b64encode(message.image).decode("ascii"),
                "md5": hashlib.md5(message.image, usedforsecurity=False).hexdigest(),
            }
            post_json(robot.webhook, {"msgtype": "image", "image": image}, label=label)
        return
    if robot.kind == "dingtalk":
        url = dingtalk_signed(robot.webhook, robot.secret) if robot.secret else robot.webhook
        text = _cut(f"#### {message.title}\n\n{message.text}", DINGTALK_MAX_BYTES)
        post_json(url, {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}, label=label)
        return
    raise SendError(f"未知的机器人类型 {robot.kind}")


def build_email(mailer: Mailer, to: str, message: Outgoing) -> EmailMessage:
    """The email: the title as subject, the text as its body (UTF-8), the attachments."""
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = formataddr((mailer.sender_name, mailer.sender))
    mail["To"] = to
    mail["Message-ID"] = make_msgid(domain=mailer.sender.rpartition("@")[2] or None)
    mail.set_content(message.text.replace("**", ""), charset="utf-8")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.mime.partition("/")
        mail.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.file_name)
    return mail


def send_email(mailer: Mailer, to: str, message: Outgoing) -> None:
    """Send one email over SMTP (SSL from the start, STARTTLS, or plain on a trusted network), logging in when a user
    is given; every refusal becomes a SendError in Chinese."""
    if not mailer.host or not mailer.sender:
        raise SendError("尚未填写邮件服务器（SMTP）地址或发件人")
    if not to:
        raise SendError("收件人没有邮箱地址")
    where = f"{mailer.host}:{mailer.port}"
    mail = build_email(mailer, to, message)
    try:
        context = ssl.create_default_context()
        if mailer.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(mailer.host, mailer.port, timeout=TIMEOUT_S, context=context)
        else:
            smtp = smtplib.SMTP(mailer.host, mailer.port, timeout=TIMEOUT_S)
        with smtp:
            if mailer.security == "starttls":
                smtp.starttls(context=context)
            if mailer.user:
                smtp.login(mailer.user, mailer.password)
            refused = smtp.send_message(mail)
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(f"邮件服务器 {where} 拒绝登录（用户名或密码错误）：{exc.smtp_code}") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(f"邮件服务器 {where} 拒收收件人 {to}") from exc
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise SendError(f"邮件服务器 {where} 拒绝了邮件：{exc.smtp_code} {text}") from exc
    except smtplib.SMTPException as exc:
        raise SendError(f"邮件服务器 {where} 出错：{exc}") from exc
    except ssl.SSLError as exc:
        raise SendError(f"与邮件服务器 {where} 的加密连接失败（请检查加密方式和端口）：{exc.reason}") from exc
    except OSError as exc:
        raise SendError(f"无法连接邮件服务器 {where}：{exc.strerror or exc}") from exc
    if refused:
        raise SendError(f"邮件服务器 {where} 拒收收件人 {to}")
