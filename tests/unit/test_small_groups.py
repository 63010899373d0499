"""No hidden small group can be worked out by subtraction, on the slides (and so their pack and the meeting
page, which show the deck) or in the term report: one rule, hxgy.metrics.small_groups.

测试小学, 2025-2026学年第一学期, built below:
  一年级  一(1)班 20 students, 一(2)班 3 (a small class), 一(3)班 8
  二年级  二(1)班 12, 二(2)班 10
  三年级  三(1)班 9, 三(2)班 11
  六年级  六(1)班 4 students (a small grade: the audit's case)
Students: 一年级 一(2)班 (3) is hidden, and 一(3)班 (8, the smallest other) with it or 一年级 minus its shown
classes gives 一(2)班. The school (77) minus 一, 二, 三年级 would give 六年级's 4, so the smallest grade, 三年级
(20), is hidden too, and then its smallest class 三(1)班 (9), or the school minus 一, 二年级 and 三(2)班 would
still give 4. What is hidden inside the school: 4 + 9 = 13.
Requests due: 一(1)班 6, 二(1)班 3 (a small base), 三(2)班 7 and one request of no class → 17. 二年级 (3) is
hidden; the school minus 一年级 and 三年级 would give 3 + 1 = 4, so 一年级's and then 一(1)班's requests are
hidden; the slide shows 三(2)班 only and says the others are hidden because their groups are small.
Answers to the survey: 一(1)班 20 (18 satisfied), 二(2)班 10 (9), 三(2)班 4 (a small base, 4).
Every figure below is checked generically: for each total shown (the school, each grade), its base minus the
bases of the shown parts that cover it is 0 or at least 5.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from hxgy import glossary
from hxgy.meeting import slides
from hxgy.metrics import small_groups
from hxgy.metrics.roster import ClassFilter
from hxgy.navigation import pages_for_role
from hxgy.report import ReportError, ReportScope, gather
from hxgy.report.pictures import CHARTS
from hxgy.report.writing import draft
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school

NOW = datetime(2026, 11, 22, 12, 0)
TODAY = date(2026, 11, 22)
MIN = 5
# the base each measure rests on (written here, not read from the code under test)
BASES = {
    "home_visit_coverage": "students",
    "contact_coverage": "students",
    "contacts_per_family": "students",
    "volunteer_participation": "students",
    "moral_completion": "students",
    "response_on_time": "requests_due",
    "moral_good_rate": "moral_evaluated",
    "satisfaction": "satisfaction_respondents",
    "parent_attendance": "attendance_base",
}
LABELS = {glossary.MEASURE_LABELS[key]: key for key in BASES}
SIZES = {
    "一(1)班": 20,
    "一(2)班": 3,
    "一(3)班": 8,
    "二(1)班": 12,
    "二(2)班": 10,
    "三(1)班": 9,
    "三(2)班": 11,
    "六(1)班": 4,
}


def _build(session: Session, requests: Mapping[str | None, int]) -> TinySchool:
    s = tiny_school(session)
    for name, size in SIZES.items():
        grade = "一二三四五六".index(name[0]) + 1
        s.add_class(grade, int(name[2]))
        for n in range(size):
            s.add_student(f"{name}{n}", name)
    visited = {"一(1)班": 15, "一(2)班": 2, "一(3)班": 8, "二(1)班": 6, "二(2)班": 10, "三(1)班": 3, "三(2)班": 11}
    visited["六(1)班"] = 3  # the audit: 3 of the small grade's 4
    for name, count in visited.items():
        for n in range(count):
            s.contact(name, date(2025, 10, 8), f"{name}{n}", channel="home_visit")
    day = datetime(2025, 10, 9, 9, 0)
    for name, count in requests.items():
        for n in range(count):
            s.request(name, day, day + timedelta(hours=2 if n % 3 else 100))
    s.survey("一(1)班", 20, 18)
    s.survey("二(2)班", 10, 9)
    s.survey("三(2)班", 4, 4)
    session.commit()
    return s


@pytest.fixture
def school(engine) -> Iterable[TinySchool]:
    session = Session(engine)
    yield _build(session, {"一(1)班": 6, "二(1)班": 3, "三(2)班": 7, None: 1})
    session.close()


# --- the generic check ------------------------------------------------------------------------------------


def _exposed(
    frame: pd.DataFrame,
    view_bases: Mapping[str, float],
    shown_view: set[str],
    shown_grades: set[tuple[int, str]],
    shown_classes: set[tuple[str, str]],
) -> list[str]:
    """Every total shown whose base minus its shown parts is a group of 1–4, and every shown figure of 1–4."""
    found = []
    grades = {int(g): group for g, group in frame.groupby("grade_level")}
    for key, base in BASES.items():
        size = dict(zip(frame["class_name"], frame[base].astype(float), strict=True))
        for name, n in size.items():
            if (name, key) in shown_classes and 0 < n < MIN:
                found.append(f"{name} {key}: its own base {n}")
        covered = 0.0
        for grade, group in grades.items():
            total = float(group[base].sum())
            parts = sum(size[c] for c in group["class_name"] if (c, key) in shown_classes)
            if (grade, key) in shown_grades:
                covered += total
                if 0 < total < MIN or 0 < total - parts < MIN:
                    found.append(f"grade {grade} {key}: {total} shown, {total - parts} hidden inside")
            else:
                covered += parts
        view = float(view_bases[base])
        if key in shown_view and view + 1e-9 >= float(frame[base].sum()) and 0 < view - covered < MIN:
            found.append(f"view {key}: {view} shown, {view - covered} hidden inside")
    return found


def _chart_rows(chart) -> list[dict]:
    spec = chart.to_dict()
    return [row for values in spec.get("datasets", {}).values() for row in values]


def _shown_on_slides(deck: list[slides.Slide]) -> tuple[set[str], set[tuple[int, str]], set[tuple[str, str]]]:
    """What the deck shows: measures of the view, of each grade, of each class (a figure other than 不显示)."""
    view: set[str] = set()
    grades: set[tuple[int, str]] = set()
    classes: set[tuple[str, str]] = set()
    for slide in deck:
        values = {LABELS[f.label]: f.value for f in slide.figures if f.label in LABELS}
        if slide.key.startswith(("measure-", "school-")):
            view |= {key for key, value in values.items() if value != "不显示"}
        if slide.key.startswith("grade-"):
            grade = int(slide.key.removeprefix("grade-"))
            grades |= {(grade, key) for key, value in values.items() if value != "不显示"}
        if slide.chart is not None:
            own = slide.key.removeprefix("measure-")
            for row in _chart_rows(slide.chart):
                key = row.get("measure", own)
                if "数值" in row and key in BASES and row["数值"] != "不显示":
                    classes.add((row["class_name"], key))
    return view, grades, classes


def _deck(s: TinySchool, classes: ClassFilter | None = None) -> tuple[slides.MeetingFigures, list[slides.Slide]]:
    period = term_period(s.term1, TODAY)
    data = slides.gather(s.session, period, classes or ClassFilter(s.school.id), now=NOW)
    return data, slides.build_deck(data, school_name=s.school.name)


# --- the slides -------------------------------------------------------------------------------------------


def test_the_meeting_role_sees_only_the_slides() -> None:
    """The meeting screen opens 会议投屏 only (the deck, and its pack of the same slides): checked below."""
    pages = {page.key for section in pages_for_role("meeting").values() for page in section}
    assert pages == {"meeting"}, "a new page for the meeting role must be checked for small groups"


def test_no_hidden_group_can_be_worked_out_from_the_slides(school) -> None:
    data, deck = _deck(school)
    view, grades, classes = _shown_on_slides(deck)
    assert _exposed(data.frame, data.figures, view, grades, classes) == []
    # what the rule hid, worked out in the docstring
    assert {name for name, key in classes if key == "home_visit_coverage"} == {
        "一(1)班",
        "二(1)班",
        "二(2)班",
        "三(2)班",
    }
    assert "grade-6" not in {slide.key for slide in deck}
    assert (3, "home_visit_coverage") not in grades and (2, "home_visit_coverage") in grades
    three = next(slide for slide in deck if slide.key == "grade-3")
    assert {f.label: f.value for f in three.figures}["家访覆盖率"] == "不显示"
    assert "推算出人数不足 5 人的年级或班级" in " ".join(three.notes)
    assert "home_visit_coverage" in view  # the school's figure itself stays: 58 of 77 visited
    visits = next(slide for slide in deck if slide.key == "measure-home_visit_coverage")
    assert visits.figures[1].value == "58 / 77"
    with_requests = set(data.frame.loc[data.frame["requests_due"] > 0, "class_name"])
    assert {name for name, key in classes if key == "response_on_time"} & with_requests == {"三(2)班"}


def test_the_request_slide_says_why_classes_are_not_shown(school) -> None:
    _, deck = _deck(school)
    slide = next(slide for slide in deck if slide.key == "measure-response_on_time")
    assert "另有 2 个班级该项件数不足 5 件，为保护隐私不单独显示（或可据此推算出这样的班级）。" in slide.notes
    assert not [note for note in slide.notes if "尚无" in note]


def test_every_class_of_a_small_request_base_hidden_is_said_so_not_no_data(engine) -> None:
    session = Session(engine)
    s = _build(session, {"一(1)班": 2, "二(1)班": 3})  # 5 requests: the school's rate, no class's
    data, deck = _deck(s)
    slide = next(slide for slide in deck if slide.key == "measure-response_on_time")
    assert slide.figures[0].value != "不显示"
    assert slide.chart is None
    assert "各班件数不足 5 件，为保护隐私不单独显示。" in slide.notes
    assert "各班本期尚无该项数据。" not in slide.notes
    view, grades, classes = _shown_on_slides(deck)
    assert _exposed(data.frame, data.figures, view, grades, classes) == []
    moral = next(slide for slide in deck if slide.key == "measure-moral_good_rate")
    assert "各班本期尚无该项数据。" in moral.notes, "no scores at all: there really is no data"
    session.close()


def test_a_small_base_of_the_whole_view_is_hidden_with_its_reason(engine) -> None:
    session = Session(engine)
    s = _build(session, {"一(1)班": 2, None: 1})  # 3 requests in all
    _, deck = _deck(s)
    slide = next(slide for slide in deck if slide.key == "measure-response_on_time")
    assert (slide.figures[0].value, slide.figures[0].detail) == ("不显示", "件数不足 5 件，为保护隐私不单独显示")
    session.close()


def test_the_decks_of_every_grade_and_the_school_together_give_nothing_away(school) -> None:
    """The meeting screen chooses 全部年级 or one grade: what all those decks show, taken together, is checked."""
    data, deck = _deck(school)
    view, grades, classes = _shown_on_slides(deck)
    for grade in (1, 2, 3, 6):
        _, one = _deck(school, ClassFilter(school.school.id, grade, None))
        its_view, its_grades, its_classes = _shown_on_slides(one)
        grades |= {(grade, key) for key in its_view} | its_grades
        classes |= its_classes
    assert _exposed(data.frame, data.figures, view, grades, classes) == []
    _, three = _deck(school, ClassFilter(school.school.id, 3, None))
    for slide in three:
        if slide.key in ("school-cover", "school-figures", "measure-home_visit_coverage"):
            shown = {f.label: f.value for f in slide.figures}
            assert {shown.get(k, "不显示") for k in ("家访覆盖率", "覆盖学生", "志愿服务")} == {"不显示"}, slide.key
    _, six = _deck(school, ClassFilter(school.school.id, 6, None))
    assert [slide.key for slide in six] == ["too-small"]


# --- the report -------------------------------------------------------------------------------------------


def _shown_in_report(fig, text) -> tuple[set[str], set[tuple[int, str]], set[tuple[str, str]]]:
    """What the report shows: the appendix (classes and the total), 各年级情况, the charts and the standouts."""
    table = text.tables["classes"]
    keys = [LABELS.get(header) for header in table.headers]
    view: set[str] = set()
    classes: set[tuple[str, str]] = set()
    for row in table.rows:
        for key, cell in zip(keys, row, strict=True):
            if key is not None and cell != "不显示":
                if row[0].endswith("合计"):
                    view.add(key)
                else:
                    classes.add((row[0], key))
    in_appendix = set(classes)
    body = text.text()
    grades: set[tuple[int, str]] = set()
    for label, key in LABELS.items():
        for match in re.finditer(label + r"在 \S+?（(\S+?年级)）至 \S+?（(\S+?年级)）之间", body):
            grades |= {("一二三四五六".index(g[0]) + 1, key) for g in match.groups()}
        for match in re.finditer(label + r"最高的是(\S+?)（\S+?），最低的是(\S+?)（", body):
            named = {n for part in match.groups() for n in re.findall(r"[一二三四五六]\(\d\)班", part)}
            classes |= {(n, key) for n in named}
        assert label + "均为" not in body.replace("各班", "")  # "各年级…均为" would name no grade
    for chart_key in {block.key for block in text.blocks if block.kind == "chart"}:
        rows = _chart_rows(CHARTS[chart_key](fig))
        for row in rows:
            name = row.get("班级")
            if not name:
                continue
            if chart_key == "status" and row.get("数值") != "不显示":
                classes.add((name, row["measure"]))
            elif chart_key == "moral_levels":
                classes.add((name, "moral_good_rate"))
            else:
                for label, key in LABELS.items():
                    if label in row and not pd.isna(row[label]):
                        classes.add((name, key))
    assert classes <= in_appendix | {c for c in classes if c[1] not in keys}, "a chart shows what the table hides"
    return view, grades, classes


def test_no_hidden_group_can_be_worked_out_from_the_reports(school) -> None:
    """The whole school's report and each grade's that may be made, taken together."""
    fig = gather(school.session, ReportScope(school.school.id, school.term1.id, TODAY, NOW))
    text = draft(fig)
    view, grades, classes = _shown_in_report(fig, text)
    for grade in (1, 2):
        one = gather(school.session, ReportScope(school.school.id, school.term1.id, TODAY, NOW, grade_level=grade))
        its_view, its_grades, its_classes = _shown_in_report(one, draft(one))
        grades |= {(grade, key) for key in its_view} | its_grades
        classes |= its_classes
    frame = slides.gather(school.session, fig.period, ClassFilter(school.school.id), now=NOW).frame
    assert _exposed(frame, fig.figures, view, grades, classes) == []
    rows = {row[0]: row for row in text.tables["classes"].rows}
    assert set(rows["一(2)班"][1:]) == {"不显示"}
    assert rows["全校合计"][1] == "77"
    assert "为保护学生隐私，4 个班级未单独列出（人数不足 5 人，或可据此推算出这样的班级），已计入合计。" in text.text()
    assert "六年级" not in text.text().split("附表")[0].split("各年级情况")[-1].split("二、")[0]


def test_a_report_of_fewer_than_five_students_or_of_the_grade_covering_them_is_refused(school) -> None:
    with pytest.raises(ReportError, match="六年级只有 4 名学生，不足 5 人：为保护学生隐私，不生成报告"):
        gather(school.session, ReportScope(school.school.id, school.term1.id, TODAY, NOW, grade_level=6))
    with pytest.raises(ReportError, match="三年级的数字与其他年级的数字合起来，可推算出不足 5 名学生的年级或班级"):
        gather(school.session, ReportScope(school.school.id, school.term1.id, TODAY, NOW, grade_level=3))


def test_the_rule_alone_on_a_table_worked_by_hand() -> None:
    """三年级 20 + 22 + 2, 四年级 3, 五年级 6: 四年级 (3) would be the school minus 三 and 五年级, so 五年级's
    figures go, and 五(1)班 with them; in 三年级 三(3)班 (2) takes 三(1)班 (20) with it."""
    frame = pd.DataFrame(
        {
            "class_name": ["三(1)班", "三(2)班", "三(3)班", "四(1)班", "五(1)班"],
            "grade_level": [3, 3, 3, 4, 5],
            "students": [20, 22, 2, 3, 6],
        }
    )
    hiding = small_groups.hide_small_groups(frame)
    assert frame["class_name"][hiding.left_out.to_numpy()].tolist() == ["三(1)班", "三(3)班", "四(1)班", "五(1)班"]
    assert hiding.grades["students"].to_dict() == {3: False, 4: True, 5: True}
    assert not hiding.total["students"]
    shown = json.dumps(hiding.mask(frame).to_dict("records"), ensure_ascii=False)
    assert '"students": 22.0' in shown and '"students": 3' not in shown
