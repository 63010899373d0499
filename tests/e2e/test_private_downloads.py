"""Issue 18, point 1: a file with names or phones is served once, to the signed-in browser that asked, and no one
else; Streamlit's /media/ files only to a signed-in browser. The attempts are made as an outsider would: plain
HTTP requests with no cookie, with another user's cookies, and with the owner's account from another browser."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.models import AuditLog
from tests.e2e.server import AppServer, log_in, wait_until_idle

pytestmark = pytest.mark.browser


def _get(url: str, cookies: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    try:
        with urllib.request.urlopen(request, timeout=20) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def _cookies(context: BrowserContext) -> dict[str, str]:
    return {c["name"]: c["value"] for c in context.cookies()}


def _pick(page: Page, label: str, option: str, nth: int = 0) -> None:
    page.locator('[data-testid="stSelectbox"]', has_text=label).nth(nth).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_until_idle(page)


def test_a_guardian_export_goes_once_to_the_dean_who_asked_and_to_no_one_else(
    browser: Browser, app_server: AppServer, demo_url: str, artifacts: Path
) -> None:
    # another user's browser, and the dean's own account signed in from a second browser
    others = {}
    for name, username in (("head teacher", "headteacher"), ("dean elsewhere", "dean")):
        context = browser.new_context(locale="zh-CN")
        log_in(context.new_page(), app_server.url, username, "hxgy-demo")
        others[name] = _cookies(context)
        context.close()
    assert all("hxgy_auth" in c and "_streamlit_xsrf" in c for c in others.values())

    context = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    log_in(page, app_server.url, "dean", "hxgy-demo")
    page.goto(f"{app_server.url}/data_transfer")
    wait_until_idle(page)

    # a file without a child in it (the template) stays with Streamlit, under /media/: only for a signed-in browser
    media: list[str] = []
    page.on("request", lambda r: media.append(r.url) if "/media/" in r.url else None)
    _pick(page, "数据类型", "沟通记录")
    with page.expect_download():
        page.get_by_role("button", name="下载“沟通记录”模板").click()
    assert media, "the template came from Streamlit's media store"
    assert _get(media[0])[0] == 403
    assert _get(media[0], others["head teacher"])[0] == 200  # any signed-in browser; the template names no one

    attempts: dict[str, int] = {}
    served: list[str] = []

    def outsiders_first(route: Route) -> None:
        """Before the dean's browser gets its file, everyone else asks for the same address."""
        url = route.request.url
        served.append(url)
        attempts["no cookie"] = _get(url)[0]
        attempts["head teacher's cookies"] = _get(url, others["head teacher"])[0]
        attempts["the dean's account, another browser"] = _get(url, others["dean elsewhere"])[0]
        dean = _cookies(context)
        attempts["the dean's login cookie alone"] = _get(url, {"hxgy_auth": dean["hxgy_auth"]})[0]
        route.continue_()

    page.route("**/download/*", outsiders_first)
    page.get_by_role("tab", name="导出").click()
    _pick(page, "数据类型", "监护人", nth=1)
    with page.expect_download() as download:
        page.get_by_role("button", name="导出“监护人”").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = [r for r in book.worksheets[0].iter_rows(min_row=4, values_only=True) if any(r)]  # title, stamp, header
    assert len(rows) > 100 and book.worksheets[0].title == "监护人"
    wait_until_idle(page)
    assert page.get_by_text("已下载：监护人_").is_visible()
    page.screenshot(path=artifacts / "private-download-dean.png", full_page=True)

    assert attempts == {
        "no cookie": 403,
        "head teacher's cookies": 403,
        "the dean's account, another browser": 403,
        "the dean's login cookie alone": 403,
    }
    assert len(served) == 1 and "/download/" in served[0] and "media" not in served[0]
    # gone once served, even for the browser that asked
    assert _get(served[0], _cookies(context))[0] == 404

    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:
        logged = session.scalars(
            select(AuditLog).where(AuditLog.action == "export", AuditLog.username == "dean").order_by(AuditLog.id)
        ).all()
    engine.dispose()
    assert logged and "监护人" in logged[-1].detail and f"{len(rows):,} 行" in logged[-1].detail
    context.close()
