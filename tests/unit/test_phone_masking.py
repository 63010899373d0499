"""Phone numbers: whole only in the admin's roster files (to import back), masked in every other export and on
screens; a masked file imported back keeps the stored numbers, and a masked number that stands for none is refused
with its row and column named."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import exports, formats
from hxgy.auth import CurrentUser
from hxgy.entry.rules import WriteRefused
from hxgy.models import AuditLog, Guardian, Staff
from hxgy.queries.audit import describe_change
from hxgy.transfer.exports import export_frame, phone_warning
from hxgy.transfer.imports import ImportBlocked, prepare, run_import
from hxgy.transfer.kinds import KINDS
from tests.builders import TinySchool, tiny_school

TODAY = date(2025, 10, 8)
PHONES = {"小明": "13812345678", "小红": "0571-88886666", "小刚": "+86 139 0000 1234"}
STAFF_PHONE = "15011112222"
WHOLE = re.compile(r"1[3-9]\d{9}|\d{7,8}$")  # a whole mobile, or a local number's eight digits


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("+86 138 1234 5678", "+86 138****5678"),
        ("8613812345678", "+86 138****5678"),
        ("0571-88886666", "0571-****6666"),
        ("010 12345678", "010-****5678"),
        ("0571-88886666-123", "***********6123"),  # an extension: only the last four digits shown
        ("88886666", "****6666"),  # a local number without its area code
        ("12345", "*****"),  # a short number: nothing of it shown
        ("110", "***"),
        ("无", "****"),  # not a number at all: hidden all the same
        ("", ""),
        ("  ", ""),
    ],
)
def test_one_rule_masks_every_form_of_number(phone: str, shown: str) -> None:
    assert formats.mask_phone(phone) == shown
    if phone.strip():
        assert formats.is_masked_phone(shown) and formats.same_masked_phone(shown, phone)


def test_a_masked_number_matches_only_the_number_it_hides() -> None:
    assert formats.same_masked_phone("138****5678", "13812345678")
    assert formats.same_masked_phone("138＊＊＊＊5678", "13812345678")  # typed with the full-width star
    assert formats.same_masked_phone("138-****-5678", "13812345678")
    assert not formats.same_masked_phone("138****5679", "13812345678")
    assert not formats.same_masked_phone("139****5678", "13812345678")
    assert not formats.same_masked_phone("138****5678", "")
    assert not formats.is_masked_phone("13812345678")


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(3, 2, head="王老师")
    for name in PHONES:
        s.add_student(name, "三(2)班")
        s.guardians[name].phone = PHONES[name]
        s.guardians[name].work_unit = "原单位"
    s.staff["王老师"].phone = STAFF_PHONE
    session.commit()
    yield s
    session.close()


def _users(s: TinySchool) -> dict[str, CurrentUser]:
    users = {
        "admin": s.user("admin"),
        "dean": s.user("dean"),
        "head_teacher": s.user("head_teacher", "王老师"),
        "principal": s.user("principal"),
    }
    s.session.commit()
    return users


def _workbook(s: TinySchool, user: CurrentUser, kind: str) -> bytes:
    """The kind's export as the page makes it: an .xlsx file."""
    frame = export_frame(s.session, user, kind, term_id=None, today=TODAY)
    return exports.excel_bytes({KINDS[kind].title: frame}, stamp="测试")


def _column(data: bytes, kind: str, header: str) -> list[str]:
    """A column of an exported workbook, opened back with openpyxl (title, stamp, then the header on row 3)."""
    sheet = load_workbook(io.BytesIO(data))[KINDS[kind].title]
    headers = [c.value for c in sheet[3]]
    at = headers.index(header)
    return [str(row[at] or "") for row in sheet.iter_rows(min_row=4, values_only=True)]


