"""The term report (学期报告): its sentences, its appendix and its overview against figures worked out elsewhere.

Tiny school 测试小学, report for 2025-2026学年第二学期 (2026-02-24 … 2026-07-05), compared with 第一学期.
Classes: 一(1)班 王小明 李小红 张小刚 赵小丽 (4 students), 一(2)班 陈小华 刘小军 (2), all year.

第一学期: 家访 王小明 (一(1)), 陈小华 (一(2)) → contacted 2/6 = 33.3 %, visited 2/6 = 33.3 %,
          户均 2/6 = 0.33 次; school survey 40 answers, 36 satisfied → 90.0 %.
第二学期: 家访 王小明 李小红 张小刚 (一(1)) 陈小华 刘小军 (一(2)); phone 赵小丽; a class-wide notice in 一(1)
          → contacts 7, individual 6, contacted 6/6 = 100.0 % (+66.7 points), visited 5/6 = 83.3 % (+50.0 points),
            一(1) 3/4 = 75.0 % (lowest), 一(2) 2/2 = 100.0 % (best), 户均 6/6 = 1.0 次 (+0.7 次: 1.0 against 0.3);
          volunteer 王小明's mother 2.5 h → 1 人次, participation 1/6 = 16.7 %, 0.4 h per family (0.42), 1 more waiting;
          requests of 一(1): answered after 96 h (late), after 2 h (on time) → 1 of 2 = 50.0 %, none last term;
          school survey 50 answers, 48 satisfied → 96.0 % (+6.0 points);
          targets 沟通覆盖率 100 % (met), 家访覆盖率 100 % (missed), 满意度 95 % (met); no 德育 scores.
"""

from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from docx import Document
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import formats
from hxgy.metrics import small_groups
from hxgy.models import Guardian, Honour, Student, Target, Term
from hxgy.report import ReportError, ReportScope, make_report
from hxgy.report.document import east_asian_font
from hxgy.report.summary import APPENDIX_COLUMNS
from hxgy.report.wording import change_text
from tests.builders import TinySchool, tiny_school
from tests.conftest import run_cli

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 12, 0)
DEMO_TERM = "2025-2026学年第二学期"
HEADINGS = [
    "一、总体概况",
    "二、家校沟通",
    "三、家访",
    "四、家长志愿服务",
    "五、德育评价",
    "六、协同活动与合作单位",
    "七、家长满意度",
    "八、工作要求落实情况",
    "九、家委会与荣誉表彰",
    "十、工作举措与成效",  # the demo's dean wrote these for finished terms (db/demo/report_parts.py)
    "十一、典型案例",
    "十二、下一步工作计划",
    "附表",
]


def docx_text(doc: Document) -> str:
    """Every paragraph and every table cell of a document, one per line."""
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def paragraph(doc: Document, start: str) -> str:
    """The first paragraph that begins with ``start``."""
    found = [p.text for p in doc.paragraphs if p.text.startswith(start)]
    assert found, f"no paragraph begins with {start}"
    return found[0]


@pytest.fixture
def school(engine) -> TinySchool:
    session = Session(engine)
    s = tiny_school(session)
    s.add_class(1, 1)
    s.add_class(1, 2)
    for name in ("王小明", "李小红", "张小刚", "赵小丽"):
        s.add_student(name, "一(1)班")
    for name in ("陈小华", "刘小军"):
        s.add_student(name, "一(2)班")
    s.contact("一(1)班", date(2025, 10, 10), "王小明", channel="home_visit")
    s.contact("一(2)班", date(2025, 10, 12), "陈小华", channel="home_visit")
    s.survey(None, 40, 36, term=s.term1)
    for name in ("王小明", "李小红", "张小刚"):
        s.contact("一(1)班", date(2026, 3, 5), name, channel="home_visit")
    for name in ("陈小华", "刘小军"):
        s.contact("一(2)班", date(2026, 3, 6), name, channel="home_visit")
    s.contact("一(1)班", date(2026, 3, 9), "赵小丽", channel="phone")
    s.contact("一(1)班", date(2026, 3, 1), None, channel="wechat")
    s.volunteer("一(1)班", "王小明", date(2026, 3, 10), 2.5)
    s.volunteer("一(1)班", "王小明", date(2026, 3, 17), 1.0, confirmed=False)  # 待确认: in no figure
    s.request("一(1)班", datetime(2026, 3, 2, 9), datetime(2026, 3, 6, 9))
    s.request("一(1)班", datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 11))
    s.survey(None, 50, 48, term=s.term2)
    s.activity("春季家长会", date(2026, 3, 15), "parent_meeting", "school", {"一(1)班": 3, "一(2)班": 2})
    for measure, value in (("contact_coverage", 100), ("home_visit_coverage", 100), ("satisfaction", 95)):
        session.add(Target(school_id=s.school.id, term_id=s.term2.id, measure=measure, value=value))
    session.commit()
    yield s
    session.close()


