"""The report's claims that issue 20 added, on a tiny school computed by hand (text only: no charts, no .docx).

测试小学, 2025-2026学年第一学期 (2025-09-01 … 2026-01-20, months 9, 10, 11, 12, 1), 一(1)班 with 12 students
学生01 … 学生12 (entry_year 2025: all new this year), each with one guardian and a family, except 学生08, 学生07's
sibling (one family: 11 families). Flags: 01–06 留守儿童, 01–02 also 单亲, no 困难家庭. Default 工作要求.

Records:
  电话 on the 15th of Sep, Oct, Nov, Dec and on 01-10 to 01–05; 电话 09-15 to 06 (nothing in Nov: it fails);
  家访 2025-10-10 to 01–08 (8 students, 7 families: 07 and 08 are one);
  one 家长学校 2025-11-20, its sign-in: the guardians of 01–07, 09, 10 (9 of 11 families);
  requests (72 h): 4 answered in a day (安全), 1 answered after 5 days (教育教学);
  a 社区实践 2025-11-05 with 新华路社区服务中心 (社区服务中心), 30 students, and a 职业启蒙 2025-12-05 with
  城南消防救援站 (企事业单位), no student count;
  1 confirmed volunteer record; honours 校级 优秀家长志愿者 赵丽, 钱敏.

By hand, the term over (drafted 2026-02-01):
  家访 8 次，走访 7 户家庭.
  全员家访 8/12 → 未达标; 新生家访 8/12 名新生 → 未达标; 留守儿童联系 5/6 → 未达标 (06 missed Nov);
  单亲 2 students → not told; 困难家庭 none → 无需检查; 家长学校场次 1 of 2 → 未达标，已举办 1 场;
  家长学校参与 9/11 ≥ ceil(0.8 × 11) = 9 → 达标; 诉求 4/5 → 未达标.
  诉求 by category: 安全 4 件、教育教学 1 件. 按合作单位类型：社区服务中心 1 场（参与学生 30 人次）；企事业单位 1 场.
  → 8 项: 达标 1 项、未达标 5 项（另有 2 项…）.
  关爱 (任一类 = 留守 = 01–06): contacted 6, visited 6, contacts 5 × 6 + 2 = 32 → 5.3 次;
  others (07–12): contacted 07 08 = 2/6 = 33.3%, contacts 2 → 0.3 次; 单亲 (2) not told.
On 2025-12-20 (running): 全员家访 8 met, 4 pending → 未到期; 留守儿童联系 0 met, 06 failed, 5 pending → 未达标.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.metrics.communication import requests_by_category, visited_families
from hxgy.metrics.roster import ClassFilter
from hxgy.models import ActivityAttendance, Honour, Partner
from hxgy.models.base import Base
from hxgy.report import ReportFigures, ReportScope, gather
from hxgy.report.parts import care_sentence, honour_sentence
from hxgy.report.writing import draft
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school

NAMES = [f"学生{i:02d}" for i in range(1, 13)]
MONTHLY = [date(2025, 9, 15), date(2025, 10, 15), date(2025, 11, 15), date(2025, 12, 15), date(2026, 1, 10)]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("report-claims") / "claims.db"
    eng = db.create_db_engine(f"sqlite:///{path}")
    Base.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def school(engine: Engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1)
    for name in NAMES:
        s.add_student(name, "一(1)班")
    sibling = s.students["学生07"].family_id
    s.students["学生08"].family_id = sibling
    s.guardians["学生08"].family_id = sibling
    for name in NAMES[:6]:
        s.students[name].left_behind = True
    for name in NAMES[:2]:
        s.students[name].single_parent = True
    for name in NAMES[:5]:
        for day in MONTHLY:
            s.contact("一(1)班", day, name)
    s.contact("一(1)班", date(2025, 9, 15), "学生06")
    for name in NAMES[:8]:
        s.contact("一(1)班", date(2025, 10, 10), name, channel="home_visit")
    session_ = s.activity("家长学校：亲子沟通", date(2025, 11, 20), "parent_school", "school", {"一(1)班": 9})
    for name in [*NAMES[:7], "学生09", "学生10"]:
        session.add(
            ActivityAttendance(school_id=s.school.id, activity_id=session_.id, guardian_id=s.guardians[name].id)
        )
    for day in (10, 11, 12, 13):
        s.request("一(1)班", datetime(2025, 10, day, 9), datetime(2025, 10, day + 1, 9))
    late = s.request("一(1)班", datetime(2025, 11, 3, 9), datetime(2025, 11, 8, 9))
    late.category_id = s.category("request_category", "teaching")
    session.add(
        Partner(school_id=s.school.id, name="新华路社区服务中心", type_id=s.category("partner_type", "community"))
    )
    session.flush()
    s.activity("社区清洁日", date(2025, 11, 5), "community_practice", "class", {"一(1)班": 2}, "新华路社区服务中心", 30)
    s.activity("职业启蒙进校园", date(2025, 12, 5), "career", "class", {"一(1)班": 1}, partner="城南消防救援站")
    s.volunteer("一(1)班", "学生01", date(2025, 10, 20), 2.0)
    for parent in ("赵丽", "钱敏"):
        session.add(
            Honour(
                school_id=s.school.id,
                term_id=s.term1.id,
                title="优秀家长志愿者",
                level="校级",
                recipient_kind="parent",
                recipient=parent,
                awarded_on=date(2026, 1, 10),
            )
        )
    session.commit()
    yield s
    session.close()


def _text(school: TinySchool, today: date, grade_level: int | None = None) -> str:
    with Session(school.session.get_bind()) as session:
        now = datetime.combine(today, datetime.min.time()).replace(hour=12)
        fig = gather(session, ReportScope(school.school.id, school.term1.id, today, now, grade_level))
    return draft(fig).text()


@pytest.fixture(scope="module")
def fig(school: TinySchool) -> ReportFigures:
    """The whole school's figures of the finished term."""
    with Session(school.session.get_bind()) as session:
        return gather(
            session, ReportScope(school.school.id, school.term1.id, date(2026, 2, 1), datetime(2026, 2, 1, 12))
        )


