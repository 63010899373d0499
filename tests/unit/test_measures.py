"""Every measure of docs/measures.md on a tiny school worked out on paper.

测试小学, 2025-2026学年第一学期 = 2025-09-01 … 2026-01-20 (142 days).
Classes: 一(1)班 A B C, and E until 31 Oct; 一(2)班 D, and E from 1 Nov; 二(1)班 nobody.
Students of each class in term 1 (where they were at its end): 一(1) A B C = 3, 一(2) D E = 2, 二(1) 0.

家校沟通
  一(1)班 records: A phone 9-01 (first day), A wechat 10-10, B 家访 1-20 (last day),
          class-wide notice 9-15, E 家访 10-05 (E still in 一(1));
          ignored: a deleted record about C, a record about C on 1-21 (after the term).
  一(2)班 records: E phone 11-20.
  一(1): contacts 5, individual 4, contacted A B = 2/3, visited B = 1/3, per family 4/3
  一(2): contacts 1, individual 1, contacted E = 1/2, visited E (the 10-05 visit) = 1/2
  school: contacts 6, contacted 3/5 = 60 %, visited 2/5 = 40 %, per family 5/5, per week 6 ÷ (142/7)
家长志愿
  (only confirmed records count: B's unconfirmed 1.5 h add no 人次, family or hours — 待确认 1 条)
  一(1): A 2 h ✓, A 1 h ✓ on 1-20, B 1.5 h unconfirmed → 人次 2, hours 3, families 1 → 1/3, 1 h per family
  一(2): D 4 h ✓ → 人次 1, hours 4, families 1 → 1/2, 2 h per family;  school 7 h, 2/5, 1.4 h
家长诉求 (limit 72 h, now 2026-11-22)
  一(1): answered after exactly 72 h (on time), answered after 96 h (late) → 1/2
  一(2): never answered (overdue) → 0/1;  not tied to a class: answered after 6 h;  school 2/4
德育 (weights 0.5 / 0.3 / 0.2)
  A: 90 90 90 everywhere → 90 优秀;  B: 文明礼仪 teacher 80 + self 60 (no parent) → 52/0.7 = 74.2857,
  other dimensions 80 → total 78.5714 合格;  C: not scored;  D: 85/95/70 → 85 良好;  E: teacher 55 only → 待改进
  一(1): evaluated 2, good 1, average 84.2857, teacher complete A B = 2/3;  一(2): 2, 1, 70, 2/2;  school 2/4, 4/5
满意度: 一(1) 3 of 3, 一(2) 1 of 2 → school 4/5 = 80 % (a school-wide survey, when entered, wins)
协同活动: 家长会 (school, 一(1) 3 parents, 一(2) 1), 亲子活动 (一年级, 2 and 2, 5 students),
  职业启蒙 (二年级 with 市供电公司, no attendance), one deleted → 3 activities;
  一(1): 2 activities, 5 parents of 2 × 3 → 5/6;  一(2): 3 of 2 × 2 → 3/4;  二(1): no attendance → no data
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hxgy.metrics import activities, communication, judging, measures, moral, overview, satisfaction, volunteers
from hxgy.metrics.roster import ClassFilter
from hxgy.models import MoralLevel, MoralRater, Target
from hxgy.terms import PeriodError, comparison_period, custom_period, term_period
from tests.builders import TinySchool, tiny_school

NOW = datetime(2026, 11, 22, 12, 0)


@pytest.fixture
def school(engine) -> TinySchool:
    session = Session(engine)
    s = tiny_school(session)
    for grade, no in ((1, 1), (1, 2), (2, 1)):
        s.add_class(grade, no)
    for name in "ABC":
        s.add_student(name, "一(1)班")
    s.add_student("D", "一(2)班")
    s.add_student("E", "一(1)班", end=date(2025, 10, 31))
    s.enrol("E", "一(2)班", start=date(2025, 11, 1))
    s.contact("一(1)班", date(2025, 9, 1), "A")
    s.contact("一(1)班", date(2025, 10, 10), "A", channel="wechat")
    s.contact("一(1)班", date(2026, 1, 20), "B", channel="home_visit")
    s.contact("一(1)班", date(2025, 9, 15), None, channel="wechat")
    s.contact("一(1)班", date(2025, 10, 5), "E", channel="home_visit")
    s.contact("一(1)班", date(2025, 10, 1), "C", deleted=True)
    s.contact("一(1)班", date(2026, 1, 21), "C")
    s.contact("一(2)班", date(2025, 11, 20), "E")
    s.volunteer("一(1)班", "A", date(2025, 9, 10), 2.0)
    s.volunteer("一(1)班", "A", date(2026, 1, 20), 1.0, activity="lunch_duty")
    s.volunteer("一(1)班", "B", date(2025, 10, 10), 1.5, confirmed=False)
    s.volunteer("一(2)班", "D", date(2025, 12, 1), 4.0, activity="event_help")
    s.request("一(1)班", datetime(2025, 10, 1, 8), datetime(2025, 10, 4, 8))
    s.request("一(1)班", datetime(2025, 10, 2, 9), datetime(2025, 10, 6, 9))
    s.request("一(2)班", datetime(2025, 12, 1, 10))
    s.request(None, datetime(2025, 11, 11, 12), datetime(2025, 11, 11, 18))
    s.request("一(1)班", datetime(2026, 2, 25, 9))  # term 2
    s.scores("A", "一(1)班", {"teacher": 90, "parent": 90, "self": 90})
    s.scores(
        "B",
        "一(1)班",
        {
            "teacher": 80,
            "self": {"civility": 60, "responsibility": 80, "integrity": 80, "patriotism": 80},
            "parent": {"responsibility": 80, "integrity": 80, "patriotism": 80},
        },
    )
    s.scores("D", "一(2)班", {"teacher": 85, "parent": 95, "self": 70})
    s.scores("E", "一(2)班", {"teacher": 55})
    s.survey("一(1)班", 3, 3)
    s.survey("一(2)班", 2, 1)
    s.activity("开学家长会", date(2025, 9, 15), "parent_meeting", "school", {"一(1)班": 3, "一(2)班": 1})
    s.activity("亲子阅读", date(2025, 11, 1), "parent_child", "grade", {"一(1)班": 2, "一(2)班": 2}, students=5)
    s.activity("职业启蒙", date(2025, 12, 1), "career", "grade", {"二(1)班": None}, partner="市供电公司")
    s.activity("取消的活动", date(2025, 10, 10), "lecture", "school", {"一(1)班": 3}, deleted=True)
    for measure, value in (("contact_coverage", 100), ("home_visit_coverage", 100), ("moral_good_rate", 90)):
        session.add(Target(school_id=s.school.id, term_id=s.term1.id, measure=measure, value=value))
    session.commit()
    yield s
    session.close()


def _whole(s: TinySchool) -> ClassFilter:
    return ClassFilter(s.school.id)


def _by_class(frame, s: TinySchool):
    names = {c.id: name for name, c in s.classes.items()}
    return frame.assign(name=frame["class_id"].map(names)).set_index("name")


def test_communication_by_class(school: TinySchool) -> None:
    period = term_period(school.term1)
    frame = _by_class(communication.communication_by_class(school.session, period, _whole(school)), school)
    columns = ["contacts", "individual_contacts", "contacted_students", "visited_students"]
    assert frame.loc["一(1)班", columns].tolist() == [5, 4, 2, 1]
    assert frame.loc["一(2)班", columns].tolist() == [1, 1, 1, 1]


def test_class_measures_rates_and_the_school_figures(school: TinySchool) -> None:
    period = term_period(school.term1)
    frame = _by_class(overview.class_measures(school.session, period, _whole(school), now=NOW), school)
    one, two, empty = frame.loc["一(1)班"], frame.loc["一(2)班"], frame.loc["二(1)班"]
    assert (one.students, two.students, empty.students) == (3, 2, 0)
    assert one.contact_coverage == pytest.approx(2 / 3) and one.home_visit_coverage == pytest.approx(1 / 3)
    assert one.contacts_per_family == pytest.approx(4 / 3)
    assert two.contact_coverage == pytest.approx(1 / 2) and two.home_visit_coverage == pytest.approx(1 / 2)
    assert math.isnan(empty.contact_coverage) and math.isnan(empty.volunteer_participation)
    assert (one.volunteer_records, one.volunteer_hours, one.volunteer_families) == (2, 3.0, 1)
    assert one.volunteer_participation == pytest.approx(1 / 3) and one.hours_per_family == pytest.approx(1.0)
    assert two.hours_per_family == pytest.approx(2.0)
    assert (one.requests, one.requests_on_time, one.requests_due) == (2, 1, 2)
    assert two.response_on_time == 0.0
    assert (one.moral_evaluated, one.moral_good, one.moral_scored) == (2, 1, 2)
    assert one.moral_average == pytest.approx((90 + 78.571428571) / 2)
    assert one.moral_completion == pytest.approx(2 / 3) and two.moral_completion == 1.0
    assert one.satisfaction == 1.0 and two.satisfaction == 0.5
    assert one.parent_attendance == pytest.approx(5 / 6) and two.parent_attendance == pytest.approx(3 / 4)
    assert math.isnan(empty.parent_attendance)

    school_figures = overview.school_figures(school.session, period, _whole(school), now=NOW)
    assert school_figures["students"] == 5
    assert school_figures["contact_coverage"] == pytest.approx(0.6)
    assert school_figures["home_visit_coverage"] == pytest.approx(0.4)
    assert school_figures["contacts_per_family"] == pytest.approx(1.0)
    assert school_figures["contacts_per_week"] == pytest.approx(6 / (142 / 7))
    assert school_figures["volunteer_hours"] == 7.0
    assert school_figures["volunteer_participation"] == pytest.approx(0.4)
    assert school_figures["hours_per_family"] == pytest.approx(1.4)
    assert school_figures["moral_good_rate"] == pytest.approx(0.5)
    assert school_figures["moral_completion"] == pytest.approx(0.8)
    assert school_figures["satisfaction"] == pytest.approx(0.8)
    assert school_figures["response_on_time"] == pytest.approx(0.5)  # 2 of 4, one not tied to a class
    assert school_figures["activities"] == 3


def test_school_figures_are_the_class_figures_combined(school: TinySchool) -> None:
    period = term_period(school.term1)
    frame = overview.class_measures(school.session, period, _whole(school), now=NOW)
    figures = overview.school_figures(school.session, period, _whole(school), now=NOW)
    for key, measure in overview.MEASURES.items():
        if key in ("satisfaction", "response_on_time") or not measure.numerator:
            continue  # the school adds its school-wide survey and requests with no class
        expected = frame[measure.numerator].sum() / frame[measure.denominator].sum()
        assert figures[key] == pytest.approx(expected), key


def test_a_school_wide_survey_wins_over_class_surveys(school: TinySchool) -> None:
    school.survey(None, 100, 96)
    assert satisfaction.school_satisfaction(school.session, school.term1.id, _whole(school)) == (100, 96)
    one_class = ClassFilter(school.school.id, class_ids=(school.classes["一(2)班"].id,))
    assert satisfaction.school_satisfaction(school.session, school.term1.id, one_class) == (2, 1)


def test_a_grade_or_a_class_view(school: TinySchool) -> None:
    period = term_period(school.term1)
    grade_one = ClassFilter(school.school.id, grade_level=1)
    figures = overview.school_figures(school.session, period, grade_one, now=NOW)
    assert figures["students"] == 5 and figures["activities"] == 2  # 职业启蒙 was for 二年级
    assert figures["response_on_time"] == pytest.approx(1 / 3)  # the request with no class is the school's
    single = ClassFilter(school.school.id, class_ids=(school.classes["二(1)班"].id,))
    figures = overview.school_figures(school.session, period, single, now=NOW)
    assert figures["students"] == 0 and math.isnan(figures["contact_coverage"]) and figures["activities"] == 2


def test_channel_mix_weekly_rhythm_and_who_was_not_reached(school: TinySchool) -> None:
    period = term_period(school.term1)
    mix = communication.channel_mix(school.session, period, _whole(school)).set_index("channel_code")["contacts"]
    assert mix.to_dict() == {
        "home_visit": 2,
        "phone": 2,
        "wechat": 2,
        "face_to_face": 0,
        "parent_meeting": 0,
        "online": 0,
        "contact_book": 0,
    }
    weeks = communication.contacts_by_week(school.session, period, _whole(school))
    assert weeks["contacts"].sum() == 6
    assert date(2025, 9, 1) in set(weeks["week"])  # 2025-09-01 was a Monday
    assert date(2026, 1, 19) in set(weeks["week"])  # the week of the last day
    missing = communication.students_not_reached(school.session, period, _whole(school))
    assert missing["student_name"].tolist() == ["C", "D"]
    assert missing["guardian_name"].tolist() == ["C妈妈", "D妈妈"]
    not_visited = communication.students_not_reached(school.session, period, _whole(school), home_visit=True)
    assert not_visited["student_name"].tolist() == ["A", "C", "D"]


def test_requests_on_time_late_overdue_and_pending(school: TinySchool) -> None:
    period = term_period(school.term1)
    late = communication.late_requests(school.session, period, _whole(school), now=NOW)
    assert late["status"].tolist() == ["late", "overdue"]
    assert late["hours"].iloc[0] == 96.0
    school.request("一(1)班", datetime(2026, 3, 1, 8))
    running = term_period(school.term2, today=date(2026, 3, 1))
    frame = communication.requests_by_class(school.session, running, _whole(school), now=datetime(2026, 3, 1, 12))
    assert frame[["requests", "pending", "overdue"]].sum().tolist() == [2, 1, 1]  # 2-25 is 75 h old: overdue


def test_volunteer_trend_mix_ranking_and_unique_families(school: TinySchool) -> None:
    period = term_period(school.term1)
    assert volunteers.unique_families(school.session, period, _whole(school)) == 2
    assert volunteers.unconfirmed_records(school.session, period, _whole(school)) == 1
    trend = volunteers.hours_by_week(school.session, period, _whole(school))
    assert trend["volunteer_hours"].sum() == 7.0 and trend["volunteer_records"].sum() == 3
    mix = volunteers.activity_mix(school.session, period, _whole(school)).set_index("activity_code")
    assert mix.loc["gate_duty", "volunteer_hours"] == 2.0 and mix.loc["gate_duty", "volunteer_records"] == 1
    ranking = volunteers.volunteer_ranking(school.session, period, _whole(school))
    # B妈妈's 1.5 h are not confirmed yet: she is not ranked
    assert ranking[["guardian_name", "volunteer_hours"]].values.tolist() == [["D妈妈", 4.0], ["A妈妈", 3.0]]
    assert ranking["rank"].tolist() == [1, 2] and ranking["child_name"].tolist() == ["D", "A"]


def test_volunteer_ranking_names_the_child_in_the_classes_in_view(school: TinySchool) -> None:
    """D's older sibling Ca (in 二(1)班, first by name) never shows when only 一年级 is in view."""
    sibling = school.add_student("Ca", "二(1)班")
    sibling.family_id = school.students["D"].family_id
    school.session.flush()
    period = term_period(school.term1)
    grade_one = ClassFilter(school.school.id, grade_level=1)
    ranking = volunteers.volunteer_ranking(school.session, period, grade_one)
    assert ranking[["guardian_name", "child_name"]].values.tolist() == [["D妈妈", "D"], ["A妈妈", "A"]]


