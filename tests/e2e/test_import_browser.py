"""The dean's import story in a real browser: template, 200 rows with three mistakes, fix, import, again."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy import config, db, formats, terms
from hxgy.metrics import communication, overview
from hxgy.metrics.roster import ClassFilter
from hxgy.models import Communication, ImportBatch, School, SchoolClass
from tests.conftest import DEMO_ANCHOR
from tests.e2e.server import AppServer, log_in, wait_until_idle

pytestmark = pytest.mark.browser


@pytest.fixture
def writable_server(demo_copy_url: str, browser: Browser) -> Iterator[AppServer]:
    server = AppServer(demo_copy_url).start()
    yield server
    server.stop()


def _unvisited(url: str, limit: int) -> list[tuple[str, str, str]]:
    """(class name, 学号, 姓名) of students no one has visited at home this term, in classes of this year."""
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        term = terms.current_term(session, school_id=school.id, today=DEMO_ANCHOR)
        missing = communication.students_not_reached(
            session, terms.term_period(term, DEMO_ANCHOR), ClassFilter(school.id), home_visit=True
        )
        names = dict(session.execute(select(SchoolClass.id, SchoolClass.name)).all())
        from hxgy.models import Student

        numbers = dict(session.execute(select(Student.id, Student.student_no)).all())
    engine.dispose()
    rows = [
        (names[int(c)], numbers[int(s)], n) for c, s, n in missing[["class_id", "student_id", "student_name"]].values
    ]
    assert len(rows) >= limit, "the demo leaves enough families unvisited"
    return rows[:limit]


def _school_figures(url: str) -> tuple[dict[str, float], int, int]:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        school = session.scalar(select(School).where(School.code == "DH001"))
        term = terms.current_term(session, school_id=school.id, today=DEMO_ANCHOR)
        figures = overview.school_figures(
            session, terms.term_period(term, DEMO_ANCHOR), ClassFilter(school.id), now=config.now()
        )
        contacts = session.scalar(select(func.count()).select_from(Communication))
        batches = session.scalar(select(func.count()).select_from(ImportBatch))
    engine.dispose()
    return figures, contacts, batches


def _fill(template: bytes, students: list[tuple[str, str, str]], mistakes: bool) -> bytes:
    """200 home visits on school days of this term, written into the downloaded template from row 2."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    headers = [str(c.value).rstrip("*") for c in sheet[1]]
    day = date(2026, 11, 2)
    for index, (class_name, student_no, name) in enumerate(students):
        values = {
            "沟通日期": f"{day + timedelta(days=index % 15):%Y/%-m/%-d}",
            "班级": class_name,
            "学号": student_no,
            "学生姓名": name,
            "沟通方式": "家访",
            "方向": "学校→家庭",
            "沟通内容": "家庭教育指导",
            "时长(分钟)": 40,
            "简要记录": "了解孩子在家的作息与阅读情况",
            "需要跟进": "否",
            "教师工号": "",
        }
        for column, header in enumerate(headers, start=1):
            sheet.cell(row=index + 2, column=column, value=values.get(header, ""))
    if mistakes:  # rows 17, 88 and 150 of the spreadsheet
        sheet.cell(row=17, column=headers.index("沟通日期") + 1, value="2026-12-01")
        sheet.cell(row=88, column=headers.index("班级") + 1, value="九(9)班")
        sheet.cell(row=150, column=headers.index("沟通方式") + 1, value="飞鸽传书")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(page: Page, path: Path) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    wait_until_idle(page)
    expect(page.locator('[data-testid="stMetric"]', has_text="数据行")).to_be_visible(timeout=30_000)
    wait_until_idle(page)


def _metric(page: Page, label: str) -> str:
    return (
        page.locator('[data-testid="stMetric"]', has_text=label).locator('[data-testid="stMetricValue"]').inner_text()
    )


def test_the_dean_imports_200_home_visits_after_fixing_three_mistakes(
    browser: Browser, writable_server: AppServer, demo_copy_url: str, artifacts: Path, tmp_path: Path
) -> None:
    students = _unvisited(demo_copy_url, 200)
    before, contacts_before, batches_before = _school_figures(demo_copy_url)
    page = browser.new_page(viewport={"width": 1280, "height": 1600}, locale="zh-CN")
    log_in(page, writable_server.url, "dean", "hxgy-demo")
    page.goto(f"{writable_server.url}/data_transfer")
    wait_until_idle(page)
    page.locator('[data-testid="stSelectbox"]', has_text="数据类型").first.click()
    page.get_by_role("option", name="沟通记录", exact=True).click()
    wait_until_idle(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="下载“沟通记录”模板").click()
    template = Path(download.value.path()).read_bytes()

    wrong = tmp_path / "家访登记.xlsx"
    wrong.write_bytes(_fill(template, students, mistakes=True))
    _upload(page, wrong)
    assert _metric(page, "有误的行") == "3"
    problems = page.locator('[data-testid="stDataFrame"]').first
    expect(problems).to_be_visible()
    page.screenshot(path=artifacts / "import-three-mistakes.png", full_page=True)
    # the three mistakes, by row and column, and nothing else
    with page.expect_download() as report:
        page.get_by_role("button", name="下载问题清单（Excel）").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(report.value.path()).read_bytes())).worksheets[0]
    listed = [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] is not None]
    assert [(r[0], r[1], r[2]) for r in listed] == [(17, "A", "沟通日期"), (88, "B", "班级"), (150, "E", "沟通方式")]
    assert "晚于今天" in listed[0][4] and "没有九(9)班" in listed[1][4] and "飞鸽传书" in listed[2][4]
    expect(page.get_by_role("button", name="导入（新增 197，更新 0）")).to_be_disabled()
    assert _school_figures(demo_copy_url)[1] == contacts_before  # nothing written while rows are wrong

    fixed = tmp_path / "家访登记-已改正.xlsx"
    fixed.write_bytes(_fill(template, students, mistakes=False))
    _upload(page, fixed)  # the uploader takes one file: the new one replaces the old
    assert _metric(page, "有误的行") == "0" and _metric(page, "新增") == "200"
    page.get_by_role("button", name="导入（新增 200，更新 0）").click()
    wait_until_idle(page)
    expect(page.get_by_text("新增 200，更新 0，未变 0")).to_be_visible(timeout=60_000)

    after, contacts_after, batches_after = _school_figures(demo_copy_url)
    assert contacts_after == contacts_before + 200 and batches_after == batches_before + 1
    assert after["visited_students"] == before["visited_students"] + 200
    page.goto(f"{writable_server.url}/overview")
    wait_until_idle(page)
    card = page.locator('[data-testid="stMetric"]', has_text="家访覆盖率").inner_text()
    assert formats.percent(after["home_visit_coverage"]) in card

    page.goto(f"{writable_server.url}/data_transfer")
    wait_until_idle(page)
    page.locator('[data-testid="stSelectbox"]', has_text="数据类型").first.click()
    page.get_by_role("option", name="沟通记录", exact=True).click()
    wait_until_idle(page)
    _upload(page, fixed)
    assert _metric(page, "新增") == "0" and _metric(page, "已存在未变") == "200"
    expect(page.get_by_text("文件中的记录都已存在且没有变化，无需导入。")).to_be_visible()
    page.screenshot(path=artifacts / "import-again-nothing-to-do.png", full_page=True)
    assert _school_figures(demo_copy_url)[1] == contacts_after
    page.close()
