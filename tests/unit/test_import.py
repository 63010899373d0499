"""Importing files into the demo school: the whole story of a filled template, corrections, encodings,
tolerant reading, head teachers' limits, formula text, and a killed import that leaves nothing behind.

The bad-file corpus is in test_import_corpus.py; its helpers (the demo's names, file writers, row counts) are
shared here.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from hxgy import db, exports
from hxgy.auth import load_user
from hxgy.glossary import GRADE_NUMERALS
from hxgy.metrics.overview import class_measures
from hxgy.metrics.roster import ClassFilter
from hxgy.models import AuditLog, ClassTermStats, Communication, ImportBatch, SchoolClass, Student, Term
from hxgy.terms import term_period
from hxgy.transfer.exports import export_frame
from hxgy.transfer.imports import ImportBlocked, ImportResult, prepare, run_import
from hxgy.transfer.kinds import KINDS
from hxgy.transfer.lookup import Lookup
from hxgy.transfer.templates import template_bytes
from hxgy.transfer.values import EXCEL_EPOCH, read_class
from tests.conftest import DEMO_ANCHOR, PROJECT_ROOT, backend
from tests.unit.test_import_corpus import Facts, csv_file, read_facts, table_counts

COMMUNICATION_COLUMNS = ["contacts", "individual_contacts", "contacted_students", "visited_students"]
CHANNELS = ("家访", "电话", "面谈", "线上平台")
TOPICS = ("学习情况", "行为习惯", "身心健康", "安全教育")
NOON = datetime(2026, 11, 22, 12, 0)


@pytest.fixture
def school(demo_copy_url: str) -> Iterator[Engine]:
    """An engine on a private copy of the demo school."""
    eng = db.create_db_engine(demo_copy_url)
    yield eng
    eng.dispose()


@pytest.fixture
def facts(school: Engine) -> Facts:
    return read_facts(school)


# ---- the rows ----------------------------------------------------------------------------------------


def contact_rows(f: Facts, count: int, *, classes: int = 8, start: int = 0) -> list[dict[str, object]]:
    """``count`` valid communications of this term (1 Sep – 20 Nov) across the first classes of the year;
    every tenth is a class-wide notice (no student)."""
    names = [c for c in f.classes if len(f.pupils.get(c, ())) >= 10][:classes]
    rows = []
    for i in range(start, start + count):
        class_name = names[i % len(names)]
        pupils = f.pupils[class_name]
        pupil = pupils[(i // len(names)) % len(pupils)]
        whole_class = i % 10 == 9
        rows.append(
            {
                "沟通日期": date(2026, 9, 1) + timedelta(days=(i * 7) % 81),
                "班级": class_name,
                "学号": "" if whole_class else pupil.no,
                "学生姓名": "" if whole_class else pupil.name,
                "沟通方式": "微信/班级群" if whole_class else CHANNELS[i % len(CHANNELS)],
                "方向": "家庭→学校" if i % 6 == 5 else "学校→家庭",
                "沟通内容": "通知事项" if whole_class else TOPICS[i % len(TOPICS)],
                "时长(分钟)": 5 + i % 50,
                "简要记录": f"第{i + 1}条：了解孩子近况，约定下次沟通",
                "需要跟进": "是" if i % 7 == 0 else "否",
            }
        )
    return rows


def as_text(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The rows as a CSV holds them: dates as 2026-09-01, numbers as digits."""
    return [{k: (v.isoformat() if isinstance(v, date) else str(v)) for k, v in row.items()} for row in rows]