def test_moral_levels_dimensions_raters_and_completion(school: TinySchool) -> None:
    scheme = moral.moral_scheme(school.session, school_id=school.school.id)
    term = school.term1.id
    levels = moral.level_distribution(school.session, scheme, term, _whole(school))
    by_class = (
        _by_class(levels, school)
        .reset_index()
        .groupby("name")
        .apply(lambda g: dict(zip(g.level, g.students, strict=True)), include_groups=False)
        .to_dict()
    )
    assert by_class == {"一(1)班": {"优秀": 1, "合格": 1}, "一(2)班": {"良好": 1, "待改进": 1}}
    dims = _by_class(moral.dimension_averages(school.session, scheme, term, _whole(school)), school)
    civility = next(i for i, code, _ in scheme.dimensions if code == "civility")
    one = dims.loc["一(1)班"].set_index("dimension_id")["average"]
    assert one[civility] == pytest.approx((90 + 52 / 0.7) / 2)
    raters = _by_class(moral.rater_averages(school.session, scheme, term, _whole(school)), school)
    codes = {rid: code for rid, code, _, _ in scheme.raters}
    two = raters.loc["一(2)班"].assign(rater=lambda f: f["rater_id"].map(codes)).set_index("rater")["average"]
    assert two.to_dict() == pytest.approx({"teacher": 70.0, "parent": 95.0, "self": 70.0})


