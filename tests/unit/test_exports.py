"""Downloads: Excel opens back with Chinese headers and no live formulas; charts become PNGs."""

import io
import json
import math
import subprocess

import altair as alt
import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import charts, config, db, exports, terms
from hxgy.metrics import overview
from hxgy.metrics.roster import ClassFilter
from hxgy.models import School
from tests.conftest import DEMO_ANCHOR, run_cli


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x"])
def test_cells_a_spreadsheet_would_run_are_neutralised(text) -> None:
    book = load_workbook(io.BytesIO(exports.excel_bytes({"备注": pd.DataFrame({"内容": [text]})}, stamp="测试")))
    cell = book["备注"]["A4"].value
    assert cell == "'" + text
    assert exports.neutralise("家访 =正常") == "家访 =正常"


def test_excel_has_title_stamp_headers_and_figures_as_numbers() -> None:
    frame = pd.DataFrame({"班级": ["三(2)班", "三(3)班"], "家访覆盖率": [0.965, math.nan], "志愿服务时长": [12.5, 0.0]})
    sheet = load_workbook(io.BytesIO(exports.excel_bytes({"各班家访": frame}, stamp="东湖区实验小学 · 本学期"))).active
    assert [sheet["A1"].value, sheet["A2"].value] == ["各班家访", "东湖区实验小学 · 本学期"]
    assert [c.value for c in sheet[3]] == ["班级", "家访覆盖率", "志愿服务时长"]
    assert [c.value for c in sheet[4]] == ["三(2)班", 0.965, 12.5]  # numbers a spreadsheet can sum
    assert sheet["B4"].number_format == "0.0%" and sheet["C4"].number_format == "0.0"
    assert sheet["B5"].value is None  # no data stays an empty cell, never 0


def test_chart_png_renders() -> None:
    frame = pd.DataFrame({"班级": ["一(1)班", "一(2)班"], "家访覆盖率": [0.9, 0.5], "目标状态": ["达标", "未达标"]})
    chart = charts.class_bars(
        frame,
        value="家访覆盖率",
        title="各班家访覆盖率",
        stamp="测试小学 · 本学期",
        percent=True,
        status="目标状态",
        target=0.6,
    )
    png = charts.to_png(chart)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    spec = chart.to_dict()
    assert spec["title"]["subtitle"] == ["测试小学 · 本学期"]
    assert spec["config"]["font"] == charts.CJK_FONT
    assert isinstance(chart, alt.LayerChart)


def test_the_chinese_font_is_installed() -> None:
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    if charts.CJK_FONT not in fonts:
        from tests.conftest import skip_or_fail

        skip_or_fail("fonts-noto-cjk is not installed: charts would show boxes instead of Chinese")


def test_metrics_command_matches_the_dashboard_functions(demo_url, tmp_path) -> None:
    out = tmp_path / "m.json"
    result = run_cli(demo_url, "metrics", "--term", "2025-2026学年第二学期", "-o", str(out))
    assert result.returncode == 0, result.stderr
    written = json.loads(out.read_text(encoding="utf-8"))
    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        term = next(t for t in terms.school_terms(session, school_id=school.id) if t.name == "2025-2026学年第二学期")
        frame = overview.class_measures(session, terms.term_period(term), ClassFilter(school.id), now=config.now())
    engine.dispose()
    rows = {r["class_name"]: r for r in written["rows"]}
    assert len(rows) == len(frame) + 1 and exports.SCHOOL_ROW in rows
    for record in frame.to_dict("records"):
        row = rows[record["class_name"]]
        for key in ("students", "contacts", "visited_students", "volunteer_records", "moral_good"):
            assert row[key] == record[key]
        for key in ("home_visit_coverage", "moral_good_rate", "volunteer_hours", "satisfaction"):
            assert (row[key] is None and math.isnan(record[key])) or row[key] == pytest.approx(record[key])


def test_metrics_command_formats_and_errors(demo_url, tmp_path) -> None:
    xlsx = tmp_path / "m.xlsx"
    assert run_cli(demo_url, "metrics", "-o", str(xlsx)).returncode == 0
    sheet = load_workbook(xlsx).active
    assert sheet["A3"].value == "班级" and "东湖区实验小学" in sheet["A2"].value
    csv = run_cli(demo_url, "metrics", "--from", "2026-10-01", "--to", "2026-10-31")
    table = pd.read_csv(io.StringIO(csv.stdout.lstrip("\ufeff")))
    assert table["class_name"].iloc[-1] == exports.SCHOOL_ROW and table["students"].iloc[-1] > 1000
    bad = run_cli(demo_url, "metrics", "--term", "没有这个学期")
    assert bad.returncode == 2 and "no term" in bad.stderr
    across = run_cli(demo_url, "metrics", "--from", "2026-06-01", "--to", "2026-09-30")
    assert across.returncode == 2 and "跨学年" in across.stderr
    assert DEMO_ANCHOR.year == 2026
