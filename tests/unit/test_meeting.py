"""The meeting screen's slides on a tiny school worked out on paper, and the slide pack read back.

测试小学, 2025-2026学年第一学期 (finished: no targets on pace).
  一(1)班 six students S1–S6, 家访 S1 S2 S3 → 3/6 = 50.0 %;  survey 6 answered, 5 satisfied → 83.3 %
  一(2)班 three students T1–T3, 家访 T1 → 1/3: fewer than five students, never shown on its own;
          and 一(1)班 is left out too, or 一年级's figure minus 一(1)班's would give 一(2)班's
  二(1)班 five students U1–U5, all visited → 5/5 = 100.0 %;  survey 4 answered, 4 satisfied: base < 5, blank
  school: visited 9 of 14 → 64.3 % against a target of 100 % (未达标);  satisfied 9 of 10 → 90.0 %
  一年级 has 9 students: its own figures (4 of 9 visited = 44.4 %) but no class grid;  二年级 5 (shown)
  一年级's survey (5 of 6) is hidden too: the school's 9 of 10 minus it would give 二年级's 4 answers
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import config, glossary
from hxgy.meeting import pack, slides
from hxgy.metrics.roster import ClassFilter
from hxgy.models import Guardian, School, Student, Target, Term
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school

NOW = datetime(2026, 11, 22, 12, 0)


@pytest.fixture
def school(engine) -> TinySchool:
    session = Session(engine)
    s = tiny_school(session)
    for grade, no in ((1, 1), (1, 2), (2, 1)):
        s.add_class(grade, no)
    for prefix, class_name, count in (("S", "一(1)班", 6), ("T", "一(2)班", 3), ("U", "二(1)班", 5)):
        for n in range(1, count + 1):
            s.add_student(f"{prefix}{n}", class_name)
    for student, class_name in (("S1", "一(1)班"), ("S2", "一(1)班"), ("S3", "一(1)班"), ("T1", "一(2)班")):
        s.contact(class_name, date(2025, 10, 1), student, channel="home_visit")
    for n in range(1, 6):
        s.contact("二(1)班", date(2025, 10, 2), f"U{n}", channel="home_visit")
    s.survey("一(1)班", 6, 5)
    s.survey("二(1)班", 4, 4)
    session.add(Target(school_id=s.school.id, term_id=s.term1.id, measure="home_visit_coverage", value=100))
    session.commit()
    yield s
    session.close()


def _deck(s: TinySchool, classes: ClassFilter | None = None, sections=tuple(slides.SECTIONS)) -> list[slides.Slide]:
    period = term_period(s.term1, date(2026, 11, 22))
    data = slides.gather(s.session, period, classes or ClassFilter(s.school.id), now=NOW)
    return slides.build_deck(data, school_name=s.school.name, sections=sections)


def _chart_classes(slide: slides.Slide) -> set[str]:
    """The class and grade labels a slide's chart draws."""
    spec = slide.chart.to_dict()
    rows = [row for values in spec.get("datasets", {}).values() for row in values]
    return {str(row.get(key)) for row in rows for key in ("class_name", "班级") if row.get(key)}


def test_a_class_of_fewer_than_five_students_is_left_out_and_rates_on_a_small_base_are_blank(school) -> None:
    period = term_period(school.term1, date(2026, 11, 22))
    data = slides.gather(school.session, period, ClassFilter(school.school.id), now=NOW)
    kept, left_out = slides.projectable(data.frame)
    assert kept["class_name"].tolist() == ["二(1)班"]
    assert data.frame["class_name"][left_out.to_numpy()].tolist() == ["一(1)班", "一(2)班"]
    assert math.isnan(kept["satisfaction"].iloc[0])  # 4 respondents
    assert kept["home_visit_coverage"].iloc[0] == 1.0


def test_the_slides_show_the_hand_computed_figures(school) -> None:
    deck = {slide.key: slide for slide in _deck(school)}
    assert list(deck) == [
        "school-cover",
        "school-figures",
        *(f"measure-{key}" for key in slides.MEASURE_SLIDES),
        "measure-activities",
        "grade-1",
        "grade-2",
    ]
    cover = {f.label: f.value for f in deck["school-cover"].figures}
    assert cover["班级"] == "3" and cover["学生"] == "14"
    visits = deck["measure-home_visit_coverage"]
    main = visits.figures[0]
    assert (main.value, main.status) == ("64.3%", "red")
    assert "目标 100%（未达标）" in main.detail  # the target as typed
    assert visits.figures[1].value == "9 / 14"
    assert visits.notes == ("为保护学生隐私，2 个班级未单独显示（学生不足 5 人，或可据此推算出这样的班级）。",)
    assert _chart_classes(visits) == {"二(1)班"}
    moral = deck["measure-moral_good_rate"]  # nobody was scored: no grid of blank cells
    assert moral.chart is None and moral.notes[0] == "各班本期尚无该项数据。"
    assert moral.figures[0].value == "无数据"
    satisfaction = deck["measure-satisfaction"].figures[0]
    assert satisfaction.value == "90.0%"
    grade_one = deck["grade-1"]
    assert grade_one.title == "一年级（2 个班，9 名学生）"
    assert {f.label: f.value for f in grade_one.figures}["家访覆盖率"] == "44.4%"  # 4 of 9
    # 二年级's survey (4 answers) is hidden, so 一年级's (5 of 6) is too: the school's 9 of 10 minus it gives 4 of 4
    assert {f.label: f.value for f in grade_one.figures}["家长满意度"] == "不显示"
    assert grade_one.notes == (
        *visits.notes,
        "为保护学生隐私，本年级部分指标不显示（否则可由全校数字减去各年级数字，推算出人数不足 5 人的年级或班级）。",
    )
    assert grade_one.chart is None, "both of its classes are left out"
    assert _chart_classes(deck["grade-2"]) == {"二(1)班"}
    assert {f.label: f.value for f in deck["grade-2"].figures}["家长满意度"] == "不显示"  # 4 answers