def _report(s: TinySchool, term: Term, grade: int | None = None) -> Document:
    steps: list[float] = []
    report = make_report(
        s.session,
        ReportScope(s.school.id, term.id, TODAY, NOW, grade),
        progress=lambda fraction, _step: steps.append(fraction),
    )
    assert steps[0] == 0.0 and steps[-1] == 1.0 and steps == sorted(steps), "progress only moves forward"
    scope = ["一年级"] if grade else []
    assert report.file_name == "_".join(["测试小学", term.name, *scope, "家校社协同育人工作报告"]) + ".docx"
    return Document(io.BytesIO(report.data))


def test_the_sentences_carry_the_figures_worked_out_on_paper(school) -> None:
    doc = _report(school, school.term2)
    main = paragraph(doc, "（一）主要指标。")
    assert "沟通覆盖率 100.0%（覆盖 6 名学生中的 6 名），较上学期提高 66.7 个百分点，达到目标（100%）" in main
    assert "家访覆盖率 83.3%（覆盖 6 名学生中的 5 名），较上学期提高 50.0 个百分点，未达到目标（100%）" in main
    assert "家长满意度 96.0%（50 份答卷中满意 48 份），较上学期提高 6.0 个百分点，达到目标（95%）" in main
    assert paragraph(doc, "（二）目标达成情况。").endswith(
        "本学期设定目标的 3 项指标中，达到目标 2 项（沟通覆盖率、家长满意度）；"
        "未达到目标 1 项：家访覆盖率 83.3%（目标 100%）。"
    )
    visits = paragraph(doc, "本学期共开展家访 5 次")
    assert "尚有 1 名学生本学期未家访" in visits
    # classes of 4 and 2 students: neither is told on its own (hxgy.metrics.small_groups)
    assert visits.endswith(
        "各班家访情况不单独列出，尚有 1 名学生本学期未家访。"
        "为保护学生隐私，2 个班级未单独列出（人数不足 5 人，或可据此推算出这样的班级），已计入合计。"
    )
    frequency = paragraph(doc, "（一）沟通频次。")
    assert "累计开展家校沟通 7 次，其中针对个别学生的沟通 6 次" in frequency
    assert "户均沟通 1.0 次（个别沟通次数 ÷ 学生数），较上学期提高 0.7 次" in frequency
    # 2 requests due: too few to tell how they were answered
    assert paragraph(doc, "（四）家长诉求答复。").endswith(
        "本学期共收到家长诉求 2 件，已到答复期限的诉求按时答复率不显示（件数不足 5 件，为保护隐私不单独显示）。"
    )
    volunteers = paragraph(doc, "（一）服务总量。")
    assert "家长志愿服务共 1 人次，经确认的服务时长 2.5 小时" in volunteers
    assert "家长志愿参与率 16.7%（6 名学生的家庭中参与 1 户）" in volunteers
    assert "户均志愿时长 0.4 小时" in volunteers
    assert "另有 1 条记录待确认，未计入以上数字。" in volunteers
    assert "2025-2026学年第二学期暂无德育评价数据。" in docx_text(doc)
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    named = [b for b in bullets if "一(1)班" in b or "一(2)班" in b or "诉求" in b]
    assert all(b.endswith("为保护隐私不单独列出。") for b in named), "small groups are not named"
    assert any(b.startswith("尚有 1 名学生尚未家访") for b in bullets)
    text = docx_text(doc)
    assert "nan" not in text.lower() and "None" not in text
    for name in ("王小明", "李小红", "张小刚", "赵小丽", "陈小华", "刘小军", "王小明妈妈"):
        assert name not in text


