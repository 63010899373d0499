"""The 家长学校签到 import kind on a tiny school, with real .xlsx files written by openpyxl.

一(1)班: A (A妈妈, A爸爸), B;  一(2)班: C.
家长学校一: school-wide, 2025-10-08;  家长学校二: 一(2)班 only, 2025-11-05;  家长会 (not guidance), 2025-10-08.
The sheet has a title row, a 序号 column, headers written as schools write them (学生姓名, 家长, 是否签到), 一（1）班,
dates like 2025年10月8日, a blank 签到 (did not come: not imported) and a 合计 row.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models import Activity, ActivityAttendance, Guardian
from hxgy.transfer.exports import export_frame
from hxgy.transfer.imports import ImportBlocked, ImportResult, run_import
from tests import spreadsheets
from tests.builders import TinySchool, tiny_school

TODAY = date(2025, 12, 1)
KIND = "guidance_attendance"
HEADERS = ["序号", "活动名称", "活动日期", "班级", "学生姓名", "家长", "是否签到"]
ROWS: list[list[object]] = [
    [1, "家长学校一", "2025年10月8日", "一（1）班", "A", "A妈妈", "√"],
    [2, "家长学校一", "2025年10月8日", "一（1）班", "A", "A爸爸", 1],
    [3, "家长学校一", "2025年10月8日", "一（1）班", "B", "B妈妈", ""],
    [4, "", date(2025, 11, 5), "一(2)班", "C", "C妈妈", "是"],
]


def workbook(rows: list[list[object]], headers: list[str] = HEADERS) -> bytes:
    """A sign-in sheet as schools make it: a title row above the headers, a 合计 row below."""
    return spreadsheets.workbook(
        headers, rows, before=[["2025-2026学年第一学期家长学校签到表"]], after=[["合计", "", "", "", "", "", 3]]
    )


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    s.add_class(1, 2, head="李老师")
    s.add_student("A", "一(1)班")
    s.add_student("B", "一(1)班")
    s.add_student("C", "一(2)班")
    session.add(Guardian(school_id=s.school.id, family_id=s.students["A"].family_id, name="A爸爸", relation="父亲"))
    s.activity("家长学校一", date(2025, 10, 8), "parent_school", "school", {})
    s.activity("家长学校二", date(2025, 11, 5), "parent_school", "class", {"一(2)班": None})
    s.activity("家长会", date(2025, 10, 8), "parent_meeting", "school", {})
    session.commit()
    yield s
    session.close()


@pytest.fixture
def dean(school: TinySchool) -> CurrentUser:
    user = school.user("dean", "德育主任")
    school.session.commit()
    return user


def _import(s: TinySchool, user: CurrentUser, data: bytes) -> ImportResult:
    result = run_import(s.session, user, KIND, "签到表.xlsx", data, today=TODAY)
    s.session.commit()
    return result


def _signed(s: TinySchool) -> set[tuple[str, str]]:
    rows = s.session.execute(
        select(Activity.title, Guardian.name)
        .join(ActivityAttendance, ActivityAttendance.activity_id == Activity.id)
        .join(Guardian, Guardian.id == ActivityAttendance.guardian_id)
    )
    return {(title, name) for title, name in rows}


def test_a_sign_in_sheet_imports_once(school: TinySchool, dean: CurrentUser) -> None:
    first = _import(school, dean, workbook(ROWS))
    assert (first.added, first.updated, first.unchanged, first.rejected) == (3, 0, 0, 0)
    assert _signed(school) == {("家长学校一", "A妈妈"), ("家长学校一", "A爸爸"), ("家长学校二", "C妈妈")}
    again = _import(school, dean, workbook(ROWS))
    assert (again.added, again.unchanged) == (0, 3)
    # the export imports back as it is
    frame = export_frame(school.session, dean, KIND, term_id=school.term1.id, today=TODAY)
    assert frame.shape[0] == 3 and set(frame["签到"]) == {"√"}
    back = io.BytesIO()
    frame.to_excel(back, index=False)
    assert _import(school, dean, back.getvalue()).added == 0


def test_the_same_guardian_twice_is_one_sign_in(school: TinySchool, dean: CurrentUser) -> None:
    rows = [ROWS[0], [5, "家长学校一", "2025-10-08", "一(1)班", "A", "A妈妈", "是"]]
    assert _import(school, dean, workbook(rows)).added == 1


def test_a_wrong_row_stops_the_whole_file(school: TinySchool, dean: CurrentUser) -> None:
    rows = [
        *ROWS,
        [5, "家长学校一", "2025年10月8日", "一（1）班", "B", "B奶奶", "√"],  # not a guardian of B
        [6, "家长会", "2025年10月8日", "一（1）班", "B", "B妈妈", "√"],  # not a guidance session
        [7, "家长学校二", "2025年11月5日", "一（1）班", "A", "A妈妈", "√"],  # not for 一(1)班
        [8, "家长学校三", "2025年10月8日", "一（1）班", "A", "A妈妈", "√"],  # no such session
        [9, "家长学校一", "2025年10月8日", "一（1）班", "", "A妈妈", "√"],  # no child named
        [10, "家长学校一", "2025年10月8日", "一（1）班", "C", "C妈妈", "√"],  # C is in 一(2)班
    ]
    with pytest.raises(ImportBlocked) as blocked:
        run_import(school.session, dean, KIND, "签到表.xlsx", workbook(rows), today=TODAY)
    school.session.rollback()
    messages = [str(p) for p in blocked.value.plan.problems]
    assert len(messages) == 6, messages
    text = "\n".join(messages)
    assert "该学生的家庭没有名为“B奶奶”的监护人" in text
    assert "“家长会”不是家长学校（家庭教育指导）类的活动" in text
    assert "这场家长学校活动不面向该行的班级" in text
    assert "没有名为“家长学校三”的家长学校活动" in text
    assert "请填写学号或学生姓名" in text
    assert "第 7 行" in text  # rows as the spreadsheet numbers them (title row, header, then data)
    assert school.session.scalar(select(func.count()).select_from(ActivityAttendance)) == 0


def test_a_head_teacher_imports_own_class_only(school: TinySchool) -> None:
    head = school.user("head_teacher", "王老师")
    school.session.commit()
    with pytest.raises(ImportBlocked) as blocked:
        run_import(school.session, head, KIND, "签到表.xlsx", workbook(ROWS), today=TODAY)
    school.session.rollback()
    assert any("不是您任教的班级" in str(p) for p in blocked.value.plan.problems)
    assert _import(school, head, workbook(ROWS[:3])).added == 2
