"""The term report's parts beyond the measures, on a tiny school computed by hand, the report built once.

测试小学: 2025-2026学年 一(1)班 with 6 students 甲同学 … 己同学 (each with one guardian, 甲同学妈妈 …); in 2026-2027
学年 the same 6 children are in 二(1)班 (head teacher 王老师).
The report is of 2026-2027学年第一学期 (2026-09-01 … 2027-01-20), drafted on 2027-02-01 (finished).

家访 (every contact is a 家访 of one student):
  2025-2026 第一学期 (同比): 甲 乙 丙 → 3/6 = 50.0 %;   第二学期 (上学期): 甲 乙 丙 丁 → 4/6 = 66.7 %;
  2026-2027 第一学期: all six → 100.0 %: 较上学期提高 33.3 个百分点，同比提高 50.0 个百分点 (沟通覆盖率 the same).
沟通主题 of this term's six: 学习情况 甲 乙 丙, 安全教育 丁 戊, none 己 (and a deleted 学习情况 contact, not counted)
  → 按沟通主题：学习情况 3 次、安全教育 2 次（另有 1 次未注明主题）.
Notices: 2026-10-08 and 2026-12-01 to 二(1)班 (every class: 全校), one deleted, one of 2025-10-01 (another term)
  → 推送重要通知 2 条，其中面向全校 2 条.
家委会 2026-2027: school 甲同学妈妈; 二(1)班 乙同学妈妈 丙同学妈妈 → 校级 1 人，全部 1 个班级，共 2 人.
家长学校: 2 school-wide 家长学校 sessions; 甲同学妈妈 at both, 乙同学妈妈 at the first → 2 场，覆盖 2 户家庭，
  户均参加 (2 + 1) / 6 = 0.5 场（共 6 户家庭，家长到场 3 人次）.
Partners with an agreement by 2027-01-20: 社区服务中心 1, 企事业单位 2, 校外实践基地 1 (one signed 2027-03-01 not
  counted); the base hosted a 社区实践 of 二(1)班 → 1 所社区服务中心、2 家企事业单位、1 个校外实践基地；学生走进 1 个.
Honours: the school 区级 家庭教育示范校; 二(1)班 校级 优秀班集体; 教师 王老师 区级 优秀班主任; 家长 赵丽 校级
  优秀家长志愿者; 甲 乙 丙 区级 新时代好少年, 丁 校级 阳光少年
  → "3 名学生获评区级“新时代好少年”", "1 名学生获评校级“阳光少年”".
The dean's text: a title, 2 paragraphs of 工作举措与成效, 1 of 典型案例, 2 of 下一步工作计划, 落款日期 2027-01-25,
  no signer (→ 测试小学).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from hxgy import db
from hxgy.entry.report_parts import add_honour, remove_honour, save_report_text
from hxgy.entry.rules import InvalidEntry, WriteRefused
from hxgy.metrics.communication import contacts_by_topic
from hxgy.metrics.roster import ClassFilter
from hxgy.models import (
    ActivityAttendance,
    AuditLog,
    CommitteeMember,
    Honour,
    Notice,
    NoticeClass,
    Partner,
    ReportText,
    Student,
    Term,
)
from hxgy.models.base import Base
from hxgy.queries.report_parts import honours, report_texts
from hxgy.report import ReportScope, build, gather
from hxgy.report.parts import honour_sentence
from hxgy.report.writing import draft
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school

TODAY = date(2027, 2, 1)
NOW = datetime(2027, 2, 1, 12, 0)
NAMES = ["甲同学", "乙同学", "丙同学", "丁同学", "戊同学", "己同学"]
TITLE = "测试小学2026年秋季学期家校共育工作总结"
MEASURES = "一是落实全员家访，班主任开学一个月内完成入户家访。\n\n\u3000\u3000二是办好家长学校，每学期两场专题讲座。"
CASES = "【护学岗上的爸爸队】一年级家长自发组建护学队。"
PLAN = "一是新生入学前完成首次家访。\n二是提高家长学校到场率。"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One SQLite database for the module (the report with its charts is built once)."""
    path: Path = tmp_path_factory.mktemp("report-parts") / "parts.db"
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
        s.add_student(name, "一(1)班", end=date(2026, 8, 31))
    year2, _, _ = s.next_year()
    s.add_class(2, 1, head="王老师", year=year2)
    for name in NAMES:
        s.enrol(name, "二(1)班", date(2026, 9, 1))
    for name in NAMES[:3]:
        s.contact("一(1)班", date(2025, 10, 10), name, channel="home_visit")
    for name in NAMES[:4]:
        s.contact("一(1)班", date(2026, 3, 10), name, channel="home_visit")
    topics = ["study", "study", "study", "safety", "safety", None]
    for name, topic in zip(NAMES, topics, strict=True):
        record = s.contact("二(1)班", date(2026, 10, 12), name, channel="home_visit")
        record.topic_id = s.category("topic", topic) if topic else None
    gone = s.contact("二(1)班", date(2026, 10, 13), "甲同学", channel="phone", deleted=True)
    gone.topic_id = s.category("topic", "study")
    for day, deleted in ((date(2026, 10, 8), False), (date(2026, 12, 1), False), (date(2026, 12, 2), True)):
        notice = Notice(
            school_id=s.school.id,
            notice_date=day,
            title="告家长书",
            deleted_at=datetime(2026, 12, 3) if deleted else None,
        )
        session.add(notice)
        session.flush()
        session.add(NoticeClass(notice_id=notice.id, class_id=s.classes["二(1)班"].id))
    old = Notice(school_id=s.school.id, notice_date=date(2025, 10, 1), title="旧通知")
    session.add(old)
    session.flush()
    session.add(NoticeClass(notice_id=old.id, class_id=s.classes["一(1)班"].id))
    for guardian, class_name in (("甲同学", None), ("乙同学", "二(1)班"), ("丙同学", "二(1)班")):
        session.add(
            CommitteeMember(
                school_id=s.school.id,
                school_year_id=year2.id,
                class_id=s.classes[class_name].id if class_name else None,
                guardian_id=s.guardians[guardian].id,
                position="委员",
            )
        )
    first = s.activity("家长学校：亲子沟通", date(2026, 10, 20), "parent_school", "school", {"二(1)班": 2})
    second = s.activity("家长学校：安全教育", date(2026, 11, 20), "parent_school", "school", {"二(1)班": 1})
    for activity, guardian in ((first, "甲同学"), (first, "乙同学"), (second, "甲同学")):
        session.add(
            ActivityAttendance(school_id=s.school.id, activity_id=activity.id, guardian_id=s.guardians[guardian].id)
        )
    for name, code, signed in (
        ("新华路社区服务中心", "community", date(2026, 3, 1)),
        ("城南消防救援站", "enterprise", date(2026, 5, 1)),
        ("市供电公司", "enterprise", date(2026, 9, 15)),
        ("城郊农耕实践基地", "base", date(2025, 9, 1)),
        ("市科技馆", "venue", date(2027, 3, 1)),
    ):
        session.add(
            Partner(school_id=s.school.id, name=name, type_id=s.category("partner_type", code), agreement_date=signed)
        )
    session.flush()
    s.activity("农耕实践", date(2026, 11, 5), "community_practice", "class", {"二(1)班": 3}, partner="城郊农耕实践基地")
    session.commit()
    yield s
    session.close()


