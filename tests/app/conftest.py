"""AppTest fixtures: the real app.py, in process, on a real database."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from hxgy import db
from hxgy.models.base import utcnow
from hxgy.ui import data
from hxgy.ui.gate import SIGNED_IN_AT
from tests.conftest import PROJECT_ROOT


def _fresh_caches() -> None:
    data.clear_caches()
    st.cache_resource.clear()
    db.dispose_engines()


@pytest.fixture
def make_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., AppTest]]:
    """Build an AppTest of app.py (or a page ``script`` run alone) on ``url``, signed in as ``username``."""

    def make(url: str, username: str | None = None, script: str = "app.py") -> AppTest:
        monkeypatch.setenv("HXGY_DATABASE_URL", url)
        _fresh_caches()
        at = AppTest.from_file(str(PROJECT_ROOT / script), default_timeout=60)
        if username:
            at.session_state["authentication_status"] = True
            at.session_state["username"] = username
            at.session_state[SIGNED_IN_AT] = utcnow()
        return at

    yield make
    _fresh_caches()


def all_text(at: AppTest) -> str:
    """Every text the run put on the page (markdown, titles, metrics, tables, alerts)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "info", "success", "warning"):
        parts += [str(e.value) for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    return "\n".join(parts)
