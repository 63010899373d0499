"""合规 as the app runs it on the demo school: every rule's status is hxgy.compliance's (tested by hand in
tests/unit/test_compliance.py); a head teacher sees only their class; the named list is audited."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy import compliance, config, db, terms
from hxgy.metrics.roster import ClassFilter
from hxgy.models import AuditLog, School
from tests.app.conftest import all_text


def _expected(url: str) -> list[compliance.Result]:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        school_id = session.scalar(select(School.id).order_by(School.id).limit(1))
        term = terms.current_term(session, school_id=school_id, today=config.today())
        period = terms.term_period(term, config.today())
        now = config.now().replace(minute=0, second=0, microsecond=0)
        results = compliance.evaluate(session, period, ClassFilter(school_id), now)
    engine.dispose()
    return [r for r in results if r.class_id is None]


def test_principal_sees_each_rule_and_opens_a_list(make_app, demo_url) -> None:
    at = make_app(demo_url, "principal", script="pages/compliance.py")
    at.run()
    assert not at.exception
    text = all_text(at)
    expected = _expected(demo_url)
    met = sum(r.status == compliance.MET for r in expected)
    assert f"{len(expected)} 项要求：" in text and (met == 0 or f"达标 **{met}** 项" in text)
    for result in expected:
        assert result.rule.label in text
        assert compliance.STATUS_LABELS[result.status] in text
    grid = at.dataframe[0].value
    assert len(grid) > 10 and "全员家访" in grid.columns  # a row per class
    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:
        before = session.scalar(select(func.coalesce(func.max(AuditLog.id), 0)))
    buttons = [b for b in at.button if b.key and b.key.startswith("compliance-names-")]
    assert buttons
    buttons[0].click().run()
    assert not at.exception
    with Session(engine) as session:
        views = session.scalars(
            select(AuditLog.detail).where(
                AuditLog.id > before, AuditLog.action == "view", AuditLog.entity == "work_rule"
            )
        ).all()
    engine.dispose()
    assert len(views) == 1 and views[0].startswith("合规名单：")
    assert any("学号" in d.value.columns for d in at.dataframe)


def test_head_teacher_sees_own_class_only(make_app, demo_url) -> None:
    at = make_app(demo_url, "headteacher", script="pages/compliance.py")
    at.run()
    assert not at.exception
    scope = at.selectbox(key="compliance-scope")
    assert len(scope.options) == 1 and scope.options[0].endswith("班")
    assert "全校" not in scope.options
    # the 班主任 opens a list of their class: it names only their class's children
    buttons = [b for b in at.button if b.key and b.key.startswith("compliance-names-")]
    assert buttons
    buttons[0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    listed = next(d.value for d in at.dataframe if "学号" in d.value.columns)
    assert set(listed["班级"]) == {scope.options[0]}
