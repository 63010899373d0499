"""docs/onboarding.md, followed to the letter on an empty database: its commands, its filled templates, its figures.

The test reads the guide itself: every ``python -m hxgy`` line of its ``sh`` code blocks is run in order (in a
temporary directory, against an empty database of the backend under test), and each table after
``<!-- fill FILE -->`` is written into the template FILE that an earlier command made, under the template's own
headers. At the end the figures of ``metrics --format json`` are checked against values worked out by hand here
(and against the table the guide prints under ``<!-- figures -->``), so the guide cannot drift from the product.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.cli import main
from hxgy.models import AuditLog, SchoolYear, Staff, Term, UserAccount
from tests.conftest import PROJECT_ROOT, run_cli

GUIDE = PROJECT_ROOT / "docs" / "onboarding.md"
FILL = re.compile(r"<!--\s*fill\s+(\S+)\s*-->")
FIGURES = "<!-- figures -->"


@dataclass
class Step:
    """One thing the guide says to do: run a command, or fill a template with a table's rows."""

    command: list[str] | None = None
    fill: str | None = None
    table: list[dict[str, str]] | None = None


def _table(lines: list[str], start: int) -> tuple[list[dict[str, str]], int]:
    """The markdown table starting at ``lines[start]`` as dicts by header, and the index after it."""

    def cells(line: str) -> list[str]:
        return [c.strip() for c in line.strip().strip("|").split("|")]

    header = cells(lines[start])
    rows, i = [], start + 2  # skip the | --- | line
    while i < len(lines) and lines[i].strip().startswith("|"):
        rows.append(dict(zip(header, cells(lines[i]), strict=True)))
        i += 1
    return rows, i


def read_guide(text: str) -> tuple[list[Step], list[dict[str, str]]]:
    """The guide's steps in order, and its table of expected figures."""
    lines = text.splitlines()
    steps: list[Step] = []
    figures: list[dict[str, str]] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("```sh"):
            i += 1
            while not lines[i].strip().startswith("```"):
                command = lines[i].strip()
                if command.startswith("python -m hxgy "):
                    steps.append(Step(command=shlex.split(command)[3:]))
                i += 1
        elif match := FILL.fullmatch(line):
            rows, i = _table(lines, i + 1)
            steps.append(Step(fill=match.group(1), table=rows))
            continue
        elif line == FIGURES:
            figures, i = _table(lines, i + 1)
            continue
        i += 1
    return steps, figures


def fill_template(path: Path, rows: list[dict[str, str]]) -> None:
    """Write rows into a template made by ``python -m hxgy template``: by header, over its example row, as text.

    Numbers are written as numbers and dates as typed text, as a school user types them.
    """
    book = load_workbook(path)
    sheet = book.worksheets[0]
    headers = {str(c.value).rstrip("*").strip(): c.column for c in sheet[1] if c.value}
    missing = {h for row in rows for h in row} - set(headers)
    assert not missing, f"{path.name}: the guide's table has columns the template has not: {missing}"
    sheet.delete_rows(2, sheet.max_row)  # the example row
    for r, row in enumerate(rows, start=2):
        for header, value in row.items():
            if value == "":
                continue
            is_number = re.fullmatch(r"\d+(\.\d+)?", value) and not header.endswith("号") and header != "联系电话"
            sheet.cell(r, headers[header], float(value) if is_number and "." in value else
                       int(value) if is_number else value)  # fmt: skip
    book.save(path)


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(empty_database_url, tmp_path, monkeypatch, capsys):
    """``python -m hxgy ARGS`` in the test's directory against the empty database.

    In this process (hxgy.cli.main, the function ``python -m hxgy`` calls) rather than a new Python for each of
    the guide's thirty-odd commands; ``test_the_command_line_entry_point_is_the_same`` runs one the other way.
    """
    monkeypatch.setenv("HXGY_DATABASE_URL", empty_database_url)
    monkeypatch.setenv("HXGY_ADMIN_PASSWORD", "")
    monkeypatch.chdir(tmp_path)

    def run(args: list[str]) -> Ran:
        capsys.readouterr()
        code = main(args)
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return run


