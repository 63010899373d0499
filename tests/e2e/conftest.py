"""Browser fixtures: Debian's Chromium driven by Playwright against the real server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.conftest import skip_or_fail
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, PROJECT_ROOT, AppServer

ARTIFACTS = PROJECT_ROOT / "test-results"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def app_server(demo_url: str, browser: Browser) -> Iterator[AppServer]:
    """The real app serving the demo database (shared by tests that only read)."""
    server = AppServer(demo_url).start()
    yield server
    server.stop()


@pytest.fixture
def fresh_server(demo_url: str, browser: Browser) -> Iterator[AppServer]:
    """A server nobody has opened yet: Streamlit's first session after start is special."""
    server = AppServer(demo_url).start()
    yield server
    server.stop()


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots of a test run go."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
