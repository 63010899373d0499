"""The demo's honours (every term) and the dean's text of finished terms' reports (学期报告)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.demo.structure import ClassInfo, TermInfo, World
from hxgy.models import Guardian, Honour, ReportText, School, Staff, Student

SCHOOL_HONOURS = (
    ("家庭教育示范校", "区级"),
    ("家校社协同育人实验校", "市级"),
    ("书香校园", "区级"),
    ("平安校园", "区级"),
    ("家长学校工作先进单位", "市级"),
)
CLASS_HONOURS = (("优秀班集体", "校级"), ("文明班级", "区级"), ("书香班级", "校级"))
STAFF_HONOURS = (("优秀班主任", "区级"), ("家庭教育指导优秀教师", "校级"), ("家访工作先进个人", "区级"))
PARENT_HONOURS = (("优秀家长志愿者", "校级"), ("书香家庭", "区级"), ("最美家庭", "区级"))
STUDENT_HONOURS = (("新时代好少年", "区级"), ("新时代好少年", "校级"), ("阳光少年", "校级"), ("三好学生", "校级"))

# 工作举措与成效: paragraphs in the schools' own words; {season} is 秋季 or 春季
MEASURES = (
    "本学期，学校以“家校同心、协同育人”为主线，把家访、家长学校和家长志愿服务作为三项常规工作，"
    "由教导处统筹、年级组推进、班主任落实，每月通报进度。",
    "一是落实全员家访。开学前召开班主任工作会，明确“不漏一名学生、不落一户家庭”的要求，"
    "对新生、留守儿童和困难家庭学生优先安排入户家访，家访情况当周录入平台。",
    "二是办好家长学校。围绕习惯养成、亲子沟通、心理健康和安全教育开设专题讲座，"
    "邀请区家庭教育指导中心专家和优秀家长现身说法，各班按签到表记录到场家长。",
    "三是用好家长志愿力量。{season}学期组建护学岗、图书管理、活动协助等志愿服务队，"
    "家长志愿者全程参与开学典礼、运动会和研学活动，服务时长经班主任确认后计入平台。",
    "四是拓展社会资源。与社区服务中心、文化场馆和校外实践基地签订共建协议，"
    "组织学生走进社区、走进场馆，开展志愿服务和综合实践活动。",
)
CASES = (
    "【“一张联系卡”架起沟通桥】三年级一名学生父母常年在外务工，由祖母照看。班主任建立“成长联系卡”，"
    "每周与家长视频沟通一次，把孩子在校表现拍照分享，学期末孩子的作业完成率明显提高，家长主动报名担任线上志愿者。",
    "【家长课堂进校园】五年级家委会邀请从事消防工作的家长走进课堂，讲解火灾逃生和家庭用电安全，"
    "学生回家后与家长一起排查家中隐患，形成“小手拉大手”的良好效果。",
    "【护学岗上的“爸爸队”】一年级家长自发组建“爸爸护学队”，风雨无阻在校门口维持交通秩序，"
    "带动全校更多父亲参与学校活动，父亲参与家校活动的比例较以往明显提升。",
)
PLANS = (
    "一是继续落实全员家访，对本学期未完成家访的班级逐班督促，新生入学前完成首次家访。",
    "二是完善家长学校课程，按年级设计专题，力争每学期不少于两场，提高家长到场率。",
    "三是加强对留守儿童、单亲和困难家庭学生的关爱帮扶，做到每月至少联系一次，建立跟踪台账。",
    "四是深化与社区和实践基地的合作，丰富学生校外实践活动，办好家长开放日。",
)


def add_honours_and_report_text(session: Session, world: World, rng: random.Random) -> None:
    """Honours per term (the school, classes, teachers, parents and a few students) and the dean's parts of the
    report of every finished term (工作举措与成效, 典型案例, 下一步工作计划, the 落款 date; title and signer left to
    their defaults)."""
    school_name = session.get_one(School, world.school_id).name
    staff = dict(session.execute(select(Staff.id, Staff.name).where(Staff.school_id == world.school_id)).all())
    students = dict(session.execute(select(Student.id, Student.name).where(Student.school_id == world.school_id)).all())
    guardians = dict(
        session.execute(select(Guardian.id, Guardian.name).where(Guardian.school_id == world.school_id)).all()
    )
    for term in world.terms:
        classes = [info for (year, _, _), info in sorted(world.classes.items()) if year == term.year]
        if not classes:
            continue
        last = min(term.end, world.anchor)
        rows = _honours(rng, term, classes, school_name, staff, students, guardians, world)
        for title, level, kind, recipient in rows:
            day = term.start + timedelta(days=rng.randint(20, max(21, (last - term.start).days)))
            session.add(
                Honour(
                    school_id=world.school_id,
                    term_id=term.id,
                    title=title,
                    level=level,
                    recipient_kind=kind,
                    recipient=recipient,
                    awarded_on=min(day, last),
                )
            )
        if term.end < world.anchor:
            _report_text(session, world, rng, term)
    session.flush()


def _honours(
    rng: random.Random,
    term: TermInfo,
    classes: list[ClassInfo],
    school_name: str,
    staff: dict[int, str],
    students: dict[int, str],
    guardians: dict[int, str],
    world: World,
) -> list[tuple[str, str, str, str]]:
    """(title, level, recipient kind, recipient) of one term: one school honour, 1–2 class, 1–2 teacher, 2 parent
    and 3–6 student honours (distinct recipients per title)."""
    title, level = SCHOOL_HONOURS[term.index % len(SCHOOL_HONOURS)]
    rows = [(title, level, "school", school_name)]
    picked = rng.sample(classes, min(len(classes), rng.randint(1, 2)))
    class_title, class_level = rng.choice(CLASS_HONOURS)
    rows += [(class_title, class_level, "class", info.name) for info in picked]
    for info in rng.sample(classes, min(len(classes), rng.randint(1, 2))):
        staff_title, staff_level = rng.choice(STAFF_HONOURS)
        if info.head_staff in staff:
            rows.append((staff_title, staff_level, "staff", staff[info.head_staff]))
    members = [m for info in classes for m in world.members.get(info.id, [])]
    families = sorted({family for _, family, _, _ in members if world.guardians.get(family)})
    parent_title, parent_level = rng.choice(PARENT_HONOURS)
    for family in rng.sample(families, min(len(families), 2)):
        name = guardians.get(rng.choice(world.guardians[family]))
        if name:
            rows.append((parent_title, parent_level, "parent", name))
    student_title, student_level = rng.choice(STUDENT_HONOURS)
    chosen = rng.sample(sorted({s for s, _, _, _ in members}), min(len(members), rng.randint(3, 6)))
    rows += [(student_title, student_level, "student", students[s]) for s in chosen if s in students]
    seen: set[tuple[str, str]] = set()
    unique = []
    for row in rows:
        if (row[0], row[3]) not in seen:
            seen.add((row[0], row[3]))
            unique.append(row)
    return unique


def _report_text(session: Session, world: World, rng: random.Random, term: TermInfo) -> None:
    """The dean's 工作举措与成效, 典型案例, 下一步工作计划 and 落款 date of a finished term."""
    season = "秋季" if term.term_no == 1 else "春季"
    measures = "\n".join(p.format(season=season) for p in MEASURES[: 3 + rng.randint(0, 2)])
    cases = "\n".join(rng.sample(CASES, 2))
    plan = "\n".join(PLANS[: 3 + rng.randint(0, 1)])
    signed = term.end + timedelta(days=rng.randint(3, 10))
    parts = {"measures": measures, "cases": cases, "plan": plan, "signed_on": _iso(min(signed, world.anchor))}
    for part, body in parts.items():
        session.add(ReportText(school_id=world.school_id, term_id=term.id, part=part, body=body))


def _iso(day: date) -> str:
    return day.isoformat()
