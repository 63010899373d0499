"""PostgreSQL stops and starts again while the app runs: users see a clear message meanwhile, and the next click
after the restart works. The test starts a private PostgreSQL of its own (the shared one is left alone)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from hxgy.ui.gate import DATABASE_DOWN
from tests.conftest import DEMO_ANCHOR, PG_URL, run_cli, skip_or_fail
from tests.e2e.server import AppServer, free_port, log_in, wait_until_idle

pytestmark = [pytest.mark.browser, pytest.mark.db]  # about the database itself: runs on both backends


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temporary folder, run as the postgres user."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found or os.geteuid() != 0 or shutil.which("runuser") is None:
            skip_or_fail("needs root, runuser and Debian's PostgreSQL server binaries")
        self.bin = Path(found[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="hxgy-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, timeout=120)

    def init(self) -> PrivatePostgres:
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres")
        return self.start()

    def start(self) -> PrivatePostgres:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.dir / "server.log")
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-o", options, "-l", log, "-w", "start"
        )
        return self

    def stop(self) -> None:
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m",
             "immediate", "stop"], capture_output=True, check=False,
        )  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    if not PG_URL:
        pytest.skip("runs in the PostgreSQL pass of the suite")
    server = PrivatePostgres().init()
    yield server
    server.remove()


def test_the_app_survives_a_postgresql_restart(browser: Browser, private_postgres: PrivatePostgres) -> None:
    done = run_cli(private_postgres.url, "init", "--demo", "--anchor", DEMO_ANCHOR.isoformat())
    assert done.returncode == 0, done.stderr
    app = AppServer(private_postgres.url).start()
    try:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        log_in(page, app.url, "principal", "hxgy-demo")
        page.get_by_role("link", name="家校沟通").click()
        wait_until_idle(page)
        expect(page.get_by_role("heading", name="家校沟通")).to_be_visible()

        private_postgres.stop()
        page.get_by_role("link", name="总览").click()
        wait_until_idle(page)
        expect(page.get_by_text(DATABASE_DOWN)).to_be_visible()
        assert page.locator('[data-testid="stException"]').count() == 0, "a message, not an error page"

        private_postgres.start()
        page.get_by_role("link", name="家校沟通").click()
        wait_until_idle(page)
        expect(page.get_by_role("heading", name="家校沟通")).to_be_visible()
        assert page.get_by_text(DATABASE_DOWN).count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0
        page.context.close()
    finally:
        app.stop()