@pytest.fixture(scope="module")
def text(fig: ReportFigures) -> str:
    """The whole school's report of the finished term, as text."""
    return draft(fig).text()


def test_visited_families_counts_siblings_once(school: TinySchool) -> None:
    period = term_period(school.term1, date(2026, 2, 1))
    assert visited_families(school.session, period, ClassFilter(school.school.id)) == 7


def test_home_visits_say_families(text: str) -> None:
    assert "本学期共开展家访 8 次，走访 7 户家庭；家访覆盖率 66.7%" in text


def test_each_rule_in_words_with_its_status_and_count(text: str) -> None:
    assert (
        "（一）工作要求。按学校设定的 8 项工作要求检查，达标 1 项、未达标 5 项（另有 2 项无适用对象或不单独列出）。"
        in text
    )
    for line in (
        "全员家访（每名学生每学期上门家访至少 1 次）：未达标，已达到 8/12 名学生。",
        "新生家访（新生入校第一学期内上门家访至少 1 次）：未达标，已达到 8/12 名新生。",
        "留守儿童联系（留守儿童每月至少联系 1 次）：未达标，已达到 5/6 名学生。",
        "单亲家庭学生联系（单亲家庭学生每月至少联系 1 次）：涉及对象不足 5 个（或可据此推算），为保护隐私不单独列出。",
        "困难家庭学生联系（困难家庭学生每月至少联系 1 次）：无需检查（本学期没有适用对象）。",
        "家长学校场次（每学期至少举办家长学校（家庭教育指导）2 场）：未达标，已举办 1 场。",
        "家长学校参与（每户家庭每学期至少参加家长学校 1 场（80%以上达到））：达标，已达到 9/11 户家庭。",
        "诉求按时答复（家长诉求在 72 小时内答复）：未达标，已达到 4/5 条诉求。",
    ):
        assert line in text.splitlines(), line


