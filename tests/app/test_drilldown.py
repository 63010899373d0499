"""Drill-down from the page body: the next-level buttons and the breadcrumb move the filters."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from hxgy import db, formats, terms
from hxgy.metrics import judging
from hxgy.models import School
from hxgy.ui import filters
from tests.app.test_pages import _figures
from tests.conftest import DEMO_ANCHOR


def _crumbs(at) -> list[str]:
    """The breadcrumb's buttons (the levels above the current one), in order."""
    return [b.label for b in at.button if b.key and b.key.startswith("crumb-")]


def _class_option(at, grade: int, name: str) -> int:
    """The class id behind the button labelled ``name`` among a grade's next-level buttons."""
    ids = [cid for cid, g in at.session_state[filters._GRADE_OF].items() if g == grade]  # grade, class_no order
    labels = at.pills(key=f"f-down-{grade}").options
    return dict(zip(labels, ids, strict=True))[name]


def test_a_grade_then_a_class_from_the_page_body_and_back_to_the_school(make_app, demo_url) -> None:
    """Principal on 总览: 三年级 from the next-level buttons, then 三(2)班, then back up through the breadcrumb.

    At each level the cards show the metrics module's own figures for the same classes (_figures computes
    them straight from hxgy.metrics for 三(1)…三(5)班, then for 三(2)班 alone).
    """
    at = make_app(demo_url, "principal")
    at.run()
    assert _crumbs(at) == [] and at.selectbox(key="f-grade").value is None
    assert at.pills(key="f-down-school").options[:3] == ["一年级", "二年级", "三年级"]

    at.pills(key="f-down-school").set_value(3).run()
    assert at.selectbox(key="f-grade").value == 3 and at.selectbox(key="f-class").value is None
    assert "三年级" in at.caption[0].value and _crumbs(at) == ["全校"]
    grade3 = _figures(demo_url, tuple(f"三({n})班" for n in range(1, 6)))
    assert {m.label: m.value for m in at.metric}["沟通覆盖率"] == formats.percent(grade3["contact_coverage"])

    class_id = _class_option(at, 3, "三(2)班")
    at.pills(key="f-down-3").set_value(class_id).run()
    assert at.selectbox(key="f-class").value == class_id
    assert "三(2)班" in at.caption[0].value and _crumbs(at) == ["全校", "三年级"]
    own = _figures(demo_url, ("三(2)班",))
    assert {m.label: m.value for m in at.metric}["家访覆盖率"] == formats.percent(own["home_visit_coverage"])

    at.switch_page("pages/communication.py").run()  # the choice follows to another page
    assert "三(2)班" in at.caption[0].value and _crumbs(at) == ["全校", "三年级"]

    at.button(key="crumb-1").click().run()  # 三年级
    assert at.selectbox(key="f-grade").value == 3 and at.selectbox(key="f-class").value is None
    at.button(key="crumb-0").click().run()  # 全校
    assert at.selectbox(key="f-grade").value is None and at.selectbox(key="f-class").value is None
    assert _crumbs(at) == [] and "三年级" not in at.caption[0].value
    assert not at.exception


def test_the_status_grid_is_clickable_until_one_class_is_in_view(make_app, demo_url) -> None:
    """At 全校 the status grid carries a click selection on class_id (the browser test clicks it); for one
    class there is nothing below, so no selection."""
    at = make_app(demo_url, "principal")
    at.run()
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert any('"pick"' in s and '"class_id"' in s for s in specs)  # names of params and fields, in ASCII
    at = make_app(demo_url, "headteacher")  # 总览 opens on 三(2)班
    at.run()
    at.switch_page("pages/overview.py").run()
    assert at.get("vega_lite_chart"), "the status grid is there"
    assert not any('"pick"' in c.proto.spec for c in at.get("vega_lite_chart"))


def test_the_home_visit_chart_on_the_page_carries_100_percent_and_the_on_pace_target(make_app, demo_url) -> None:
    """家校沟通 on the demo (term 2026-09-01 … 2027-01-20, today 2026-11-22): the 家访覆盖率 chart's spec holds a
    line at 1.0 and one at the term's target × elapsed share, both labelled; the share comes from the term."""
    at = make_app(demo_url, "principal")
    at.run()
    at.switch_page("pages/communication.py").run()
    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        term = terms.current_term(session, school_id=school.id, today=DEMO_ANCHOR)
        period = terms.term_period(term, DEMO_ANCHOR)
        goal = judging.targets(session, term_id=term.id)["home_visit_coverage"]
    engine.dispose()
    assert period.in_progress and 0 < period.elapsed_share < 1
    on_pace = goal * period.elapsed_share
    chart = next(c for c in at.get("vega_lite_chart") if json.loads(c.proto.spec)["title"]["text"] == "各班家访覆盖率")
    lines = {}  # Streamlit sends each layer's data beside the spec, as Arrow
    for named in chart.proto.datasets:
        rows = convert_arrow_bytes_to_pandas_df(named.data.data)
        if "说明" in rows:
            lines.update(zip(rows["说明"], rows["位置"], strict=True))
    assert lines["全覆盖 100%（学期目标）" if goal == 1.0 else "全覆盖 100%"] == 1.0  # the demo's target is 100 %
    assert lines[f"按进度目标 {formats.percent(on_pace)}"] == pytest.approx(on_pace)
