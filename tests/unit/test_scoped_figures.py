"""Figures below the school: comparisons cover the same children, activities count the classes in view,
德育 rates are judged only once enough students are scored, and a status never contradicts the figure shown.

测试小学, two school years:
  2025-2026 (term1 2025-09-01 … 2026-01-20, term2 2026-02-24 … 2026-07-05):
      一(1) G;  二(1) A B;  二(2) C D;  三(1) E F
  2026-2027 (autumn 2026-09-01 … 2027-01-20), the children moved up and 三年级 was mixed anew:
      二(1) G;  三(1) A C;  三(2) B D;  四(1) E F

Confirmed volunteer hours
  term1:  一(1) G 7 h;  二(1) A 1 h
  term2:  二(1) A 2 h;  二(2) C 3 h;  三(1) E 10 h
  autumn: 三(1) A 1 h;  三(2) B 4 h;  四(1) E 6 h

Within a school year (term2 against term1), 二年级 is the same classes 二(1) 二(2): 5 h against 1 h.
  (The old rule took every class whose cohort was ever in 二年级, and added 一(1)'s 7 h: 8 h.)
Across a school year (autumn against term2), 三年级 is A B C D, who were in 二(1) and 二(2) last term:
  5 h against 2 + 3 = 5 h.  (The old rule took 二(1) 二(2) 三(1): 15 h.)
  三(2) (B D) against the classes B and D were in, 二(1) and 二(2): 5 h;  四(1) (E F) against 三(1): 10 h.

Activities in autumn
  家长会 2026-09-20, whole school, parents per class: 三(1) 2, 三(2) 1, 四(1) 2 (5 in all)
  开放日 2026-10-15, whole school, 40 parents, no per-class figures
  亲子活动 2026-11-05, 四年级, 四(1) 3 parents
  whole school: 3 activities, 48 parents;  三年级: 2 activities (亲子活动 is not theirs), 3 parents,
  1 activity without per-class figures;  三(2): 2 activities, 1 parent.

德育 in autumn (teacher scores every dimension): A 95, B 95, D 95; C, E, F not scored.
  三(1): 1 evaluated, 1 good → 100 %, completion 1/2 = 50 %;  三(2): 2 of 2 good, completion 2/2 = 100 %
  三年级: good 3/3 = 100 %, completion 3/4 = 75 %.  Target 优良率 90 %:
  with the default threshold (90 %) 三年级 and 三(1) show 评价未完成, 三(2) 达标;
  with the school's threshold set to 70 %, 三年级 is 达标.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from hxgy import formats
from hxgy.metrics import activities, judging, overview
from hxgy.metrics.roster import ClassFilter
from hxgy.models import School, Target
from hxgy.terms import Period, term_period
from tests.builders import TinySchool, tiny_school

NOW = datetime(2027, 2, 1, 12, 0)
METRICS = (sys.executable, "-m", "hxgy", "metrics", "--term", "2026-2027学年第一学期")


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    with Session(engine) as session:
        yield _build(session)


def _build(session: Session) -> TinySchool:
    s = tiny_school(session)
    for grade, no in ((1, 1), (2, 1), (2, 2), (3, 1)):
        s.add_class(grade, no)
    s.add_student("G", "一(1)班")
    for name, cls in (("A", "二(1)班"), ("B", "二(1)班"), ("C", "二(2)班"), ("D", "二(2)班")):
        s.add_student(name, cls)
    s.add_student("E", "三(1)班")
    s.add_student("F", "三(1)班")
    year, autumn, _ = s.next_year()
    s.autumn = autumn  # type: ignore[attr-defined]
    for grade, no in ((2, 1), (3, 1), (3, 2), (4, 1)):
        s.add_class(grade, no, year=year, key=f"新{grade}({no})")
    start = date(2026, 9, 1)
    for name, key in (("G", "新2(1)"), ("A", "新3(1)"), ("C", "新3(1)"), ("B", "新3(2)"), ("D", "新3(2)")):
        s.enrol(name, key, start)
    s.enrol("E", "新4(1)", start)
    s.enrol("F", "新4(1)", start)

    s.volunteer("一(1)班", "G", date(2025, 10, 10), 7.0)
    s.volunteer("二(1)班", "A", date(2025, 10, 10), 1.0)
    s.volunteer("二(1)班", "A", date(2026, 3, 10), 2.0)
    s.volunteer("二(2)班", "C", date(2026, 3, 10), 3.0)
    s.volunteer("三(1)班", "E", date(2026, 3, 10), 10.0)
    s.volunteer("新3(1)", "A", date(2026, 9, 10), 1.0)
    s.volunteer("新3(2)", "B", date(2026, 9, 10), 4.0)
    s.volunteer("新4(1)", "E", date(2026, 9, 10), 6.0)

    s.activity("家长会", date(2026, 9, 20), "parent_meeting", "school", {"新3(1)": 2, "新3(2)": 1, "新4(1)": 2})
    open_day = s.activity("开放日", date(2026, 10, 15), "open_day", "school", {})
    open_day.parents_count = open_day.families_count = 40
    s.activity("亲子活动", date(2026, 11, 5), "parent_child", "grade", {"新4(1)": 3})

    for name, key in (("A", "新3(1)"), ("B", "新3(2)"), ("D", "新3(2)")):
        s.scores(name, key, {"teacher": 95}, term=autumn)
    session.add(Target(school_id=s.school.id, term_id=autumn.id, measure="moral_good_rate", value=90))
    session.flush()
    return s


def _grade(s: TinySchool, grade: int) -> ClassFilter:
    return ClassFilter(s.school.id, grade, None)


def _one(s: TinySchool, key: str) -> ClassFilter:
    return ClassFilter(s.school.id, None, (s.classes[key].id,))


def _hours(s: TinySchool, period: Period, classes: ClassFilter) -> float:
    return overview.school_figures(s.session, period, classes, now=NOW)["volunteer_hours"]


def test_within_a_school_year_a_grade_is_compared_with_the_same_classes(school: TinySchool) -> None:
    term2 = term_period(school.term2)
    basis = overview.baseline(school.session, term2, _grade(school, 2))
    assert basis is not None and basis.same_year
    assert basis.class_names == ("二(1)班", "二(2)班")
    assert basis.caption == "与上学期同一批班级相比（二(1)班、二(2)班）"
    assert _hours(school, term2, _grade(school, 2)) == 5.0
    assert _hours(school, basis.period, basis.classes) == 1.0  # not 8: 一(1) is not the same classes


def test_across_a_school_year_a_grade_is_compared_with_the_classes_its_children_were_in(school: TinySchool) -> None:
    autumn = term_period(school.autumn)
    basis = overview.baseline(school.session, autumn, _grade(school, 3))
    assert basis is not None and not basis.same_year
    assert basis.period.term_id == school.term2.id
    assert basis.class_names == ("二(1)班", "二(2)班")  # not last year's 三(1): other children
    assert basis.caption == "与这些学生上学期所在班级相比（二(1)班、二(2)班）"
    assert _hours(school, autumn, _grade(school, 3)) == 5.0
    assert _hours(school, basis.period, basis.classes) == 5.0  # not 15

    mixed = overview.baseline(school.session, autumn, _one(school, "新3(2)"))
    assert mixed.class_names == ("二(1)班", "二(2)班")  # B came from 二(1), D from 二(2)
    assert _hours(school, mixed.period, mixed.classes) == 5.0
    moved_up = overview.baseline(school.session, autumn, _one(school, "新4(1)"))
    assert moved_up.class_names == ("三(1)班",)
    assert _hours(school, moved_up.period, moved_up.classes) == 10.0

    whole = overview.baseline(school.session, autumn, ClassFilter(school.school.id))
    assert whole.whole_school and whole.classes == ClassFilter(school.school.id)
    assert _hours(school, whole.period, whole.classes) == 15.0


def test_activities_below_the_school_count_only_the_classes_in_view(school: TinySchool) -> None:
    autumn = term_period(school.autumn)
    whole = activities.participation_totals(school.session, autumn, ClassFilter(school.school.id))
    assert whole == {"activities": 3, "students": 0, "parents": 48, "families": 48, "without_class_figures": 0}
    grade = activities.participation_totals(school.session, autumn, _grade(school, 3))
    assert grade == {"activities": 2, "students": 0, "parents": 3, "families": None, "without_class_figures": 1}
    one = activities.participation_totals(school.session, autumn, _one(school, "新3(2)"))
    assert (one["activities"], one["parents"], one["without_class_figures"]) == (2, 1, 1)
    note = formats.class_attendance_note(grade)
    assert note is not None and "1 场未按班级登记到场人数" in note
    assert formats.class_attendance_note(whole) is None
    assert overview.school_figures(school.session, autumn, _grade(school, 3), now=NOW)["activities"] == 2
    listed = activities.activity_list(school.session, autumn, _grade(school, 3))
    assert listed["title"].tolist() == ["家长会", "开放日"]
    assert listed["parents_count"].tolist()[0] == 3 and pd.isna(listed["parents_count"].tolist()[1])
    assert listed["families_count"].isna().all()
    assert activities.activity_list(school.session, autumn, ClassFilter(school.school.id))[
        "parents_count"
    ].tolist() == [
        5,
        40,
        3,
    ]


def test_moral_rates_on_partial_scores_show_evaluation_incomplete(school: TinySchool) -> None:
    autumn = term_period(school.autumn)
    session = school.session
    goals = judging.targets(session, term_id=school.autumn.id)
    figures = overview.school_figures(session, autumn, _grade(school, 3), now=NOW)
    assert figures["moral_good_rate"] == 1.0 and figures["moral_completion"] == pytest.approx(0.75)
    minimum = judging.completion_min(session, school_id=school.school.id)
    assert minimum == pytest.approx(0.9)
    card = judging.figure_cards(figures, None, goals, autumn, ("moral_good_rate",), completion_min=minimum)[0]
    assert card.status == "incomplete"
    frame = overview.class_measures(session, autumn, _grade(school, 3), now=NOW)
    statuses = judging.class_status(frame, goals, autumn, ("moral_good_rate",), completion_min=minimum)
    assert dict(zip(statuses["class_name"], statuses["status"], strict=True)) == {
        "三(1)班": "incomplete",
        "三(2)班": "green",
    }
    session.execute(update(School).where(School.id == school.school.id).values(moral_completion_min=70))
    minimum = judging.completion_min(session, school_id=school.school.id)
    card = judging.figure_cards(figures, None, goals, autumn, ("moral_good_rate",), completion_min=minimum)[0]
    assert card.status == "green"


def test_status_is_judged_on_the_figures_as_shown() -> None:
    """Target 10 activities; on 2026-12-01, 92 of the term's 142 days have passed: on pace 6.48, shown "6 场"."""
    period = Period(
        date(2026, 9, 1), date(2026, 12, 1), "t", 1, term_id=1, evaluation_term_id=1, full_end=date(2027, 1, 20)
    )
    card = judging.figure_cards({"activities": 6.0}, None, {"activities": 10.0}, period, ("activities",))[0]
    assert card.target_now == pytest.approx(10 * 92 / 142)
    assert formats.measure_value("activities", card.target_now) == "6 场"
    assert card.status == "green"  # 6 done against 6 shown: met, never "接近目标 · 按进度 6"
    card = judging.figure_cards({"activities": 5.0}, None, {"activities": 10.0}, period, ("activities",))[0]
    assert card.status == "red"  # 5 against 6: below 90 % of it (5.4)
    assert judging.judged("contacts_per_family", 2.95, 3.0) == "green"  # shown 3.0 次 against 3.0 次
    assert judging.judged("contacts_per_family", 2.94, 3.0) == "amber"  # shown 2.9 次