def test_changing_weights_and_thresholds_changes_the_figures(school: TinySchool) -> None:
    session, term = school.session, school.term1.id
    session.execute(update(MoralLevel).where(MoralLevel.name == "良好").values(min_score=86))
    scheme = moral.moral_scheme(session, school_id=school.school.id)
    frame = _by_class(moral.moral_by_class(session, scheme, term, _whole(school)), school)
    assert frame.loc["一(2)班", "good"] == 0  # D's 85 no longer reaches 良好
    session.execute(update(MoralRater).where(MoralRater.code == "teacher").values(weight=0))
    scheme = moral.moral_scheme(session, school_id=school.school.id)
    frame = _by_class(moral.moral_by_class(session, scheme, term, _whole(school)), school)
    assert frame.loc["一(2)班", "evaluated"] == 1  # E had only teacher scores
    assert frame.loc["一(2)班", "average_total"] == pytest.approx((0.3 * 95 + 0.2 * 70) / 0.5)
    session.rollback()


def test_activities_by_type_month_totals_and_partners(school: TinySchool) -> None:
    period = term_period(school.term1)
    months = activities.activities_by_type_month(school.session, period, _whole(school))
    assert [(m.month, t, n) for m, t, n in months.itertuples(index=False)] == [
        (9, "家长会", 1),
        (11, "亲子活动", 1),
        (12, "职业启蒙", 1),
    ]
    assert activities.participation_totals(school.session, period, _whole(school)) == {
        "activities": 3,
        "students": 5,
        "parents": 8,
        "families": 8,
        "without_class_figures": 0,
    }
    partners = activities.partner_summary(school.session, period, _whole(school))
    assert partners.iloc[0][["partner_name", "activities", "titles"]].tolist() == ["市供电公司", 1, "职业启蒙"]
    listed = activities.activity_list(school.session, period, _whole(school))
    assert listed["title"].tolist() == ["开学家长会", "亲子阅读", "职业启蒙"]