# Worked out by hand from the guide's tables (2026-2027学年第一学期 up to 2026-11-22; 三(1)班 4 pupils, 三(2)班 3):
# - contacts about one pupil: 三(1)班 101 家访, 102 电话, 101 面谈; 三(2)班 201 家访, 202 家访, 202 电话 → 6,
#   plus 三(1)班's class-wide 家长会 → 7 contacts; pupils covered 101, 102, 201, 202 → 4/7; home visits 101, 201,
#   202 → 3/7; per family 6/7.
# - volunteering: confirmed 1.5 h + 2 h (张, 三(1)班) and 1 h (孙, 三(2)班); 吴's record is not confirmed → 3 人次,
#   4.5 h, families 1 + 1 = 2 of 7 pupils.
# - activities: the grade's 家长学校 (三(1)班 3 parents, 三(2)班 2) and the school-wide 运动会 → 2; attendance
#   (3 + 2) / (1 × 4 + 1 × 3) = 5/7 (the 运动会 has no per-class attendance).
# - requests: answered after 25 h (on time, limit 72 h) and after 5 days 2 h (late) → 1/2.
# - 德育: 三(2)班's three pupils, teacher-scored on the 4 dimensions: totals 92.5, 82, 71.25 → 优秀, 良好, 合格:
#   good rate 2/3, average 81.9166…, completion 3/7.
# - satisfaction: (4 + 2) / (4 + 3) = 6/7.
EXPECTED = {
    "students": 7,
    "contacts": 7,
    "contact_coverage": 4 / 7,
    "home_visit_coverage": 3 / 7,
    "contacts_per_family": 6 / 7,
    "volunteer_records": 3,
    "volunteer_hours": 4.5,
    "volunteer_participation": 2 / 7,
    "activities": 2,
    "parent_attendance": 5 / 7,
    "response_on_time": 1 / 2,
    "moral_completion": 3 / 7,
    "moral_good_rate": 2 / 3,
    "moral_average": (92.5 + 82 + 71.25) / 3,
    "satisfaction": 6 / 7,
}


def _as_written(text: str) -> float:
    """A figure as the guide writes it: 57.1% → 0.571, 4.5 → 4.5."""
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


def test_the_guide_has_every_step_in_order() -> None:
    """The guide keeps the order a school's data depends on: year, staff, accounts, roster, classes, records."""
    steps, figures = read_guide(GUIDE.read_text(encoding="utf-8"))
    commands = [" ".join(s.command[:2]) for s in steps if s.command]
    order = [
        "init --school",
        "year add",
        "import staff",
        "create-user zhaomin",
        "import students",
        "import guardians",
        "import staff",
        "import communications",
        "metrics --format",
    ]
    positions, at = [], 0
    for wanted in order:
        at = next(i for i in range(at, len(commands)) if commands[i].startswith(wanted))
        positions.append(at)
        at += 1
    assert positions == sorted(positions)
    assert {f["key"] for f in figures} <= set(EXPECTED), "the guide shows a figure the test does not check"


def test_a_new_school_follows_the_guide_to_its_first_dashboard(cli, empty_database_url, tmp_path) -> None:
    """Every command of docs/onboarding.md succeeds in order, and the dashboard's figures are the hand-worked ones."""
    steps, figures = read_guide(GUIDE.read_text(encoding="utf-8"))
    assert len([s for s in steps if s.fill]) >= 9 and figures
    for step in steps:
        if step.fill:
            fill_template(tmp_path / step.fill, step.table)
            continue
        result = cli(step.command)
        assert result.returncode == 0, f"{' '.join(step.command)}\n{result.stdout}\n{result.stderr}"
        if step.command[0] == "import":
            assert "有误未导入 0" in result.stdout, result.stdout + result.stderr
            assert "新增 0，更新 0" not in result.stdout, f"{' '.join(step.command)} changed nothing: {result.stdout}"

    payload = json.loads((tmp_path / "first-term.json").read_text(encoding="utf-8"))
    assert payload["period"] == "2026-2027学年第一学期"
    school = next(r for r in payload["rows"] if r["class_name"] == "全校合计")
    by_class = {r["class_name"]: r for r in payload["rows"] if r["class_name"] != "全校合计"}
    assert set(by_class) == {"三(1)班", "三(2)班"}
    assert (by_class["三(1)班"]["students"], by_class["三(2)班"]["students"]) == (4, 3)
    for key, value in EXPECTED.items():
        if key in school:
            assert school[key] == pytest.approx(value), key
    # the measures the JSON table has no column for are checked through the page's own function
    engine = db.create_db_engine(empty_database_url)
    try:
        from hxgy import config
        from hxgy.metrics.overview import school_figures
        from hxgy.metrics.roster import ClassFilter
        from hxgy.terms import term_period

        with Session(engine) as session:
            term = session.scalar(select(Term).where(Term.name == "2026-2027学年第一学期"))
            school_id = term.school_id
            figures_now = school_figures(
                session, term_period(term, config.today()), ClassFilter(school_id), now=config.this_hour()
            )
            linked = dict(session.execute(select(UserAccount.username, Staff.staff_no).join(Staff)).all())
    finally:
        engine.dispose()
    for key, value in EXPECTED.items():
        assert figures_now[key] == pytest.approx(value), key
    assert linked == {"zhaomin": "T003", "wangfang": "T001", "liming": "T002"}
    # the guide's table of figures says the same, to its precision
    for row in figures:
        written = _as_written(row["全校"])
        digits = len(row["全校"].rstrip("%").partition(".")[2]) + (2 if row["全校"].endswith("%") else 0)
        assert math.isclose(round(EXPECTED[row["key"]], digits), written, abs_tol=1e-9), row


