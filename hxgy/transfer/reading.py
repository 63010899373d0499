"""One row of a file, read cell by cell; every cell that cannot be read becomes a Problem naming row and column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from openpyxl.utils import get_column_letter

from hxgy.entry.rules import MAX_TEXT_CHARS
from hxgy.transfer.headers import Located
from hxgy.transfer.kinds import Column, Kind
from hxgy.transfer.values import CellError, clean_text, is_error_value

T = TypeVar("T")
NEUTRALISED = tuple("=+-@")


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong, and where: the row number and column as the spreadsheet shows them."""

    row: int
    column: str  # the header, e.g. 沟通日期 ("" for the whole row)
    letter: str  # the column letter, e.g. C
    value: str  # what the cell held
    message: str

    @property
    def sheet(self) -> str:
        """The sheet's name when the workbook has several data sheets, else ""."""
        return getattr(self.row, "sheet", "")

    @property
    def number(self) -> int:
        """The row number as the spreadsheet shows it."""
        return getattr(self.row, "number", self.row)

    def __str__(self) -> str:
        row = self.row.where() if hasattr(self.row, "where") else f"第 {self.row} 行"
        where = row + (f"，{self.letter} 列“{self.column}”" if self.column else "")
        return f"{where}：{self.message}"


class RowReader:
    """Reads the cells of one row by column key, noting problems instead of stopping at the first."""

    def __init__(self, kind: Kind, located: Located, number: int, values: list[object], extra: list[Column]) -> None:
        self.kind = kind
        self.located = located
        self.number = number
        self.values = values
        self.columns = {c.key: c for c in (*kind.columns, *extra)}
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []  # shown in the preview and by the command line, not stopping the row
        self.failed: set[str] = set()
        for key, position in located.positions.items():
            cell = values[position] if position < len(values) else None
            if isinstance(cell, str) and is_error_value(cell):
                self.fail(key, f"单元格显示的是错误值 {cell}（公式出错），不是数据；请改正公式或填入数值")

    def raw(self, key: str) -> object:
        """The cell as stored (None when the column is absent, the row is short or the cell already failed)."""
        position = self.located.positions.get(key)
        if position is None or position >= len(self.values) or key in self.failed:
            return None
        return self.values[position]

    def has(self, key: str) -> bool:
        """Whether the file has this column."""
        return key in self.located.positions

    def fail(self, key: str, message: str) -> None:
        """Note a problem with one cell (key "" for the row as a whole); a cell's first problem is the one shown."""
        if key and key in self.failed:
            return
        position = self.located.positions.get(key)
        value = clean_text(self.raw(key)) if key else ""
        self.failed.add(key)
        self.problems.append(self._problem(key, position, value, message))

    def warn(self, key: str, message: str) -> None:
        """Note something the preview must say about a cell (what a 学号 was matched to) without refusing it."""
        position = self.located.positions.get(key)
        self.warnings.append(self._problem(key, position, clean_text(self.raw(key)), message))

    def _problem(self, key: str, position: int | None, value: str, message: str) -> Problem:
        # the template's name of the column (the file may say 日期 or 沟通日期*)
        header = self.columns[key].header if key in self.columns else ""
        letter = get_column_letter(position + 1) if position is not None else ""
        return Problem(self.number, header, letter, value[:100], message)

    def text(self, key: str, *, limit: int = MAX_TEXT_CHARS) -> str:
        """Text, trimmed; a required column must not be blank."""
        value = clean_text(self.raw(key))
        if value[:1] == "'" and value[1:2] in NEUTRALISED:
            value = value[1:]  # our own exports mark text that a spreadsheet would run; take the mark off
        if not value and self.columns[key].required:
            self.fail(key, "必须填写")
        elif len(value) > limit:
            self.fail(key, f"不能超过 {limit} 个字（现有 {len(value)} 个）")
        return value

    def read(self, key: str, reader: Callable[[object], T | None]) -> T | None:
        """A cell read by one of values.read_*; blank is None (a problem when the column is required)."""
        raw = self.raw(key)
        try:
            value = reader(raw)
        except CellError as exc:
            self.fail(key, str(exc))
            return None
        if value is None and self.columns[key].required:
            self.fail(key, "必须填写")
        return value

    def lookup(self, key: str, find: Callable[[str], T]) -> T | None:
        """A name looked up in the school (a class, a student, a category); blank is None."""
        text = clean_text(self.raw(key))
        if not text:
            if self.columns[key].required:
                self.fail(key, "必须填写")
            return None
        try:
            return find(text)
        except CellError as exc:
            self.fail(key, str(exc))
            return None

    @property
    def ok(self) -> bool:
        """No problem so far."""
        return not self.problems