def test_only_the_chosen_sections_are_built(school) -> None:
    keys = [slide.key for slide in _deck(school, sections=("grades",))]
    assert keys == ["grade-1", "grade-2"]


def test_a_view_of_fewer_than_five_students_shows_nothing(school) -> None:
    small = ClassFilter(school.school.id, None, (school.classes["一(2)班"].id,))
    deck = _deck(school, small)
    assert [slide.key for slide in deck] == ["too-small"]
    assert not deck[0].figures and deck[0].chart is None


def test_the_pack_holds_every_slide_with_its_stamp_and_charts(school) -> None:
    deck = _deck(school)
    stamp = slides.stamp_of(school.school.name, term_period(school.term1, date(2026, 11, 22)), None)
    assert stamp == "测试小学 · 2025-2026学年第一学期 · 全部年级"
    seen: list[float] = []
    data = pack.slide_pack(deck, stamp=stamp, progress=lambda fraction, _text: seen.append(fraction))
    assert seen[-1] == 1.0 and seen == sorted(seen)
    pages = pack.pack_pages(data)
    assert len(pages) == len(deck)
    for number, (slide, page) in enumerate(zip(deck, pages, strict=True), start=1):
        assert slide.title in page.text
        assert f"{stamp}　　{number} / {len(deck)}" in page.text
        assert page.pictures == (1 if slide.chart is not None else 0)
        for figure in slide.figures:
            assert f"{figure.label}\n{figure.value}" in page.text
    assert "64.3%" in pages[[s.key for s in deck].index("measure-home_visit_coverage")].text


def test_no_left_out_group_can_be_worked_out_by_subtraction(engine) -> None:
    """三年级: classes of 20, 22 and 2 students; 四年级: one class of 3. What is hidden inside any total
    shown (each grade of five or more, and the school) is never a group of one to four students."""
    session = Session(engine)
    s = tiny_school(session)
    sizes = {(3, 1): 20, (3, 2): 22, (3, 3): 2, (4, 1): 3, (5, 1): 6}
    for (grade, no), size in sizes.items():
        s.add_class(grade, no)
        for n in range(size):
            s.add_student(f"G{grade}{no}-{n}", glossary.class_name(grade, no))
    session.commit()
    period = term_period(s.term1, date(2026, 11, 22))
    data = slides.gather(session, period, ClassFilter(s.school.id), now=NOW)
    kept, left_out = slides.projectable(data.frame, data.figures)
    assert sorted(kept["class_name"]) == ["三(2)班"]
    hidden = data.frame[left_out.to_numpy()]
    # 五年级 (6) goes with 四年级 (3), or the school minus 三年级 and 五年级 would give 四年级
    assert sorted(hidden["class_name"]) == sorted(["三(1)班", "三(3)班", "四(1)班", "五(1)班"])
    for grade, group in data.frame.groupby("grade_level"):
        inside = hidden[hidden["grade_level"] == grade]["students"].sum()
        assert group["students"].sum() < slides.MIN_GROUP or inside == 0 or inside >= slides.MIN_GROUP
    deck = {slide.key: slide for slide in slides.build_deck(data, school_name=s.school.name)}
    assert "grade-4" not in deck, "a grade of 3 students has no slide"
    assert {f.label: f.value for f in deck["grade-5"].figures}["家访覆盖率"] == "不显示"
    shown_grades = [3]  # the school's figure minus the grades shown leaves 四年级 and 五年级: 9 students
    assert data.figures["students"] - data.frame[data.frame["grade_level"].isin(shown_grades)]["students"].sum() == 9
    session.close()


def test_no_child_or_parent_name_reaches_a_slide_or_the_pack(demo_engine) -> None:
    with Session(demo_engine) as session:
        names = set(session.scalars(select(Student.name))) | set(session.scalars(select(Guardian.name)))
        school = session.scalar(select(School).order_by(School.id))
        term = session.scalar(select(Term).where(Term.school_id == school.id).order_by(Term.start_date.desc()))
        period = term_period(term, config.today())
        data = slides.gather(session, period, ClassFilter(school.id), now=config.now())
    deck = slides.build_deck(data, school_name=school.name)
    assert len(deck) >= 10
    text = json.dumps(
        [
            [
                s.title,
                s.notes,
                [(f.label, f.value, f.detail) for f in s.figures],
                s.chart.to_dict() if s.chart else None,
            ]
            for s in deck
        ],
        ensure_ascii=False,
    )
    assert len(names) > 100
    assert not [name for name in names if name in text]
    assert "student_name" not in text and "guardian" not in text
    packed = pack.pack_text(pack.slide_pack(deck, stamp=slides.stamp_of(school.name, period, None)))
    assert not [name for name in names if name in packed]