# ---- the refusals the guide promises -------------------------------------------------------------------------


def test_year_commands_refuse_inverted_and_overlapping_dates_and_edit_with_an_audit(cli, empty_database_url) -> None:
    """year add/edit/list: inverted or overlapping dates are refused in Chinese and nothing is saved."""
    assert cli(["init", "--school", "示范小学"]).returncode == 0
    year = ["--start", "2026-08-25", "--end", "2027-07-31", "--term2", "2027-02-23:2027-07-04"]
    inverted = cli(["year", "add", "2026", *year, "--term1", "2026-09-01:2026-08-31"])
    assert inverted.returncode == 2 and "第一学期：结束日期不能早于开始日期" in inverted.stderr
    assert "还没有学年" in cli(["year", "list"]).stdout
    made = cli(["year", "add", "2026", *year, "--term1", "2026-09-01:2027-01-20"])
    assert made.returncode == 0, made.stderr
    overlap = cli(
        ["year", "add", "2027", "--start", "2027-07-01", "--end", "2028-07-31",
         "--term1", "2027-09-01:2028-01-20", "--term2", "2028-02-21:2028-07-04"],
    )  # fmt: skip
    assert overlap.returncode == 2 and "与已有的2026-2027学年日期重叠" in overlap.stderr
    crossing = cli(["year", "edit", "2026", "--term2", "2027-01-10:2027-07-04"])
    assert crossing.returncode == 2 and "第二学期：必须在第一学期结束之后开始" in crossing.stderr
    moved = cli(["year", "edit", "2026", "--term2", "2027-02-20:2027-07-04"])
    assert moved.returncode == 0, moved.stderr
    listing = cli(["year", "list"]).stdout
    assert "2026-2027学年第二学期  2027-02-20 至 2027-07-04" in listing
    assert "2026-2027学年第一学期  2026-09-01 至 2027-01-20" in listing
    engine = db.create_db_engine(empty_database_url)
    with Session(engine) as session:
        assert session.scalar(select(SchoolYear.name)) == "2026-2027学年"
        entries = session.execute(
            select(AuditLog.action, AuditLog.username).where(AuditLog.entity == "school_year").order_by(AuditLog.id)
        ).all()
        assert [tuple(e) for e in entries] == [("create", "cli"), ("update", "cli")]
    engine.dispose()


def test_create_user_links_head_teachers_and_teachers_to_staff(cli, empty_database_url) -> None:
    """--staff 工号 is required for head_teacher and teacher accounts and must name a member of staff."""
    assert cli(["init", "--school", "示范小学"]).returncode == 0
    for role in ("head_teacher", "teacher"):
        bare = cli(["create-user", "wf", "--role", role, "--display-name", "王芳"])
        assert bare.returncode == 2 and "必须关联教职工" in bare.stderr
    unknown = cli(["create-user", "wf", "--role", "teacher", "--display-name", "王", "--staff", "X9"])
    assert unknown.returncode == 2 and "没有工号 X9" in unknown.stderr
    engine = db.create_db_engine(empty_database_url)
    with Session(engine) as session:
        assert session.scalar(select(UserAccount.id).where(UserAccount.username == "wf")) is None
    engine.dispose()


def test_the_command_line_entry_point_is_the_same(empty_database_url) -> None:
    """The guide's first two commands through ``python -m hxgy`` itself, in a new process."""
    assert run_cli(empty_database_url, "init", "--school", "示范小学").returncode == 0
    steps, _ = read_guide(GUIDE.read_text(encoding="utf-8"))
    year = next(s.command for s in steps if s.command and s.command[:2] == ["year", "add"])
    made = run_cli(empty_database_url, *year)
    assert made.returncode == 0 and "已添加 2026-2027学年" in made.stdout, made.stderr
