"""Screenshots of the entry pages changed for issue 14, on a desktop (1440×900) and a phone (390×844).

.venv/bin/python scripts/screenshots_entry.py [--out docs/screenshots]

Names: <account>-<page>[-<state>]-<width>.png, e.g. headteacher-log_contact-whole_class-390.png.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, AppServer, log_in, wait_until_idle  # noqa: E402

ANCHOR = "2026-11-22"
SIZES = {1440: 900, 390: 844}


def _whole_class(page: Page) -> None:
    page.get_by_text("面向全班", exact=False).first.click()
    wait_until_idle(page)


def _grade(page: Page) -> None:
    page.locator('[data-testid="stRadio"]', has_text="范围").get_by_text("年级", exact=True).click()
    wait_until_idle(page)
    page.locator('[data-testid="stMultiSelect"]').first.click()  # 年级, above 参与班级
    page.get_by_role("option", name="三年级").click()
    page.keyboard.press("Escape")
    wait_until_idle(page)


def _backlog(page: Page) -> None:
    page.get_by_role("button", name="确认选中的 0 条").scroll_into_view_if_needed()
    page.wait_for_timeout(300)


def _settings_channels(page: Page) -> None:
    page.get_by_role("tab", name="类别").click()
    wait_until_idle(page)
    page.locator('[data-testid="stSelectbox"]', has_text="列表").click()
    page.get_by_role("option", name="沟通方式").click()
    wait_until_idle(page)


# (account, page path, state name, what to do before the screenshot)
SHOTS: list[tuple[str, str, str, Callable[[Page], None] | None]] = [
    ("headteacher", "log_contact", "", None),
    ("headteacher", "log_contact", "whole_class", _whole_class),
    ("headteacher", "volunteer_entry", "backlog", _backlog),
    ("dean", "request_entry", "", None),
    ("dean", "activity_entry", "grade", _grade),
    ("dean", "settings", "channels", _settings_channels),
]


def main() -> int:
    """Build a demo database, start the app, and save each shot at each size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = {"HXGY_TODAY": ANCHOR, "HXGY_COOKIE_KEY": os.environ.get("HXGY_COOKIE_KEY", "screenshots-" + "k" * 40)}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/demo.db"
        subprocess.run(
            [sys.executable, "-m", "hxgy", "init", "--demo", "--anchor", ANCHOR],
            cwd=ROOT,
            check=True,
            env={**os.environ, **env, "HXGY_DATABASE_URL": url},
            stdout=subprocess.DEVNULL,
        )
        server = AppServer(url, env=env).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for width, height in SIZES.items():
                    phone = width < 600
                    for username in dict.fromkeys(s[0] for s in SHOTS):
                        context = browser.new_context(
                            viewport={"width": width, "height": height},
                            locale="zh-CN",
                            is_mobile=phone,
                            has_touch=phone,
                        )
                        page = context.new_page()
                        log_in(page, server.url, username, "hxgy-demo")
                        for account, path, state, action in SHOTS:
                            if account != username:
                                continue
                            page.goto(f"{server.url}/{path}")
                            wait_until_idle(page)
                            if action:
                                action(page)
                            name = "-".join(p for p in (username, path, state, str(width)) if p)
                            target = out / f"{name}.png"
                            page.screenshot(path=target)
                            print(target)
                        context.close()
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
