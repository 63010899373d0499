"""The 操作日志's 变化 and 说明 columns read as Chinese sentences with names (hxgy.queries.audit).

测试小学 (tests/builders.py): 三(2)班 (head 王老师) with 小明, 三(3)班 (head 李老师) with 小红; "today" is 2025-12-01.
A dean logs a 家访 to 小明 in 三(2)班 on 2025-11-30 lasting 30 minutes, then corrects it to a 电话 to 小红 in
三(3)班 lasting 45 minutes. The log's 变化 for that update, worked out by hand from the two rows:
    班级：三(2)班 → 三(3)班；学生：小明 → 小红；方式：家访 → 电话；时长：30 → 45 分钟
(the date, summary and follow-up did not change; updated_at is bookkeeping and left out).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from hxgy.entry import records
from hxgy.entry.records import ContactEntry
from hxgy.queries.audit import audit_entries, describe_change, describe_changes, describe_detail, entity_label
from tests.builders import TinySchool, tiny_school

TODAY = date(2025, 12, 1)


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(3, 2, head="王老师")
    s.add_class(3, 3, head="李老师")
    s.add_student("小明", "三(2)班")
    s.add_student("小红", "三(3)班")
    session.commit()
    yield s
    session.close()


def test_a_corrected_contact_reads_with_names_and_units(school: TinySchool) -> None:
    dean = school.user("dean", "张主任")
    school.session.commit()
    first = ContactEntry(
        class_id=school.classes["三(2)班"].id,
        contact_date=date(2025, 11, 30),
        channel_id=school.category("channel", "home_visit"),
        student_id=school.students["小明"].id,
        duration_min=30,
        summary="了解学习情况",
    )
    saved = records.log_contact(school.session, dean, first, today=TODAY)
    school.session.commit()
    corrected = replace(
        first,
        class_id=school.classes["三(3)班"].id,
        student_id=school.students["小红"].id,
        channel_id=school.category("channel", "phone"),
        duration_min=45,
    )
    records.update_contact(school.session, dean, saved.id, corrected, today=TODAY)
    school.session.commit()

    log = audit_entries(school.session, school.school.id, start=date(2000, 1, 1), end=date(2100, 1, 1))
    changes = dict(zip(log["action"], describe_changes(school.session, school.school.id, log), strict=True))
    assert changes["update"] == "班级：三(2)班 → 三(3)班；学生：小明 → 小红；方式：家访 → 电话；时长：30 → 45 分钟"
    created = changes["create"]
    assert created.startswith("班级：三(2)班；学生：小明；")
    assert "方式：家访" in created and "日期：2025年11月30日" in created and "时长：30 分钟" in created
    assert "方向：学校→家庭" in created and "需跟进：否" in created
    for raw in ("_id", "None", "null", "updated_at", "created_by", "→ 75"):
        assert raw not in created + changes["update"], raw


def test_names_of_another_school_are_not_looked_up(school: TinySchool, engine) -> None:
    """An id that is not a row of this school shows as its number, never another school's name."""
    session = school.session
    other = tiny_school(session, code="T2", name="别的小学")
    other.add_class(1, 1)
    other.add_student("外校生", "一(1)班")
    session.commit()
    before = json.dumps({"student_id": school.students["小明"].id})
    after = json.dumps({"student_id": other.students["外校生"].id})
    log = pd.DataFrame({"entity": ["communication"], "action": ["update"], "before": [before], "after": [after]})
    (text,) = describe_changes(session, school.school.id, log)
    assert text == f"学生：小明 → （编号 {other.students['外校生'].id}）"


def test_special_entries() -> None:
    """Per-class attendance, the 德育 weights, a deleted record, an empty value, and the English notes."""
    assert describe_change("activity_class", "create", None, json.dumps({"7": 12, "8": None})) == (
        "（编号 7） 到场家长：12 人；（编号 8） 到场家长：未填"
    )
    weights = describe_change(
        "moral_scheme",
        "update",
        json.dumps({"weights": {"教师评": 0.5, "家长评": 0.3}}),
        json.dumps({"weights": {"教师评": 0.5, "家长评": 0.4}}),
    )
    assert weights == "权重·家长评：0.3 → 0.4"
    deleted = describe_change(
        "volunteer_record",
        "delete",
        json.dumps({"hours": 1.5, "service_date": "2026-10-01", "note": "", "deleted_at": None}),
        json.dumps({"hours": 1.5, "service_date": "2026-10-01", "note": "", "deleted_at": "2026-11-01T02:00:00"}),
    )
    assert deleted == "时长：1.5 小时；服务日期：2026年10月1日；备注：（空）"
    assert describe_change("target", "update", json.dumps({"value": None}), json.dumps({"value": 95.0})) == (
        "目标值：（空） → 95"
    )
    target = {"term_id": None, "measure": "home_visit_coverage", "value": 100.0}
    assert describe_change("target", "update", json.dumps(target), json.dumps({**target, "value": 90.0})) == (
        "家访覆盖率目标：100% → 90%"
    )
    assert describe_change("user_account", "update", json.dumps({"active": True}), json.dumps({"active": False})) == (
        "状态：启用 → 停用"
    )
    assert describe_change(None, "login", None, None) == ""  # type: ignore[arg-type]
    assert describe_detail("page settings") == "打开“设置”页面"
    assert describe_detail("password reset") == "重置密码"
    assert describe_detail("client=127.0.0.1 failures=3") == "来自 127.0.0.1，连续失败 3 次"
    assert describe_detail("username=wang role=teacher") == "用户名 wang，角色 任课教师"
    assert describe_detail(None) == ""
    assert entity_label("student") == "学生" and entity_label("communication") == "沟通记录"
    assert entity_label(None) == ""
    assert describe_detail("三(2)班 · 2025-2026学年第一学期 · 教师评") == "三(2)班 · 2025-2026学年第一学期 · 教师评"
