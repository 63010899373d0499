"""python-calamine reads .xlsx cells as the streaming openpyxl reader does: the same rows, the same values of the
same types (dates, times, numbers, text with leading zeros, phone numbers), the same refusals.

Every workbook the import tests build is read both ways (``files.read_tables(reader=...)``) and compared cell by
cell, type included; and the sheets that calamine must not read (an error value, a cell far out that would make
it allocate a huge rectangle) are shown to go to openpyxl.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest

from hxgy.transfer import files
from hxgy.transfer.files import FileRefused, read_tables
from hxgy.transfer.kinds import KINDS
from hxgy.transfer.templates import template_bytes
from tests.unit.test_import_corpus import CASES, Facts, facts, hand_made_xlsx  # noqa: F401 (facts: a fixture)
from tests.unit.test_spreadsheets_import import HEADER, contact, huge_declared, xlsx


def both(name: str, data: bytes) -> tuple[object, object]:
    """What each reader gives: every sheet's (name, hidden, index, rows with each cell's type), or the refusal."""

    def read(reader: str) -> object:
        try:
            tables = read_tables(name, data, reader=reader)
        except FileRefused as refused:
            return f"refused: {refused}"
        return [
            (t.source, t.hidden, t.index, [(int(n), [(type(v).__name__, v) for v in values]) for n, values in t.rows])
            for t in tables
        ]

    return read("calamine"), read("openpyxl")


def readers(data: bytes) -> set[str]:
    return {t.reader for t in read_tables("x.xlsx", data)}


def book(fill: Callable[[openpyxl.Workbook], None]) -> bytes:
    workbook = openpyxl.Workbook()
    fill(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cells_people_type(workbook: openpyxl.Workbook) -> None:
    """Dates, times and numbers as Excel and WPS store them, and text that only looks like a number."""
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "沟通记录"
    sheet.append(["沟通日期", "时间", "学号", "电话", "手机(数字)", "时长", "小数", "是否", "文字日期", "序号"])
    rows = [
        [date(2026, 10, 8), time(15, 0), "00123", "13800138000", 13800138000, 30, 1.5, True, "2026年10月8日", 1],
        [datetime(2026, 10, 8, 15, 30), "下午3:00", "0026001", "021-64000000", 8613800138000, 45.0, 0.1, False,
         "2026/10/8", 2],
        [46303, None, 123, "+86 138 0013 8000", 2.5e10, 1e20, -3.25, "是", "2026.10.8 星期四", 3],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    sheet["A4"].number_format = "General"  # an Excel date serial typed as a number
    sheet["A5"] = 46303  # the same serial shown as a date, in the formats schools use
    sheet["A5"].number_format = "yyyy年m月d日"
    sheet["B5"] = 0.625
    sheet["B5"].number_format = "h:mm"
    sheet["C5"] = 46303.625
    sheet["C5"].number_format = "yyyy-mm-dd hh:mm"
    sheet["D5"] = 1.5
    sheet["D5"].number_format = "[h]:mm"
    sheet["E5"] = 123
    sheet["E5"].number_format = "00000"  # 学号 shown with leading zeros, stored as 123
    sheet["F5"] = 46303
    sheet["F5"].number_format = "m/d/yy"
    sheet["G5"] = 46303
    sheet["G5"].number_format = '[DBNum1][$-804]yyyy"年"m"月"d"日"'
    sheet["H5"] = "\u200b0026002\u3000"  # invisible characters around a 学号
    sheet["A7"] = "合计"  # a gap, then a total row
    sheet["F7"] = "=SUM(F2:F5)"


def offset_and_merged(workbook: openpyxl.Workbook) -> None:
    """A title merged across, the table starting in column B, a date and a class merged down."""
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "七年级"
    sheet["B1"] = "2026-2027学年第一学期 家校沟通记录"
    sheet.merge_cells("B1:I1")
    for number, row in enumerate([HEADER, contact("2026-10-08"), contact(None), contact(None)], start=3):
        for column, value in enumerate(row, start=2):
            sheet.cell(number, column, value)
    sheet.merge_cells("B4:B6")
    sheet.merge_cells("C4:C6")
    sheet["B9"] = "填表人：王老师"


def several_sheets(workbook: openpyxl.Workbook) -> None:
    """A cover, a hidden sheet, a very hidden one, an empty one and two data sheets."""
    cover = workbook.active
    assert cover is not None
    cover.title = "封面"
    cover["A1"] = "家校沟通记录"
    for title, state in (("一班", "visible"), ("隐藏", "hidden"), ("很隐藏", "veryHidden"), ("空", "visible")):
        sheet = workbook.create_sheet(title)
        sheet.sheet_state = state
        if title != "空":
            sheet.append(HEADER)
            sheet.append(contact("2026-10-09"))


def wide(workbook: openpyxl.Workbook) -> None:
    """Columns beyond Z (AA, AB …)."""
    sheet = workbook.active
    assert sheet is not None
    sheet.append([f"列{i}" for i in range(40)])
    sheet.append(list(range(40)))


def beyond_the_columns_read(workbook: openpyxl.Workbook) -> None:
    """A cell in column GS, beyond the 200 columns read (openpyxl reads this sheet: the rectangle is too big)."""
    wide(workbook)
    sheet = workbook.active
    assert sheet is not None
    sheet["GS2"] = "beyond the columns read"


def date_1904(workbook: openpyxl.Workbook) -> None:
    """A workbook on the 1904 date system (old Mac Excel)."""
    workbook.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["沟通日期", "时长"])
    sheet.append([date(2026, 10, 8), 20])


BUILT: dict[str, Callable[[], bytes]] = {
    "cells people type": lambda: book(cells_people_type),
    "offset and merged": lambda: book(offset_and_merged),
    "several sheets": lambda: book(several_sheets),
    "wide": lambda: book(wide),
    "beyond the columns read": lambda: book(beyond_the_columns_read),
    "1904 dates": lambda: book(date_1904),
    "hand made (inline strings)": hand_made_xlsx,
    "a million formatted empty rows": lambda: huge_declared(20_000),
    "error values": lambda: xlsx({"title": "沟通记录", "rows": [HEADER, contact("2025-10-08", minutes="#N/A")]}),
    "content after 10,000 empty rows": lambda: xlsx(
        {"title": "沟通记录", "rows": [HEADER, contact("2025-10-08"), *[[None]] * 10_001, contact("2025-10-09")]}
    ),
    **{f"template {key}": (lambda key=key: template_bytes(key, None)) for key in KINDS},
}


@pytest.mark.parametrize("name", list(BUILT))
def test_calamine_reads_what_openpyxl_reads(name: str) -> None:
    calamine, reference = both(f"{name}.xlsx", BUILT[name]())
    assert calamine == reference


@pytest.mark.parametrize("case", [c for c in CASES if c.file_name.endswith(".xlsx")], ids=lambda c: c.id)
def test_every_workbook_of_the_bad_file_corpus_reads_the_same(case, facts: Facts) -> None:  # noqa: F811
    calamine, reference = both(case.file_name, case.build(facts))
    assert calamine == reference


def test_calamine_reads_the_plain_workbooks_and_keeps_their_values() -> None:
    """Not a fallback in disguise: the ordinary workbooks are read by calamine, and what it reads is what the
    user typed (a date as a datetime, 00123 as text, a phone number typed as a number as an int)."""
    for name in ("cells people type", "offset and merged", "several sheets", "wide", "1904 dates"):
        assert readers(BUILT[name]()) == {"calamine"}, name
    (sheet,) = read_tables("x.xlsx", BUILT["cells people type"]())
    rows = dict(sheet.rows)
    assert rows[2][:5] == [datetime(2026, 10, 8), time(15, 0), "00123", "13800138000", 13800138000]
    assert rows[3][0] == datetime(2026, 10, 8, 15, 30) and rows[3][2:4] == ["0026001", "021-64000000"]
    day = datetime(2026, 10, 8)
    assert rows[4][:5] == [46303, None, 123, "+86 138 0013 8000", 25_000_000_000]
    assert rows[5] == [
        day,
        time(15),
        datetime(2026, 10, 8, 15),
        timedelta(hours=36),
        123,
        day,
        day,
        "\u200b0026002\u3000",
    ]
    (sheet,) = read_tables("x.xlsx", BUILT["1904 dates"]())
    assert sheet.rows[1][1] == [datetime(2026, 10, 8), 20]


def far_cell(ref: str) -> bytes:
    """Two cells: A1, and one at ``ref``. calamine would allocate the whole rectangle between them."""

    def fill(workbook: openpyxl.Workbook) -> None:
        sheet = workbook.active
        assert sheet is not None
        sheet["A1"] = "沟通日期"
        sheet[ref] = "x"

    return book(fill)


@pytest.mark.parametrize("ref", ["XFD1048576", "A1048576", "GR900000", "ZZ30000"])
def test_a_cell_far_out_is_read_by_openpyxl_not_calamine(ref: str) -> None:
    """A1 and XFD1048576 would make calamine allocate 17 billion cells (it aborts the process): the sheet's XML
    is scanned first and such a sheet read by the streaming reader, which refuses or ignores as before."""
    data = far_cell(ref)
    extent = files._scan_parts(zipfile.ZipFile(io.BytesIO(data)))["xl/worksheets/sheet1.xml"]
    assert not extent.safe
    calamine, reference = both("far.xlsx", data)
    assert calamine == reference


def test_cells_without_their_position_are_read_by_openpyxl() -> None:
    """A cell that does not name its position (<c t=…> without r=) is placed by counting: the scan cannot bound
    calamine's rectangle, so openpyxl reads the sheet."""
    data = hand_made_xlsx()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b'<c r="C2" t="inlineStr">', b'<c t="inlineStr">')
            target.writestr(info, part)
    assert readers(out.getvalue()) == {"openpyxl"}
    calamine, reference = both("x.xlsx", out.getvalue())
    assert calamine == reference
