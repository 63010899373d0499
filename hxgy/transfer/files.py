"""Reading an uploaded .xlsx or .csv into rows, safely, with a Chinese message for every file we refuse.

Limits: MAX_FILE_BYTES, MAX_ROWS, MAX_UNZIPPED_BYTES. Every part of a workbook is scanned before anything parses
it: a DOCTYPE or ENTITY anywhere refuses the file. openpyxl parses workbook XML through defusedxml (installed from
requirements.txt), so entity bombs and external entities are refused, not expanded.

Cells are read by python-calamine (Rust, ~10× faster than openpyxl) when the sheet's XML shows it is safe to:
calamine builds one rectangle from the top-left to the bottom-right cell that holds a value, so a single value in
column XFD or row 1,048,576 would make it allocate gigabytes (or abort the process). The scan finds the largest
column and row any cell names; a sheet whose rectangle would exceed CALAMINE_MAX_CELLS, or whose cells do not all
name their position, is read by the streaming openpyxl reader instead, which gives the same rows (the
tests compare the two on every file they build). Values are normalised to what openpyxl gives: a whole number
is an int, a date cell a datetime.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml import DEFUSEDXML
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from hxgy.transfer.values import visible_text

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_COLUMNS = 200
OPTIONS_SHEET = "选项"  # the templates' hidden sheet of dropdown values
HEADER_SEARCH_ROWS = 20  # exports put a title and the filters above the headers; schools a title or two
EMPTY_RUN = 10_000  # a sheet is read until this many empty rows in a row (formatting down to row 1,048,576)
SHEET_STRIDE = 10_000_000  # row ids of a workbook's n-th sheet start at n × SHEET_STRIDE
INSTRUCTIONS_SHEET = "填写说明"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CALAMINE_MAX_CELLS = 6_000_000  # the rectangle calamine may allocate for one sheet (~32 bytes a cell)
READERS = ("calamine", "openpyxl")  # openpyxl: the streaming reference reader, used when calamine is not safe

assert DEFUSEDXML, "defusedxml must be installed: openpyxl then refuses XML entity attacks"

Progress = Callable[[str, float], None]


class FileRefused(ValueError):
    """The file as a whole cannot be read; the message says why, in Chinese."""

    matched = 0  # how many of the kind's columns the header row had (0: no header found)


class RowNo(int):
    """A row as the spreadsheet shows it (``number``), and the sheet it is on when a workbook has several.

    Its value as an int is unique across the sheets of a workbook (sheet index × SHEET_STRIDE + row), so sets and
    sorting by row work across sheets; printed, it is the row number the user sees. A row of the first sheet
    stores nothing but its number (one per row of a file: no attribute dictionary unless it needs one).
    """

    sheet: str = ""
    index: int = 0

    def __new__(cls, number: int, sheet: str = "", index: int = 0) -> RowNo:
        obj = int.__new__(cls, index * SHEET_STRIDE + int(number))
        if sheet or index:
            obj.sheet, obj.index = sheet, index
        return obj

    @property
    def number(self) -> int:
        """The row number as the spreadsheet shows it."""
        return int(self) - self.index * SHEET_STRIDE

    # pickling (a plan kept in st.session_state) needs all three; int's own takes only the value
    def __getnewargs__(self) -> tuple[int, str, int]:  # type: ignore[override]
        return self.number, self.sheet, self.index

    def __str__(self) -> str:
        return str(self.number)

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return format(self.number, spec)

    def where(self) -> str:
        """第 N 行, with the sheet's name when the workbook has several data sheets."""
        return (f"工作表“{self.sheet}”" if self.sheet else "") + f"第 {self.number} 行"


Row = tuple[RowNo, list[object]]


@dataclass
class Table:
    """The rows of one sheet, with their row numbers as the spreadsheet shows them."""

    source: str  # the sheet's name, or the file name of a CSV
    rows: list[Row]
    hidden: bool = False  # a hidden or very hidden sheet
    delimited: bool = False  # a CSV or tab-separated text: cells beyond the header are an error
    index: int = 0  # the sheet's position in the workbook
    reader: str = "csv"  # what read the cells: "calamine", "openpyxl" or "csv"


