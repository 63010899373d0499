"""The demo's follow-up of 留守儿童, 单亲 and 困难家庭 students: a head teacher's monthly call or talk (关爱回访).

Most flagged children are reached every month; a few months are missed, more in the classes whose head teacher
visits less (ClassInfo.diligence), so 合规's monthly rule is met in some classes and not in others.
"""

from __future__ import annotations

import calendar
import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.demo.structure import World, insert_bulk
from hxgy.models import TO_HOME, Communication, Student

CARE_SUMMARY = "关爱回访：了解孩子近况和家庭情况，沟通学习与生活上的困难"


def _months(first: date, last: date) -> list[tuple[date, date]]:
    spans, day = [], first
    while day <= last:
        end = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
        spans.append((day, min(end, last)))
        day = end + timedelta(days=1)
    return spans


def add_care_contacts(session: Session, world: World, rng: random.Random) -> None:
    """One contact a month (most months) for every flagged student, by the class's head teacher."""
    flagged = set(
        session.scalars(
            select(Student.id).where(
                Student.school_id == world.school_id,
                or_(Student.left_behind.is_(True), Student.single_parent.is_(True), Student.hardship.is_(True)),
            )
        )
    )
    channels = {"phone": world.categories[("channel", "phone")], "face": world.categories[("channel", "face_to_face")]}
    topics = [world.categories[("topic", code)] for code in ("health", "family_education", "study")]
    rows: list[dict[str, Any]] = []
    for term in world.terms:
        cutoff = min(term.end, world.anchor)
        for info in (c for c in world.classes.values() if c.year == term.year):
            reach = min(0.98, 0.7 + 0.3 * info.diligence)
            for student, _family, start, end in world.members.get(info.id, []):
                if student not in flagged:
                    continue
                first, last = max(term.start, start), min(cutoff, end)
                for month_first, month_last in _months(first, last) if first <= last else []:
                    if rng.random() > reach:
                        continue
                    day = month_first + timedelta(days=rng.randrange((month_last - month_first).days + 1))
                    rows.append(
                        {
                            "school_id": world.school_id,
                            "class_id": info.id,
                            "student_id": student,
                            "staff_id": info.head_staff,
                            "channel_id": channels["phone" if rng.random() < 0.7 else "face"],
                            "topic_id": rng.choice(topics),
                            "direction": TO_HOME,
                            "contact_date": day,
                            "duration_min": rng.randint(8, 30),
                            "summary": CARE_SUMMARY,
                            "follow_up": False,
                        }
                    )
    insert_bulk(session, Communication, rows)
