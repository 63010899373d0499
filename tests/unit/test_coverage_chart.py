"""The 家访覆盖率 chart draws 100 % and the on-pace target as labelled lines (issue 14)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from hxgy import charts
from hxgy.metrics.judging import target_on_pace
from hxgy.terms import Period


def _rules(chart) -> dict[str, float]:
    """Label → position of every labelled line in the chart's Vega-Lite spec (the text layers)."""
    spec = chart.to_dict()
    found = {}
    for layer in spec["layer"]:
        if layer["mark"]["type"] == "text" and "datasets" in spec:
            rows = spec["datasets"][layer["data"]["name"]]
            found.update({row["说明"]: row["位置"] for row in rows})
    return found


def test_the_rule_at_100_percent_and_the_on_pace_line_are_labelled() -> None:
    """Term 1 Sep – 29 Nov (90 days), today 15 Oct: 45 days gone, so the share is 45 / 90 = 0.5.

    Home-visit target 80 % → on pace today 80 % × 0.5 = 40 %. The chart has a line at 1.0 labelled
    全覆盖 100%, one at 0.4 labelled 按进度目标 40.0%, and the term's 0.8 labelled 学期目标 80.0%.
    """
    period = Period(date(2026, 9, 1), date(2026, 10, 15), "测试学期", 1, term_id=1, full_end=date(2026, 11, 29))
    on_pace = target_on_pace("home_visit_coverage", 0.8, period)
    assert on_pace == 0.4
    frame = pd.DataFrame(
        {"class_id": [1, 2], "班级": ["一(1)班", "一(2)班"], "家访覆盖率": [0.3, 0.5], "目标状态": ["未达标", "达标"]}
    )
    chart = charts.coverage_bars(
        frame, value="家访覆盖率", title="各班家访覆盖率", stamp="", status="目标状态", on_pace=on_pace, term_target=0.8
    )
    assert _rules(chart) == {"全覆盖 100%": 1.0, "按进度目标 40.0%": 0.4, "学期目标 80.0%": 0.8}
    rules = [layer for layer in chart.to_dict()["layer"] if layer["mark"]["type"] == "rule"]
    assert len(rules) == 3 and all(layer["encoding"]["x"]["field"] == "位置" for layer in rules)


def test_a_finished_term_draws_100_percent_and_the_target_once() -> None:
    """A finished term: the on-pace target is the term's target, so one line 目标 95.0% besides 100 %."""
    frame = pd.DataFrame({"class_id": [1], "班级": ["一(1)班"], "家访覆盖率": [0.97], "目标状态": ["达标"]})
    chart = charts.coverage_bars(
        frame, value="家访覆盖率", title="t", stamp="", status="目标状态", on_pace=0.95, term_target=0.95
    )
    assert _rules(chart) == {"全覆盖 100%": 1.0, "目标 95.0%": 0.95}


def test_a_100_percent_target_is_named_on_the_100_percent_line() -> None:
    """Target 100 %, half the term gone: lines at 1.0 (全覆盖 100%（学期目标）) and 0.5 (按进度目标 50.0%)."""
    frame = pd.DataFrame({"class_id": [1], "班级": ["一(1)班"], "家访覆盖率": [0.6], "目标状态": ["达标"]})
    chart = charts.coverage_bars(
        frame, value="家访覆盖率", title="t", stamp="", status="目标状态", on_pace=0.5, term_target=1.0
    )
    assert _rules(chart) == {"全覆盖 100%（学期目标）": 1.0, "按进度目标 50.0%": 0.5}