def test_a_term_without_a_previous_one_states_no_change(school) -> None:
    doc = _report(school, school.term1)
    text = docx_text(doc)
    assert "较上学期" not in text and "与上学期" not in text
    assert "家访覆盖率 33.3%（覆盖 6 名学生中的 2 名）" in paragraph(doc, "（一）主要指标。")
    assert "本学期尚未设定目标" in paragraph(doc, "（二）目标达成情况。")
    assert "nan" not in text.lower()


def test_a_grade_report_and_a_grade_without_classes(school) -> None:
    doc = _report(school, school.term2, grade=1)
    assert doc.paragraphs[0].text.replace("\n", "") == "测试小学2025-2026学年第二学期一年级家校社协同育人工作情况报告"
    assert "一年级合计" in [row.cells[0].text for row in doc.tables[0].rows]
    with pytest.raises(ReportError, match="没有三年级的班级"):
        make_report(school.session, ReportScope(school.school.id, school.term2.id, TODAY, NOW, grade_level=3))


def test_changes_read_up_down_and_level() -> None:
    fig = SimpleNamespace(
        compared=SimpleNamespace(label="2025-2026学年第一学期"),
        figures={"home_visit_coverage": 0.95, "contacts_per_family": 3.0, "activities": 8.0},
        before={"home_visit_coverage": 0.972, "contacts_per_family": 3.0, "activities": 10.0},
    )
    assert change_text(fig, "home_visit_coverage") == "较上学期下降 2.2 个百分点"
    assert change_text(fig, "contacts_per_family") == "与上学期持平"
    assert change_text(fig, "activities") == "较上学期减少 2 场"
    fig.compared = SimpleNamespace(label="2025-2026学年第一学期同期")
    assert change_text(fig, "home_visit_coverage").startswith("较上学期同期下降")
    assert change_text(fig, "home_visit_coverage", now=math.nan) == ""
    fig.compared = None
    assert change_text(fig, "home_visit_coverage") == ""


# --- the demo school, through the command line ---------------------------------------------------


@pytest.fixture(scope="module")
def demo_report(demo_url, tmp_path_factory) -> tuple[Path, dict, Document]:
    """The demo's report and its metrics JSON for the same term, both from ``python -m hxgy``."""
    out = tmp_path_factory.mktemp("report")
    path = out / "报告.docx"
    made = run_cli(demo_url, "report", "--term", DEMO_TERM, str(path))
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip().startswith("wrote ") and made.stdout.strip().endswith(str(path))
    assert "100% 完成" in made.stderr and "绘制" in made.stderr, "progress goes to stderr"
    metrics = run_cli(demo_url, "metrics", "--term", DEMO_TERM, "--format", "json")
    assert metrics.returncode == 0, metrics.stderr
    return path, json.loads(metrics.stdout), Document(str(path))


def _cell(column: str, value: object) -> str:
    if column == "class_name":
        return str(value)
    if column == "students":
        return f"{int(value):,}"
    return formats.measure_value(column, math.nan if value is None else float(value))


def test_the_appendix_equals_the_metrics_command(demo_report) -> None:
    _, metrics, doc = demo_report
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["班级", "学生数", "沟通覆盖率"]
    printed = [[c.text for c in row.cells] for row in table.rows[1:]]
    rows = metrics["rows"]
    hiding = small_groups.hide_small_groups(pd.DataFrame(rows[:-1]), rows[-1])
    hidden = [{c: bool(hiding.class_hidden(c).iloc[i]) for c in APPENDIX_COLUMNS} for i in range(len(rows) - 1)]
    hidden.append({c: hiding.total_hidden(c) for c in APPENDIX_COLUMNS})
    expected = [
        [small_groups.HIDDEN if c != "class_name" and gone[c] else _cell(c, row[c]) for c in APPENDIX_COLUMNS]
        for row, gone in zip(rows, hidden, strict=True)
    ]
    assert len(printed) == len(expected) > 20
    assert printed == expected
    # a class's figure is hidden only on a small base, or to cover one: never the whole table
    assert 0 < sum(cell == small_groups.HIDDEN for row in printed for cell in row) < len(printed)


