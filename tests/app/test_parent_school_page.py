"""协同活动 → 家长学校 shows hxgy.metrics.parent_school's figures; 家长学校签到 lists the class's guardians."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import db, terms
from hxgy.metrics import parent_school
from hxgy.metrics.roster import ClassFilter
from hxgy.models import School
from tests.app.conftest import all_text
from tests.conftest import DEMO_ANCHOR


def test_the_block_and_the_sign_in(make_app, demo_url) -> None:
    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        period = terms.term_period(terms.current_term(session, school_id=school.id, today=DEMO_ANCHOR), DEMO_ANCHOR)
        found = parent_school.summary(session, period, ClassFilter(school.id))
    engine.dispose()
    assert found.sessions >= 1 and 0 < found.families_reached < found.families
    at = make_app(demo_url, "principal")
    at.run()
    at.switch_page("pages/activities.py")
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["家长学校（场）"] == f"{found.sessions:,}"
    assert metrics["覆盖家庭（户）"] == f"{found.families_reached:,}"
    assert "家庭参与率" in all_text(at)
    assert any(b.label == "下载各户参加情况（含姓名）" for b in at.button)
    at = make_app(demo_url, "headteacher")
    at.run()
    at.switch_page("pages/activity_entry.py")
    at.run()
    assert not at.exception
    text = all_text(at)
    assert "家长学校签到" in text and "户家庭到场" in text, "the class list to tick, and what is ticked"
