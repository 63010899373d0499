"""设置 → 学年学期 on a new school: no year yet, the 添加学年 form creates one with its terms; 修改学年 changes it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.models import SchoolYear, Term
from tests.app.conftest import all_text
from tests.conftest import run_cli


def _years(url: str) -> list[tuple]:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        rows = session.execute(
            select(SchoolYear.name, SchoolYear.start_date, SchoolYear.end_date, Term.term_no, Term.start_date,
                   Term.end_date).join(Term).order_by(SchoolYear.start_date, Term.term_no)
        ).all()  # fmt: skip
    engine.dispose()
    return [tuple(r) for r in rows]


def _open_settings(make_app, url: str):
    at = make_app(url, "admin")
    at.run()
    at.switch_page("pages/settings.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _fill(at, key: str, start, end, t1, t2) -> None:
    for suffix, value in (("start", start), ("end", end), ("t1s", t1[0]), ("t1e", t1[1]), ("t2s", t2[0]),
                          ("t2e", t2[1])):  # fmt: skip
        at.date_input(key=f"{key}-{suffix}").set_value(value)


def test_a_new_school_adds_and_edits_its_first_year_on_the_settings_page(make_app, empty_database_url) -> None:
    """Empty school: 设置 says there is no year and offers 添加学年; inverted terms are refused in Chinese and
    nothing is saved; the right dates add 2026-2027学年 and its two terms; 修改学年 moves the second term."""
    made = run_cli(empty_database_url, "init", "--school", "示范小学", env={"HXGY_ADMIN_PASSWORD": "admin-passphrase"})
    assert made.returncode == 0, made.stderr
    at = _open_settings(make_app, empty_database_url)
    assert "还没有学年" in all_text(at)
    at.number_input(key=next(n.key for n in at.number_input if n.label == "学年（起始年份）")).set_value(2026)
    year = (date(2026, 8, 25), date(2027, 7, 31))
    _fill(at, "add-year", *year, (date(2026, 9, 1), date(2026, 8, 1)), (date(2027, 2, 23), date(2027, 7, 4)))
    at.button(key="FormSubmitter:add-year-添加学年").click()
    at.run()
    assert "第一学期" in " ".join(e.value for e in at.error) and "结束日期不能早于开始日期" in at.error[0].value
    assert _years(empty_database_url) == []

    _fill(at, "add-year", *year, (date(2026, 9, 1), date(2027, 1, 20)), (date(2027, 2, 23), date(2027, 7, 4)))
    at.button(key="FormSubmitter:add-year-添加学年").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert _years(empty_database_url) == [
        ("2026-2027学年", *year, 1, date(2026, 9, 1), date(2027, 1, 20)),
        ("2026-2027学年", *year, 2, date(2027, 2, 23), date(2027, 7, 4)),
    ]
    at.run()  # the page as it shows after the save: the year in the table, the notice gone
    assert "2026-2027学年第二学期" in all_text(at) and "还没有学年" not in all_text(at)
    year_id = at.selectbox(key="edit-year-id").value
    key = f"edit-year-{year_id}"
    at.date_input(key=f"{key}-t2s").set_value(date(2027, 1, 10))  # before the first term ends
    at.button(key="FormSubmitter:edit-year-保存学年").click()
    at.run()
    assert "必须在第一学期结束之后开始" in " ".join(e.value for e in at.error)
    assert _years(empty_database_url)[1][4] == date(2027, 2, 23)
    at.date_input(key=f"{key}-t2s").set_value(date(2027, 2, 20))
    at.button(key="FormSubmitter:edit-year-保存学年").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    assert _years(empty_database_url)[1][4] == date(2027, 2, 20)