def _cells(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    return [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None]


def test_only_the_admins_roster_files_carry_whole_numbers(school: TinySchool) -> None:
    users = _users(school)
    admin = _workbook(school, users["admin"], "guardians")
    assert sorted(_column(admin, "guardians", "联系电话")) == sorted(
        str(exports.neutralise(p)) for p in PHONES.values()
    )
    assert _column(_workbook(school, users["admin"], "staff"), "staff", "联系电话") == [STAFF_PHONE]

    dean = _workbook(school, users["dean"], "guardians")
    assert sorted(_column(dean, "guardians", "联系电话")) == sorted(
        ["138****5678", "0571-****6666", "'+86 139****1234"]  # + marked so a spreadsheet runs nothing
    )
    assert _column(dean, "guardians", "工作单位") == ["原单位"] * 3  # the rest of the row as it is
    assert _column(_workbook(school, users["dean"], "staff"), "staff", "联系电话") == ["150****2222"]
    for data in (dean, _workbook(school, users["dean"], "staff")):
        text = "\n".join(_cells(data))
        assert not any(phone in text for phone in [*PHONES.values(), STAFF_PHONE, "88886666"]), text

    # a head teacher and a principal get no roster file; what they may export carries no number at all
    for role in ("head_teacher", "principal"):
        with pytest.raises(WriteRefused):
            export_frame(school.session, users[role], "guardians", term_id=None, today=TODAY)
        school.session.rollback()
    school.contact("三(2)班", date(2025, 9, 20), student="小明")
    school.session.commit()
    for kind in ("communications", "volunteering", "requests", "activities"):
        cells = _cells(_workbook(school, users["head_teacher"], kind))
        assert not [c for c in cells if WHOLE.search(c.replace(" ", ""))], (kind, cells)


def test_the_page_warns_before_a_file_with_numbers() -> None:
    admin = phone_warning("admin", "guardians")
    assert admin is not None and "完整手机号" in admin and "勿转发到群聊" in admin and "家长" in admin
    assert "教职工" in (phone_warning("admin", "staff") or "")
    dean = phone_warning("dean", "guardians")
    assert dean is not None and "隐去" in dean and "138****5678" in dean and "完整手机号" not in dean
    assert phone_warning("dean", "communications") is None and phone_warning("admin", "students") is None
    assert phone_warning("head_teacher", "communications") is None


def _guardian(s: TinySchool, name: str) -> Guardian:
    s.session.expire_all()
    return s.session.get(Guardian, s.guardians[name].id)


def test_a_dean_imports_a_masked_export_back_and_the_numbers_stay(school: TinySchool) -> None:
    users = _users(school)
    data = _workbook(school, users["dean"], "guardians")
    book = load_workbook(io.BytesIO(data))
    sheet = book[KINDS["guardians"].title]
    headers = [c.value for c in sheet[3]]
    unit = headers.index("工作单位") + 1
    for row in range(4, sheet.max_row + 1):
        if sheet.cell(row, headers.index("监护人姓名") + 1).value == "小红妈妈":
            sheet.cell(row, unit, "新单位")  # the one correction the dean made
    buffer = io.BytesIO()
    book.save(buffer)
    plan = prepare(school.session, users["dean"], "guardians", "监护人.xlsx", buffer.getvalue(), today=TODAY)
    assert plan.ok and len(plan.changed) == 1 and len(plan.same) == 2 and not plan.new, plan.problems
    run_import(school.session, users["dean"], "guardians", "监护人.xlsx", buffer.getvalue(), today=TODAY)
    school.session.commit()
    for name, phone in PHONES.items():
        assert _guardian(school, name).phone == phone, "a masked cell keeps the stored number"
    assert _guardian(school, "小红").work_unit == "新单位"
    change = school.session.scalar(select(AuditLog).where(AuditLog.action == "update", AuditLog.entity == "guardian"))
    assert change is not None and json.loads(change.after) == {"work_unit": "新单位"}, "no phone change is logged"

    # the staff file, masked, comes back unchanged too
    staff = _workbook(school, users["dean"], "staff")
    plan = prepare(school.session, users["dean"], "staff", "教职工.xlsx", staff, today=TODAY)
    assert plan.ok and not plan.changed and len(plan.same) == 1, plan.problems
    school.session.expire_all()
    assert school.session.get(Staff, school.staff["王老师"].id).phone == STAFF_PHONE


def _guardian_file(rows: list[dict[str, str]]) -> bytes:
    """A 监护人 sheet typed by hand, as openpyxl writes it (header on row 1)."""
    frame = pd.DataFrame(rows)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name="监护人")
    return buffer.getvalue()