def test_one_precision_per_measure() -> None:
    assert formats.measure_value("home_visit_coverage", 0.965) == "96.5%"
    assert formats.measure_value("contacts_per_family", 2.91) == "2.9 次"
    assert formats.measure_value("contacts_per_family", 3.09) == "3.1 次"
    assert formats.measure_value("volunteer_hours", 366.5) == "366.5 小时"
    assert formats.measure_value("volunteer_hours", 298) == "298.0 小时"
    assert formats.measure_value("moral_average", 89.83) == "89.8 分"
    assert formats.measure_value("activities", 10.0) == "10 场"
    assert formats.measure_value("contacts_per_week", 366.85) == "366.9 次"
    assert formats.target_value("home_visit_coverage", 1.0) == "100%"
    assert formats.target_value("satisfaction", 0.955) == "95.5%"
    assert formats.target_value("contacts_per_family", 3.0) == "3 次"
    assert formats.target_value("activities", 10.0) == "10 场"
    assert formats.measure_delta("contacts_per_family", 2.91, 2.2) == "+0.7 次"
    assert formats.measure_delta("home_visit_coverage", 0.539, 0.541) == "-0.2 个百分点"
    assert formats.measure_delta("activities", 6, 6) == "持平"
    # 63/80 = 78.75 % is written 78.8 %: judged and compared as 78.8 %, never "−0.1 个百分点" beside two 78.8 %
    assert formats.measure_value("satisfaction", 63 / 80) == "78.8%"
    assert judging.judged("satisfaction", 63 / 80, 0.788) == "green"
    assert formats.measure_delta("satisfaction", 63 / 80, 0.788) == "持平"
    assert formats.measure_delta("home_visit_coverage", 0.5391, 0.5389) == "持平"  # both 53.9%
    assert formats.excel_format("home_visit_coverage") == "0.0%"
    assert formats.excel_format("activities") == "0"
    assert formats.excel_format("volunteer_hours") == "0.0"
    assert math.isnan(float("nan")) and formats.measure_value("satisfaction", float("nan")) == "无数据"


