"""hxgy.web.downloads.take: who gets a waiting file, and when it is gone (the browser test tries it over HTTP)."""

from __future__ import annotations

import time

import pytest
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

from hxgy.web import downloads

TOKEN = b"0123456789abcdef"


@pytest.fixture
def waiting() -> str:
    cookie = generate_xsrf_token_string(TOKEN)
    return downloads.offer(b"names", file_name="名单.xlsx", mime="x", username="dean", browser_cookie=cookie)


def test_only_the_owner_in_the_same_browser_gets_it_and_only_once(waiting: str) -> None:
    # the same browser's cookie is masked anew each time Streamlit sets it: the token inside is what counts
    same_browser = generate_xsrf_token_string(TOKEN)
    other_browser = generate_xsrf_token_string(b"fedcba9876543210")
    assert downloads.take(waiting, account=None, browser_cookie=same_browser) == (403, downloads.NOT_SIGNED_IN)
    assert downloads.take(waiting, account="teacher", browser_cookie=same_browser) == (403, downloads.NOT_YOURS)
    assert downloads.take(waiting, account="dean", browser_cookie=other_browser) == (403, downloads.NOT_YOURS)
    assert downloads.take(waiting, account="dean", browser_cookie=None) == (403, downloads.NOT_YOURS)
    kept = downloads.take(waiting, account="dean", browser_cookie=same_browser)  # refusals left it for its owner
    assert isinstance(kept, downloads.Kept) and kept.data == b"names" and kept.file_name == "名单.xlsx"
    assert downloads.take(waiting, account="dean", browser_cookie=same_browser) == (404, downloads.GONE)


def test_a_file_not_fetched_in_time_is_forgotten(waiting: str, monkeypatch: pytest.MonkeyPatch) -> None:
    other = downloads.offer(b"more", file_name="y", mime="x", username="dean", browser_cookie=None)
    later = time.monotonic() + downloads.TTL_SECONDS + 1
    monkeypatch.setattr(downloads.time, "monotonic", lambda: later)
    assert downloads.take(waiting, account="dean", browser_cookie=generate_xsrf_token_string(TOKEN)) == (
        404,
        downloads.GONE,
    )
    assert other in downloads._kept
    downloads.offer(b"x", file_name="x", mime="x", username="dean", browser_cookie=None)  # sweeps what expired
    assert other not in downloads._kept


def test_a_token_is_unguessable_and_never_reused() -> None:
    tokens = {downloads.offer(b"", file_name="f", mime="x", username="u", browser_cookie=None) for _ in range(50)}
    assert len(tokens) == 50 and all(len(t) >= 40 for t in tokens)
    assert downloads.take("not-a-token", account="u", browser_cookie=None) == (404, downloads.GONE)


def test_a_table_that_names_children_or_families_is_downloaded_privately() -> None:
    import pandas as pd

    from hxgy.metrics import measures
    from hxgy.ui import widgets

    missing = pd.DataFrame({"student_no": ["001"], "student_name": ["张三"], "guardian_name": ["张父"]})
    assert widgets.personal(widgets.labelled(missing, ["student_no", "student_name", "guardian_name"]))
    assert widgets.personal(pd.DataFrame({"班级": ["一(1)班"], "手机号": ["138****5678"]}))
    classes = pd.DataFrame({c: [0] for c in ["class_name", *measures.CLASS_TABLE_COLUMNS[1:3]]})
    assert not widgets.personal(widgets.labelled(classes, list(classes.columns)))


def test_the_media_guard_refuses_streamlit_media_without_a_login_and_leaves_the_apps_fonts_alone() -> None:
    import asyncio

    answered: list[str] = []

    async def streamlit(scope: dict, receive: object, send: object) -> None:
        answered.append(scope["path"])

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    guard = downloads.MediaGuard(streamlit)  # type: ignore[arg-type]
    for path in ("/static/media/KaTeX_Main-Regular.woff2", "/media/abc123.xlsx"):
        scope: dict[str, object] = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
        asyncio.run(guard(scope, receive, send))  # type: ignore[arg-type]
    assert answered == ["/static/media/KaTeX_Main-Regular.woff2"]
    assert sent[0]["status"] == 403
