"""The 家长志愿 page and the 总览 card show confirmed figures and the records waiting (待确认 N 条)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import config, db, terms
from hxgy.metrics import overview, volunteers
from hxgy.metrics.roster import ClassFilter
from hxgy.models import School
from tests.app.conftest import all_text
from tests.conftest import DEMO_ANCHOR


def _demo_volunteering(url: str) -> dict[str, int]:
    """The demo school's current-term volunteer figures straight from hxgy.metrics."""
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        period = terms.term_period(terms.current_term(session, school_id=school.id, today=DEMO_ANCHOR), DEMO_ANCHOR)
        whole = ClassFilter(school.id)
        figures = overview.school_figures(session, period, whole, now=config.now())
        found = {
            "records": int(figures["volunteer_records"]),
            "families": int(figures["volunteer_families"]),
            "students": int(figures["students"]),
            "unique": volunteers.unique_families(session, period, whole),
            "waiting": volunteers.unconfirmed_records(session, period, whole),
        }
    engine.dispose()
    return found


def test_the_volunteer_page_explains_families_and_shows_what_waits(make_app, demo_url) -> None:
    found = _demo_volunteering(demo_url)
    assert found["waiting"] > 0 and found["families"] > found["unique"], "the demo has both cases to explain"
    at = make_app(demo_url, "principal")
    at.run()
    text = all_text(at)
    assert f"待确认 {found['waiting']:,} 条" in text, "the 总览 volunteer card says how many records wait"
    at.switch_page("pages/volunteers.py")
    at.run()
    assert not at.exception
    text = all_text(at)
    assert f"已确认 {found['records']:,} 人次；待确认 {found['waiting']:,} 条（未计入）" in text
    assert f"各班参与家庭合计 {found['families']:,} 户 / {found['students']:,} 名学生" in text
    assert f"本期有 **{found['unique']:,}** 户家庭参与志愿服务" in text
    assert f"各班参与家庭合计为 {found['families']:,} 户" in text
    assert f"另有 **{found['waiting']:,}** 条记录待确认" in text


def test_the_sentence_for_one_family_per_class_and_for_nothing_confirmed() -> None:
    """Two families, 3 人次, none waiting: no per-class explanation; nothing confirmed: said so, waiting shown."""
    assert (
        volunteers.families_sentence(3, 2, 2, 0)
        == "本期有 **2** 户家庭参与志愿服务，共 **3** 人次，平均每户 1.5 人次。"
    )
    assert volunteers.families_sentence(0, 0, 0, 4) == (
        "本期尚无已确认的志愿服务记录。另有 **4** 条记录待确认，确认后才计入时长、人次和参与家庭。"
    )