def test_the_overview_equals_the_school_row(demo_report) -> None:
    _, metrics, doc = demo_report
    total = metrics["rows"][-1]
    assert total["class_name"] == "全校合计"
    main = paragraph(doc, "（一）主要指标。")
    students = f"{total['students']:,}"
    assert (
        f"沟通覆盖率 {formats.percent(total['contact_coverage'])}"
        f"（覆盖 {students} 名学生中的 {total['contacted_students']:,} 名）" in main
    )
    assert (
        f"家访覆盖率 {formats.percent(total['home_visit_coverage'])}"
        f"（覆盖 {students} 名学生中的 {total['visited_students']:,} 名）" in main
    )
    assert (
        f"德育优良率 {formats.percent(total['moral_good_rate'])}"
        f"（参评 {total['moral_evaluated']:,} 名学生中的 {total['moral_good']:,} 名）" in main
    )
    assert (
        f"家长满意度 {formats.percent(total['satisfaction'])}（{total['satisfaction_respondents']:,} 份答卷中满意"
        in main
    )
    assert "较上学期" in main, "the demo's term has a previous term"
    assert f"全校共 {len(metrics['rows']) - 1} 个班级、{students} 名学生" in doc.paragraphs[3].text


def test_no_student_or_guardian_name_appears(demo_report, demo_engine) -> None:
    _, _, doc = demo_report
    with Session(demo_engine) as session:
        names = set(session.scalars(select(Student.name))) | set(session.scalars(select(Guardian.name)))
        # a parent or teacher honoured is named in the report (学校、班级、教师、家长 may be): not a leak
        honoured = set(session.scalars(select(Honour.recipient).where(Honour.recipient_kind != "student")))
    assert len(names) > 1000
    text = docx_text(doc)
    for recipient in sorted(honoured, key=len, reverse=True):
        text = text.replace(recipient, "")
    assert [name for name in names if name in text] == []


def test_headings_charts_and_chinese_fonts(demo_report) -> None:
    _, _, doc = demo_report
    assert doc.paragraphs[0].style.name == "Title"
    assert doc.paragraphs[0].text.replace("\n", "") == "东湖区实验小学2025-2026学年第二学期家校社协同育人工作情况报告"
    assert "起草日期：2026年11月22日" in doc.paragraphs[1].text
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == HEADINGS
    assert len(doc.inline_shapes) >= 6
    assert east_asian_font(doc.styles["Normal"]) == "宋体"
    assert east_asian_font(doc.styles["Heading 1"]) == "黑体"
    assert east_asian_font(doc.styles["Title"]) == "黑体"
    assert len(doc.tables) == 2 and doc.tables[0].style.name == "Table Grid"
    assert "nan" not in docx_text(doc).lower()


def test_word_processors_open_it(demo_report, tmp_path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed")
    path, _, _ = demo_report
    done = subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / (path.stem + ".pdf")
    assert done.returncode == 0 and pdf.exists(), done.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 50_000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--term", "2030-2031学年第一学期"), "没有名为“2030-2031学年第一学期”的学期"),
        (("--term", DEMO_TERM, "--grade", "9"), "没有九年级的班级"),
        (("--school", "NOPE"), "没有代码为 NOPE 的学校"),
    ],
)
def test_bad_choices_exit_with_2_and_say_why(demo_url, tmp_path, args, message) -> None:
    path = tmp_path / "x.docx"
    done = run_cli(demo_url, "report", *args, str(path))
    assert done.returncode == 2
    assert message in done.stderr
    assert not path.exists()


def test_an_activity_title_holding_a_name_is_not_printed(school) -> None:
    """Titles are free text: "王小明妈妈进课堂" would name a child and a parent; the table shows its type instead."""
    school.activity("王小明妈妈进课堂", date(2026, 4, 2), "lecture", "grade", {"一(1)班": 4})
    school.session.commit()
    text = docx_text(_report(school, school.term2))
    assert "王小明" not in text
    assert "讲座（标题含个人姓名，已隐去）" in text and "春季家长会" in text
