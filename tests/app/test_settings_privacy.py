"""设置 → 家庭数据（查询与删除）: find a student, export the family's file (audited), erase one who left only after
their name is typed, refuse one still at school; the 留存年限 saved; record a student leaving (登记离校) and undo it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import config, db
from hxgy.models import AuditLog, Enrolment, School, Student
from tests.app.conftest import all_text
from tests.conftest import run_cli
from tests.unit.privacy_school import GONE, STAYS, privacy_school


def _school(url: str) -> tuple[str, int, int]:
    """The privacy school and a dean account: (username, id of 钱多多, id of 孙小美)."""
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        s, _ = privacy_school(session)
        dean = s.user("dean", "德育主任乙")
        session.commit()
        found = (dean.username, s.students[GONE].id, s.students[STAYS].id)
    engine.dispose()
    return found


def _student_box(at):
    """The 学生 box of 家庭数据 (its key changes with the students' labels; 家委会 has a 学生 box too)."""
    tab = next(t for t in at.tabs if t.label == "家庭数据")
    return next(s for s in tab.selectbox if s.label == "学生")


def _in_privacy_tab(at) -> str:
    """The success messages drawn in the 家庭数据 tab itself: shown above the tabs they move them, and the browser
    opens the page again on the first tab (学年学期)."""
    tab = next(t for t in at.tabs if t.label == "家庭数据")
    assert not at.main.success or all(m in tab.success for m in at.main.success)
    return "\n".join(str(m.value) for m in tab.success)


def _read(url: str, statement):
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        found = list(session.scalars(statement))
    engine.dispose()
    return found


def test_the_dean_exports_then_erases_a_student_who_left(make_app, empty_database_url) -> None:
    url = empty_database_url
    assert run_cli(url, "migrate").returncode == 0
    dean, gone_id, stays_id = _school(url)
    at = make_app(url, dean)
    at.run()
    at.switch_page("pages/settings.py")
    at.run()
    assert not at.exception, at.exception
    assert "家庭数据（查询与删除）" in all_text(at)

    # several students found: none chosen for the dean, no file offered until they pick one
    at.text_input(key="privacy-search").set_value("S000").run()
    assert len(_student_box(at).options) == 3 and _student_box(at).value is None
    # a student whose class ended without a leaving recorded (no 升年级 yet) is not called 在读
    assert f"{STAYS}（学号 S0002，三(1)班，在班至 2026-08-31，未登记离校）" in _student_box(at).options
    assert not [b for b in at.button if b.label == "导出该生全部数据"]

    at.text_input(key="privacy-search").set_value(STAYS).run()
    # her class ended on 2026-08-31 and nobody marked her as left: say so, and how (毕业 needs no day)
    assert "（学号 S0002，在班至 2026-08-31）未登记离校：请先在“登记离校”中登记离校日期" in all_text(at)
    assert "选“毕业”时离校日期可不填（即在班最后一天）" in all_text(at)
    assert "毕业可不填，即 2026-08-31" in at.date_input(key=f"privacy-left-on-{stays_id}").label
    assert not [b for b in at.button if b.label == "删除该生个人信息"]

    at.text_input(key="privacy-search").set_value("钱").run()
    assert _student_box(at).value == gone_id
    text = all_text(at)
    assert f"将删除 {GONE}（学号 S0001）" in text and "监护人 2 名" in text and "此操作不能撤销" in text
    at.button(key=f"privacy-export-{gone_id}").click().run()
    assert not at.exception, at.exception
    exports = _read(url, select(AuditLog.detail).where(AuditLog.action == "export"))
    assert len(exports) == 1 and exports[0].startswith(f"家庭数据（学生编号 {gone_id}）：33 行")

    form = f"privacy-erase-{gone_id}"
    at.button(key=f"FormSubmitter:{form}-删除该生个人信息").click().run()
    assert f"未删除：请在上面的框里输入该生姓名“{GONE}”" in all_text(at)
    at.text_input(key=f"privacy-confirm-{gone_id}").set_value("钱多")
    at.button(key=f"FormSubmitter:{form}-删除该生个人信息").click().run()
    assert f"输入的姓名“钱多”与该生姓名“{GONE}”不一致，未删除" in all_text(at)
    assert GONE in _read(url, select(Student.name))

    at.text_input(key=f"privacy-confirm-{gone_id}").set_value(GONE)
    at.button(key=f"FormSubmitter:{form}-删除该生个人信息").click().run()
    assert not at.exception, at.exception
    assert f"已删除该生（编号 {gone_id}）及 2 名监护人的个人信息" in _in_privacy_tab(at)
    names = _read(url, select(Student.name).order_by(Student.id))
    assert GONE not in names and f"已删除学生#{gone_id}" in names and STAYS in names
    assert stays_id in _read(url, select(Student.id).where(Student.erased_at.is_(None)))
    # the export's audit line named the file after the child: scrubbed too
    assert not [d for d in _read(url, select(AuditLog.detail)) if GONE in d]
    # found by the name it has now: nothing left to export
    at.text_input(key="privacy-search").set_value(f"已删除学生#{gone_id}").run()
    assert "没有可导出的家庭数据" in all_text(at)
    assert not [b for b in at.button if b.label == "导出该生全部数据"]

    at.number_input(key="privacy-retention-years").set_value(50)
    at.button(key="FormSubmitter:privacy-retention-保存留存年限").click().run()
    assert "留存年限**：应在 1 到 30 年之间（现为 50）" in all_text(at)
    assert _read(url, select(School.retention_years)) == [3]
    at.number_input(key="privacy-retention-years").set_value(5)
    at.button(key="FormSubmitter:privacy-retention-保存留存年限").click().run()
    assert "个人信息留存年限已保存：学生离校 5 年后删除其个人信息" in _in_privacy_tab(at)
    assert _read(url, select(School.retention_years)) == [5]


def test_the_dean_records_a_student_leaving_then_undoes_it(make_app, empty_database_url) -> None:
    url = empty_database_url
    assert run_cli(url, "migrate").returncode == 0
    dean, _gone_id, stays_id = _school(url)
    at = make_app(url, dean)
    at.run()
    at.switch_page("pages/settings.py")
    at.run()
    at.text_input(key="privacy-search").set_value(STAYS).run()
    assert not at.exception, at.exception
    form = f"privacy-leave-{stays_id}"
    # no day chosen for the dean; a later day is refused in words (the widget has no bounds to clamp it silently)
    at.radio(key=f"privacy-reason-{stays_id}").set_value("转出")
    at.button(key=f"FormSubmitter:{form}-登记离校").click().run()
    assert "离校日期**：必须填写" in all_text(at)
    later = config.today() + timedelta(days=3)
    at.date_input(key=f"privacy-left-on-{stays_id}").set_value(later)
    at.button(key=f"FormSubmitter:{form}-登记离校").click().run()
    assert f"{later:%Y-%m-%d} 晚于今天" in all_text(at)
    assert _read(url, select(Student.active).where(Student.id == stays_id)) == [True]
    at.date_input(key=f"privacy-left-on-{stays_id}").set_value(date(2026, 5, 10))
    at.radio(key=f"privacy-reason-{stays_id}").set_value("转出")
    at.button(key=f"FormSubmitter:{form}-登记离校").click().run()
    assert not at.exception, at.exception
    assert f"已登记{STAYS}于 2026-05-10 离校（转出）：从次日起不再计入三(1)班。" in _in_privacy_tab(at)
    # the 学生 box says so at once (a box keyed alike kept showing 在读 in the browser)
    assert "已离校（2026-05-10）" in _student_box(at).options[0]
    assert _read(url, select(Student.active).where(Student.id == stays_id)) == [False]
    assert _read(url, select(Enrolment.end_date).where(Enrolment.student_id == stays_id)) == [date(2026, 5, 10)]
    text = all_text(at)
    assert f"{STAYS}已于 2026-05-10 离校（转出）" in text and f"将删除 {STAYS}（学号 S0002）" in text

    at.button(key=f"privacy-return-{stays_id}").click().run()
    assert not at.exception, at.exception
    assert f"已撤销{STAYS}于 2026-05-10 的离校登记，该生回到在读（三(1)班恢复原样）。" in _in_privacy_tab(at)
    assert _read(url, select(Student.active).where(Student.id == stays_id)) == [True]
    assert _read(url, select(Enrolment.end_date).where(Enrolment.student_id == stays_id)) == [None]
    assert "未登记离校：请先在“登记离校”中登记离校日期" in all_text(at)
