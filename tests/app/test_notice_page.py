"""通知登记 as the app runs it: the dean records a notice to a grade, sees it listed with its reach, and 家校沟通
counts it among 本期推送全校/年级通知 while its contact figures stay as they were (notices are not contacts)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import config, db, terms
from hxgy.metrics import community, overview
from hxgy.metrics.roster import ClassFilter
from hxgy.models import School
from tests.app.conftest import all_text
from tests.conftest import DEMO_ANCHOR


def _figures(url: str) -> tuple[dict, int]:
    """The school's figures this term and its notices to the school or a grade."""
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        term = terms.current_term(session, school_id=school.id, today=DEMO_ANCHOR)
        period = terms.term_period(term, DEMO_ANCHOR)
        figures = dict(overview.school_figures(session, period, ClassFilter(school.id), now=config.now()))
        sent = community.notices(session, period, school.id).school_or_grade
    engine.dispose()
    return figures, sent


def test_a_dean_records_a_grade_notice_and_contacts_do_not_change(make_app, demo_copy_url) -> None:
    before, sent_before = _figures(demo_copy_url)
    at = make_app(demo_copy_url, "dean")
    at.run()
    at.switch_page("pages/notice_entry.py")
    at.run()
    assert not at.exception
    at.text_input(key="notice-add-title").input("三年级春游告家长书")
    at.radio(key="notice-add-reach").set_value("grades")
    at.multiselect(key="notice-add-grades").set_value([3])
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    listed = at.dataframe[0].value
    row = listed[listed["标题"] == "三年级春游告家长书"]
    assert row["范围"].tolist() == ["三年级"]
    after, sent_after = _figures(demo_copy_url)
    assert sent_after == sent_before + 1
    assert after == before  # every contact figure (and every other) is unchanged
    at.switch_page("pages/communication.py")
    at.run()
    assert f"本期推送全校/年级通知 {sent_after} 条" in all_text(at)
