"""Keep no longer than needed: the school's 留存年限 and ``python -m hxgy purge`` (with --dry-run)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.entry.rules import InvalidEntry, WriteRefused
from hxgy.models import AuditLog, School, SchoolYear, Student
from hxgy.privacy.retention import due_for_erasure, set_retention_years, years_later
from tests.conftest import run_cli
from tests.unit.privacy_school import GONE, STAYS, TODAY, privacy_school

LONG_GONE = "赵已久"  # left at the end of 2022-2023: past 3 years on TODAY (2026-11-22)


def _school_with_an_old_leaver(url: str) -> tuple[int, int]:
    """The privacy school (钱多多 left 2026-08-31) and 赵已久, who left when 2022-2023 ended (2023-08-31)."""
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        s, _ = privacy_school(session)
        old = SchoolYear(
            school_id=s.school.id,
            start_year=2022,
            name="2022-2023学年",
            start_date=date(2022, 9, 1),
            end_date=date(2023, 8, 31),
        )
        session.add(old)
        session.flush()
        s.add_class(6, 1, year=old, key="2022六(1)班")
        s.add_student(LONG_GONE, "2022六(1)班", start=date(2022, 9, 1)).active = False
        s.guardians[LONG_GONE].phone = "13700007777"
        session.commit()
        ids = (s.school.id, s.students[LONG_GONE].id)
    engine.dispose()
    return ids


def _names(url: str) -> list[str]:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        names = list(session.scalars(select(Student.name).order_by(Student.id)))
    engine.dispose()
    return names


def test_purge_dry_run_lists_in_chinese_then_purge_erases_only_those_past_the_retention(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    assert run_cli(url, "migrate").returncode == 0
    school_id, old_id = _school_with_an_old_leaver(url)

    dry = run_cli(url, "purge", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "测试小学（T1）：留存年限 3 年，将删除 1 名已离校学生的个人信息" in dry.stdout
    line = f"{LONG_GONE}（学号 S0004，六(1)班）：2023-08-31 离校，2026-09-01 起超过留存年限，连同监护人 1 名"
    assert line in dry.stdout
    assert "试运行：共 1 名学生超过留存年限，未做任何修改" in dry.stdout
    assert GONE not in dry.stdout and STAYS not in dry.stdout
    assert LONG_GONE in _names(url)

    done = run_cli(url, "purge")
    assert done.returncode == 0, done.stderr
    assert "完成：共删除 1 名学生的个人信息" in done.stdout
    names = _names(url)
    assert LONG_GONE not in names and f"已删除学生#{old_id}" in names
    assert GONE in names and STAYS in names  # 钱多多 left this summer: kept until 2029-09-01
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        erased = session.scalars(select(AuditLog).where(AuditLog.action == "erase")).one()
        assert (erased.username, erased.entity_id, erased.school_id) == ("cli", old_id, school_id)
        hits = session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.detail.contains(LONG_GONE)))
        assert hits == 0
    engine.dispose()
    again = run_cli(url, "purge", "--dry-run", "--school", "T1")
    assert "将删除 0 名" in again.stdout
    unknown = run_cli(url, "purge", "--school", "NOPE")
    assert unknown.returncode == 2 and "没有代码为 NOPE 的学校" in unknown.stderr


def test_the_retention_setting_moves_who_is_due(engine) -> None:
    with Session(engine) as session:
        s, _ = privacy_school(session)
        dean, head = s.user("dean", "德育主任乙"), s.user("head_teacher", "王老师")
        session.commit()
        assert session.get_one(School, s.school.id).retention_years == 3
        assert due_for_erasure(session, s.school.id, today=TODAY) == []
        assert [d.student.name for d in due_for_erasure(session, s.school.id, today=date(2029, 9, 1))] == [GONE]
        assert due_for_erasure(session, s.school.id, today=date(2029, 8, 31)) == []
        with pytest.raises(InvalidEntry, match=r"留存年限：应在 1 到 30 年之间（现为 0）"):
            set_retention_years(session, dean, 0)
        session.rollback()
        with pytest.raises(WriteRefused, match="您无权修改个人信息留存年限"):
            set_retention_years(session, head, 1)
        session.rollback()
        set_retention_years(session, dean, 1)
        session.commit()
        due = due_for_erasure(session, s.school.id, today=date(2027, 9, 1))
        assert [(d.student.name, d.erase_from) for d in due] == [(GONE, date(2027, 9, 1))]
        change = session.scalars(select(AuditLog).where(AuditLog.entity == "school")).one()
        assert (change.before, change.after) == ('{"retention_years": 3}', '{"retention_years": 1}')


def test_years_later_keeps_the_day_or_takes_the_last_of_february() -> None:
    assert years_later(date(2026, 8, 31), 3) == date(2029, 8, 31)
    assert years_later(date(2024, 2, 29), 1) == date(2025, 2, 28)
