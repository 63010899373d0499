"""总览 shows 同比 beside 较上学期 and the 各学期趋势 chart (the demo has two school years)."""

from __future__ import annotations

import json
from typing import Any

from tests.app.conftest import all_text


def _titles(at: Any) -> list[tuple[str, dict]]:
    """(title, spec) of every chart drawn."""
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    return [(s.get("title", {}).get("text", ""), s) for s in specs]


def test_the_overview_shows_year_on_year_and_the_trend(make_app, demo_url) -> None:
    at = make_app(demo_url, "principal")
    at.run()
    assert not at.exception
    text = all_text(at)
    assert "同比：与2025-2026学年第一学期同期相比（全校）。" in text
    assert "同比 " in text  # a card's 同比 line
    assert "各学期趋势" in text
    trend = next(spec for title, spec in _titles(at) if title == "沟通覆盖率各学期趋势")
    assert "strokeDash" in json.dumps(trend)  # the targets are a dashed line
    picker = next(s for s in at.selectbox if s.label == "指标")
    picker.select("home_visit_coverage").run()
    assert not at.exception
    assert "家访覆盖率各学期趋势" in [title for title, _ in _titles(at)]
