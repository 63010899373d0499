"""Reading cells the way schools write them, and telling one kind of file from another."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.models import AuditLog
from hxgy.transfer.files import FileRefused, read_table
from hxgy.transfer.headers import locate
from hxgy.transfer.kinds import KINDS
from hxgy.transfer.templates import template_bytes
from hxgy.transfer.values import (
    CellError,
    clean_text,
    normalise_header,
    read_class,
    read_date,
    read_datetime,
    read_duration,
    read_number,
    read_yes_no,
)
from tests.conftest import run_cli


@pytest.mark.parametrize(
    "written",
    [
        "三(2)班",
        "三（2）班",
        "三年级2班",
        "3年级2班",
        "三年级二班",
        "3-2",
        "３－２",
        "3.2",
        "302",
        " 三 (2) 班 ",
        "三年级(2)班",
    ],
)
def test_a_class_is_read_however_it_is_written(written: str) -> None:
    assert read_class(written) == (3, 2)


@pytest.mark.parametrize("written", ["十(2)班", "三班", "0-1", "=1+1", "'; DROP TABLE student; --", "3-0"])
def test_what_is_not_a_class_says_so(written: str) -> None:
    with pytest.raises(CellError, match="不是班级"):
        read_class(written)


def test_two_digit_class_numbers() -> None:
    assert read_class("六(10)班") == (6, 10)
    assert read_class("6-12") == (6, 12)
    assert read_class("六年级十一班") == (6, 11)


@pytest.mark.parametrize(
    "written",
    [
        "2025-09-01", "2025/9/1", "2025.9.1", "2025年9月1日", "2025 年 9 月 1 日", "20250901", "２０２５－０９－０１",
        45901, 45901.0, "45901", datetime(2025, 9, 1, 0, 0), date(2025, 9, 1), "2025-09-01 00:00:00",
    ],
)  # fmt: skip
def test_a_date_is_read_however_it_is_written(written: object) -> None:
    assert read_date(written) == date(2025, 9, 1)


@pytest.mark.parametrize(
    ("written", "reason"), [("2025-02-30", "不是存在的日期"), ("九月一日", "不是日期"), (123, "不是日期")]
)
def test_a_wrong_date_says_why(written: object, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        read_date(written)


def test_blank_dates_are_none() -> None:
    assert read_date(None) is None and read_date("  ") is None and read_date(float("nan")) is None


def test_times_keep_minutes_and_seconds_and_a_date_alone_is_eight_oclock() -> None:
    assert read_datetime("2025/9/1 8:30") == datetime(2025, 9, 1, 8, 30)
    assert read_datetime("2025-09-01 19:08:14") == datetime(2025, 9, 1, 19, 8, 14)
    assert read_datetime("2025年9月1日 8：05") == datetime(2025, 9, 1, 8, 5)
    assert read_datetime("2025-09-01") == datetime(2025, 9, 1, 8, 0)
    assert read_datetime(45901.5) == datetime(2025, 9, 1, 12, 0)
    with pytest.raises(CellError, match="时间不对"):
        read_datetime("2025-09-01 25:00")


def test_numbers_and_yes_no() -> None:
    assert read_number("１，２００") == 1200
    assert read_duration("1.5小时", "hour") == 1.5  # a time unit is read by the duration columns, per column
    with pytest.raises(CellError, match="不是数字"):
        read_number("1.5小时")  # not a count: a time in a count's column is refused, not stripped of its unit
    assert read_number(" ") is None
    with pytest.raises(CellError, match="应是整数"):
        read_number("2.5", integer=True)
    with pytest.raises(CellError, match="不是数字"):
        read_number("三十")
    assert read_yes_no("是") and read_yes_no("Y") and read_yes_no("√") and not read_yes_no("") and not read_yes_no("否")
    with pytest.raises(CellError, match="应填“是”或“否”"):
        read_yes_no("也许")


def test_text_is_half_width_but_chinese_punctuation_stays() -> None:
    assert clean_text("\u3000ＡＢ１２３\ufeff ") == "AB123"
    assert clean_text("家长学校：科学陪伴（一）") == "家长学校：科学陪伴（一）"
    assert clean_text(2023020001.0) == "2023020001"
    assert normalise_header(" 沟通 日期* ") == "沟通日期"
    assert normalise_header("时长（分钟）") == normalise_header("时长(分钟)")


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_template_is_taken_only_as_its_own_kind(kind: str) -> None:
    data = template_bytes(kind, None)
    taken = []
    for other in KINDS.values():
        try:
            locate(read_table("模板.xlsx", data, sheet_hint=other.title), other)
            taken.append(other.key)
        except FileRefused:
            continue
    # the long 德育 file has no dimension column, so prepare() refuses it as a wide one
    assert taken == ([kind, "moral_wide"] if kind == "moral_long" else [kind])


def test_a_file_of_another_kind_names_the_kind_it_looks_like() -> None:
    data = template_bytes("communications", None)
    with pytest.raises(FileRefused, match="更像“沟通记录”"):
        locate(read_table("x.xlsx", data, sheet_hint="学生名册"), KINDS["students"])
    with pytest.raises(FileRefused, match="看起来是“志愿服务”"):
        locate(read_table("x.xlsx", template_bytes("volunteering", None)), KINDS["communications"])


def test_the_command_line_writes_a_template_imports_and_exports(demo_copy_url: str, tmp_path: Path) -> None:
    template = tmp_path / "满意度.xlsx"
    done = run_cli(demo_copy_url, "template", "satisfaction", str(template))
    assert done.returncode == 0, done.stderr
    import openpyxl

    book = openpyxl.load_workbook(template)
    assert book.sheetnames[:2] == ["满意度", "填写说明"]
    sheet = book["满意度"]
    sheet["A3"], sheet["B3"], sheet["C3"], sheet["D3"] = "2025-2026学年第一学期", "三(2)班", "40", "50"
    book.save(template)
    wrong = run_cli(demo_copy_url, "import", "satisfaction", str(template), "--user", "dean")
    assert wrong.returncode == 1
    assert "第 3 行，D 列“满意人数”：满意人数 50 多于答卷人数 40" in wrong.stderr
    sheet["D3"] = 38
    book.save(template)
    done = run_cli(demo_copy_url, "import", "satisfaction", str(template), "--user", "dean")
    assert done.returncode == 0, done.stderr
    assert "新增 0，更新 1" in done.stdout or "新增 1，更新 0" in done.stdout
    again = run_cli(demo_copy_url, "import", "satisfaction", str(template), "--user", "dean")
    assert "新增 0，更新 0，未变 1" in again.stdout
    out = tmp_path / "导出.csv"
    done = run_cli(
        demo_copy_url, "export", "satisfaction", str(out), "--user", "dean", "--term", "2025-2026学年第一学期"
    )
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "学期,班级,答卷人数,满意人数,说明"
    assert "2025-2026学年第一学期,三(2)班,40,38," in text
    refused = run_cli(demo_copy_url, "export", "students", str(out), "--user", "headteacher")
    assert refused.returncode == 2 and "无权" in refused.stderr
    # an export of phone numbers warns as the page does, and every export is in the audit log with its rows
    guardians = run_cli(demo_copy_url, "export", "guardians", str(tmp_path / "监护人.csv"), "--user", "dean")
    assert guardians.returncode == 0 and "手机号已隐去中间几位" in guardians.stderr
    rows = len((tmp_path / "监护人.csv").read_text(encoding="utf-8-sig").splitlines()) - 1
    engine = db.create_db_engine(demo_copy_url)
    with Session(engine) as session:
        logged = session.scalars(
            select(AuditLog.detail)
            .where(AuditLog.action == "export", AuditLog.username == "dean")
            .order_by(AuditLog.id)
        ).all()
    engine.dispose()
    assert logged[-2] == f"满意度 · 2025-2026学年第一学期：{len(text.splitlines()) - 1:,} 行（命令行，导出.csv）"
    assert logged[-1] == f"监护人 · 全部学期：{rows:,} 行（命令行，监护人.csv）"


def test_headers_marked_required_in_words_still_match() -> None:
    """Schools mark required columns as 沟通日期（必填） or with a line break before (选填)."""
    assert normalise_header("沟通日期（必填）") == normalise_header("沟通日期*") == "沟通日期"
    assert normalise_header("学号\n(选填)") == "学号"
    assert normalise_header("时长（分钟）") == "时长(分钟)"  # a unit in brackets is part of the header
