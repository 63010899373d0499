"""The demo's 家委会 members and school-wide notices (filled in by the 家委会 and notices work)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.demo.structure import World, insert_rows
from hxgy import glossary
from hxgy.models import CommitteeMember, Notice, NoticeClass, SchoolYear

SCHOOL_NOTICES = (
    "致家长的一封信：假期安全提醒",
    "关于开展家长开放日活动的通知",
    "秋季传染病预防告家长书",
    "关于校园食品安全的告家长书",
    "防溺水安全教育告家长书",
    "关于学生课后服务安排的通知",
    "交通安全告家长书",
    "期末考试及放假安排的通知",
    "关于家长学校开课的通知",
    "校园开放日邀请函",
)
GRADE_NOTICES = ("{grade}家长会通知", "{grade}研学活动告家长书", "{grade}体质健康测试通知", "{grade}作业管理告家长书")


def _committee_rows(world: World, rng: random.Random, year_ids: dict[int, int]) -> list[dict[str, object]]:
    """3–5 guardians of different families per class (one 主任, one 副主任), and 7–9 of the class 主任s and
    副主任s on each year's school committee (one 主任, two 副主任)."""
    rows: list[dict[str, object]] = []
    for year, year_id in sorted(year_ids.items()):
        leaders: list[int] = []
        for (class_year, _grade, _no), info in sorted(world.classes.items()):
            if class_year != year:
                continue
            families = sorted({family for _student, family, _first, _last in world.members.get(info.id, [])})
            families = [f for f in families if world.guardians.get(f)]
            chosen = rng.sample(families, min(len(families), rng.randint(3, 5)))
            for at, family in enumerate(chosen):
                guardian = rng.choice(world.guardians[family])
                position = "主任" if at == 0 else "副主任" if at == 1 else "委员"
                rows.append(_member(world, year_id, info.id, guardian, position))
                if at < 2:
                    leaders.append(guardian)
        school = rng.sample(sorted(set(leaders)), min(len(set(leaders)), rng.randint(7, 9)))
        for at, guardian in enumerate(school):
            position = "主任" if at == 0 else "副主任" if at < 3 else "委员"
            rows.append(_member(world, year_id, None, guardian, position))
    return rows


def _member(world: World, year_id: int, class_id: int | None, guardian: int, position: str) -> dict[str, object]:
    return {
        "school_id": world.school_id,
        "school_year_id": year_id,
        "class_id": class_id,
        "guardian_id": guardian,
        "position": position,
    }


def add_committee_and_notices(session: Session, world: World, rng: random.Random) -> None:
    """家委会 members per class and for the school, and notices with their reach."""
    found = session.execute(select(SchoolYear.start_year, SchoolYear.id).where(SchoolYear.school_id == world.school_id))
    year_ids = {int(year): int(year_id) for year, year_id in found}
    insert_rows(session, CommitteeMember, _committee_rows(world, rng, year_ids))
    channel = world.categories.get(("channel", "wechat"))
    for term in world.terms:
        last = min(term.end, world.anchor)
        if last < term.start:
            continue
        classes = {key: info.id for key, info in world.classes.items() if key[0] == term.year}
        grades = sorted({grade for _year, grade, _no in classes})
        days = (last - term.start).days
        for title in rng.sample(SCHOOL_NOTICES, rng.randint(2, 4)):
            _notice(session, world, term.start + timedelta(days=rng.randint(0, days)), title, channel, classes.values())
        for _ in range(rng.randint(1, 3)):
            grade = rng.choice(grades)
            title = rng.choice(GRADE_NOTICES).format(grade=glossary.grade_name(grade))
            reached = [cid for (_y, g, _n), cid in classes.items() if g == grade]
            _notice(session, world, term.start + timedelta(days=rng.randint(0, days)), title, channel, reached)


def _notice(session: Session, world: World, day: date, title: str, channel: int | None, classes: Iterable[int]) -> None:
    notice = Notice(school_id=world.school_id, notice_date=day, title=title, channel_id=channel, content="")
    session.add(notice)
    session.flush()
    session.add_all(NoticeClass(notice_id=notice.id, class_id=cid) for cid in sorted(classes))
