"""Import templates: the sheet to fill, its example row and dropdowns, 填写说明, and docs/import.md in step with KINDS.

测试小学 with 三(2)班 (head 王老师) and student A (学号 S0001). Its lists differ from the defaults on purpose:
a channel 校园开放日 added, 家校联系本 switched off, a channel named like a formula, a 德育 dimension 劳动素养
added and 爱国情怀 switched off — so a template that showed the defaults instead of the school's lists fails.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.seed import DEFAULT_CATEGORIES, DEFAULT_DIMENSIONS, DEFAULT_RATERS
from hxgy.auth import CurrentUser
from hxgy.models import Category, MoralDimension, MoralRater
from hxgy.transfer.files import INSTRUCTIONS_SHEET, FileRefused
from hxgy.transfer.kinds import KINDS, Column, Kind
from hxgy.transfer.lookup import Lookup
from hxgy.transfer.templates import (
    LAST_ROW,
    OPTIONS_SHEET,
    template_bytes,
    template_columns,
    template_file_name,
)
from tests.builders import TinySchool, tiny_school

TODAY = date(2025, 12, 1)
DOC = Path(__file__).resolve().parents[2] / "docs" / "import.md"
FORMULA_STARTS = ("=", "+", "-", "@")
LIST_COLUMNS = {"dimension", "rater"}  # the school's lists that are not categories


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(3, 2, head="王老师")
    s.add_student("A", "三(2)班")
    session.add_all(
        [
            Category(school_id=s.school.id, kind="channel", code="open_day", name="校园开放日", sort_order=3),
            Category(school_id=s.school.id, kind="channel", code="formula", name="=1+1", sort_order=50),
            MoralDimension(school_id=s.school.id, code="labour", name="劳动素养", sort_order=9),
        ]
    )
    session.execute(
        update(Category).where(Category.school_id == s.school.id, Category.code == "contact_book").values(active=False)
    )
    session.execute(
        update(MoralDimension)
        .where(MoralDimension.school_id == s.school.id, MoralDimension.code == "patriotism")
        .values(active=False)
    )
    session.commit()
    yield s
    session.close()  # an open transaction would block the next test's TRUNCATE on PostgreSQL


@pytest.fixture
def admin(school: TinySchool) -> CurrentUser:
    user = school.user("admin", "王老师")
    school.session.commit()
    return user


@pytest.fixture
def lookup(school: TinySchool, admin: CurrentUser) -> Lookup:
    return Lookup.load(school.session, admin, TODAY)


def _open(data: bytes) -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _row(sheet: Worksheet, row: int) -> list[object]:
    return [cell.value for cell in sheet[row]]


def _validations(sheet: Worksheet) -> dict[str, DataValidation]:
    """Column letter -> the validation covering rows 2 … LAST_ROW of it."""
    out = {}
    for validation in sheet.data_validations.dataValidation:
        for cells in validation.sqref.ranges:
            m = re.fullmatch(r"([A-Z]+)2:([A-Z]+)(\d+)", cells.coord)
            assert m and m[1] == m[2] and int(m[3]) == LAST_ROW, cells.coord
            out[m[1]] = validation
    return out


def _listed(book: Workbook, formula: str) -> list[object]:
    """The values a list validation offers, read from the range it names on the options sheet."""
    m = re.fullmatch(r"'?(.+?)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert m, f"not an absolute range: {formula}"
    assert m[1] == OPTIONS_SHEET and m[2] == m[4]
    sheet = book[OPTIONS_SHEET]
    return [sheet[f"{m[2]}{row}"].value for row in range(int(m[3]), int(m[5]) + 1)]


def _written(value: str) -> str:
    """A school name as the template writes it (a formula-like name gets an apostrophe)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _active(session: Session, school: TinySchool, column: Column) -> list[str]:
    """The school's active names for a dropdown column, read straight from the database."""
    if column.category:
        model, where = Category, [Category.kind == column.category]
    elif column.key == "dimension":
        model, where = MoralDimension, []
    else:
        model, where = MoralRater, []
    names = session.scalars(
        select(model.name)
        .where(model.school_id == school.school.id, model.active.is_(True), *where)
        .order_by(model.sort_order, model.id)
    )
    return [_written(n) for n in names]


