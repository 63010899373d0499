"""The import writes the preview's plan without reading the file again, unless something it was checked against
changed since: then it checks the file again in full, and writes what is true now.

Real files, a real copy of the demo school; the reader is counted by wrapping the real one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.auth import load_user
from hxgy.models import Communication
from hxgy.transfer import imports
from hxgy.transfer.imports import ImportPlan, ImportResult, prepare, run_import
from hxgy.transfer.lookup import Lookup
from hxgy.transfer.templates import template_bytes
from tests.conftest import DEMO_ANCHOR
from tests.unit.test_import import contact_rows, fill_template
from tests.unit.test_import_corpus import Facts, read_facts

ROWS = 60


@pytest.fixture
def school(demo_copy_url: str) -> Iterator[Engine]:
    engine = db.create_db_engine(demo_copy_url)
    yield engine
    engine.dispose()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the importer reads (the real reader runs; each call is noted)."""
    calls: list[str] = []
    real = imports.read_tables

    def counted(file_name: str, data: bytes, **options: object) -> object:
        calls.append(file_name)
        return real(file_name, data, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(imports, "read_tables", counted)
    return calls


def workbook(engine: Engine, facts: Facts, count: int = ROWS, start: int = 0) -> bytes:
    with Session(engine) as session:
        dean = load_user(session, "dean")
        template = template_bytes("communications", Lookup.load(session, dean, DEMO_ANCHOR))
    return fill_template(template, contact_rows(facts, count, start=start))


def preview(engine: Engine, data: bytes, username: str = "dean") -> ImportPlan:
    with db.read_session(engine) as session:
        user = load_user(session, username)
        return prepare(session, user, "communications", "沟通记录.xlsx", data, today=DEMO_ANCHOR)


def write(
    engine: Engine, data: bytes, plan: ImportPlan | None, username: str = "dean", **options: object
) -> ImportResult:
    with db.write_session(engine) as session:
        user = load_user(session, username)
        return run_import(
            session, user, "communications", "沟通记录.xlsx", data, today=DEMO_ANCHOR, plan=plan, **options
        )


def stored(engine: Engine) -> list[tuple]:
    with Session(engine) as session:
        return session.execute(
            select(
                Communication.class_id,
                Communication.student_id,
                Communication.contact_date,
                Communication.channel_id,
                Communication.duration_min,
                Communication.summary,
            ).where(Communication.deleted_at.is_(None))
        ).all()


def test_the_import_writes_the_preview_s_plan_without_reading_the_file_again(school: Engine, reads: list[str]) -> None:
    data = workbook(school, read_facts(school))
    before = len(stored(school))
    plan = preview(school, data)
    assert reads == ["沟通记录.xlsx"] and plan.ok and len(plan.new) == ROWS
    result = write(school, data, plan)
    assert reads == ["沟通记录.xlsx"], "the import read the file again"
    assert result.reused_plan and (result.added, result.updated, result.unchanged) == (ROWS, 0, 0)
    after = stored(school)
    assert len(after) == before + ROWS
    written = {(p.record.contact_date, p.record.summary) for p in plan.new}
    assert written <= {(row[2], row[5]) for row in after}  # exactly the plan's records, each once

    # without the plan (as the command line imports), the file is read and checked again: nothing new
    again = write(school, data, None)
    assert reads == ["沟通记录.xlsx", "沟通记录.xlsx"]
    assert not again.reused_plan and (again.added, again.unchanged) == (0, ROWS)


def test_a_plan_gone_stale_is_checked_again_and_writes_what_is_true_now(school: Engine, reads: list[str]) -> None:
    """Between the preview and the import, someone imports the first 20 of the same rows: the data version
    moved, so the import checks the file again, finds those 20 stored, and adds only the other 40 (no copies)."""
    facts = read_facts(school)
    data = workbook(school, facts)
    plan = preview(school, data)
    assert len(plan.new) == ROWS
    before = len(stored(school))
    first = write(school, workbook(school, facts, count=20), None)
    assert first.added == 20
    result = write(school, data, plan)
    assert not result.reused_plan and len(reads) == 3
    assert (result.added, result.updated, result.unchanged) == (ROWS - 20, 0, 20)
    assert len(stored(school)) == before + ROWS
    with Session(school) as session:
        c = Communication
        key = (c.class_id, c.student_id, c.contact_date, c.channel_id, c.summary)
        imported = c.summary.like("第%条：%")  # the rows of these files (the demo has rows of its own)
        copies = session.execute(select(*key).where(imported).group_by(*key).having(func.count() > 1)).all()
    assert copies == []


def test_a_plan_is_reused_only_for_its_own_file_user_and_day(school: Engine, reads: list[str]) -> None:
    facts = read_facts(school)
    data = workbook(school, facts, count=10)
    plan = preview(school, data)
    other_file = workbook(school, facts, count=10, start=100)
    result = write(school, other_file, plan)  # another file under the same plan: its own rows are written
    assert not result.reused_plan and result.added == 10
    with Session(school) as session:
        assert session.scalar(
            select(func.count()).where(Communication.summary == "第101条：了解孩子近况，约定下次沟通")
        )

    plan = preview(school, data)
    stale_day = ImportPlan(**{**plan.__dict__, "checked_for": (*plan.checked_for[:3], DEMO_ANCHOR - timedelta(1))})
    result = write(school, data, stale_day)
    assert not result.reused_plan and result.added == 10

    # a plan checked for the dean is not the head teacher's: the head teacher's own rights decide
    data = workbook(school, facts, count=10, start=200)
    plan = preview(school, data)
    with pytest.raises(imports.ImportBlocked) as blocked:
        write(school, data, plan, username="headteacher")
    assert blocked.value.plan.problems  # rows of classes the head teacher does not teach