def fill_template(template: bytes, rows: list[dict[str, object]]) -> bytes:
    """The downloaded template with the rows typed in from row 3 (row 2, the example, left as it came)."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book[KINDS["communications"].title]
    columns = {str(cell.value).rstrip("*"): cell.column for cell in sheet[1] if cell.value}
    for number, row in enumerate(rows, start=3):
        for header, value in row.items():
            sheet.cell(number, columns[header], value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_as(engine: Engine, username: str, data: bytes, name: str, **options: object) -> ImportResult:
    """Import in one transaction, committed on success (as the app and the command line do)."""
    with Session(engine) as session:
        user = load_user(session, username)
        assert user is not None
        try:
            result = run_import(session, user, "communications", name, data, today=DEMO_ANCHOR, **options)
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return result


def blocked(engine: Engine, username: str, data: bytes, name: str) -> ImportBlocked:
    with Session(engine) as session:
        user = load_user(session, username)
        assert user is not None
        with pytest.raises(ImportBlocked) as caught:
            run_import(session, user, "communications", name, data, today=DEMO_ANCHOR)
        session.rollback()
    return caught.value


def current_term(session: Session, school_id: int) -> Term:
    term = session.scalar(
        select(Term).where(Term.school_id == school_id, Term.start_date <= DEMO_ANCHOR, Term.end_date >= DEMO_ANCHOR)
    )
    assert term is not None
    return term


def class_ids(session: Session, term: Term) -> dict[str, int]:
    return dict(
        session.execute(
            select(SchoolClass.name, SchoolClass.id).where(SchoolClass.school_year_id == term.school_year_id)
        ).all()
    )


def stored_contacts(engine: Engine) -> dict[str, int]:
    """class_term_stats.contacts of this term's classes, by class name."""
    with Session(engine) as session:
        dean = load_user(session, "dean")
        term = current_term(session, dean.school_id)
        return dict(
            session.execute(
                select(SchoolClass.name, ClassTermStats.contacts)
                .join(SchoolClass, SchoolClass.id == ClassTermStats.class_id)
                .where(ClassTermStats.term_id == term.id)
            ).all()
        )


def stats_agree_with_a_recount(engine: Engine) -> None:
    """The pre-aggregated figures of this term equal the live dashboards' count, class by class."""
    with Session(engine) as session:
        dean = load_user(session, "dean")
        term = current_term(session, dean.school_id)
        live = class_measures(session, term_period(term, DEMO_ANCHOR), ClassFilter(dean.school_id), now=NOON)
        live = live.set_index("class_id")[COMMUNICATION_COLUMNS].astype(int).to_dict("index")
        stored = {
            s.class_id: {c: getattr(s, c) for c in COMMUNICATION_COLUMNS}
            for s in session.scalars(select(ClassTermStats).where(ClassTermStats.term_id == term.id))
        }
    assert stored == live


def batch_and_audit(engine: Engine, batch_id: int) -> tuple[ImportBatch, dict]:
    with Session(engine) as session:
        batch = session.get(ImportBatch, batch_id)
        entry = session.scalars(
            select(AuditLog).where(AuditLog.action == "import", AuditLog.entity_id == batch_id)
        ).one()
        session.expunge(batch)
        assert entry.entity == "communication"
        assert entry.username == "dean"
        return batch, json.loads(entry.after)


# ---- the story: 200 rows, three mistakes, corrected, imported, imported again --------------------------


def test_two_hundred_rows_three_mistakes_then_corrected_then_again(school: Engine, facts: Facts) -> None:
    with Session(school) as session:
        dean = load_user(session, "dean")
        template = template_bytes("communications", Lookup.load(session, dean, DEMO_ANCHOR))
    rows = contact_rows(facts, 200)
    wrong = [dict(r) for r in rows]
    wrong[17 - 3]["沟通日期"] = date(2026, 11, 23)  # spreadsheet row 17: tomorrow
    wrong[88 - 3]["班级"] = "九(9)班"
    wrong[150 - 3]["沟通方式"] = "飞鸽传书"
    before = table_counts(school)
    contacts_before = stored_contacts(school)

    error = blocked(school, "dean", fill_template(template, wrong), "沟通记录-十月.xlsx")
    plan = error.plan
    found = [(p.row, p.column, p.message) for p in plan.problems]
    assert [(row, column) for row, column, _m in found] == [(17, "沟通日期"), (88, "班级"), (150, "沟通方式")]
    assert "晚于今天" in found[0][2]
    assert "没有九(9)班" in found[1][2]
    assert "“飞鸽传书”不是本校的沟通方式" in found[2][2]
    assert plan.bad_rows == {17, 88, 150}
    assert (plan.rows_read, plan.example_rows) == (200, 1)
    assert table_counts(school) == before

    good = fill_template(template, rows)
    result = import_as(school, "dean", good, "沟通记录-十月.xlsx")
    assert (result.added, result.updated, result.unchanged, result.rejected) == (200, 0, 0, 0)
    after = table_counts(school)
    # app_meta: the versions every app process follows (hxgy/changes.py, tested in test_cache_versions.py)
    assert {t: after[t] - before[t] for t in after if after[t] != before[t] and t != "app_meta"} == {
        "communication": 200,
        "import_batch": 1,
        "audit_log": 1,
    }

    # the dashboards: each touched class has exactly its imported rows more, and the figures equal a recount
    contacts_after = stored_contacts(school)
    per_class = Counter(str(r["班级"]) for r in rows)
    assert {c: contacts_after[c] - contacts_before.get(c, 0) for c in per_class} == dict(per_class)
    untouched = set(contacts_after) - set(per_class)
    assert {c: contacts_after[c] for c in untouched} == {c: contacts_before[c] for c in untouched}
    stats_agree_with_a_recount(school)

    batch, audit_after = batch_and_audit(school, result.batch_id)
    digest = hashlib.sha256(good).hexdigest()
    assert (batch.kind, batch.file_name, batch.file_sha256, batch.username) == (
        "communications",
        "沟通记录-十月.xlsx",
        digest,
        "dean",
    )
    assert (batch.rows_read, batch.added, batch.updated, batch.unchanged, batch.rejected) == (200, 200, 0, 0, 0)
    assert audit_after["文件"] == "沟通记录-十月.xlsx"
    assert audit_after["SHA-256"] == digest
    assert (audit_after["新增"], audit_after["更新"], audit_after["未变"], audit_after["有误未导入"]) == (200, 0, 0, 0)

    # the same file again: nothing changes but the record of the import itself
    again = import_as(school, "dean", good, "沟通记录-十月.xlsx")
    assert (again.added, again.updated, again.unchanged, again.rejected) == (0, 0, 200, 0)
    final = table_counts(school)
    changed = {t: final[t] - after[t] for t in final if final[t] != after[t] and t != "app_meta"}  # versions
    assert changed == {"import_batch": 1, "audit_log": 1}
    assert stored_contacts(school) == contacts_after
    batch, audit_after = batch_and_audit(school, again.batch_id)
    assert (batch.file_sha256, batch.added, batch.updated, batch.unchanged) == (digest, 0, 0, 200)
    assert (audit_after["新增"], audit_after["未变"]) == (0, 200)