def test_empty_term_gives_no_data_not_errors(school: TinySchool) -> None:
    """Term 2 has no records of its own; only C's call on 1-21, in the winter holiday, counts for it
    (a holiday record counts for the following term by default): 1 contact, C covered, 1 of 5 students."""
    period = term_period(school.term2)
    assert period.first_day == date(2026, 1, 21) and period.start == date(2026, 2, 24)
    frame = overview.class_measures(school.session, period, _whole(school), now=NOW)
    assert frame["contacts"].sum() == 1 and frame["contact_coverage"].isna().sum() == 1  # only 二(1)班 has nobody
    figures = overview.school_figures(school.session, period, _whole(school), now=NOW)
    assert figures["contact_coverage"] == pytest.approx(1 / 5) and math.isnan(figures["moral_good_rate"])
    assert math.isnan(figures["satisfaction"]) and figures["activities"] == 0


def test_targets_status_and_pace(school: TinySchool) -> None:
    targets = judging.targets(school.session, term_id=school.term1.id)
    assert targets == {"contact_coverage": 1.0, "home_visit_coverage": 1.0, "moral_good_rate": 0.9}
    assert judging.status(0.6, 1.0) == "red"
    assert judging.status(0.95, 1.0) == "amber"
    assert judging.status(1.0, 1.0) == "green"
    assert judging.status(math.nan, 1.0) == "grey" and judging.status(0.5, None) == "grey"
    halfway = term_period(school.term2, today=date(2026, 4, 15))
    assert halfway.in_progress and halfway.elapsed_share == pytest.approx(51 / 132)
    assert judging.target_on_pace("home_visit_coverage", 1.0, halfway) == pytest.approx(51 / 132)
    assert judging.target_on_pace("moral_good_rate", 0.9, halfway) == 0.9