def test_a_masked_number_that_stands_for_none_is_refused_by_row_and_column(school: TinySchool) -> None:
    users = _users(school)
    no = {name: school.students[name].student_no for name in PHONES}
    base = {"关系": "母亲", "主要监护人": "是", "工作单位": ""}
    data = _guardian_file(
        [
            {"学号": no["小明"], "监护人姓名": "小明妈妈", **base, "联系电话": "138****0000"},  # not the stored one
            {"学号": no["小红"], "监护人姓名": "小红爸爸", **base, "联系电话": "139****1111"},  # a new guardian
            {"学号": no["小刚"], "监护人姓名": "小刚妈妈", **base, "联系电话": "13700001111"},  # a whole new number
        ]
    )
    plan = prepare(school.session, users["dean"], "guardians", "改过的监护人.xlsx", data, today=TODAY)
    problems = {p.number: p for p in plan.problems}
    assert sorted(problems) == [2, 3] and plan.bad_rows == {2, 3}
    assert str(problems[2]).startswith("第 2 行，")
    assert problems[2].column == "联系电话" and problems[2].letter == "F" and problems[2].value == "138****0000"
    assert "（138****5678）对不上" in problems[2].message and "改回“138****5678”" in problems[2].message
    assert "系统中还没有这位监护人" in problems[3].message and "请填写完整号码" in problems[3].message
    assert "13812345678" not in str(problems[2]), "the message shows the stored number masked"
    with pytest.raises(ImportBlocked):
        run_import(school.session, users["dean"], "guardians", "改过的监护人.xlsx", data, today=TODAY)
    school.session.rollback()
    result = run_import(
        school.session, users["dean"], "guardians", "改过的监护人.xlsx", data, today=TODAY, accept_good_rows=True
    )
    school.session.commit()
    assert (result.updated, result.added, result.rejected) == (1, 0, 2)
    assert _guardian(school, "小明").phone == PHONES["小明"], "a refused row writes nothing"
    assert _guardian(school, "小刚").phone == "13700001111", "a whole number still changes the stored one"
    assert school.session.scalar(select(Guardian).where(Guardian.name == "小红爸爸")) is None
    assert not school.session.scalars(select(Guardian.phone).where(Guardian.phone.contains("*"))).all()


def test_a_number_with_letters_is_still_no_number(school: TinySchool) -> None:
    users = _users(school)
    row = {"学号": school.students["小明"].student_no, "监护人姓名": "小明妈妈", "关系": "母亲"}
    data = _guardian_file([{**row, "联系电话": "138**abc5678"}])
    plan = prepare(school.session, users["dean"], "guardians", "x.xlsx", data, today=TODAY)
    assert [p.message for p in plan.problems] == ["“138**abc5678”不是电话号码"]


def test_the_import_preview_shows_numbers_masked(school: TinySchool) -> None:
    users = _users(school)
    data = _workbook(school, users["admin"], "guardians")  # the admin's file: whole numbers
    plan = prepare(school.session, users["admin"], "guardians", "监护人.xlsx", data, today=TODAY)
    shown = plan.preview.to_csv()
    assert "138****5678" in shown and "0571-****6666" in shown
    assert not any(phone in shown for phone in PHONES.values()), shown


def test_the_audit_log_shows_a_changed_number_masked() -> None:
    before, after = json.dumps({"phone": "13812345678"}), json.dumps({"phone": "13998765432"})
    assert describe_change("guardian", "update", before, after) == "电话：138****5678 → 139****5432"
    middle = json.dumps({"phone": "13800005678"})
    assert (
        describe_change("guardian", "update", before, middle) == "电话：138****5678 → 138****5678（隐去的数位有改动）"
    )
    assert describe_change("staff", "create", None, after) == "电话：139****5432"
