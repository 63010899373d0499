"""Charts and tables are drawn from what was made on an earlier run (hxgy.memo, hxgy.ui.widgets.vega_spec and
arrow_table): what the browser gets is exactly what st.altair_chart and st.dataframe send for charts and tables
made afresh, and a rerun of the same view converts no chart."""

from __future__ import annotations

from typing import Any

import pytest
import streamlit as st
from streamlit.elements import vega_charts

from hxgy import memo
from hxgy.ui import widgets

PAGES = [  # (username, page): every page that draws charts through hxgy.ui.widgets
    ("principal", None),  # 总览
    ("principal", "pages/communication.py"),
    ("principal", "pages/volunteers.py"),
    ("principal", "pages/moral.py"),
    ("principal", "pages/activities.py"),
    ("headteacher", "pages/communication.py"),  # one class: no click-to-open
    ("district", None),  # 全区
]


def _charts(at: Any) -> list[tuple[Any, ...]]:
    """Everything a chart sends: spec, data, widget id, selection modes, theme."""
    return [
        (
            c.proto.spec,
            [(d.name, d.data.data) for d in c.proto.datasets],
            c.proto.data.data,
            c.proto.id,
            list(c.proto.selection_mode),
            c.proto.theme,
            c.proto.use_container_width,
        )
        for c in at.get("vega_lite_chart")
    ]


def _tables(at: Any) -> list[tuple[Any, ...]]:
    """Everything a table sends."""
    return [(t.proto.SerializeToString(),) for t in at.dataframe]


def _dataframe(
    frame: Any, *, written: bool = False, height: Any = "auto", placeholder: str | None = widgets.BLANK
) -> None:
    shown = widgets.for_screen(frame) if written else frame
    st.dataframe(shown, hide_index=True, width="stretch", height=height, placeholder=placeholder)


def _altair_chart(chart: Any, *, key: str | None = None, on_select: Any = "ignore", height: Any = "content") -> None:
    st.altair_chart(chart, width="stretch", key=key, on_select=on_select, height=height)


def _page(make_app: Any, url: str, username: str, page: str | None) -> Any:
    at = make_app(url, username)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception
    return at


@pytest.mark.parametrize(("username", "page"), PAGES)
def test_kept_specs_are_what_altair_chart_sends(make_app, demo_url, monkeypatch, username, page) -> None:
    kept = _page(make_app, demo_url, username, page)
    converted: list[object] = []
    convert = vega_charts._convert_altair_to_vega_lite_spec
    monkeypatch.setattr(vega_charts, "_convert_altair_to_vega_lite_spec", lambda c: converted.append(c) or convert(c))
    kept.run()  # the same view again: every chart from its kept spec
    assert not kept.exception
    assert _charts(kept), "the page draws charts"
    assert _tables(kept), "and tables"
    assert converted == [], "a rerun of the same view converts no chart"

    monkeypatch.setattr(widgets, "show_chart", _altair_chart)  # the plain way, everything made afresh
    monkeypatch.setattr(widgets, "show_table", _dataframe)
    memo.forget()
    fresh = _page(make_app, demo_url, username, page)
    assert _charts(fresh) == _charts(kept)
    assert _tables(fresh) == _tables(kept)
