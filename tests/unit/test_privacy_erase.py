"""Erase a student who left: every past term's class figures stay identical, and no trace of the names or phones
is left in any text column of any table, the audit log included (hxgy.privacy.erase)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, String, Text, func, select
from sqlalchemy.orm import Session

from hxgy.entry.rules import InvalidEntry, WriteRefused, as_dict
from hxgy.metrics import overview, stats
from hxgy.metrics.roster import ClassFilter
from hxgy.models import (
    AuditLog,
    Base,
    ClassTermStats,
    Communication,
    Guardian,
    ParentRequest,
    Student,
)
from hxgy.privacy.erase import erase_student, plan_erasure
from hxgy.terms import term_period
from tests.builders import TinySchool
from tests.unit.privacy_school import (
    FATHER,
    FATHER_PHONE,
    GONE,
    MOTHER_PHONE,
    NOON,
    STAYS,
    TODAY,
    privacy_school,
)


def _figures(session: Session, s: TinySchool) -> list[pd.DataFrame]:
    """Every past term's class measures and school figures, as the pages compute them, and the stored stats."""
    out = []
    for term in (s.term1, s.term2):
        period = term_period(term, TODAY)
        out.append(overview.class_measures(session, period, ClassFilter(s.school.id), now=NOON))
        out.append(pd.DataFrame([dict(overview.school_figures(session, period, ClassFilter(s.school.id), now=NOON))]))
    rows = session.scalars(select(ClassTermStats).order_by(ClassTermStats.term_id, ClassTermStats.class_id)).all()
    skip = {"id", "refreshed_at"}
    out.append(pd.DataFrame([{k: v for k, v in as_dict(r).items() if k not in skip} for r in rows]))
    return out


