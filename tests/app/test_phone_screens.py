"""Screens show phone numbers masked: a guardian's number changed by an import reads 138****5678 → 139****4321 in
the 操作日志, never whole."""

from __future__ import annotations

import io

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import db, formats
from hxgy.auth import load_user
from hxgy.models import Family, Guardian, Student
from hxgy.transfer.imports import run_import
from tests.app.conftest import all_text
from tests.conftest import DEMO_ANCHOR

NEW_PHONE = "13987654321"


def test_the_audit_page_shows_a_changed_number_masked(make_app, demo_copy_url) -> None:
    engine = db.create_db_engine(demo_copy_url)
    with Session(engine) as session:
        guardian, student_no = session.execute(
            select(Guardian, Student.student_no)
            .join(Family, Family.id == Guardian.family_id)
            .join(Student, Student.family_id == Family.id)
            .where(Guardian.phone != "")
            .order_by(Guardian.id)
            .limit(1)
        ).one()
        old_phone = guardian.phone
        buffer = io.BytesIO()
        pd.DataFrame(
            [{"学号": student_no, "监护人姓名": guardian.name, "关系": guardian.relation, "联系电话": NEW_PHONE}]
        ).to_excel(buffer, index=False, sheet_name="监护人")
        admin = load_user(session, "admin")
        result = run_import(session, admin, "guardians", "监护人.xlsx", buffer.getvalue(), today=DEMO_ANCHOR)
        session.commit()
    engine.dispose()
    assert result.updated == 1

    at = make_app(demo_copy_url, "dean")
    at.run()
    at.switch_page("pages/audit.py")
    at.run()
    assert not at.exception
    text = all_text(at)
    change = f"电话：{formats.mask_phone(old_phone)} → {formats.mask_phone(NEW_PHONE)}"
    assert change in text and "139****4321" in change
    assert old_phone not in text and NEW_PHONE not in text
