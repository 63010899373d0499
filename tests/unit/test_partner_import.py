"""The 合作单位 import kind on a tiny school: a file registers partners, the same file again changes nothing, a wrong
row stops the whole file with Chinese messages, the dean's export (phones masked) imports back unchanged, and the
协同活动 import then accepts the partners it registered (and points to 设置 → 合作单位 for one it does not know).
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
from hxgy.models import Category, Partner
from hxgy.transfer.exports import export_frame
from hxgy.transfer.imports import ImportBlocked, ImportResult, prepare, run_import
from tests.builders import TinySchool, tiny_school
from tests.spreadsheets import workbook

TODAY = date(2026, 3, 20)
HEADERS = ["单位名称", "单位类型", "联系人", "联系电话", "签约日期", "服务内容", "启用"]
ROWS = [
    ["城东社区服务中心", "社区服务中心", "张主任", "13812345678", "2025年10月8日", "提供志愿服务岗位", ""],
    ["市供电公司", "企事业单位", "", "", date(2025, 9, 1), "", "是"],
    ["市科技馆", "文化场馆", "李老师", "0571-88881234", "", "研学", "否"],
]


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    session.commit()
    yield s
    session.close()


@pytest.fixture
def dean(school: TinySchool) -> CurrentUser:
    user = school.user("dean", "德育主任")
    school.session.commit()
    return user


def _import(s: TinySchool, user: CurrentUser, kind: str, data: bytes) -> ImportResult:
    result = run_import(s.session, user, kind, "file.xlsx", data, today=TODAY)
    s.session.commit()
    return result


def test_a_file_registers_partners_and_again_changes_nothing(school: TinySchool, dean: CurrentUser) -> None:
    data = workbook(HEADERS, ROWS)
    first = _import(school, dean, "partners", data)
    assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
    stored = {p.name: p for p in school.session.scalars(select(Partner))}
    types = dict(school.session.execute(select(Category.id, Category.name)).all())
    east = stored["城东社区服务中心"]
    assert (types[east.type_id], east.contact_person, east.phone) == ("社区服务中心", "张主任", "13812345678")
    assert (east.agreement_date, east.active) == (date(2025, 10, 8), True)  # 2025年10月8日; blank 启用 is 是
    assert stored["市供电公司"].agreement_date == date(2025, 9, 1)
    assert (stored["市科技馆"].agreement_date, stored["市科技馆"].active) == (None, False)
    again = _import(school, dean, "partners", data)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    changed = [[*ROWS[0][:5], "提供志愿服务岗位、场地", ""], *ROWS[1:]]
    third = _import(school, dean, "partners", workbook(HEADERS, changed))
    assert (third.added, third.updated, third.unchanged) == (0, 1, 2)


def test_a_wrong_row_stops_the_file_and_names_row_and_column(school: TinySchool, dean: CurrentUser) -> None:
    rows = [
        ROWS[0],
        ["某学校", "兄弟学校", "", "", "", "", ""],
        ["某公司", "企事业单位", "", "电话：123", "2026年4月1日", "", ""],
        ["", "企事业单位", "", "", "", "", ""],
    ]
    with pytest.raises(ImportBlocked) as caught:
        run_import(school.session, dean, "partners", "bad.xlsx", workbook(HEADERS, rows), today=TODAY)
    school.session.rollback()
    messages = [str(p) for p in caught.value.plan.problems]
    assert any(m.startswith("第 3 行，B 列“单位类型”：“兄弟学校”不是本校的单位类型") for m in messages), messages
    assert any(m.startswith("第 4 行，D 列“联系电话”：“电话：123”不是电话号码") for m in messages), messages
    assert any(m.startswith("第 4 行，E 列“签约日期”：2026-04-01 晚于今天") for m in messages), messages
    assert any(m.startswith("第 5 行，A 列“单位名称”：必须填写") for m in messages), messages
    assert school.session.scalar(select(func.count()).select_from(Partner)) == 0


def test_roles_without_settings_may_not_import_partners(school: TinySchool) -> None:
    head = school.user("head_teacher", "王老师")
    school.session.commit()
    with pytest.raises(WriteRefused):
        prepare(school.session, head, "partners", "p.xlsx", workbook(HEADERS, ROWS), today=TODAY)


def test_the_deans_export_masks_phones_and_imports_back_unchanged(school: TinySchool, dean: CurrentUser) -> None:
    _import(school, dean, "partners", workbook(HEADERS, ROWS))
    frame = export_frame(school.session, dean, "partners", term_id=None, today=TODAY)
    assert list(frame.columns) == HEADERS
    assert frame.loc[frame["单位名称"] == "城东社区服务中心", "联系电话"].item() == "138****5678"
    data = exports.excel_bytes({"合作单位": frame}, stamp="测试小学 · 合作单位")
    back = _import(school, dean, "partners", data)
    assert (back.added, back.updated, back.unchanged) == (0, 0, 3)
    assert school.session.scalar(select(Partner.phone).where(Partner.name == "城东社区服务中心")) == "13812345678"


def test_activities_name_a_registered_partner(school: TinySchool, dean: CurrentUser) -> None:
    headers = ["活动日期", "活动名称", "活动类型", "范围", "合作单位"]
    unknown = workbook(headers, [[date(2026, 3, 10), "走进社区", "社区实践", "全校", "城东社区服务中心"]])
    plan = prepare(school.session, dean, "activities", "a.xlsx", unknown, today=TODAY)
    assert [p.message for p in plan.problems] == [
        "“城东社区服务中心”不是本校登记的合作单位（请先在 设置 → 合作单位 中添加，或导入“合作单位”）"
    ]
    school.session.rollback()
    _import(school, dean, "partners", workbook(HEADERS, ROWS))
    result = _import(school, dean, "activities", unknown)
    assert result.added == 1