def _traces(session: Session, needles: list[str]) -> list[str]:
    """Every text column of every table that still contains one of ``needles``: 'table.column: needle (rows)'."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String | Text):
                continue
            for needle in needles:
                hits = session.scalar(
                    select(func.count()).select_from(table).where(column.contains(needle, autoescape=True))
                )
                if hits:
                    found.append(f"{table.name}.{column.name}: {needle} ({hits})")
    return found


def test_erasing_a_student_who_left_keeps_every_figure_and_leaves_no_trace(engine: Engine) -> None:
    with Session(engine) as session:
        s, dean_id = privacy_school(session)
        dean = s.user("dean", "德育主任乙")
        session.commit()
        stats.refresh_school(session, school_id=s.school.id, today=TODAY, now=NOON)
        session.commit()
        before = _figures(session, s)
        needles = [GONE, f"{GONE}妈妈", FATHER, MOTHER_PHONE, FATHER_PHONE]
        present = _traces(session, needles)
        # the name is in the rows themselves, other records' free text, the audit log and the import history
        tables = {hit.split(".")[0] for hit in present}
        assert {"student", "guardian", "communication", "parent_request", "audit_log", "import_batch"} <= tables
        assert {"honour", "notice", "report_text"} <= tables  # what the report's parts and notices say
        gone_id = s.students[GONE].id
        contacts_before = session.scalar(select(func.count()).select_from(Communication))

        erased = erase_student(session, dean, gone_id, today=TODAY)
        session.commit()

        assert erased.guardians == 2
        assert _traces(session, needles) == []
        after = _figures(session, s)
        for was, now in zip(before, after, strict=True):
            pd.testing.assert_frame_equal(was, now)
        stats.refresh_school(session, school_id=s.school.id, today=TODAY, now=NOON)
        session.commit()
        for was, now in zip(before, _figures(session, s), strict=True):
            pd.testing.assert_frame_equal(was, now)
        # the records keep counting, without a person behind them
        assert session.scalar(select(func.count()).select_from(Communication)) == contacts_before
        student = session.get_one(Student, gone_id)
        assert (student.name, student.gender, student.birth_date) == (f"已删除学生#{gone_id}", "", None)
        assert not (student.left_behind or student.single_parent or student.hardship)
        assert student.erased_at is not None
        assert session.get_one(Student, s.students[STAYS].id).name == STAYS
        other = session.scalar(select(Communication.summary).where(Communication.summary.contains("发生争执")))
        assert other == f"{STAYS}与已删除学生#{gone_id}发生争执"
        assert session.scalar(select(ParentRequest.content).where(ParentRequest.student_id == gone_id)) == ""
        # the audit log keeps that an erasure happened (who, when, which id), not what was erased
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "erase")).one()
        assert (entry.entity, entry.entity_id, entry.user_id) == ("student", gone_id, dean.id)
        assert entry.before is None and entry.after is None
        assert dean_id != dean.id  # the earlier entries by another account stay, scrubbed
        assert session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.user_id == dean_id)) == 4


def test_a_student_still_enrolled_is_refused_in_chinese_and_nothing_changes(engine: Engine) -> None:
    with Session(engine) as session:
        s, _ = privacy_school(session)
        dean = s.user("dean", "德育主任乙")
        session.commit()
        # in her class on that day
        with pytest.raises(InvalidEntry, match=f"{STAYS}（学号 S0002）仍是在读学生，只能删除已离校学生的个人信息"):
            erase_student(session, dean, s.students[STAYS].id, today=date(2026, 5, 1))
        session.rollback()
        # her class ended on 2026-08-31 and no one marked her as left (no 升年级, no 登记离校)
        unmarked = f"{STAYS}（学号 S0002，在班至 2026-08-31）未登记离校：请先在“登记离校”中登记离校日期"
        with pytest.raises(InvalidEntry, match=unmarked):
            erase_student(session, dean, s.students[STAYS].id, today=TODAY)
        session.rollback()
        # marked as gone but still in a class today: not yet
        next_year, _, _ = s.next_year()
        s.add_class(4, 1, year=next_year)
        s.enrol(STAYS, "四(1)班", date(2026, 9, 1))
        s.students[STAYS].active = False
        session.commit()
        with pytest.raises(InvalidEntry, match="在四\\(1\\)班的在班日期到 2027-08-31 才结束"):
            erase_student(session, dean, s.students[STAYS].id, today=TODAY)
        session.rollback()
        assert session.get_one(Student, s.students[STAYS].id).name == STAYS
        erase_student(session, dean, s.students[GONE].id, today=TODAY)
        session.commit()
        with pytest.raises(InvalidEntry, match=r"个人信息已于 .* 删除"):
            erase_student(session, dean, s.students[GONE].id, today=TODAY)


def test_only_admin_and_dean_may_erase_and_a_refusal_is_logged(engine: Engine) -> None:
    with Session(engine) as session:
        s, _ = privacy_school(session)
        head = s.user("head_teacher", "王老师")
        session.commit()
        with pytest.raises(WriteRefused, match="您无权删除学生"):
            erase_student(session, head, s.students[GONE].id, today=TODAY)
        session.rollback()
        assert session.get_one(Student, s.students[GONE].id).name == GONE
        denied = session.scalars(select(AuditLog.detail).where(AuditLog.action == "denied")).all()
        assert any(f"删除学生 {s.students[GONE].id} 的个人信息" in d for d in denied)


def test_guardians_shared_with_a_sibling_still_at_school_are_kept(engine: Engine) -> None:
    with Session(engine) as session:
        s, _ = privacy_school(session)
        dean = s.user("dean", "德育主任乙")
        sibling = s.add_student("钱小小", "三(2)班")
        sibling.family_id = s.students[GONE].family_id  # the same household
        session.commit()
        plan = plan_erasure(session, s.school.id, s.students[GONE].id, today=TODAY)
        assert plan is not None and plan.problem == ""
        assert (plan.guardians_erased, plan.guardians_kept) == ((), 2)
        assert "2 名监护人还是该家庭其他学生的监护人，予以保留" in plan.summary()
        erase_student(session, dean, s.students[GONE].id, today=TODAY)
        session.commit()
        kept = session.scalars(select(Guardian.name).where(Guardian.family_id == sibling.family_id)).all()
        assert sorted(kept) == sorted([f"{GONE}妈妈", FATHER])
        gone = session.get_one(Student, s.students[GONE].id)
        assert gone.family_id is None and gone.name.startswith("已删除学生#")
        assert _traces(session, [GONE]) == [f"guardian.name: {GONE} (1)"]  # only the mother's own name, kept