def _instruction_rows(sheet: Worksheet) -> list[list[object]]:
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[:5] == ["列名", "是否必填", "说明", "可填写的值", "示例"])
    return rows[start + 1 :]


def _example(value: object) -> object:
    return None if value == "" else value


@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_the_sheet_to_fill_has_every_header_and_the_example_row(kind: Kind, lookup: Lookup) -> None:
    book = _open(template_bytes(kind.key, lookup))
    assert book.sheetnames[:2] == [kind.title, INSTRUCTIONS_SHEET]
    assert book[OPTIONS_SHEET].sheet_state == "hidden"
    sheet = book.worksheets[0]
    assert book.active.title == kind.title
    headers = _row(sheet, 1)
    for column in kind.columns:
        marked = column.header + "*" if column.required else column.header
        assert headers.count(marked) == 1, marked
        assert (column.header + "*" if not column.required else column.header) not in headers
    columns = template_columns(kind, lookup)
    assert headers == [c.header + ("*" if c.required else "") for c in columns]
    assert _row(sheet, 2) == [_example(c.example) for c in columns]
    assert all(sheet.cell(1, i).font.bold for i in range(1, len(columns) + 1))
    assert all(sheet.cell(2, i).font.italic for i in range(1, len(columns) + 1) if sheet.cell(2, i).value is not None)
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 2


def test_the_wide_moral_table_has_a_column_per_active_dimension(lookup: Lookup) -> None:
    sheet = _open(template_bytes("moral_wide", lookup)).worksheets[0]
    assert _row(sheet, 1)[4:] == ["文明礼仪", "责任担当", "诚信友善", "劳动素养"]
    assert _row(sheet, 2)[4:] == [90, 90, 90, 90]


def test_dates_in_the_example_row_are_the_example_text(lookup: Lookup) -> None:
    sheet = _open(template_bytes("requests", lookup)).worksheets[0]
    assert sheet["A2"].value == "2025-09-15 08:30" and sheet["A2"].data_type == "s"
    sheet = _open(template_bytes("students", lookup)).worksheets[0]
    assert sheet["F2"].value == "2017-03-15" and sheet["C2"].value == "2023020001"


@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_dropdowns_offer_the_fixed_words_or_the_school_s_active_names(
    kind: Kind, school: TinySchool, lookup: Lookup
) -> None:
    book = _open(template_bytes(kind.key, lookup))
    validations = _validations(book.worksheets[0])
    expected_letters = set()
    for index, column in enumerate(template_columns(kind, lookup), start=1):
        letter = openpyxl.utils.get_column_letter(index)
        if column.choices:
            wanted = list(column.choices)
        elif column.category or column.key in LIST_COLUMNS:
            wanted = _active(school.session, school, column)
        else:
            continue
        expected_letters.add(letter)
        validation = validations.get(letter)
        assert validation is not None, f"{column.header} has no dropdown"
        assert validation.type == "list"
        assert validation.allow_blank and not validation.showErrorMessage
        assert validation.showInputMessage and validation.prompt
        assert _listed(book, validation.formula1) == wanted, column.header
    assert set(validations) == expected_letters


def test_a_category_dropdown_follows_the_school_not_the_defaults(lookup: Lookup) -> None:
    book = _open(template_bytes("communications", lookup))
    listed = _listed(book, _validations(book.worksheets[0])["E"].formula1)
    assert "校园开放日" in listed and "家校联系本" not in listed and "'=1+1" in listed
    assert listed[:5] == ["家访", "电话", "微信/班级群", "面谈", "校园开放日"]  # by sort order, then id


@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_the_instructions_list_every_column(kind: Kind, lookup: Lookup) -> None:
    sheet = _open(template_bytes(kind.key, lookup))[INSTRUCTIONS_SHEET]
    text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    for needed in (kind.title, kind.natural_key, "第 2 行", "示例", "2025/9/1", "2025年9月1日", "三（2）班", "3-2"):
        assert needed in text, needed
    rows = _instruction_rows(sheet)
    columns = template_columns(kind, lookup)
    assert [r[0] for r in rows] == [c.header for c in columns]
    for row, column in zip(rows, columns, strict=True):
        assert row[1] == ("必填" if column.required else "选填")
        assert (row[2] or "") == column.help
        assert row[4] == _example(column.example)
        if column.choices:
            assert row[3] == "、".join(column.choices)
    if kind.key == "communications":
        channel = rows[[c.key for c in columns].index("channel")]
        assert channel[3].split("、") == lookup.category_names["channel"]  # the cell starts with 家访