def read_table(
    filename: str, data: bytes, *, sheet_hint: str = "", progress: Progress | None = None, reader: str = "calamine"
) -> Table:
    """The rows of one sheet of an .xlsx (the sheet named ``sheet_hint``, else the first data sheet) or a .csv."""
    tables = read_tables(filename, data, progress=progress, reader=reader)
    names = [t.source for t in tables]
    if sheet_hint in names:
        return tables[names.index(sheet_hint)]
    data_tables = [t for t in tables if t.source.strip() != INSTRUCTIONS_SHEET]
    if not data_tables:
        raise FileRefused(f"工作簿里只有“{INSTRUCTIONS_SHEET}”，没有填写数据的工作表")
    return data_tables[0]


def read_tables(
    filename: str, data: bytes, *, progress: Progress | None = None, reader: str = "calamine"
) -> list[Table]:
    """Every sheet of an .xlsx (hidden ones marked), or the one table of a .csv/.tsv/.txt.

    ``reader="openpyxl"`` reads every .xlsx sheet with the streaming openpyxl reader (the reference the tests
    compare calamine with); by default calamine reads each sheet it can read safely."""
    assert reader in READERS, reader
    name = filename.lower().strip()
    if not data:
        raise FileRefused("文件是空的（0 字节）")
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(
            f"文件有 {len(data) / 1048576:.1f} MB，超过 {MAX_FILE_BYTES // 1048576} MB 的上限；请分成几个文件"
        )
    if data.startswith(OLE_MAGIC):
        raise FileRefused("这是旧版 .xls 文件或有密码保护的文件；请在 Excel/WPS 中“另存为”.xlsx（不设密码）后再导入")
    is_zip = data.startswith(ZIP_MAGIC)
    if name.endswith((".xlsx", ".xlsm")):
        if not is_zip:
            raise FileRefused("文件名是 .xlsx，但内容不是 Excel 工作簿；请用 Excel/WPS 打开后另存为 .xlsx")
        return _read_xlsx(data, progress, reader)
    if name.endswith((".csv", ".txt", ".tsv")):
        if is_zip:
            raise FileRefused("文件名是 .csv，但内容是 Excel 工作簿；请把扩展名改回 .xlsx，或另存为 CSV")
        return [_read_csv(filename, data)]
    if name.endswith((".xls", ".et", ".wps", ".numbers", ".ods")):
        raise FileRefused("请在 Excel/WPS 中“另存为”.xlsx 或 .csv 后再导入")
    raise FileRefused("只能导入 .xlsx 或 .csv 文件")


STRICT_NAMESPACE = b"purl.oclc.org/ooxml/spreadsheetml/main"
MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]{1,3}\d+):([A-Za-z]{1,3}\d+)\"")


