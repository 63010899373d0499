"""The .xlsx templates schools fill in: one sheet to fill, one of instructions, one (hidden) of dropdown options.

The sheet to fill is named after the kind (the importer looks for it first); row 1 holds the headers, required
ones marked with *, and row 2 an example that the importer skips when it is left as it came. Columns with a fixed
list of words or one of the school's lists get a dropdown; other spellings can still be typed, since the importer
reads them too. Without a database the lists are the defaults every new school starts with (db/seed.py).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from hxgy.exports import neutralise
from hxgy.glossary import ROLE_LABELS
from hxgy.transfer.files import INSTRUCTIONS_SHEET, OPTIONS_SHEET
from hxgy.transfer.kinds import CHOICE, CLASS, DATE, DATETIME, TEXT, YES_NO, Column, Kind, kind_or_error
from hxgy.transfer.lookup import Lookup, key_text
from hxgy.transfer.rows import handler_for

LAST_ROW = 5000  # dropdowns reach down to this row
HEADER_ROW, EXAMPLE_ROW = 1, 2
TEXT_FORMAT = "@"  # so 学号 keeps its leading zeros and 3-2 does not become 3月2日
TEXT_KINDS = frozenset({TEXT, CLASS, CHOICE, YES_NO})

HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="EDEDED")
EXAMPLE_FONT = Font(italic=True, color="808080")
TITLE_FONT = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")

DATE_FORMS = "2025-09-01、2025/9/1、2025年9月1日，或 Excel 的日期格式"
CLASS_FORMS = "三(2)班、三（2）班、3年级2班、3-2"
YES_NO_FORMS = "是 / 否（也可写 Y/N、1/0、√/×），不填为否"


@dataclass(frozen=True)
class _Options:
    """The values offered in one column's dropdown, and where they sit on the options sheet."""

    values: tuple[str, ...]
    formula: str


def template_file_name(kind_key: str) -> str:
    """The name a downloaded template is saved as, e.g. hxgy导入模板_沟通记录.xlsx."""
    return f"hxgy导入模板_{kind_or_error(kind_key).title}.xlsx"


def template_columns(kind: Kind, lookup: Lookup) -> list[Column]:
    """The kind's columns, then any the school adds (a column per 德育 dimension in the wide table)."""
    return [*kind.columns, *handler_for(kind).extra_columns(lookup)]


def column_options(column: Column, lookup: Lookup) -> list[str]:
    """What a column's dropdown offers: its fixed words, or the school's current list."""
    if column.choices:
        return list(column.choices)
    if column.category:
        return list(lookup.category_names.get(column.category, []))
    if column.key == "dimension":
        return list(lookup.dimension_names)
    if column.key == "rater":
        return list(lookup.rater_names)
    # 合作单位: Lookup keeps only the compared form of partner names, so no dropdown is offered
    return []


def default_lookup(today: date | None = None) -> Lookup:
    """A school with nothing but the default lists (db/seed.py), for a template made without a database."""
    from db.seed import DEFAULT_CATEGORIES, DEFAULT_DIMENSIONS, DEFAULT_RATERS

    category_names = {kind: [name for _code, name in entries] for kind, entries in DEFAULT_CATEGORIES.items()}
    return Lookup(
        school_id=0,
        today=today or date.today(),
        years=[],
        terms=[],
        classes={},
        class_names={},
        class_year={},
        students={},
        guardians={},
        staff={},
        categories={
            kind: {key_text(name): i for i, name in enumerate(names, start=1)} for kind, names in category_names.items()
        },
        category_names=category_names,
        partners={},
        dimensions={key_text(name): i for i, (_code, name) in enumerate(DEFAULT_DIMENSIONS, start=1)},
        dimension_names=[name for _code, name in DEFAULT_DIMENSIONS],
        raters={key_text(name): i for i, (_code, name, _weight) in enumerate(DEFAULT_RATERS, start=1)},
        rater_names=[name for _code, name, _weight in DEFAULT_RATERS],
        own_classes=None,
    )


def template_bytes(kind_key: str, lookup: Lookup | None) -> bytes:
    """The .xlsx template of a kind, with the school's lists in its dropdowns (None: the default lists)."""
    kind = kind_or_error(kind_key)
    school = lookup if lookup is not None else default_lookup()
    columns = template_columns(kind, school)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kind.title
    instructions = book.create_sheet(INSTRUCTIONS_SHEET)
    options_sheet = book.create_sheet(OPTIONS_SHEET)
    options_sheet.sheet_state = "hidden"
    options = _write_options(options_sheet, columns, school)
    _write_data_sheet(sheet, columns, options)
    _write_instructions(instructions, kind, columns, school, defaults=lookup is None)
    book.active = 0
    book.properties.creator = "hxgy"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_text(value: object) -> object:
    """What we write: text that a spreadsheet would run as a formula gets a leading apostrophe."""
    return neutralise(value) if isinstance(value, str) else value