@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_no_cell_starts_like_a_formula(kind: Kind, lookup: Lookup) -> None:
    book = _open(template_bytes(kind.key, lookup))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and value.startswith(FORMULA_STARTS)), (sheet.title, value)


def test_without_a_database_the_lists_are_the_defaults() -> None:
    book = _open(template_bytes("communications", None))
    validations = _validations(book.worksheets[0])
    assert _listed(book, validations["E"].formula1) == [n for _c, n in DEFAULT_CATEGORIES["channel"]]
    assert _listed(book, validations["G"].formula1) == [n for _c, n in DEFAULT_CATEGORIES["topic"]]
    assert "默认" in "".join(str(v) for (v,) in book[INSTRUCTIONS_SHEET].iter_rows(max_col=1, values_only=True))
    book = _open(template_bytes("moral_long", None))
    validations = _validations(book.worksheets[0])
    assert _listed(book, validations["D"].formula1) == [n for _c, n in DEFAULT_DIMENSIONS]
    assert _listed(book, validations["E"].formula1) == [n for _c, n, _w in DEFAULT_RATERS]
    sheet = _open(template_bytes("moral_wide", None)).worksheets[0]
    assert _row(sheet, 1)[4:] == [n for _c, n in DEFAULT_DIMENSIONS]
    for key in KINDS:
        assert _open(template_bytes(key, None)).sheetnames[:2] == [KINDS[key].title, INSTRUCTIONS_SHEET]


def test_file_names_and_unknown_kinds() -> None:
    assert template_file_name("communications") == "hxgy导入模板_沟通记录.xlsx"
    assert all(template_file_name(k).endswith(f"_{kind.title}.xlsx") for k, kind in KINDS.items())
    with pytest.raises(LookupError, match="可选"):
        template_bytes("nonsense", None)


# ---- the importer reads what the template writes -------------------------------------------------


@pytest.mark.parametrize("kind_key", list(KINDS))
def test_an_untouched_template_imports_nothing(kind_key: str, school: TinySchool, admin: CurrentUser) -> None:
    from hxgy.transfer.imports import prepare

    lookup = Lookup.load(school.session, admin, TODAY)
    with pytest.raises(FileRefused, match="示例行"):
        prepare(school.session, admin, kind_key, "模板.xlsx", template_bytes(kind_key, lookup), today=TODAY)


def test_a_filled_template_imports_its_rows(school: TinySchool, admin: CurrentUser) -> None:
    from hxgy.transfer.imports import prepare

    lookup = Lookup.load(school.session, admin, TODAY)
    book = _open(template_bytes("communications", lookup))
    sheet = book.worksheets[0]
    row = _row(sheet, 2)
    row[2:4] = ["S0001", "A"]  # 学号, 学生姓名
    row[4] = "校园开放日"  # a channel only this school has
    sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    plan = prepare(school.session, admin, "communications", "沟通.xlsx", buffer.getvalue(), today=TODAY)
    assert plan.ok, [str(p) for p in plan.problems]
    assert (plan.example_rows, len(plan.new)) == (1, 1)


# ---- docs/import.md ------------------------------------------------------------------------------


def test_the_import_doc_names_every_kind_and_column() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for key, kind in KINDS.items():
        assert f"`{key}`" in doc, key
        assert kind.title in doc, kind.title
        assert kind.natural_key in doc, kind.natural_key
        section = doc.split(f"### {kind.title} (`{key}`)", 1)
        assert len(section) == 2, f"no section for {key}"
        body = section[1].split("\n### ", 1)[0]
        for column in kind.columns:
            assert f"| {column.header} |" in body, (key, column.header)
    assert "## Command line" in doc
    for command in ("python -m hxgy template", "python -m hxgy import", "python -m hxgy export"):
        assert command in doc