def test_metrics_command_compares_a_grade_with_the_same_children(school: TinySchool, tmp_path) -> None:
    school.session.commit()
    url = school.session.get_bind().url.render_as_string(hide_password=False)
    env = {"HXGY_DATABASE_URL": url, "HXGY_TODAY": "2027-02-01", "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [sys.executable, "-m", "hxgy", "metrics", "--term", "2026-2027学年第一学期", "--grade", "3", "--compare"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    out = run.stdout
    assert "比较的班级：二(1)班、二(2)班" in out
    assert "志愿服务时长\t5.0 小时\t5.0 小时\t持平" in out
    assert "协同活动场次\t2 场" in out
    run = subprocess.run(
        [*METRICS, "--class", "三（2）班", "--compare", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert '"classes": [\n   "二(1)班",\n   "二(2)班"\n  ]' in run.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "hxgy", "metrics", "--term", "2026-2027学年第一学期", "--class", "九(9)班"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert bad.returncode == 2 and "没有名为 九(9)班 的班级" in bad.stderr


def test_one_child_who_changed_class_does_not_bring_a_whole_class_and_new_pupils_have_no_comparison(
    school: TinySchool,
) -> None:
    """Add last year's 二(3) J K L: this autumn J is in 三(2) with B and D, K and L in 三(1) with A and C.
    三(2)'s children came from 二(1) (B: 1 of 2), 二(2) (D: 1 of 2) and 二(3) (J: 1 of 3): 二(3) is not
    mostly theirs, so it stays out. 三(1) takes 二(3) (K L: 2 of 3). A new 一(1) with H, who was not at the
    school last year, has no comparison at all."""
    school.add_class(2, 3)
    for name in "JKL":
        school.add_student(name, "二(3)班")
    autumn_year = school.classes["新3(1)"].school_year_id
    for name, key in (("J", "新3(2)"), ("K", "新3(1)"), ("L", "新3(1)")):
        school.enrol(name, key, date(2026, 9, 1))
    school.session.flush()
    autumn = term_period(school.autumn)
    mixed = overview.baseline(school.session, autumn, _one(school, "新3(2)"))
    assert mixed.class_names == ("二(1)班", "二(2)班")
    other = overview.baseline(school.session, autumn, _one(school, "新3(1)"))
    assert other.class_names == ("二(1)班", "二(2)班", "二(3)班")
    from hxgy.models import SchoolYear

    school.add_class(1, 1, year=school.session.get(SchoolYear, autumn_year), key="新1(1)")
    school.add_student("H", "新1(1)", start=date(2026, 9, 1))
    assert overview.baseline(school.session, autumn, _one(school, "新1(1)")) is None
