"""Screenshots of the app for the docs: a demo database, the real server, Chromium.

.venv/bin/python scripts/screenshots.py [--out docs/screenshots]
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

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, AppServer, log_in  # noqa: E402

ANCHOR = "2026-11-22"
SHOTS = [
    ("principal", "home-principal"),
    ("headteacher", "home-headteacher"),
    ("district", "home-district"),
    ("meeting", "home-meeting"),
]


def main() -> int:
    """Build a demo database, start the app, and save one screenshot per role."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--width", type=int, default=1280)
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
                for username, name in SHOTS:
                    context = browser.new_context(viewport={"width": args.width, "height": 900}, locale="zh-CN")
                    page = context.new_page()
                    log_in(page, server.url, username, "hxgy-demo")
                    page.screenshot(path=out / f"{name}.png", full_page=True)
                    context.close()
                    print(out / f"{name}.png")
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