@pytest.fixture(scope="module")
def dean(school: TinySchool):
    user = school.user("dean", "教导主任")
    school.session.commit()
    return user


@pytest.fixture(scope="module")
def saved(school: TinySchool, dean) -> TinySchool:
    """The dean's text and the honours, saved through hxgy.entry like the page saves them."""
    session = school.session
    autumn = _autumn(school)
    changed = save_report_text(
        session,
        dean,
        term_id=autumn,
        texts={
            "title": TITLE,
            "measures": MEASURES,
            "cases": CASES,
            "plan": PLAN,
            "signer": "  ",
            "signed_on": date(2027, 1, 25),
        },
    )
    assert changed == 5, "an empty signer is not stored"
    school_name = school.school.name
    for title, level, kind, recipient in (
        ("家庭教育示范校", "区级", "school", school_name),
        ("优秀班集体", "校级", "class", "二(1)班"),
        ("优秀班主任", "区级", "staff", "王老师"),
        ("优秀家长志愿者", "校级", "parent", "赵丽"),
        ("新时代好少年", "区级", "student", "甲同学"),
        ("新时代好少年", "区级", "student", "乙同学"),
        ("新时代好少年", "区级", "student", "丙同学"),
        ("阳光少年", "校级", "student", "丁同学"),
    ):
        add_honour(
            session,
            dean,
            term_id=autumn,
            title=title,
            level=level,
            recipient_kind=kind,
            recipient=recipient,
            awarded_on=date(2026, 12, 20),
            today=TODAY,
        )
    session.commit()
    return school


