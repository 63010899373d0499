"""Start the real app with `streamlit run serve.py` on a free port, and drive it in Chromium.

Used by the browser tests and by scripts/screenshots.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, expect

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("HXGY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """`streamlit run serve.py` (app.py behind hxgy's routes and middleware) in a child process."""

    def __init__(self, database_url: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = PROJECT_ROOT / "test-results" / f"streamlit-{self.port}.log"
        self.log.parent.mkdir(exist_ok=True)
        self._env = {**os.environ, "HXGY_DATABASE_URL": database_url, **(env or {})}
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> AppServer:
        """Start the server and wait until /_stcore/health answers ok."""
        args = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "serve.py",
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ]
        with open(self.log, "wb") as log:
            self._proc = subprocess.Popen(args, cwd=PROJECT_ROOT, env=self._env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.read().decode().strip() == "ok":
                        return self
            except OSError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"streamlit did not answer within {timeout} s")

    def stop(self) -> None:
        """Stop the server."""
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()


def wait_until_idle(page: Page, timeout: float = 30, settle_ms: int = 700) -> None:
    """Wait until the script has finished and stayed finished for ``settle_ms`` (logins rerun several times)."""
    deadline = time.monotonic() + timeout
    app = page.locator('[data-testid="stApp"]')
    idle_since = None
    while time.monotonic() < deadline:
        state = app.get_attribute("data-test-script-state") if app.count() else None
        connected = app.get_attribute("data-test-connection-state") if app.count() else None
        if state == "notRunning" and connected == "CONNECTED":
            idle_since = idle_since or time.monotonic()
            if (time.monotonic() - idle_since) * 1000 >= settle_ms:
                return
        else:
            idle_since = None
        page.wait_for_timeout(100)
    raise TimeoutError("the app did not settle")


def submit_login(page: Page, base_url: str, username: str, password: str) -> None:
    """Open the app and send the real login form, whatever the answer (a wrong password, a wait, or in)."""
    page.goto(base_url)
    wait_until_idle(page)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    wait_until_idle(page)


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    """Sign in through the real login form."""
    submit_login(page, base_url, username, password)
    expect(page.get_by_role("button", name="退出登录")).to_be_visible(timeout=20_000)
    wait_until_idle(page)