def _width(value: object) -> int:
    """How wide text shows: a Chinese character takes two places."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def _write_options(sheet: Worksheet, columns: Sequence[Column], lookup: Lookup) -> dict[str, _Options]:
    """One column of the options sheet per distinct list; the dropdowns refer to it by absolute ranges."""
    placed: dict[tuple[str, ...], _Options] = {}
    by_column: dict[str, _Options] = {}
    for column in columns:
        values = tuple(column_options(column, lookup))
        if not values:
            continue
        if values not in placed:
            index = len(placed) + 1
            letter = get_column_letter(index)
            sheet.cell(HEADER_ROW, index, _cell_text(column.header))
            for row, value in enumerate(values, start=2):
                sheet.cell(row, index, _cell_text(value))
            sheet.column_dimensions[letter].width = min(40, max(12, *(_width(v) + 2 for v in values)))
            last = len(values) + 1
            formula = f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${last}"
            placed[values] = _Options(values, formula)
        by_column[column.key] = placed[values]
    return by_column


def _write_data_sheet(sheet: Worksheet, columns: Sequence[Column], options: dict[str, _Options]) -> None:
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(HEADER_ROW, index, _cell_text(column.header + ("*" if column.required else "")))
        header.font = REQUIRED_FONT if column.required else HEADER_FONT
        header.fill = HEADER_FILL
        header.alignment = Alignment(horizontal="center", vertical="center")
        example = column.example
        if isinstance(example, date):  # written as the text the importer compares with
            example = example.strftime("%Y-%m-%d %H:%M" if column.kind == DATETIME else "%Y-%m-%d")
        if example != "" and example is not None:
            cell = sheet.cell(EXAMPLE_ROW, index, _cell_text(example))
            cell.font = EXAMPLE_FONT
            if isinstance(example, str):
                cell.number_format = TEXT_FORMAT
        if column.kind in TEXT_KINDS:
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
        wanted = max(_width(header.value) + 4, _width(example) + 2)
        if column.kind in (DATE, DATETIME):
            wanted = max(wanted, 18)
        sheet.column_dimensions[letter].width = min(40, max(10, wanted))
        found = options.get(column.key)
        if found is not None:
            validation = DataValidation(
                type="list",
                formula1=found.formula,
                allow_blank=True,
                showErrorMessage=False,
                showInputMessage=True,
                promptTitle=column.header[:32],
                prompt=_prompt(column),
            )
            validation.add(f"{letter}{EXAMPLE_ROW}:{letter}{LAST_ROW}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = sheet.cell(EXAMPLE_ROW, 1)
    sheet.row_dimensions[HEADER_ROW].height = 22


def _prompt(column: Column) -> str:
    help_text = column.help.rstrip("。；;")
    text = (help_text + "。" if help_text else "") + "可从下拉列表中选择，也可直接填写"
    return text[:255]


def _roles(kind: Kind) -> str:
    order = list(ROLE_LABELS)
    names = [ROLE_LABELS[r] for r in sorted(kind.roles, key=order.index)]
    text = "、".join(names)
    if kind.own_classes_only_for:
        own = "、".join(ROLE_LABELS[r] for r in sorted(kind.own_classes_only_for, key=order.index))
        text += f"（{own}只能导入自己班级的数据）"
    return text


def _write_instructions(
    sheet: Worksheet, kind: Kind, columns: Sequence[Column], lookup: Lookup, *, defaults: bool
) -> None:
    lines = [
        f"hxgy 导入模板：{kind.title}",
        f"用途：把本校的{kind.title}批量导入 hxgy。请在工作表“{kind.title}”中从第 3 行起填写，一行一条记录；"
        "带 * 的列必须填写，列的顺序可以调整，多出的列会被忽略并提示。",
        f"可以导入的账号：{_roles(kind)}。",
        f"同一条记录按“{kind.natural_key}”判定：同一个文件再导入一次，不会有任何变化；"
        "改正后的文件再导入，会更新按此匹配到的记录。",
        "第 2 行（灰色斜体）是示例：原样保留会被跳过，不会导入；可以直接改写成第一条数据或删除。",
        f"日期可写 {DATE_FORMS}；时间写在日期后，如 2025-09-15 08:30。",
        f"班级可写 {CLASS_FORMS}。是否类的列填 {YES_NO_FORMS}。",
        "有下拉列表的列可从列表中选择，也可直接填写；导入时按本校当前的设置核对，拼写中的空格和全角字符不影响。",
    ]
    if kind.key == "moral_wide":
        lines.append("每个德育维度一列（列名是维度名称），填 0 到 100 的分数；某一维度未评就不填。")
    if defaults:
        lines.append("本模板按系统默认设置生成；下拉列表以学校在“设置”中修改后的名称为准，请从系统中下载本校模板。")
    for row, line in enumerate(lines, start=1):
        cell = sheet.cell(row, 1, _cell_text(line))
        if row == 1:
            cell.font = TITLE_FONT
    table_row = len(lines) + 2
    for index, title in enumerate(("列名", "是否必填", "说明", "可填写的值", "示例"), start=1):
        cell = sheet.cell(table_row, index, title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for row, column in enumerate(columns, start=table_row + 1):
        values = column_options(column, lookup)
        example = column.example
        cells = (
            column.header,
            "必填" if column.required else "选填",
            column.help,
            "、".join(values),
            "" if example is None else example,
        )
        for index, value in enumerate(cells, start=1):
            cell = sheet.cell(row, index, _cell_text(value))
            cell.alignment = WRAP
    for letter, width in zip("ABCDE", (16, 10, 48, 40, 24), strict=True):
        sheet.column_dimensions[letter].width = width
