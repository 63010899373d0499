"""The meeting screen in Chromium on a 1920×1080 and a 1280×720 projector: every slide, no child anywhere.

The meeting role's whole visible text (the page before the show, every slide with its charts' SVG text and
labels, and the slide pack's text) holds no student's or guardian's name of the demo database, no word of the
special groups (留守, 单亲, 困难家庭, 关爱: hxgy.metrics.special_groups is never on it) and no phone number, whole
or masked. The pack's pictures are images: their text is not reachable here (they are drawn from the same deck).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.meeting.pack import pack_pages
from hxgy.models import Guardian, Staff, Student
from tests.e2e.server import AppServer, log_in, wait_until_idle

pytestmark = pytest.mark.browser
PASSWORD = "hxgy-demo"
FLAG_WORDS = ("留守", "单亲", "困难家庭", "关爱")
# a mobile (+86 or not), the same masked as the app masks it (138****5678), a landline with its area code
PHONE = re.compile(r"(?<!\d)(?:(?:\+?86[-\s]?)?1[3-9]\d{9}|1\d{2}\*{4}\d{4}|0\d{2,3}-\d{7,8})(?!\d)")
# all the text a viewer can read: the page's, the charts' (SVG text) and what a chart's marks and controls say
VISIBLE_TEXT = """() => [document.body.innerText,
  ...[...document.querySelectorAll('svg text')].map(e => e.textContent),
  ...[...document.querySelectorAll('[aria-label], [title]')].map(
    e => (e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('title') || ''))].join('\\n')"""

# where the slide's content ends and where the pinned foot (stamp, page number, buttons) begins
LAYOUT = """() => {
  const foot = document.querySelector('.st-key-hxgy-foot');
  const blocks = [...document.querySelectorAll('[data-testid=stMainBlockContainer] [data-testid=stElementContainer]')]
    .filter(e => !e.closest('.st-key-hxgy-foot') && e.getBoundingClientRect().height > 0);
  return {bottom: Math.max(...blocks.map(e => e.getBoundingClientRect().bottom)),
          foot: foot ? foot.getBoundingClientRect().top : null,
          scroll: document.scrollingElement.scrollHeight, height: window.innerHeight};
}"""


@pytest.fixture(scope="module")
def names(demo_url: str) -> set[str]:
    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:
        found = set(session.scalars(select(Student.name))) | set(session.scalars(select(Guardian.name)))
    engine.dispose()
    assert len(found) > 100
    return found


@pytest.fixture(scope="module")
def phones(demo_url: str) -> set[str]:
    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:
        found = {p for p in session.scalars(select(Guardian.phone)) if p}
        found |= {p for p in session.scalars(select(Staff.phone)) if p}
    engine.dispose()
    assert len(found) > 100
    return found


def _leaks(text: str, names: set[str], phones: set[str]) -> list[str]:
    """Names, flag words and phone numbers found in ``text``."""
    found = [f"name {name}" for name in names if name in text]
    found += [f"flag word {word}" for word in FLAG_WORDS if word in text]
    found += [f"phone {number}" for number in PHONE.findall(text)]
    found += [f"phone {number}" for number in phones if number in text]
    return found


def _slide_count(page: Page) -> tuple[int, int]:
    """The page number in the slide's foot, e.g. 3 / 16 → (3, 16)."""
    found = re.search(r"(\d+) / (\d+)", page.locator(".st-key-hxgy-foot").inner_text())
    assert found, "no page number in the foot"
    return int(found.group(1)), int(found.group(2))


@pytest.mark.parametrize(("width", "height", "screen"), [(1920, 1080, "1920×1080"), (1280, 720, "1280×720")])
def test_the_meeting_role_walks_every_slide_and_no_name_shows(
    browser: Browser, app_server: AppServer, artifacts, names, phones, width, height, screen
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    log_in(page, app_server.url, "meeting", PASSWORD)
    expect(page.get_by_role("heading", name="会议投屏")).to_be_visible()
    assert _leaks(page.evaluate(VISIBLE_TEXT), names, phones) == [], "before the show"
    page.get_by_text(screen, exact=True).click()
    wait_until_idle(page)
    listed = page.get_by_text("共 ").first.inner_text()
    page.get_by_role("button", name="开始投屏").click()
    wait_until_idle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    shown, total = _slide_count(page)
    assert (shown, total) == (1, int(listed.split("共 ")[1].split(" 页")[0]))
    stamp = page.locator(".st-key-hxgy-foot").inner_text().split("\n")[0]
    assert "东湖区实验小学" in stamp and "学期" in stamp
    titles = []
    for number in range(1, total + 1):
        assert _slide_count(page) == (number, total)
        body = page.inner_text("body")
        assert _leaks(page.evaluate(VISIBLE_TEXT), names, phones) == [], f"slide {number}"
        assert stamp in body
        assert page.locator('[data-testid="stDownloadButton"]').count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0
        layout = page.evaluate(LAYOUT)
        assert layout["bottom"] <= layout["foot"] + 1, f"slide {number} runs under its foot at {screen}: {layout}"
        assert layout["scroll"] <= layout["height"] + 1, f"slide {number} scrolls at {screen}"
        titles.append(page.locator(".hxgy-slide-title").inner_text())
        if number in (1, 3, total):
            page.screenshot(path=artifacts / f"meeting-{width}-{number}.png")
        page.keyboard.press("ArrowRight")
        wait_until_idle(page)
    assert _slide_count(page) == (1, total)  # after the last slide, back to the first
    page.get_by_role("button", name="上一页").click()
    wait_until_idle(page)
    assert _slide_count(page) == (total, total)
    assert len(set(titles)) == total
    page.keyboard.press("Escape")
    wait_until_idle(page)
    expect(page.get_by_role("button", name="开始投屏")).to_be_visible()

    page.get_by_role("button", name="生成幻灯片文件（PPTX）").click()
    wait_until_idle(page, timeout=120)
    with page.expect_download() as download:
        page.get_by_role("button", name="下载幻灯片").click()
    pages = pack_pages(Path(download.value.path()).read_bytes())
    assert [p.text.split("\n")[0] for p in pages] == titles
    packed = "\n".join(p.text for p in pages)
    assert _leaks(packed, names, phones) == [], "the slide pack"
    assert all(stamp in p.text for p in pages)
    context.close()


def test_slides_advance_on_their_own_when_asked(browser: Browser, app_server: AppServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    page = context.new_page()
    log_in(page, app_server.url, "principal", PASSWORD)
    page.goto(f"{app_server.url}/meeting")
    wait_until_idle(page)
    page.get_by_label("自动翻页").click()
    page.get_by_role("option", name="每 10 秒").click()
    wait_until_idle(page)
    page.get_by_role("button", name="开始投屏").click()
    wait_until_idle(page)
    assert _slide_count(page)[0] == 1
    expect(page.locator(".st-key-hxgy-foot")).to_contain_text("2 / ", timeout=20_000)
    context.close()