def test_flagged_students_counted_small_groups_not_told(text: str) -> None:
    care = next(line for line in text.splitlines() if line.startswith("（二）重点关爱学生。"))
    assert (
        "留守儿童 6 名，本学期有个别沟通记录 6 名（沟通覆盖率 100.0%，其他学生 33.3%）、已家访 6 名"
        "（家访覆盖率 100.0%），人均个别沟通 5.3 次（其他学生 0.3 次）"
    ) in care
    assert "单亲家庭学生人数不足 5 人或可据此推算，不单独统计" in care
    assert "困难家庭" not in care, "a flag nobody has is left out"
    assert not any(name in text for name in NAMES), "no student is named"


def test_honours_counted(text: str) -> None:
    assert "本学期共有 2 名家长获评校级“优秀家长志愿者”。" in text
    assert "家长赵丽、钱敏（2 人）获评校级“优秀家长志愿者”" in text


def test_running_term_says_what_can_still_be_met(school: TinySchool) -> None:
    running = _text(school, date(2025, 12, 20)).splitlines()
    assert "全员家访（每名学生每学期上门家访至少 1 次）：未到期，已达到 8/12 名学生（4 名尚在学期内）。" in running
    assert (
        "留守儿童联系（留守儿童每月至少联系 1 次）：未达标，已达到 0/6 名学生（1 名已不能达到、5 名尚在学期内）。"
        in running
    )


def test_a_grades_report_has_no_rules_or_flags(school: TinySchool) -> None:
    grade = _text(school, date(2026, 2, 1), grade_level=1)
    assert "工作要求" not in grade
    assert "留守儿童" not in grade


def test_requests_by_category(school: TinySchool, text: str) -> None:
    period = term_period(school.term1, date(2026, 2, 1))
    kinds = requests_by_category(school.session, period, ClassFilter(school.school.id))
    assert list(kinds.itertuples(index=False, name=None)) == [("安全", 4), ("教育教学", 1)]
    assert "本学期共收到家长诉求 5 件（按类别：安全 4 件、教育教学 1 件），" in text


def test_activities_by_partner_type(text: str) -> None:
    assert "按合作单位类型：社区服务中心 1 场（参与学生 30 人次）；企事业单位 1 场。" in text


def test_students_honours_compared_with_last_year() -> None:
    columns = ["honour_id", "title", "level", "recipient_kind", "recipient", "awarded_on"]
    now = pd.DataFrame(
        [(i, "新时代好少年", "区级", "student", f"学生{i}", None) for i in range(1, 13)]
        + [(20, "阳光少年", "校级", "student", "学生20", None)],
        columns=columns,
    )
    before = pd.DataFrame(
        [(i, "新时代好少年", "区级", "student", f"学生{i}", None) for i in range(1, 8)], columns=columns
    )
    sentence = honour_sentence(now, before)
    assert "12 名学生获评区级“新时代好少年”，较去年同期增加 5 名" in sentence
    assert sentence.endswith("1 名学生获评校级“阳光少年”。"), "not awarded last year: no comparison"
    assert "较去年" not in honour_sentence(now, before.iloc[0:0])


def test_flagged_students_all_hidden_in_one_sentence(fig: ReportFigures) -> None:
    """When 任一类 is hidden (every flag is hidden with it), no flag is named, not even one nobody has."""
    assert fig.care is not None
    hidden = fig.care.total.assign(hidden=True)
    sentence = care_sentence(replace(fig, care=replace(fig.care, total=hidden, total_hidden=True)))
    assert sentence == "全校重点关爱学生人数不足 5 人或可据此推算，为保护学生隐私不单独统计。"


def test_rules_not_met_are_a_point_to_attend_to(text: str) -> None:
    assert (
        "工作要求未达标 5 项：全员家访、新生家访、留守儿童联系、家长学校场次、诉求按时答复（见“工作要求落实情况”）。"
        in text.splitlines()
    )
