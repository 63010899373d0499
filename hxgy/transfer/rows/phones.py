"""Phone cells of the 监护人 and 教职工与任课 files, and what a masked number (138****5678) in them does.

Every export but the admin's shows phone numbers as hxgy.formats.mask_phone does. A dean who exports 监护人,
corrects a 工作单位 and imports the file back expects the numbers to stay as they are, so a masked cell keeps the
stored number when it is how that number is shown. A masked cell that stands for no stored number (a new guardian,
one without a number, or a number the mask does not fit) stops its row with a message naming row and column: the
whole number cannot be known, and writing the stars would lose it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from openpyxl.utils import get_column_letter

from hxgy import formats
from hxgy.transfer.reading import Problem, RowReader
from hxgy.transfer.rows.base import Key, Prepared, Stored

PHONE_CHARS = frozenset("0123456789-+ ")


def phone_cell(r: RowReader, *, checked: bool, limit: int = 20) -> str:
    """A phone cell as written; ``checked``: only digits, - + and spaces (and the stars of a masked number)."""
    phone = r.text("phone", limit=limit)
    if checked and phone:
        allowed = PHONE_CHARS | set(formats.MASK_CHARS) if formats.is_masked_phone(phone) else PHONE_CHARS
        if not all(ch in allowed for ch in phone):
            r.fail("phone", f"“{phone}”不是电话号码")
    return phone


@dataclass
class MaskedPhones:
    """The masked phone cells of one file, by the record they belong to (the first row that has one)."""

    whom: str  # 监护人 or 教职工, as the messages name the record
    cells: dict[Key, Problem] = field(default_factory=dict)

    def note(self, r: RowReader, key: Key, phone: str) -> None:
        """Remember where a masked cell is, so that a problem found later names its row and column."""
        if phone and formats.is_masked_phone(phone):
            position = r.located.positions.get("phone")
            letter = get_column_letter(position + 1) if position is not None else ""
            self.cells.setdefault(key, Problem(r.number, r.columns["phone"].header, letter, phone, ""))

    def unmasked(self, p: Prepared[Any], stored: Stored | None) -> Prepared[Any] | Problem:
        """The record with the stored number in place of its masked one, or the problem that stops its row."""
        phone = str(p.value("phone") or "")
        if not phone or not formats.is_masked_phone(phone):
            return p
        cell = self.cells.get(p.key) or Problem(p.row, "联系电话", "", phone, "")
        number = str(stored.values.get("phone") or "") if stored is not None else ""
        if formats.same_masked_phone(phone, number):
            return replace(p, record=replace(p.record, phone=number))
        hidden = "是隐去了中间几位的号码（导出文件中的样子），无法从中得知完整号码"
        if stored is None:
            why, instead = f"系统中还没有这位{self.whom}", "或留空"
        elif not number:
            why, instead = f"系统中这位{self.whom}没有登记号码", "或留空"
        else:
            shown = formats.mask_phone(number)
            why, instead = f"与系统中这位{self.whom}的号码（{shown}）对不上", f"或改回“{shown}”以保留原号码"
        return replace(cell, message=f"“{phone}”{hidden}，且{why}；请填写完整号码，{instead}")
