"""Real receivers for the notify tests: a local SMTP server (aiosmtpd) and a local HTTP server playing the
企业微信 and 钉钉 robots (checking 钉钉's 加签 signature as the real one does), and a tiny school with due work."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.builders import TinySchool, tiny_school

SMTP_USER, SMTP_PASSWORD = "notify@school.test", "smtp-pass-4321"
DINGTALK_SECRET = "SECabcdef0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """What the SMTP server received; addresses in ``refuse`` get 550 at RCPT."""

    mails: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.mails.append(mail)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """The mails sent to one address."""
        return [m for m in self.mails if m["To"] == address]


def _login(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok)


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A local SMTP server that wants a login (over plain SMTP, as on a school's own network)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=_login, auth_required=True, auth_require_tls=False
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclass
class Post:
    """One webhook POST: which robot, its query and its JSON body."""

    robot: str
    query: dict[str, str]
    body: dict[str, Any]

    def text(self) -> str:
        """Everything the message says (markdown or text)."""
        part = self.body.get(self.body.get("msgtype", ""), {})
        return (
            json.dumps(part, ensure_ascii=False)
            if self.body.get("msgtype") == "image"
            else str(part.get("content") or part.get("text") or "") + str(part.get("title") or "")
        )


@dataclass
class Robots:
    """The robots' HTTP server: every post taken (``posts``), and how each robot answers now (``answer``:
    ok, http500, errcode)."""

    port: int = 0
    posts: list[Post] = field(default_factory=list)
    answer: dict[str, str] = field(default_factory=lambda: {"wecom": "ok", "dingtalk": "ok"})
    delay_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, robot: str) -> str:
        token = "key=wecom-key-9f8e" if robot == "wecom" else "access_token=ding-token-7d6c"
        path = "/cgi-bin/webhook/send" if robot == "wecom" else "/robot/send"
        return f"http://127.0.0.1:{self.port}{path}?{token}"

    def taken(self, robot: str) -> list[Post]:
        with self.lock:
            return [p for p in self.posts if p.robot == robot]


def dingtalk_sign_ok(query: dict[str, str], secret: str) -> bool:
    """What the real 钉钉 checks: a timestamp within an hour, sign = base64(HMAC-SHA256(secret, ts\\nsecret))."""
    stamp, sign = query.get("timestamp", ""), query.get("sign", "")
    if not stamp.isdigit() or abs(time.time() * 1000 - int(stamp)) > 3600 * 1000:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest())
    return hmac.compare_digest(expected.decode(), sign)


def _handler(robots: Robots) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))  # parse_qsl decodes the url-encoded sign
            robot = "wecom" if url.path == "/cgi-bin/webhook/send" else "dingtalk"
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
            if robots.delay_s:
                time.sleep(robots.delay_s)
            mode = robots.answer[robot]
            if mode == "http500":
                self.send_response(500)
                self.end_headers()
                return
            answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
            if mode == "errcode":
                answer = {"errcode": 310000, "errmsg": "keywords not in content"}
            elif robot == "wecom" and query.get("key") != "wecom-key-9f8e":
                answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
            elif robot == "dingtalk" and not dingtalk_sign_ok(query, DINGTALK_SECRET):
                answer = {"errcode": 310000, "errmsg": "sign not match"}
            elif body.get("msgtype") == "image":
                data = base64.b64decode(body["image"]["base64"])
                if hashlib.md5(data, usedforsecurity=False).hexdigest() != body["image"]["md5"]:
                    answer = {"errcode": 301019, "errmsg": "media md5 not match"}
            if answer["errcode"] == 0:
                with robots.lock:
                    robots.posts.append(Post(robot, query, body))
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def robot_server() -> Iterator[Robots]:
    """The local 企业微信 and 钉钉 robots."""
    robots = Robots()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(robots))
    robots.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield robots
    finally:
        server.shutdown()
        server.server_close()


# ---- the school ----------------------------------------------------------------------------------------

NOW = datetime(2026, 11, 23, 12, 0)  # a Monday at noon: what HXGY_TODAY=2026-11-23 makes config.now()
CLASS_A = ["王小明", "李思思", "张子涵", "陈一诺", "刘浩然", "赵雨桐"]  # 三(2)班, head teacher 周老师
CLASS_B = ["孙嘉怡", "周子轩", "吴欣然", "郑宇航", "冯梓萱"]  # 四(1)班, head teacher 钱老师
EMAILS = {
    "周老师": "zhou@school.test",
    "钱老师": "qian@school.test",
    "principal": "principal@school.test",
    "dean": "dean@school.test",
}


@dataclass
class NotifySchool:
    """The tiny school and its accounts."""

    school: TinySchool
    users: dict[str, Any]
    requests: dict[str, int]


def notify_school(session: Any) -> NotifySchool:
    """Two classes of 2026-2027 (三(2)班 6 students, 四(1)班 5), their head teachers, the principal and the dean with
    email; in 三(2)班 one student visited, one contacted, the rest not reached; parent requests: one of 三(2)班 due
    11 hours after NOW, one of 四(1)班 overdue, one of 四(1)班 due in 68 hours."""
    from hxgy.models import UserAccount

    school = tiny_school(session)
    year, _autumn, _spring = school.next_year()
    start = date(2026, 9, 1)
    school.add_class(3, 2, head="周老师", year=year)
    school.add_class(4, 1, head="钱老师", year=year)
    for name in CLASS_A:
        school.add_student(name, "三(2)班", start=start)
    for name in CLASS_B:
        school.add_student(name, "四(1)班", start=start)
    school.contact("三(2)班", date(2026, 10, 9), student="王小明", channel="home_visit")
    school.contact("三(2)班", date(2026, 10, 12), student="李思思", channel="phone")
    users = {
        "周老师": school.user("head_teacher", staff="周老师"),
        "钱老师": school.user("head_teacher", staff="钱老师"),
        "principal": school.user("principal"),
        "dean": school.user("dean"),
        "admin": school.user("admin"),
    }
    for key, address in EMAILS.items():
        session.get(UserAccount, users[key].id).email = address
    requests = {
        "near": school.request("三(2)班", datetime(2026, 11, 20, 23, 0)).id,  # due 11-23 23:00: 11 hours left
        "late": school.request("四(1)班", datetime(2026, 11, 18, 9, 0)).id,
        "far": school.request("四(1)班", datetime(2026, 11, 23, 8, 0)).id,
    }
    session.flush()
    return NotifySchool(school, users, requests)


def people_names(school: TinySchool) -> list[str]:
    """Every student and guardian name of the school."""
    return [s.name for s in school.students.values()] + [g.name for g in school.guardians.values()]
