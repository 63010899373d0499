"""The 下载 buttons of files with personal data (names, phones, flags, individual scores).

``private_download`` draws a button. A click makes the file, writes the export to the audit log (who, what,
how many rows) and hands it to the web server (hxgy.web.downloads), which serves it once, to this signed-in
browser, within two minutes; the page fetches it at once (a small script, ``_FETCH_JS``) and shows in Chinese
what happened. Nothing stays at an address anyone else could open: no ``st.download_button`` here.

Files with no child in them (charts as PNG, the Word report, the slide pack) keep ``st.download_button``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import streamlit as st
from sqlalchemy.orm import Session

from hxgy import auth
from hxgy.auth import CurrentUser
from hxgy.ui import entry
from hxgy.ui.gate import _signed_in_user as signed_in_user
from hxgy.web import downloads as web

_FETCH_JS = """
export default function(component) {
    const { data, parentElement } = component;
    if (!data || !data.url) return;
    const seen = (window.__hxgyDownloads = window.__hxgyDownloads || new Set());
    let line = parentElement.querySelector('p');
    if (!line) {
        line = document.createElement('p');
        parentElement.appendChild(line);
    }
    if (seen.has(data.url)) return;
    seen.add(data.url);
    line.textContent = '正在下载：' + data.name;
    fetch(data.url, { credentials: 'same-origin', cache: 'no-store' })
        .then(async (reply) => {
            if (!reply.ok) {
                line.textContent = '下载失败：' + (await reply.text());
                line.className = 'refused';
                return;
            }
            const address = URL.createObjectURL(await reply.blob());
            const link = document.createElement('a');
            link.href = address;
            link.download = data.name;
            parentElement.appendChild(link);
            link.click();
            link.remove();
            setTimeout(() => URL.revokeObjectURL(address), 60000);
            line.textContent = '已下载：' + data.name + '（文件只下载这一次；需要再下载请重新点击按钮）';
            line.className = 'done';
        })
        .catch(() => {
            line.textContent = '下载失败：网络中断，请重新点击下载。';
            line.className = 'refused';
        });
}
"""
_CSS = """
p { margin: 0.25rem 0; font-size: 0.875rem; color: var(--st-text-color); }
p.refused { color: #b03a2e; }
"""
_fetcher = st.components.v2.component("hxgy_private_download", js=_FETCH_JS, css=_CSS)


def _record(session: Session, user: CurrentUser, *, what: str, rows: int, file_name: str) -> None:
    auth.add_audit(session, user, "export", entity="export", detail=f"{what}：{rows:,} 行（{file_name}）")


def private_download(
    label: str,
    *,
    make: Callable[[], bytes | tuple[bytes, int]],
    file_name: str,
    mime: str,
    what: str,
    rows: Callable[[], int] | int | None = None,
    key: str,
    icon: str = ":material/download:",
    kind: Literal["primary", "secondary"] = "secondary",
) -> None:
    """A button that exports ``make()`` as ``file_name`` to this signed-in browser only, once. ``what`` (Chinese,
    e.g. "监护人 · 2025-2026学年第一学期") and the rows of personal data go to the audit log: ``make`` returns
    (file, rows), or the file with ``rows`` given (a number, or counted after ``make``)."""
    if not st.button(label, key=key, icon=icon, type=kind):
        return
    user = signed_in_user()  # read again at the click: an account ended a moment ago exports nothing
    if user is None:
        st.stop()
    with st.spinner("正在生成文件……"):
        made = make()
    content, count = made if isinstance(made, tuple) else (made, rows() if callable(rows) else rows or 0)
    entry.write(lambda session: _record(session, user, what=what, rows=count, file_name=file_name))
    cookies = st.context.cookies
    token = web.offer(
        content,
        file_name=file_name,
        mime=mime,
        username=user.username,
        browser_cookie=cookies.get(web.BROWSER_COOKIE) if cookies else None,
    )
    _fetcher(data={"url": web.path(token), "name": file_name}, key=f"{key}-fetch")