def test_a_problem_names_the_column_without_the_templates_required_mark(school: Engine, facts: Facts) -> None:
    """The template heads required columns 沟通日期*; the problem report names the column 沟通日期."""
    with Session(school) as session:
        dean = load_user(session, "dean")
        template = template_bytes("communications", Lookup.load(session, dean, DEMO_ANCHOR))
    rows = contact_rows(facts, 3)
    rows[1]["沟通日期"] = date(2026, 11, 23)
    rows[2]["沟通方式"] = "飞鸽传书"
    error = blocked(school, "dean", fill_template(template, rows), "沟通记录.xlsx")
    assert [(p.row, p.column) for p in error.plan.problems] == [(4, "沟通日期"), (5, "沟通方式")]


# ---- corrections, good rows only -------------------------------------------------------------------


def test_a_corrected_file_updates_the_changed_rows_and_audits_each(school: Engine, facts: Facts) -> None:
    rows = as_text(contact_rows(facts, 20))
    first = import_as(school, "dean", csv_file(rows), "沟通记录.csv")
    assert (first.added, first.updated) == (20, 0)
    changed_rows = (2, 5, 9, 13, 17)
    corrected = [dict(r) for r in rows]
    for i in changed_rows:
        corrected[i]["时长(分钟)"] = str(int(rows[i]["时长(分钟)"]) + 100)
    before = table_counts(school)
    result = import_as(school, "dean", csv_file(corrected), "沟通记录-改正.csv")
    assert (result.added, result.updated, result.unchanged, result.rejected) == (0, 5, 15, 0)
    after = table_counts(school)
    assert after["communication"] == before["communication"]
    assert after["audit_log"] == before["audit_log"] + 6  # five updates and the import
    with Session(school) as session:
        updates = session.scalars(
            select(AuditLog)
            .where(AuditLog.action == "update", AuditLog.entity == "communication")
            .order_by(AuditLog.id.desc())
            .limit(5)
        ).all()
        assert len(updates) == 5
        changes = sorted(((json.loads(u.before), json.loads(u.after)) for u in updates), key=str)
        wanted = sorted(
            (
                ({"duration_min": int(rows[i]["时长(分钟)"])}, {"duration_min": int(rows[i]["时长(分钟)"]) + 100})
                for i in changed_rows
            ),
            key=str,
        )
        assert changes == wanted
        assert all(str(result.batch_id) in u.detail and u.username == "dean" for u in updates)
        for u in updates:
            record = session.get(Communication, u.entity_id)
            assert record.duration_min == json.loads(u.after)["duration_min"]
    stats_agree_with_a_recount(school)


