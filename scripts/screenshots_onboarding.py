"""Screenshots of 设置 → 学年学期 for a new school (issue 15), on a desktop (1440×900) and a phone (390×844).

.venv/bin/python scripts/screenshots_onboarding.py [--out docs/screenshots]

admin-settings-new_school-<width>.png: an empty school (no year yet: the notice and the 添加学年 form);
admin-settings-years-<width>.png: after `year add 2026 …` (the terms, 添加学年 and 修改学年 side by side).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, AppServer, log_in, wait_until_idle  # noqa: E402

ANCHOR = "2026-11-22"
SIZES = {1440: 900, 390: 844}
PASSWORD = "screenshots-admin-passphrase"
YEAR = ["year", "add", "2026", "--start", "2026-08-25", "--end", "2027-07-31",
        "--term1", "2026-09-01:2027-01-20", "--term2", "2027-02-23:2027-07-04"]  # fmt: skip


def main() -> int:
    """An empty school, then one with its first year: 设置 at each size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = {"HXGY_TODAY": ANCHOR, "HXGY_COOKIE_KEY": os.environ.get("HXGY_COOKIE_KEY", "screenshots-" + "k" * 40)}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/new.db"
        cli_env = {**os.environ, **env, "HXGY_DATABASE_URL": url, "HXGY_ADMIN_PASSWORD": PASSWORD}

        def cli(*argv: str) -> None:
            subprocess.run([sys.executable, "-m", "hxgy", *argv], cwd=ROOT, check=True, env=cli_env,
                           stdout=subprocess.DEVNULL)  # fmt: skip

        cli("init", "--school", "示范小学")
        server = AppServer(url, env=env).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for state in ("new_school", "years"):
                    if state == "years":
                        cli(*YEAR)
                    for width, height in SIZES.items():
                        phone = width < 600
                        context = browser.new_context(
                            viewport={"width": width, "height": height}, locale="zh-CN", is_mobile=phone,
                            has_touch=phone,
                        )  # fmt: skip
                        page = context.new_page()
                        log_in(page, server.url, "admin", PASSWORD)
                        page.goto(f"{server.url}/settings")
                        wait_until_idle(page)
                        target = out / f"admin-settings-{state}-{width}.png"
                        page.screenshot(path=target, full_page=not phone)
                        print(target)
                        context.close()
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
