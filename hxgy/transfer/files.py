"""Reading an uploaded .xlsx or .csv into rows, safely, with a Chinese message for every file we refuse.

Limits: MAX_FILE_BYTES, MAX_ROWS, MAX_UNZIPPED_BYTES. openpyxl parses workbook XML through defusedxml
(installed from requirements.txt), so entity bombs and external entities are refused, not expanded.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import openpyxl
from openpyxl.xml import DEFUSEDXML

from hxgy.transfer.kinds import Column, Kind
from hxgy.transfer.values import clean_text, normalise_header

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_COLUMNS = 200
HEADER_SEARCH_ROWS = 10  # exports put a title and the filters above the headers
INSTRUCTIONS_SHEET = "填写说明"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

assert DEFUSEDXML, "defusedxml must be installed: openpyxl then refuses XML entity attacks"

Progress = Callable[[str, float], None]


class FileRefused(ValueError):
    """The file as a whole cannot be read; the message says why, in Chinese."""


@dataclass
class Table:
    """The rows of one sheet, with their row numbers as the spreadsheet shows them."""

    source: str  # the sheet's name, or the file name of a CSV
    rows: list[tuple[int, list[object]]]


@dataclass
class Located:
    """A table whose header row has been found and matched to a kind's columns."""

    source: str
    header_row: int
    headers: list[str]  # as written in the file
    positions: dict[str, int]  # column key -> index in a row
    extra_columns: list[str] = field(default_factory=list)  # headers we do not use
    rows: list[tuple[int, list[object]]] = field(default_factory=list)


def read_table(filename: str, data: bytes, *, sheet_hint: str = "", progress: Progress | None = None) -> Table:
    """The rows of an .xlsx (the sheet named ``sheet_hint``, else the first data sheet) or a .csv."""
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
        return _read_xlsx(data, sheet_hint, progress)
    if name.endswith((".csv", ".txt")):
        if is_zip:
            raise FileRefused("文件名是 .csv，但内容是 Excel 工作簿；请把扩展名改回 .xlsx，或另存为 CSV")
        return _read_csv(filename, data)
    if name.endswith((".xls", ".et", ".wps", ".numbers", ".ods")):
        raise FileRefused("请在 Excel/WPS 中“另存为”.xlsx 或 .csv 后再导入")
    raise FileRefused("只能导入 .xlsx 或 .csv 文件")


def _read_xlsx(data: bytes, sheet_hint: str, progress: Progress | None) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRefused("Excel 文件已损坏，无法打开；请用 Excel/WPS 打开后重新保存") from exc
    if unzipped > MAX_UNZIPPED_BYTES:
        raise FileRefused("文件解压后过大（可能是恶意构造的文件），已拒绝")
    if "xl/workbook.xml" not in archive.namelist():
        raise FileRefused("这个压缩文件不是 Excel 工作簿；请用 Excel/WPS 另存为 .xlsx")
    _refuse_xml_entities(archive)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds; defusedxml's refusals among them
        if type(exc).__module__.startswith("defusedxml"):
            raise FileRefused("文件含有不安全的内容（XML 实体），已拒绝") from exc
        raise FileRefused("Excel 文件已损坏，无法打开；请用 Excel/WPS 打开后重新保存") from exc
    try:
        names = book.sheetnames
        data_sheets = [n for n in names if n.strip() != INSTRUCTIONS_SHEET]
        chosen = sheet_hint if sheet_hint in names else (data_sheets[0] if data_sheets else None)
        if chosen is None:
            raise FileRefused(f"工作簿里只有“{INSTRUCTIONS_SHEET}”，没有填写数据的工作表")
        sheet = book[chosen]
        rows: list[tuple[int, list[object]]] = []
        declared = sheet.max_row or 0
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise FileRefused(f"工作表“{chosen}”超过 {MAX_ROWS:,} 行的上限；请分成几个文件")
                if values and any(v is not None and v != "" for v in values):
                    rows.append((number, list(values[:MAX_COLUMNS])))
                if progress and number % 5000 == 0 and declared:
                    progress("读取文件", min(1.0, number / declared))
        except FileRefused:
            raise
        except Exception as exc:
            if type(exc).__module__.startswith("defusedxml"):
                raise FileRefused("文件含有不安全的内容（XML 实体），已拒绝") from exc
            raise FileRefused(f"工作表“{chosen}”无法读取，文件可能已损坏") from exc
        return Table(chosen, rows)
    finally:
        book.close()


UNSAFE_XML = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!ENTITY".encode("utf-16-le"))