def _autumn(school: TinySchool) -> int:
    return school.session.scalar(select(Term.id).where(Term.name == "2026-2027学年第一学期"))


@pytest.fixture(scope="module")
def report(saved: TinySchool):
    """The report of 2026-2027学年第一学期, built once with its charts, and the document opened."""
    with Session(saved.session.get_bind()) as session:
        fig = gather(session, ReportScope(saved.school.id, _autumn(saved), TODAY, NOW))
    made = build(fig)
    return made, Document(io.BytesIO(made.data))


def _paragraph(doc, start: str) -> str:
    found = [p.text for p in doc.paragraphs if p.text.startswith(start)]
    assert found, f"no paragraph begins with {start}"
    return found[0]


def test_the_deans_text_goes_around_the_figures_with_the_signature(report) -> None:
    _, doc = report
    texts = [p.text for p in doc.paragraphs]
    assert doc.paragraphs[0].text == TITLE, "the saved title replaces the default one"
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == [
        "一、总体概况",
        "二、家校沟通",
        "三、家访",
        "四、家长志愿服务",
        "五、德育评价",
        "六、协同活动与合作单位",
        "七、家长满意度",
        "八、工作要求落实情况",
        "九、家委会与荣誉表彰",
        "十、工作举措与成效",
        "十一、典型案例",
        "十二、下一步工作计划",
        "附表",
    ]
    at = texts.index
    assert at("十、工作举措与成效") < at("一是落实全员家访，班主任开学一个月内完成入户家访。")
    assert (
        at("二是办好家长学校，每学期两场专题讲座。") == at("一是落实全员家访，班主任开学一个月内完成入户家访。") + 1
    ), "each line a paragraph, blank lines and leading 全角 spaces dropped"
    assert at("十一、典型案例") + 1 == at(CASES)
    plan = at("十二、下一步工作计划")
    assert texts[plan + 1 : plan + 4] == ["一是新生入学前完成首次家访。", "二是提高家长学校到场率。", "需要关注的事项"]
    assert doc.paragraphs[plan + 3].style.name == "Heading 2"
    assert doc.paragraphs[plan + 4].style.name == "List Bullet", "the data's points follow the dean's plan"
    signer = at("测试小学", plan)
    assert texts[signer + 1] == "2027年1月25日"
    assert signer < at("附表")
    assert doc.paragraphs[signer].alignment == doc.paragraphs[signer + 1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert doc.paragraphs[signer].paragraph_format.keep_with_next, "the signer and the date on one page"
    assert doc.paragraphs[signer - 1].paragraph_format.keep_with_next, "with the text's last paragraph"
    assert all(p.style.name == "List Bullet" for p in doc.paragraphs[plan + 4 : signer])


def test_student_honours_are_counted_never_named(report, saved: TinySchool) -> None:
    made, doc = report
    honoured = _paragraph(doc, "（二）荣誉表彰。")
    assert honoured == (
        "（二）荣誉表彰。本学期共获各级荣誉 8 项（人次）：测试小学获评区级“家庭教育示范校”；"
        "教师王老师获评区级“优秀班主任”；3 名学生获评区级“新时代好少年”；二(1)班获评校级“优秀班集体”；"
        "家长赵丽获评校级“优秀家长志愿者”；"
        "1 名学生获评校级“阳光少年”。"
    )
    students = saved.session.scalars(select(Student.name).where(Student.school_id == saved.school.id)).all()
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert sorted(students) == sorted(NAMES)
    assert [name for name in students if name in text] == []
    assert [name for name in students if name in made.draft.text()] == []


def test_the_counts_match_the_hand_computation(report) -> None:
    _, doc = report
    main = _paragraph(doc, "（一）主要指标。")
    assert "沟通覆盖率 100.0%（覆盖 6 名学生中的 6 名），较上学期提高 33.3 个百分点，同比提高 50.0 个百分点" in main
    assert "家访覆盖率 100.0%（覆盖 6 名学生中的 6 名），较上学期提高 33.3 个百分点，同比提高 50.0 个百分点" in main
    assert "“同比”为与上一学年同一学期（同一批学生）相比" in doc.paragraphs[3].text
    topics = next(p.text for p in doc.paragraphs if "沟通内容。" in p.text)
    assert topics.endswith("按沟通主题：学习情况 3 次、安全教育 2 次（另有 1 次未注明主题）。")
    notices = next(p.text for p in doc.paragraphs if "重要通知。" in p.text)
    assert notices.endswith("本学期学校推送重要通知 2 条，其中面向全校 2 条（通知不计入以上沟通次数）。")
    committee = _paragraph(doc, "（一）家长委员会。")
    assert committee == "（一）家长委员会。家委会：校级家委会 1 人，全部 1 个班级均成立班级家委会，共 2 人次。"
    guidance = next(p.text for p in doc.paragraphs if "家长学校。本学期" in p.text)
    assert guidance.endswith(
        "本学期开展家长学校 2 场，覆盖 2 户家庭，户均参加 0.5 场（共 6 户家庭，家长到场 3 人次）。"
    )
    partners = next(p.text for p in doc.paragraphs if "合作单位。" in p.text)
    assert "学校已与 1 所社区服务中心、2 家企事业单位、1 个校外实践基地签订合作协议。" in partners
    assert partners.endswith("本学期学生走进 1 个校外实践基地开展实践活动。")


def test_contacts_by_topic(school: TinySchool) -> None:
    with Session(school.session.get_bind()) as session:
        autumn = term_period(session.get_one(Term, _autumn(school)), TODAY)
        frame = contacts_by_topic(session, autumn, ClassFilter(school.school.id))
        before = term_period(school.term1, TODAY)
        earlier = contacts_by_topic(session, before, ClassFilter(school.school.id))
    counts = dict(zip(frame["topic_name"], frame["contacts"], strict=True))
    assert list(frame.columns) == ["topic_code", "topic_name", "contacts"]
    assert counts["学习情况"] == 3 and counts["安全教育"] == 2, "the deleted contact is not counted"
    assert sum(counts.values()) == 5, "the contact with no topic is in no row"
    assert frame["topic_code"].tolist()[:2] == ["study", "behaviour"], "every topic, in the school's order"
    assert earlier["contacts"].sum() == 0, "another term's contacts have no topic here"


def test_saving_is_per_term_audited_and_checked(saved: TinySchool, dean) -> None:
    session = saved.session
    autumn = _autumn(saved)
    assert report_texts(session, saved.school.id, autumn) == {
        "title": TITLE,
        "measures": MEASURES,
        "cases": CASES,
        "plan": PLAN,
        "signed_on": "2027-01-25",
    }
    assert report_texts(session, saved.school.id, saved.term1.id) == {}, "saved per term"
    logged = session.scalars(select(AuditLog.entity).where(AuditLog.entity == "report_text")).all()
    assert len(logged) == 5
    with pytest.raises(InvalidEntry) as too_long:
        save_report_text(session, dean, term_id=autumn, texts={"cases": "案" * 8001, "signed_on": "明天"})
    session.rollback()
    message = str(too_long.value)
    assert "典型案例：不能超过 8000 个字（现有 8001 个字）" in message
    assert "落款日期：应为日期" in message
    teacher = saved.user("teacher", "李老师", teaches="二(1)班")
    session.commit()
    with pytest.raises(WriteRefused):
        save_report_text(session, teacher, term_id=autumn, texts={"title": "改标题"})
    session.rollback()
    with pytest.raises(WriteRefused):
        add_honour(
            session,
            teacher,
            term_id=autumn,
            title="x",
            level="校级",
            recipient_kind="school",
            recipient="y",
            awarded_on=None,
            today=TODAY,
        )
    session.rollback()


def test_honours_entry_refuses_duplicates_and_removes(saved: TinySchool, dean) -> None:
    session = saved.session
    autumn = _autumn(saved)
    with pytest.raises(InvalidEntry) as twice:
        add_honour(
            session,
            dean,
            term_id=autumn,
            title="新时代好少年",
            level="区级",
            recipient_kind="student",
            recipient="甲同学",
            awarded_on=date(2027, 3, 1),
            today=TODAY,
        )
    session.rollback()
    assert "本学期已登记“甲同学”获“新时代好少年”" in str(twice.value)
    assert "获奖日期：不能晚于今天" in str(twice.value)
    extra = add_honour(
        session,
        dean,
        term_id=saved.term1.id,
        title="书香家庭",
        level="区级",
        recipient_kind="parent",
        recipient="乙同学妈妈",
        awarded_on=None,
        today=TODAY,
    )
    session.commit()
    assert honours(session, saved.school.id, saved.term1.id)["recipient"].tolist() == ["乙同学妈妈"]
    remove_honour(session, dean, honour_id=extra)
    session.commit()
    assert session.get(Honour, extra) is None
    assert honours(session, saved.school.id, saved.term1.id).empty


def test_without_the_deans_text_the_defaults(saved: TinySchool) -> None:
    """A term with nothing saved: the default title, 下一步需要关注, the school and the day the report is made."""
    with Session(saved.session.get_bind()) as session:
        text = draft(gather(session, ReportScope(saved.school.id, saved.term2.id, TODAY, NOW))).text()
        assert session.scalar(select(ReportText.id).where(ReportText.term_id == saved.term2.id)) is None
    assert text.startswith("测试小学2025-2026学年第二学期家校社协同育人工作情况报告")
    assert "下一步需要关注" in text and "工作举措与成效" not in text and "需要关注的事项" not in text
    assert "\n测试小学\n2027年2月1日\n附表" in text, "the signature before the appendix"


def test_honour_sentence_groups_named_recipients() -> None:
    frame = pd.DataFrame(
        [
            (1, "优秀家长志愿者", "校级", "parent", "张丽", None),
            (2, "优秀家长志愿者", "校级", "parent", "王芳", None),
            (3, "新时代好少年", "校级", "student", "李明", None),
        ],
        columns=["honour_id", "title", "level", "recipient_kind", "recipient", "awarded_on"],
    )
    sentence = honour_sentence(frame)
    assert (
        sentence == "本学期共获各级荣誉 3 项（人次）：家长张丽、王芳（2 人）获评校级“优秀家长志愿者”；"
        "1 名学生获评校级“新时代好少年”。"
    )
    assert "李明" not in sentence
    assert honour_sentence(frame.iloc[0:0]) == ""