def test_good_rows_only_imports_the_good_rows_and_counts_the_rest(school: Engine, facts: Facts) -> None:
    rows = as_text(contact_rows(facts, 10))
    rows[3]["沟通日期"] = "2026-02-30"
    rows[7]["班级"] = "火箭班"
    before = table_counts(school)
    result = import_as(school, "dean", csv_file(rows), "沟通记录.csv", accept_good_rows=True)
    assert (result.added, result.updated, result.unchanged, result.rejected) == (8, 0, 0, 2)
    after = table_counts(school)
    assert after["communication"] == before["communication"] + 8
    with Session(school) as session:
        batch = session.get(ImportBatch, result.batch_id)
        assert (batch.rows_read, batch.added, batch.rejected) == (10, 8, 2)
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "import")).one()
        assert json.loads(entry.after)["有误未导入"] == 2
        summaries = set(
            session.scalars(select(Communication.summary).where(Communication.id.in_(_latest_ids(session, 8))))
        )
    assert rows[3]["简要记录"] not in summaries and rows[7]["简要记录"] not in summaries
    assert {r["简要记录"] for i, r in enumerate(rows) if i not in (3, 7)} <= summaries


# ---- encodings and tolerant reading ------------------------------------------------------------------


def test_csv_in_every_encoding_imports_the_same_records(school: Engine, facts: Facts) -> None:
    rows = as_text(contact_rows(facts, 12))
    variants = {
        "utf8-bom.csv": csv_file(rows, encoding="utf-8-sig"),
        "gbk.csv": csv_file(rows, encoding="gbk"),
        "gb18030.csv": csv_file(rows, encoding="gb18030"),
        "utf16-tab.txt": csv_file(rows, encoding="utf-16", delimiter="\t"),
    }
    assert variants["gbk.csv"] != variants["utf8-bom.csv"]
    results = {name: import_as(school, "dean", data, name) for name, data in variants.items()}
    first = results["utf8-bom.csv"]
    assert (first.added, first.updated, first.rejected) == (12, 0, 0)
    for name, result in list(results.items())[1:]:
        assert (result.added, result.updated, result.unchanged, result.rejected) == (0, 0, 12, 0), name
    with Session(school) as session:
        summaries = set(session.scalars(select(Communication.summary)))
    assert {r["简要记录"] for r in rows} <= summaries


