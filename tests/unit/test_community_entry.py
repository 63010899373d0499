"""家委会 members and notices written through hxgy.entry: checks in Chinese, rights, audit, one save per submission.

测试小学 2025-2026: 一(1)班 (A, B; head 王老师), 一(2)班 (C), 二(1)班 (D).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy.entry import committee, notices
from hxgy.entry.rules import InvalidEntry, WriteRefused
from hxgy.metrics.community import notices as notice_summary
from hxgy.models import AuditLog, CommitteeMember, Notice, NoticeClass
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school

TODAY = date(2025, 12, 1)


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1, head="王老师")
    s.add_class(1, 2)
    s.add_class(2, 1)
    for name, cls in (("A", "一(1)班"), ("B", "一(1)班"), ("C", "一(2)班"), ("D", "二(1)班")):
        s.add_student(name, cls)
    yield s
    session.close()


def audits(s: TinySchool, entity: str) -> list[str]:
    return list(s.session.scalars(select(AuditLog.action).where(AuditLog.entity == entity).order_by(AuditLog.id)))


def test_committee_add_check_and_remove(school: TinySchool) -> None:
    dean = school.user("dean")
    year, a = school.year.id, school.guardians["A"].id
    c11 = school.classes["一(1)班"].id
    first = committee.add_member(school.session, dean, committee.CommitteeEntry(year, a, c11, "主任"))
    committee.add_member(school.session, dean, committee.CommitteeEntry(year, a, None, "委员"))
    with pytest.raises(InvalidEntry) as again:
        committee.add_member(school.session, dean, committee.CommitteeEntry(year, a, c11, "委员"))
    assert "已是2025-2026学年一(1)班的成员" in str(again.value)
    with pytest.raises(InvalidEntry) as chair:
        committee.add_member(
            school.session, dean, committee.CommitteeEntry(year, school.guardians["B"].id, c11, "主任")
        )
    assert "已有主任" in str(chair.value)
    with pytest.raises(InvalidEntry) as wrong:
        committee.add_member(
            school.session, dean, committee.CommitteeEntry(year, school.guardians["C"].id, c11, "会长")
        )
    assert "C妈妈的孩子不在一(1)班" in str(wrong.value) and "职务：只能是主任、副主任、委员" in str(wrong.value)
    committee.remove_member(school.session, dean, first)
    assert school.session.scalar(select(func.count()).select_from(CommitteeMember)) == 1
    assert audits(school, "committee_member") == ["create", "create", "delete"]


def test_committee_only_for_settings_roles(school: TinySchool) -> None:
    head = school.user("head_teacher", staff="王老师")
    school.session.commit()  # a refusal is logged in its own transaction: the account must be stored
    entry = committee.CommitteeEntry(school.year.id, school.guardians["A"].id, school.classes["一(1)班"].id)
    with pytest.raises(WriteRefused):
        committee.add_member(school.session, head, entry)


def test_notice_reach_once_per_submission_and_delete(school: TinySchool) -> None:
    dean = school.user("dean")
    wechat = school.category("channel", "wechat")
    whole = notices.NoticeEntry(date(2025, 10, 8), "安全告家长书", wechat)
    saved = notices.record_notice(school.session, dean, whole, today=TODAY, submission_key="k1")
    again = notices.record_notice(school.session, dean, whole, today=TODAY, submission_key="k1")
    assert saved.created and not again.created and again.id == saved.id
    grade = notices.NoticeEntry(date(2025, 10, 9), "一年级家长会", wechat, reach="grades", grades=(1,))
    grade_id = notices.record_notice(school.session, dean, grade, today=TODAY).id
    reached = school.session.scalars(select(NoticeClass.class_id).where(NoticeClass.notice_id == grade_id))
    assert sorted(reached) == sorted([school.classes["一(1)班"].id, school.classes["一(2)班"].id])
    summary = notice_summary(school.session, term_period(school.term1), school.school.id)
    assert (summary.total, summary.whole_school, summary.grade_wide) == (2, 1, 1)
    notices.delete_notice(school.session, dean, grade_id)
    assert notice_summary(school.session, term_period(school.term1), school.school.id).total == 1
    assert school.session.get(Notice, grade_id).deleted_at is not None
    assert audits(school, "notice") == ["create", "create", "delete"]


def test_notice_checks_in_chinese(school: TinySchool) -> None:
    dean = school.user("dean")
    bad = notices.NoticeEntry(date(2026, 1, 1), " ", None, reach="classes")
    with pytest.raises(InvalidEntry) as problems:
        notices.record_notice(school.session, dean, bad, today=TODAY)
    text = str(problems.value)
    assert "通知日期：2026-01-01 晚于今天" in text and "标题：必须填写" in text and "发送渠道：必须选择" in text


def test_head_teacher_only_own_classes(school: TinySchool) -> None:
    head = school.user("head_teacher", staff="王老师")
    school.session.commit()  # a refusal is logged in its own transaction: the account must be stored
    wechat = school.category("channel", "wechat")
    whole = notices.NoticeEntry(date(2025, 10, 8), "全校通知", wechat)
    with pytest.raises(WriteRefused):
        notices.record_notice(school.session, head, whole, today=TODAY)
    own = notices.NoticeEntry(
        date(2025, 10, 8), "班级通知", wechat, reach="classes", class_ids=(school.classes["一(1)班"].id,)
    )
    assert notices.record_notice(school.session, head, own, today=TODAY).created
    other = notices.NoticeEntry(
        date(2025, 10, 8), "班级通知", wechat, reach="classes", class_ids=(school.classes["一(2)班"].id,)
    )
    with pytest.raises(WriteRefused):
        notices.record_notice(school.session, head, other, today=TODAY)
