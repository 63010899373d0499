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

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, AppServer, log_in, wait_until_idle  # noqa: E402

ANCHOR = "2026-11-22"
# (account, page url paths): one screenshot per page, named <account>-<page>.png
SHOTS = [
    ("principal", ["", "communication", "volunteers", "moral", "activities"]),
    ("headteacher", ["", "communication", "log_contact", "moral_entry", "volunteer_entry", "records"]),
    ("dean", ["report", "activity_entry", "request_entry", "satisfaction_entry", "data_transfer", "settings", "audit"]),
    ("district", [""]),
    ("meeting", [""]),
]


def _slides(browser, url: str, out: Path) -> list[Path]:  # noqa: ANN001 - a Playwright Browser
    """Every slide of the meeting screen on a 1280×720 projector, as meeting-slide-NN.png."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    page = context.new_page()
    log_in(page, url, "meeting", "hxgy-demo")
    page.get_by_text("1280×720", exact=True).click()
    wait_until_idle(page)
    page.get_by_role("button", name="开始投屏").click()
    wait_until_idle(page)
    total = int(page.locator(".hxgy-page-number").inner_text().split("/")[1])
    saved = []
    for number in range(1, total + 1):
        target = out / f"meeting-slide-{number:02d}.png"
        page.screenshot(path=target)
        saved.append(target)
        page.keyboard.press("ArrowRight")
        wait_until_idle(page)
    context.close()
    return saved


# (page url path, name): 总览 and 家校沟通 on a 1440×900 desktop and a 390×844 phone, as first seen and whole
SIZES = [("", "overview"), ("communication", "communication")]
SCREENS = {"desktop": (1440, 900, 3000), "phone": (390, 844, 5600)}  # width, height, height of the whole page


def _sizes(browser, url: str, out: Path) -> list[Path]:  # noqa: ANN001 - a Playwright Browser
    """<name>-desktop.png / <name>-phone.png as the screen shows them, and <name>-…-full.png the whole page."""
    saved = []
    for screen, (width, height, full) in SCREENS.items():
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        log_in(page, url, "principal", "hxgy-demo")
        for path, name in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{url}/{path}")
            wait_until_idle(page)
            page.screenshot(path=out / f"{name}-{screen}.png")
            page.set_viewport_size({"width": width, "height": full})  # Streamlit scrolls inside the page
            wait_until_idle(page)
            page.screenshot(path=out / f"{name}-{screen}-full.png")
            saved += [out / f"{name}-{screen}.png", out / f"{name}-{screen}-full.png"]
        context.close()
    return saved


def main() -> int:
    """Build a demo database, start the app, and save one screenshot per role."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=2400, help="tall: Streamlit scrolls inside the page")
    parser.add_argument("--sizes-only", action="store_true", help="only 总览 and 家校沟通 on a desktop and a phone")
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
                for target in _sizes(browser, server.url, out):
                    print(target)
                for username, paths in [] if args.sizes_only else SHOTS:
                    context = browser.new_context(viewport={"width": args.width, "height": args.height}, locale="zh-CN")
                    page = context.new_page()
                    log_in(page, server.url, username, "hxgy-demo")
                    for path in paths:
                        if path:
                            page.goto(f"{server.url}/{path}")
                            wait_until_idle(page)
                        target = out / f"{username}-{path or 'landing'}.png"
                        page.screenshot(path=target)
                        print(target)
                    context.close()
                for number, target in enumerate([] if args.sizes_only else _slides(browser, server.url, out), start=1):
                    print(f"slide {number}: {target}")
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
