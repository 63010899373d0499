"""The 家委会名单 import kind on a tiny school, with real .xlsx files: members by class (or 校级), found by 学号 or by
name in the class, the same file again changes nothing, a wrong row stops the whole file with Chinese messages, only
the roles of 设置 may import, and the dean's export imports back unchanged.

测试小学 2025-2026: 一(1)班 A (S0001), B (S0002); 一(2)班 C (S0003); each with one guardian, X妈妈.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy import exports
from hxgy.auth import CurrentUser
from hxgy.entry.rules import WriteRefused
from hxgy.models import CommitteeMember
from hxgy.transfer.exports import export_frame
from hxgy.transfer.imports import ImportBlocked, ImportResult, prepare, run_import
from tests.builders import TinySchool, tiny_school
from tests.spreadsheets import workbook

TODAY = date(2025, 12, 1)
HEADERS = ["学年", "班级", "学号", "学生姓名", "家长姓名", "职务"]
ROWS = [
    ["2025-2026学年", "一(1)班", "S0001", "", "A妈妈", "主任"],
    ["", "一（1）班", "", "B", "B妈妈", ""],  # by name in the class; blank 职务 is 委员
    ["", "校级", "S0003", "", "C妈妈", "副主任"],
]


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    s.add_class(1, 2)
    for name, cls in (("A", "一(1)班"), ("B", "一(1)班"), ("C", "一(2)班")):
        s.add_student(name, cls)
    session.commit()
    yield s
    session.close()


@pytest.fixture
def dean(school: TinySchool) -> CurrentUser:
    user = school.user("dean", "德育主任")
    school.session.commit()
    return user


def _import(s: TinySchool, user: CurrentUser, data: bytes) -> ImportResult:
    result = run_import(s.session, user, "committee", "家委会.xlsx", data, today=TODAY)
    s.session.commit()
    return result


def _members(s: TinySchool) -> set[tuple[str | None, str, str]]:
    names = {c.id: n for n, c in s.classes.items()}
    guardians = {g.id: n for n, g in s.guardians.items()}
    return {
        (names.get(m.class_id) if m.class_id else None, guardians[m.guardian_id], m.position)
        for m in s.session.scalars(select(CommitteeMember))
    }


def test_a_file_adds_members_and_again_changes_nothing(school: TinySchool, dean: CurrentUser) -> None:
    first = _import(school, dean, workbook(HEADERS, ROWS))
    assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
    assert _members(school) == {("一(1)班", "A", "主任"), ("一(1)班", "B", "委员"), (None, "C", "副主任")}
    again = _import(school, dean, workbook(HEADERS, ROWS))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    changed = [ROWS[0], [*ROWS[1][:5], "副主任"], ROWS[2]]
    third = _import(school, dean, workbook(HEADERS, changed))
    assert (third.added, third.updated, third.unchanged) == (0, 1, 2)
    assert ("一(1)班", "B", "副主任") in _members(school)


def test_a_wrong_row_stops_the_file_and_names_row_and_column(school: TinySchool, dean: CurrentUser) -> None:
    rows = [
        ROWS[0],
        ["", "一(2)班", "S0001", "", "A妈妈", "委员"],  # A is not in 一(2)班
        ["", "一(1)班", "S0002", "", "B爸爸", "委员"],  # no such guardian
        ["", "一(1)班", "S0002", "", "B妈妈", "会长"],
        ["", "一(1)班", "S0002", "", "B妈妈", "主任"],  # a second 主任 of 一(1)班
        ["", "", "S0003", "", "C妈妈", ""],
    ]
    with pytest.raises(ImportBlocked) as caught:
        run_import(school.session, dean, "committee", "bad.xlsx", workbook(HEADERS, rows), today=TODAY)
    school.session.rollback()
    messages = [str(p) for p in caught.value.plan.problems]
    expected = (
        "第 3 行，C 列“学号”：该学生2025-2026学年不在一(2)班",
        "第 4 行，E 列“家长姓名”：该学生的家庭中没有叫“B爸爸”的家长",
        "第 5 行，F 列“职务”：“会长”应填：主任、副主任、委员",
        "第 6 行",
        "第 7 行，B 列“班级”：必须填写",
    )
    for start in expected:
        assert any(m.startswith(start) for m in messages), (start, messages)
    assert any("同一家委会只能有一位主任" in m for m in messages), messages
    assert school.session.scalar(select(func.count()).select_from(CommitteeMember)) == 0


def test_roles_without_settings_may_not_import_the_committee(school: TinySchool) -> None:
    head = school.user("head_teacher", "王老师")
    school.session.commit()
    with pytest.raises(WriteRefused):
        prepare(school.session, head, "committee", "c.xlsx", workbook(HEADERS, ROWS), today=TODAY)


def test_the_deans_export_imports_back_unchanged(school: TinySchool, dean: CurrentUser) -> None:
    _import(school, dean, workbook(HEADERS, ROWS))
    frame = export_frame(school.session, dean, "committee", term_id=None, today=TODAY)
    assert list(frame.columns) == HEADERS
    assert frame.values.tolist() == [
        ["2025-2026学年", "校级", "S0003", "", "C妈妈", "副主任"],
        ["2025-2026学年", "一(1)班", "S0001", "", "A妈妈", "主任"],
        ["2025-2026学年", "一(1)班", "S0002", "", "B妈妈", "委员"],
    ]
    data = exports.excel_bytes({"家委会名单": frame}, stamp="测试小学 · 家委会名单")
    back = _import(school, dean, data)
    assert (back.added, back.updated, back.unchanged) == (0, 0, 3)


def test_a_second_chair_against_the_stored_one_is_refused_unless_the_file_swaps_them(
    school: TinySchool, dean: CurrentUser
) -> None:
    _import(school, dean, workbook(HEADERS, ROWS))  # A妈妈 is 主任 of 一(1)班
    second = [["2025-2026学年", "一(1)班", "S0002", "", "B妈妈", "主任"]]
    with pytest.raises(ImportBlocked) as caught:
        run_import(school.session, dean, "committee", "b.xlsx", workbook(HEADERS, second), today=TODAY)
    school.session.rollback()
    messages = [str(p) for p in caught.value.plan.problems]
    assert messages and messages[0].startswith("第 2 行，F 列“职务”：该家委会已有一位主任"), messages
    swap = [*second, ["2025-2026学年", "一(1)班", "S0001", "", "A妈妈", "委员"]]
    swapped = _import(school, dean, workbook(HEADERS, swap))
    assert swapped.updated == 2
    assert {("一(1)班", "B", "主任"), ("一(1)班", "A", "委员")} <= _members(school)


def test_rows_of_one_committee_name_their_column_letter(school: TinySchool, dean: CurrentUser) -> None:
    twice = [ROWS[0], ROWS[0]]
    with pytest.raises(ImportBlocked) as caught:
        run_import(school.session, dean, "committee", "t.xlsx", workbook(HEADERS, twice), today=TODAY)
    school.session.rollback()
    assert any(str(p).startswith("第 3 行，E 列“家长姓名”：与第 2 行") for p in caught.value.plan.problems)