def test_tolerant_reading_of_what_people_type(school: Engine, facts: Facts) -> None:
    grade, number = read_class(facts.head_class)
    numeral = GRADE_NUMERALS[grade - 1]
    pupils = facts.head
    day = date(2026, 10, 8)
    typed = [  # (沟通日期, 班级, 学号, 时长) as people type them
        ("２０２６－１０－０８", f"{numeral}（{number}）班", pupils[0].no, "30"),
        ((day - EXCEL_EPOCH).days, f"{grade}年级{number}班", pupils[1].no, "３０"),
        ("2026/10/8", f"{grade}-{number}", pupils[2].no, " 30 "),
        ("2026年10月8日", f"  {facts.head_class}  ", f"  {pupils[3].no} ", "30分钟"),
        (" 2026-10-08 ", f"{numeral}年级{number}班", pupils[4].no, "30"),
    ]
    headers = ["简要记录", "家长签字", "时长（分钟）", " 沟通方式 ", "学号", "班级", "沟通日期"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "沟通记录"
    sheet.append(headers)
    for i, (when, class_text, no, minutes) in enumerate(typed):
        sheet.append([f" 第{i}次电话 ", "已签", minutes, "  电话", no, class_text, when])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    with Session(school) as session:
        dean = load_user(session, "dean")
        plan = prepare(session, dean, "communications", "手填.xlsx", data, today=DEMO_ANCHOR)
        term = current_term(session, dean.school_id)
        head_class_id = class_ids(session, term)[facts.head_class]
        students = dict(
            session.execute(select(Student.student_no, Student.id).where(Student.school_id == dean.school_id)).all()
        )
    assert plan.problems == []
    assert plan.extra_columns == ["家长签字"]
    assert len(plan.new) == 5
    for p, (_when, _class, no, _minutes) in zip(plan.new, typed, strict=True):
        assert p.record.contact_date == day
        assert p.record.class_id == head_class_id
        assert p.record.student_id == students[no.strip()]
        assert p.record.duration_min == 30
        assert p.record.summary == f"第{p.row - 2}次电话"
    result = import_as(school, "dean", data, "手填.xlsx")
    assert (result.added, result.rejected) == (5, 0)


# ---- head teachers -----------------------------------------------------------------------------------


def test_a_head_teacher_imports_for_their_own_class_only(school: Engine, facts: Facts) -> None:
    own = [
        {
            "沟通日期": f"2026-10-{10 + i}",
            "班级": facts.head_class,
            "学号": p.no,
            "沟通方式": "电话",
            "时长(分钟)": "10",
        }
        for i, p in enumerate(facts.head[:3])
    ]
    result = import_as(school, "headteacher", csv_file(own), "本班.csv")
    assert (result.added, result.rejected) == (3, 0)
    with Session(school) as session:
        head = load_user(session, "headteacher")
        staff = set(
            session.scalars(select(Communication.staff_id).where(Communication.id.in_(_latest_ids(session, 3))))
        )
    assert staff == {head.staff_id}

    stranger = facts.other[0]
    other = {"沟通日期": "2026-10-20", "班级": facts.other_class, "学号": stranger.no, "沟通方式": "电话"}
    before = table_counts(school)
    error = blocked(school, "headteacher", csv_file([*own, other]), "别班.csv")
    assert [(p.row, p.column) for p in error.plan.problems] == [(5, "班级")]
    assert "不是您任教的班级" in error.plan.problems[0].message
    assert len(error.plan.same) == 3  # the own rows are already there
    assert table_counts(school) == before


def _latest_ids(session: Session, count: int) -> list[int]:
    return list(session.scalars(select(Communication.id).order_by(Communication.id.desc()).limit(count)))


# ---- formula text --------------------------------------------------------------------------------------


def test_formula_text_is_stored_as_typed_and_exported_as_text(school: Engine, facts: Facts) -> None:
    formula = '=HYPERLINK("http://x")'
    rows = as_text(contact_rows(facts, 3))
    rows[1]["简要记录"] = formula
    rows[2]["简要记录"] = "-家长未接电话，+1 次回拨"
    result = import_as(school, "dean", csv_file(rows), "沟通记录.csv")
    assert result.added == 3
    with Session(school) as session:
        dean = load_user(session, "dean")
        stored = set(
            session.scalars(select(Communication.summary).where(Communication.id.in_(_latest_ids(session, 3))))
        )
        assert {formula, "-家长未接电话，+1 次回拨"} <= stored
        term = current_term(session, dean.school_id)
        frame = export_frame(session, dean, "communications", term_id=term.id, today=DEMO_ANCHOR)
    exported = exports.excel_bytes({KINDS["communications"].title: frame}, stamp=term.name)
    sheet = openpyxl.load_workbook(io.BytesIO(exported))[KINDS["communications"].title]
    cells = [c for line in sheet.iter_rows() for c in line if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert len(cells) == 1
    assert cells[0].data_type == "s"
    assert not cells[0].value.startswith("=")
    assert cells[0].value.endswith(formula)
    assert all(c.data_type != "f" for line in sheet.iter_rows() for c in line)

    before = table_counts(school)
    again = import_as(school, "dean", exported, "导出.xlsx")
    assert (again.added, again.updated, again.rejected) == (0, 0, 0)
    assert again.unchanged == len(frame)
    after = table_counts(school)
    changed = {t: after[t] - before[t] for t in after if after[t] != before[t] and t != "app_meta"}  # versions
    assert changed == {"import_batch": 1, "audit_log": 1}


# ---- a killed import --------------------------------------------------------------------------------------


def test_a_killed_import_leaves_the_database_as_it_was(
    demo_copy_url: str, school: Engine, facts: Facts, tmp_path
) -> None:
    path = tmp_path / "三万条沟通记录.csv"
    path.write_bytes(csv_file(as_text(contact_rows(facts, 30_000, classes=24))))
    before = table_counts(school)
    school.dispose()
    process = subprocess.Popen(
        [sys.executable, "-m", "hxgy", "import", "communications", str(path), "--user", "dean"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "HXGY_DATABASE_URL": demo_copy_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    lines: list[str] = []
    try:
        assert process.stderr is not None
        while line := process.stderr.readline():
            lines.append(line.strip())
            if line.startswith("写入数据库"):
                process.send_signal(signal.SIGKILL)
                break
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=120)
    assert lines and lines[-1].startswith("写入数据库"), lines
    assert process.returncode == -signal.SIGKILL

    after = table_counts(school)
    assert after == before  # one transaction: not one row of the 30,000, no batch, no audit entry
    if backend() == "sqlite":
        connection = sqlite3.connect(make_url(demo_copy_url).database)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            connection.close()
    # the kill came while rows were being written, not after the last of them
    percent = int(lines[-1].split()[-1].rstrip("%"))
    assert percent < 100, f"the first progress line of the writing was “{lines[-1]}”: {lines}"
