"""设置 → 合作单位 as the dean: add a partner (the list shows its phone masked), change it with the masked number left
as shown (the stored number is kept), and a blank name refused in Chinese."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.models import Partner
from tests.app.conftest import all_text
from tests.builders import tiny_school
from tests.conftest import run_cli


def _dean(url: str) -> str:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        s = tiny_school(session)
        dean = s.user("dean", "德育主任")
        session.commit()
    engine.dispose()
    return dean.username


def _partners(url: str) -> list[tuple]:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        rows = session.execute(
            select(Partner.name, Partner.contact_person, Partner.phone, Partner.agreement_date).order_by(Partner.id)
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def _tab(at):
    return next(t for t in at.tabs if t.label == "合作单位")


def test_the_dean_adds_and_changes_a_partner(make_app, empty_database_url) -> None:
    url = empty_database_url
    assert run_cli(url, "migrate").returncode == 0
    at = make_app(url, _dean(url))
    at.run()
    at.switch_page("pages/settings.py")
    at.run()
    assert not at.exception, at.exception
    tab = _tab(at)
    assert "暂无合作单位" in "\n".join(str(c.value) for c in tab.caption)

    tab.button(key="FormSubmitter:add-partner-添加").click()  # nothing filled in
    at.run()
    assert "单位名称" in all_text(at) and "必须填写" in all_text(at)
    assert _partners(url) == []

    tab = _tab(at)
    next(t for t in tab.text_input if t.label == "单位名称").input("城东社区服务中心")
    next(t for t in tab.text_input if t.label == "联系电话").input("13812345678")
    tab.date_input(key="partner-new-signed").set_value(date(2025, 10, 8))
    tab.button(key="FormSubmitter:add-partner-添加").click()
    at.run()
    assert not at.exception, at.exception
    assert _partners(url) == [("城东社区服务中心", "", "13812345678", date(2025, 10, 8))]
    at.run()
    shown = _tab(at).dataframe[0].value
    assert shown["联系电话"].tolist() == ["138****5678"] and shown["单位类型"].tolist() == ["社区服务中心"]
    assert "13812345678" not in all_text(at)

    tab = _tab(at)
    phone = next(t for t in tab.text_input if t.label.startswith("联系电话（"))
    assert phone.value == "138****5678"
    [t for t in tab.text_input if t.label == "联系人"][-1].input("张主任")  # the change form's, after 新增's
    partner_id = at.selectbox(key="partner-edit-choice").value
    tab.button(key=f"FormSubmitter:edit-partner-{partner_id}-保存").click()
    at.run()
    assert not at.exception, at.exception
    assert _partners(url) == [("城东社区服务中心", "张主任", "13812345678", date(2025, 10, 8))]