def test_periods_and_comparison(school: TinySchool) -> None:
    session = school.session
    running = term_period(school.term2, today=date(2026, 3, 15))
    assert running.end == date(2026, 3, 15) and running.days == 20
    # term 2 begins on Tuesday 2026-02-24: weeks run Monday to Sunday, so the week charts'
    # Monday buckets 02-23 and 03-02 are weeks 1 and 2, never both "第1周"
    assert running.start.weekday() == 1
    assert [running.week_of(date(2026, 2, d)) for d in (23, 24)] == [1, 1]
    assert [running.week_of(date(2026, 3, d)) for d in (1, 2, 15)] == [1, 2, 3]
    before = comparison_period(session, running)
    assert before.start == date(2025, 9, 1) and before.end == date(2025, 9, 20) and before.label.endswith("同期")
    assert not before.term_label.endswith("同期")  # 德育 scores compare whole terms
    assert comparison_period(session, term_period(school.term1)) is None
    assert comparison_period(session, term_period(school.term2)).end == date(2026, 1, 20)
    custom = custom_period(session, school_id=school.school.id, start=date(2025, 10, 1), end=date(2026, 3, 1))
    assert custom.evaluation_term_id == school.term2.id and custom.term_id is None
    with pytest.raises(PeriodError, match="跨学年"):
        custom_period(session, school_id=school.school.id, start=date(2026, 6, 1), end=date(2026, 9, 10))
    with pytest.raises(PeriodError, match="早于"):
        custom_period(session, school_id=school.school.id, start=date(2025, 10, 2), end=date(2025, 10, 1))
    frame = overview.class_measures(session, custom, _whole(school), now=NOW)
    # from 10-01: A's wechat, E's visit, B's visit, E's phone, and C on 1-21 (between the terms)
    assert frame["contacts"].sum() == 5


