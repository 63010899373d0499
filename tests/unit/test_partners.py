"""合作单位: registered on 设置 (checked, refused without settings rights, logged), counted by metrics.partners.

The tiny school (2025-2026, term 1 from 2025-09-01 to 2026-01-20; classes 一(1)班 and 一(2)班):

| partner | type       | agreement  | active |
| ------- | ---------- | ---------- | ------ |
| 社区A   | 社区服务中心 | 2025-09-10 | yes    |
| 社区B   | 社区服务中心 | 2025-12-01 | yes    |
| 公司C   | 企事业单位   | 2025-10-01 | yes    |
| 场馆D   | 文化场馆     | (none)     | yes    |
| 基地E   | 校外实践基地 | 2025-09-01 | yes    |
| 基地F   | 校外实践基地 | 2025-09-01 | no     |
| 基地G   | 校外实践基地 | 2025-09-01 | yes    |

By type on 2025-11-30: 社区 1 (B not yet signed), 企事业 1, 文化场馆 0 (D has no agreement), 基地 2 (F inactive).
On 2026-01-20: 社区 2.

Activities: 参观 (2025-10-15, whole school, 基地E), 再访 (2025-11-15, grade, 一(1)班, 基地E), 劳动 (2025-12-01,
class, 一(2)班, 基地F), 社区服务 (2025-10-20, whole school, 社区A), 取消 (deleted, 基地G), 春季 (2026-03-10, 公司C).
Term 1, whole school: partners used E, F, A = 3; practice bases E, F = 2.
Term 1, 一(1)班 only: 参观, 再访, 社区服务 reach it → partners E, A = 2; bases E = 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.entry.partners import PartnerEntry, add_partner, update_partner
from hxgy.entry.rules import InvalidEntry, WriteRefused
from hxgy.metrics import partners
from hxgy.metrics.roster import ClassFilter
from hxgy.models import AuditLog, Partner
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school

TODAY = date(2026, 3, 20)
PARTNERS = (
    ("社区A", "community", date(2025, 9, 10), True),
    ("社区B", "community", date(2025, 12, 1), True),
    ("公司C", "enterprise", date(2025, 10, 1), True),
    ("场馆D", "venue", None, True),
    ("基地E", "base", date(2025, 9, 1), True),
    ("基地F", "base", date(2025, 9, 1), False),
    ("基地G", "base", date(2025, 9, 1), True),
)


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    s.add_class(1, 2, head="李老师")
    dean = s.user("dean", "德育主任")
    for name, code, day, active in PARTNERS:
        entry = PartnerEntry(name, s.category("partner_type", code), "张三", "13812345678", day, "", active)
        add_partner(session, dean, entry, today=TODAY)
    s.activity("参观", date(2025, 10, 15), "parent_child", "school", {}, partner="基地E")
    s.activity("再访", date(2025, 11, 15), "parent_child", "grade", {"一(1)班": 2}, partner="基地E")
    s.activity("劳动", date(2025, 12, 1), "parent_child", "class", {"一(2)班": 1}, partner="基地F")
    s.activity("社区服务", date(2025, 10, 20), "parent_child", "school", {}, partner="社区A")
    s.activity("取消", date(2025, 10, 22), "parent_child", "school", {}, partner="基地G", deleted=True)
    s.activity("春季", date(2026, 3, 10), "parent_child", "school", {}, partner="公司C")
    session.commit()
    yield s
    session.close()


def test_partners_by_type_counts_active_partners_signed_by_the_day(school: TinySchool) -> None:
    sid = school.school.id
    assert partners.partners_by_type(school.session, sid, date(2025, 11, 30)) == [
        ("社区服务中心", 1),
        ("企事业单位", 1),
        ("文化场馆", 0),
        ("校外实践基地", 2),
    ]
    assert partners.partners_by_type(school.session, sid, date(2026, 1, 20))[0] == ("社区服务中心", 2)
    assert partners.partners_by_type(school.session, sid, date(2025, 8, 1)) == [
        ("社区服务中心", 0),
        ("企事业单位", 0),
        ("文化场馆", 0),
        ("校外实践基地", 0),
    ]


def test_partners_and_practice_bases_used_in_a_term(school: TinySchool) -> None:
    period = term_period(school.term1)
    whole = ClassFilter(school.school.id)
    assert partners.partners_used(school.session, period, whole) == 3
    assert partners.practice_bases_used(school.session, period, whole) == 2
    one = ClassFilter(school.school.id, class_ids=(school.classes["一(1)班"].id,))
    assert partners.partners_used(school.session, period, one) == 2
    assert partners.practice_bases_used(school.session, period, one) == 1
    spring = term_period(school.term2, TODAY)
    assert partners.partners_used(school.session, spring, whole) == 1
    assert partners.practice_bases_used(school.session, spring, whole) == 0


def test_add_is_checked_field_by_field(school: TinySchool) -> None:
    dean = school.user("dean", "另一位主任")
    wrong = PartnerEntry(" ", None, "", "电话abc", date(2026, 4, 1))
    with pytest.raises(InvalidEntry) as caught:
        add_partner(school.session, dean, wrong, today=TODAY)
    fields = [p.field for p in caught.value.problems]
    assert fields == ["单位名称", "单位类型", "联系电话", "签约日期"]
    assert "晚于今天" in str(caught.value)
    twice = PartnerEntry("社区A", school.category("partner_type", "community"))
    with pytest.raises(InvalidEntry, match="单位名称：“社区A”已登记"):
        add_partner(school.session, dean, twice, today=TODAY)
    activity_type = PartnerEntry("新单位", school.category("activity_type", "parent_child"))
    with pytest.raises(InvalidEntry, match="单位类型：不是本校的合作单位类型"):
        add_partner(school.session, dean, activity_type, today=TODAY)


def test_roles_without_settings_are_refused_and_logged(school: TinySchool) -> None:
    head = school.user("head_teacher", "王老师")
    principal = school.user("principal", "校长")
    school.session.commit()  # the refusal is logged in its own transaction, naming the account
    entry = PartnerEntry("新单位", school.category("partner_type", "venue"))
    with pytest.raises(WriteRefused):
        add_partner(school.session, head, entry, today=TODAY)
    school.session.rollback()
    partner_id = school.session.scalar(select(Partner.id).where(Partner.name == "社区A"))
    with pytest.raises(WriteRefused):
        update_partner(school.session, principal, partner_id, entry, today=TODAY)
    school.session.rollback()
    assert school.session.scalar(select(Partner.name).where(Partner.id == partner_id)) == "社区A"
    refused = school.session.scalars(select(AuditLog).where(AuditLog.action == "denied")).all()
    assert len(refused) == 2


def test_update_writes_and_logs_only_a_change(school: TinySchool) -> None:
    dean = school.user("dean", "另一位主任")
    partner = school.session.scalar(select(Partner).where(Partner.name == "场馆D"))
    assert partner is not None
    entry = PartnerEntry("市博物馆", partner.type_id, "李四", "0571-8888 1234", date(2026, 2, 1), "研学", True)
    assert update_partner(school.session, dean, partner.id, entry, today=TODAY) is True
    assert (partner.name, partner.phone, partner.agreement_date) == ("市博物馆", "0571-8888 1234", date(2026, 2, 1))
    assert update_partner(school.session, dean, partner.id, entry, today=TODAY) is False
    logged = school.session.scalars(
        select(AuditLog).where(AuditLog.entity == "partner", AuditLog.entity_id == partner.id)
    ).all()
    assert [a.action for a in logged] == ["create", "update"]
    assert partners.partners_by_type(school.session, school.school.id, TODAY)[2] == ("文化场馆", 1)
