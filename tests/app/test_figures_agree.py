"""One group, one set of figures: 总览, the slides, the report and ``metrics --compare`` agree below the school.

For 三年级 and for 三(2)班 of the demo, the command line prints the group's figures, its comparison's figures
and the classes the comparison covers; 总览 filtered to the same group must show the same values and changes,
and the meeting slides and the term report must read the same numbers.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import config, db, formats, terms
from hxgy.glossary import MEASURE_LABELS
from hxgy.meeting import slides
from hxgy.metrics.roster import ClassFilter
from hxgy.models import School, SchoolClass
from hxgy.report import ReportScope, gather
from tests.conftest import DEMO_ANCHOR, run_cli

CARDS = ("contact_coverage", "home_visit_coverage", "contacts_per_family", "volunteer_hours", "activities")


def _compare(url: str, *scope: str) -> dict:
    result = run_cli(url, "metrics", *scope, "--compare", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


PAGE_CARDS = {
    "pages/communication.py": ("contact_coverage", "home_visit_coverage", "contacts_per_family"),
    "pages/volunteers.py": ("volunteer_hours", "volunteer_participation"),
    "pages/moral.py": ("moral_good_rate", "moral_completion"),
    "pages/activities.py": ("activities", "parent_attendance"),
}


def _cards_on_every_page(make_app, url: str, grade: int, class_id: int | None) -> dict[str, dict[str, tuple]]:
    """The cards of 总览 and of the four measure pages, filtered to one grade or class (as a principal)."""
    at = make_app(url, "principal")
    at.session_state["_hxgy_filters"] = {"grade": grade, "class": class_id}
    at.run()
    assert not at.exception, at.exception
    seen = {"pages/overview.py": {m.label: (m.value, m.delta) for m in at.metric}}
    for page in PAGE_CARDS:
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, at.exception)
        seen[page] = {m.label: (m.value, m.delta) for m in at.metric}
    return seen


@pytest.mark.parametrize("scope", ["grade", "class"])
def test_overview_slides_report_and_metrics_agree(make_app, demo_url, scope) -> None:
    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        term = terms.current_term(session, school_id=school.id, today=DEMO_ANCHOR)
        period = terms.term_period(term, DEMO_ANCHOR)
        class_id = session.scalar(
            select(SchoolClass.id).where(
                SchoolClass.school_year_id == term.school_year_id, SchoolClass.name == "三(2)班"
            )
        )
        classes = ClassFilter(school.id, 3, None) if scope == "grade" else ClassFilter(school.id, None, (class_id,))
        now = config.this_hour()
        deck = slides.gather(session, period, classes, now=now)
        report = gather(session, ReportScope(school.id, term.id, DEMO_ANCHOR, now, grade_level=3))
    engine.dispose()

    printed = _compare(demo_url, "--grade", "3") if scope == "grade" else _compare(demo_url, "--class", "三(2)班")
    measures = printed["measures"]
    assert printed["comparison"]["classes"] == (
        ["二(1)班", "二(2)班", "二(3)班", "二(4)班", "二(5)班"] if scope == "grade" else ["二(2)班"]
    ), "last spring's classes of the same children, not last spring's 三年级"

    pages = _cards_on_every_page(make_app, demo_url, 3, None if scope == "grade" else class_id)
    for page, keys in {"pages/overview.py": CARDS, **PAGE_CARDS}.items():
        for key in keys:
            now_value, before_value = measures[key]["now"], measures[key]["before"]
            shown, delta = pages[page][MEASURE_LABELS[key]]
            assert shown == formats.measure_value(key, now_value), (page, key)
            assert (delta or None) == formats.measure_delta(key, now_value, before_value), (page, key)
    for key in CARDS:
        now_value, before_value = measures[key]["now"], measures[key]["before"]
        assert deck.figures[key] == pytest.approx(now_value, nan_ok=True), key
        assert deck.before[key] == pytest.approx(before_value, nan_ok=True), key
        if scope == "grade":
            assert report.figures[key] == pytest.approx(now_value, nan_ok=True), key
            assert report.before[key] == pytest.approx(before_value, nan_ok=True), key
    if scope == "grade":
        # the grade's parents are the attendance of its own classes, never a school-wide activity's whole count
        assert report.participation["families"] is None
        assert report.participation["parents"] <= report.figures["students"] * report.participation["activities"]