def _read_xlsx(data: bytes, progress: Progress | None, reader_name: str) -> list[Table]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRefused("Excel 文件已损坏，无法打开；请用 Excel/WPS 打开后重新保存") from exc
    if unzipped > MAX_UNZIPPED_BYTES:
        raise FileRefused("文件解压后过大（可能是恶意构造的文件），已拒绝")
    if "xl/workbook.xml" not in archive.namelist():
        raise FileRefused("这个压缩文件不是 Excel 工作簿；请用 Excel/WPS 另存为 .xlsx")
    extents = _scan_parts(archive)
    if STRICT_NAMESPACE in archive.read("xl/workbook.xml")[:4096]:
        raise FileRefused(
            "这个工作簿是“Strict Open XML 电子表格”格式，本系统读不了这种格式（数据本身没有问题）；"
            "请在 Excel 中“另存为”→“Excel 工作簿(*.xlsx)”，或在 WPS 中另存为 .xlsx 后再导入"
        )
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_workbook()
        sheets = [
            (sheet.name, sheet.state or "visible", rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
    except FileRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds; defusedxml's refusals among them
        if type(exc).__module__.startswith("defusedxml"):
            raise FileRefused("文件含有不安全的内容（XML 实体），已拒绝") from exc
        raise FileRefused("Excel 文件已损坏，无法打开；请用 Excel/WPS 打开后重新保存") from exc
    if not sheets:
        raise FileRefused("工作簿里没有工作表")
    if reader_name == "calamine" and all(extents.get(target, UNSAFE).safe for _t, _s, target in sheets):
        tables = _read_with_calamine(data, sheets, progress)
        if tables is not None:
            return tables
    try:
        reader.read_strings()
        apply_stylesheet(reader.archive, reader.wb)
    except Exception as exc:
        if type(exc).__module__.startswith("defusedxml"):
            raise FileRefused("文件含有不安全的内容（XML 实体），已拒绝") from exc
        raise FileRefused("Excel 文件已损坏，无法打开；请用 Excel/WPS 打开后重新保存") from exc
    wb = reader.wb
    tables = []
    for index, (title, state, target) in enumerate(sheets):
        try:
            rows = _sheet_rows(reader, wb, title, target, progress)
        except FileRefused:
            raise
        except Exception as exc:
            if type(exc).__module__.startswith("defusedxml"):
                raise FileRefused("文件含有不安全的内容（XML 实体），已拒绝") from exc
            raise FileRefused(f"工作表“{title}”无法读取，文件可能已损坏") from exc
        tables.append(Table(title, rows, hidden=state != "visible", index=index, reader="openpyxl"))
    return tables


@dataclass(frozen=True)
class Extent:
    """What the scan of a sheet's XML found: the largest column and row any cell names, and whether every cell
    names its position (``<c r="B7" …>``, no namespace prefix), so that calamine's rectangle is known in advance,
    and holds no error value."""

    columns: int
    rows: int
    positioned: bool

    @property
    def safe(self) -> bool:
        """Whether calamine may read the sheet: positions known and the rectangle within CALAMINE_MAX_CELLS."""
        return self.positioned and self.columns * self.rows <= CALAMINE_MAX_CELLS


UNSAFE = Extent(0, 0, positioned=False)
# the cells that widen calamine's rectangle: two- or three-letter columns, rows of six digits or more, and cells
# that do not start by naming their position (calamine then counts positions itself); ordinary cells never match
UNUSUAL_CELL = re.compile(rb"<c(?:>| (?!r=\")| r=\"(?:(?P<wide>[A-Z]{2,3})(?P<row>\d+)|[A-Z](?P<far>\d{6,}))\")")
# a namespace prefix on cells (the scan would not see their positions), or an error value (#N/A, #DIV/0!:
# calamine reads it as an empty cell, openpyxl as the text that the importer refuses, naming the cell)
NOT_FOR_CALAMINE = (b":c ", b":c>", b't="e"')


def _scan_parts(archive: zipfile.ZipFile) -> dict[str, Extent]:
    """Refuse any part declaring a DOCTYPE or ENTITY (openpyxl parses some parts with lxml, not defusedxml);
    and the extent of each worksheet part's cells, for calamine. One pass over each part's XML."""
    extents: dict[str, Extent] = {}
    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        sheet = info.filename.startswith("xl/worksheets/")
        columns, rows, positioned = 26, 99_999, True
        tail = b""
        with archive.open(info) as part:
            chunk = part.read(1 << 20)
            while chunk:
                following = part.read(1 << 20)
                window = tail + chunk
                if any(marker in window for marker in UNSAFE_XML):
                    raise FileRefused("文件含有不安全的内容（XML 实体），已拒绝")
                if sheet and positioned:
                    if any(marker in window for marker in NOT_FOR_CALAMINE):
                        positioned = False
                    # a cell cut at the window's end is looked at again, whole, in the next window
                    cut = len(window) - 24 if following else len(window)
                    for m in UNUSUAL_CELL.finditer(window, max(0, len(tail) - 24)):
                        if m.start() >= cut:
                            break
                        if m["wide"]:
                            columns = max(columns, _column_number(m["wide"]))
                            rows = max(rows, int(m["row"]))
                        elif m["far"]:
                            rows = max(rows, int(m["far"]))
                        else:
                            positioned = False
                tail = window[-48:]
                chunk = following
        if sheet:
            extents[info.filename] = Extent(columns, rows, positioned)
    return extents


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _read_with_calamine(
    data: bytes, sheets: list[tuple[str, str, str]], progress: Progress | None
) -> list[Table] | None:
    """Every sheet read by calamine; None when calamine cannot open the workbook (openpyxl then reads it)."""
    try:
        book = CalamineWorkbook.from_object(io.BytesIO(data))
    except (CalamineError, ValueError, OSError):
        return None
    tables = []
    with book:
        for index, (title, state, _target) in enumerate(sheets):
            try:
                sheet = book.get_sheet_by_name(title)
            except (CalamineError, ValueError):
                return None
            rows = _calamine_rows(sheet, title, progress)
            del sheet
            tables.append(Table(title, rows, hidden=state != "visible", index=index, reader="calamine"))
    return tables


def _calamine_rows(sheet: CalamineSheet, title: str, progress: Progress | None) -> list[Row]:
    """The non-empty rows of a sheet read by calamine, as _sheet_rows gives them (same values, same refusals)."""
    start = sheet.start
    if start is None:
        return []
    first_row, first_column = start
    height = sheet.height or 1
    pad: list[object] = [None] * first_column
    width = max(0, MAX_COLUMNS - first_column)
    found: dict[int, list[object]] = {}
    last = 0
    repeated: dict[str, str] = {}  # one str object for the many cells holding the same text (classes, channels)
    same = repeated.setdefault
    for offset, raw in enumerate(sheet.iter_rows()):
        number = first_row + offset + 1
        # text (most cells) inline; numbers and dates as openpyxl gives them
        values = [(same(v, v) if v else None) if type(v) is str else _cell(v) for v in raw[:width]]
        while values and values[-1] is None:
            values.pop()
        if first_column and values:
            values = pad + values
        if not values and not any(v != "" for v in raw):
            continue  # an empty row between data rows
        if (last and number - last > EMPTY_RUN) or (not last and number > EMPTY_RUN):
            raise FileRefused(
                f"工作表“{title}”在第 {last or 1} 行之后隔了 {EMPTY_RUN:,} 多个空行还有内容；请删去中间的空行后再导入"
            )
        if any(not _blank(v) for v in values):
            found[number] = values
            last = number
            if len(found) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise FileRefused(f"工作表“{title}”超过 {MAX_ROWS:,} 行的上限；请分成几个文件")
        if len(repeated) > 50_000:
            repeated.clear()
        if progress and offset % 5000 == 4999:
            progress("读取文件", min(1.0, offset / height))
    merges = sheet.merged_cell_ranges or []
    _fill_merged(found, [(c0 + 1, r0 + 1, c1 + 1, r1 + 1) for (r0, c0), (r1, c1) in merges], last)
    return [(RowNo(n), found[n]) for n in sorted(found)]


def _cell(value: object) -> object:
    """A cell that is not text as openpyxl gives it: a whole number as int, a date as a datetime."""
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if type(value) is date:
        return datetime(value.year, value.month, value.day)
    return value


def _sheet_rows(reader: ExcelReader, wb: Workbook, title: str, target: str, progress: Progress | None) -> list[Row]:
    """The non-empty rows of one sheet, read from the cells that exist (a declared size is not trusted).

    Reading stops after EMPTY_RUN empty rows in a row (a sheet formatted down to row 1,048,576); cells merged
    down over several rows give their value to each of those rows.
    """
    found: dict[int, list[object]] = {}
    last = cells_read = 0
    complete = True
    size = reader.archive.getinfo(target).file_size or 1
    with reader.archive.open(target) as src:
        parser = WorkSheetParser(
            src,
            reader.shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        for count, (number, cells) in enumerate(parser.parse(), start=1):
            if number - last > EMPTY_RUN and last:
                complete = False
                break
            if number > EMPTY_RUN and not last:
                complete = False
                break
            values: list[object] = []
            for cell in cells:
                column, value = cell["column"], cell["value"]
                if column > MAX_COLUMNS or value is None:
                    continue
                cells_read += 1
                if len(values) < column:
                    values.extend([None] * (column - len(values)))
                values[column - 1] = value
            if any(not _blank(v) for v in values):
                found[number] = values
                last = number
                if len(found) > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise FileRefused(f"工作表“{title}”超过 {MAX_ROWS:,} 行的上限；请分成几个文件")
            if progress and count % 5000 == 0:
                progress("读取文件", min(1.0, src.tell() / size))
        merges = parser.merged_cells.mergeCell if complete and parser.merged_cells else None
    if not complete and _values_in(reader.archive, target) > cells_read:
        raise FileRefused(
            f"工作表“{title}”在第 {last or 1} 行之后隔了 {EMPTY_RUN:,} 多个空行还有内容；请删去中间的空行后再导入"
        )
    ranges = [m.ref for m in merges] if merges is not None else _merge_refs(reader.archive, target)
    _fill_merged(found, [range_boundaries(str(r)) for r in ranges if ":" in str(r)], last)
    return [(RowNo(n), found[n]) for n in sorted(found)]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not visible_text(value))


VALUE_TAG = re.compile(rb"<(?:\w+:)?(?:v|is)>")


def _values_in(archive: zipfile.ZipFile, target: str) -> int:
    """How many cells of a sheet hold a value, counted in its XML without parsing it."""
    count = 0
    tail = b""
    with archive.open(target) as part:
        while chunk := part.read(1 << 20):
            window = tail + chunk
            count += sum(1 for m in VALUE_TAG.finditer(window) if m.end() > len(tail))
            tail = window[-8:]
    return count


def _merge_refs(archive: zipfile.ZipFile, target: str) -> list[str]:
    """The merged ranges of a sheet, found by scanning its XML (when the rows were not all parsed)."""
    refs: list[str] = []
    tail = b""
    with archive.open(target) as part:
        while chunk := part.read(1 << 20):
            window = tail + chunk
            end = 0
            for m in MERGE_REF.finditer(window):
                refs.append(f"{m[1].decode()}:{m[2].decode()}")
                end = m.end()
            tail = window[max(end, len(window) - 200) :]
    return refs


def _fill_merged(found: dict[int, list[object]], ranges: Iterable[tuple[int, ...]], last: int) -> None:
    """A value merged down over several rows (a date or a class for a group of rows) is each row's value.

    ``ranges``: (min column, min row, max column, max row) of each merged range, counted from 1."""
    for min_col, min_row, _max_col, max_row in ranges:
        if max_row <= min_row or min_col > MAX_COLUMNS or min_row not in found:
            continue
        top = found[min_row]
        value = top[min_col - 1] if min_col <= len(top) else None
        if _blank(value):
            continue
        for number in range(min_row + 1, min(max_row, last) + 1):
            values = found.setdefault(number, [])
            if len(values) < min_col:
                values.extend([None] * (min_col - len(values)))
            if _blank(values[min_col - 1]):
                values[min_col - 1] = value


UNSAFE_XML = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!ENTITY".encode("utf-16-le"))


def _decode(data: bytes) -> str:
    """The text of a CSV: UTF-16 with its mark, UTF-8 (with or without a BOM), else GB18030 (Excel's 中文 CSV).

    A file that is UTF-8 up to one bad row (a row pasted from another file) is refused naming that row.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            row = data[: exc.start].decode("utf-16", errors="replace").count("\n") + 1
            raise FileRefused(_encoding_message(row, "UTF-16")) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        if not before.isascii():  # Chinese text read fine as UTF-8 before this point: the file is UTF-8
            raise FileRefused(_encoding_message(before.count(b"\n") + 1, "UTF-8")) from exc
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileRefused(_encoding_message(data[: exc.start].count(b"\n") + 1, "GBK")) from exc


def _encoding_message(row: int, encoding: str) -> str:
    return (
        f"无法识别文件的编码：第 {row} 行有无法识别的字符（文件其余部分是 {encoding} 编码，这一行不是，"
        "可能是从别的文件粘贴来的）；请在 Excel/WPS 中打开，检查这一行后另存为“CSV UTF-8”或 .xlsx"
    )


DELIMITERS = ",\t;"


def _delimiter(text: str) -> str:
    """The delimiter of the first lines: a title line above the header has none, so look further down."""
    lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    best = max(DELIMITERS, key=lambda d: max((line.count(d) for line in lines), default=0))
    return best if any(best in line for line in lines) else ","


def _read_csv(filename: str, data: bytes) -> Table:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused("文件名是 .csv，但内容不是文本；请在 Excel/WPS 中另存为 CSV")
    text = _decode(data)
    delimiter = _delimiter(text)
    rows: list[Row] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):  # a record is a row, as Excel shows the file
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise FileRefused(f"文件超过 {MAX_ROWS:,} 行的上限；请分成几个文件")
            if any(visible_text(v) for v in values):
                rows.append((RowNo(number), list(values[: MAX_COLUMNS + 1])))
    except csv.Error as exc:
        raise FileRefused(f"CSV 文件第 {reader.line_num} 行格式有误：{exc}") from exc
    return Table(filename, rows, delimited=True)