def _refuse_xml_entities(archive: zipfile.ZipFile) -> None:
    """Refuse any part declaring a DOCTYPE or ENTITY: openpyxl parses some parts with lxml, not defusedxml."""
    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        tail = b""
        with archive.open(info) as part:
            while chunk := part.read(1 << 20):
                window = tail + chunk
                if any(marker in window for marker in UNSAFE_XML):
                    raise FileRefused("文件含有不安全的内容（XML 实体），已拒绝")
                tail = window[-32:]


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused("无法识别文件的编码；请在 Excel/WPS 中另存为“CSV UTF-8”或 .xlsx")


def _read_csv(filename: str, data: bytes) -> Table:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused("文件名是 .csv，但内容不是文本；请在 Excel/WPS 中另存为 CSV")
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count) if any(d in first for d in ",\t;") else ","
    rows: list[tuple[int, list[object]]] = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise FileRefused(f"文件超过 {MAX_ROWS:,} 行的上限；请分成几个文件")
            if any(v.strip() for v in values):
                rows.append((number, list(values[:MAX_COLUMNS])))
    except csv.Error as exc:
        raise FileRefused(f"CSV 文件格式有误：{exc}") from exc
    return Table(filename, rows)


def locate(table: Table, kind: Kind, *, extra: Iterable[Column] = ()) -> Located:
    """Find the header row among the first rows and match each of the kind's columns to a position.

    Headers may be in any order, with spaces, full-width characters or a * marking required columns;
    unknown columns are kept aside and reported.
    """
    columns = list(kind.columns) + list(extra)
    names: dict[str, str] = {}
    for column in columns:
        for header in (column.header, *column.aliases):
            names.setdefault(normalise_header(header), column.key)
    if not table.rows:
        raise FileRefused(f"“{table.source}”是空的，没有表头也没有数据")
    best: tuple[int, int] | None = None  # (matches, index in table.rows)
    for index, (_number, values) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        found = {names.get(normalise_header(v)) for v in values} - {None}
        if found and (best is None or len(found) > best[0]):
            best = (len(found), index)
    required = [c for c in columns if c.required]
    if best is None:
        raise FileRefused(
            f"在“{table.source}”的前 {HEADER_SEARCH_ROWS} 行没有找到“{kind.title}”的表头；"
            f"应有列：{'、'.join(c.header for c in required)}。请使用下载的模板" + _looks_like(table, kind)
        )
    header_number, header_values = table.rows[best[1]]
    positions: dict[str, int] = {}
    extra_columns: list[str] = []
    duplicated: list[str] = []
    for position, value in enumerate(header_values):
        key = names.get(normalise_header(value))
        if key is None:
            if clean_text(value):
                extra_columns.append(clean_text(value))
        elif key in positions:
            duplicated.append(clean_text(value))
        else:
            positions[key] = position
    if duplicated:
        raise FileRefused(f"第 {header_number} 行表头中“{'、'.join(duplicated)}”出现了两次；请删去多余的一列")
    missing = [c.header for c in required if c.key not in positions]
    if missing:
        raise FileRefused(f"第 {header_number} 行表头缺少必填列：{'、'.join(missing)}" + _looks_like(table, kind))
    better = _better_kind(header_values, kind, len(positions))
    if better is not None:
        raise FileRefused(
            f"这个文件的表头更像“{better.title}”（而不是“{kind.title}”）；请在导入时选对数据类型，以免写错数据"
        )
    rows = table.rows[best[1] + 1 :]
    if not rows:
        raise FileRefused(f"“{table.source}”只有表头，没有数据行")
    return Located(table.source, header_number, [clean_text(v) for v in header_values], positions, extra_columns, rows)


def _better_kind(header_values: list[object], kind: Kind, matched: int) -> Kind | None:
    """Another kind whose columns the headers fit better (a communications file chosen as 学生名册)."""
    from hxgy.transfer.kinds import KINDS

    seen = {normalise_header(v) for v in header_values} - {""}
    best, best_count = None, matched
    for other in KINDS.values():
        if other.key == kind.key or other.table == kind.table:
            continue
        names = {c.key: {normalise_header(h) for h in (c.header, *c.aliases)} for c in other.columns}
        found = {key for key, headers in names.items() if headers & seen}
        if all(c.key in found for c in other.columns if c.required) and len(found) > best_count:
            best, best_count = other, len(found)
    return best


def _looks_like(table: Table, kind: Kind) -> str:
    """When the headers fit another kind better, say so (a volunteer file uploaded as communications)."""
    from hxgy.transfer.kinds import KINDS

    seen = {normalise_header(v) for _n, values in table.rows[:HEADER_SEARCH_ROWS] for v in values}
    for other in KINDS.values():
        if other.key == kind.key or other.table == kind.table:
            continue
        required = [normalise_header(c.header) for c in other.columns if c.required]
        if required and all(r in seen for r in required):
            return f"（这个文件看起来是“{other.title}”，请在导入时选对数据类型）"
    return ""