def test_following_the_same_children_into_last_term(school: TinySchool) -> None:
    one = ClassFilter(school.school.id, class_ids=(school.classes["一(2)班"].id,))
    now, before = term_period(school.term2), term_period(school.term1)
    followed = overview.follow_classes(school.session, one, now, before)
    assert followed.class_ids == (school.classes["一(2)班"].id,)
    assert overview.follow_classes(school.session, _whole(school), now, before) == _whole(school)
    assert select(MoralLevel.name) is not None


def test_the_registry_says_how_every_measure_is_computed(school: TinySchool) -> None:
    """Each measure names count columns that exist, has a Chinese name, and is in the class table when per class."""
    for key, m in measures.MEASURES.items():
        assert m.label and m.label != key, key
        if m.rollup == "ratio":
            assert m.numerator in overview.COUNT_COLUMNS and m.denominator in overview.COUNT_COLUMNS, key
        if m.rollup in ("sum", "per_week"):
            assert m.column in overview.COUNT_COLUMNS, key
        if m.rollup == "mean":
            assert m.weight in overview.COUNT_COLUMNS, key
    frame = overview.class_measures(school.session, term_period(school.term1), _whole(school), now=NOW)
    assert {k for k, m in measures.MEASURES.items() if m.per_class} <= set(frame.columns)
    assert set(measures.TARGET_MEASURES) <= set(measures.MEASURES)
    assert measures.header_measure("家访覆盖率") == "home_visit_coverage"


def test_a_card_is_changed_by_making_a_new_one() -> None:
    card = judging.FigureCard("activities", 6.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        card.note = "x"  # type: ignore[misc]  # the point of the test: a card cannot be changed in place
    assert card.with_note("含 2 场全校活动").note == "含 2 场全校活动" and card.note is None
