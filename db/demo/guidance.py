"""The demo's 家长学校: which guardians came to each guidance session.

The sessions themselves (two 家长学校 a term, school-wide) and how many parents of each class came
(``ActivityClass.parents_attended``) are made by db/demo/records.py; this adds who they were, so the per-class
counts and the per-guardian sign-ins agree roughly (a family sometimes sends two guardians). Families differ: about
one in fourteen never comes, most come to most sessions, a few rarely. Its own random generator: nothing else of the
demo changes.
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.demo.structure import World, insert_bulk
from hxgy.models import Activity, ActivityAttendance, ActivityClass, Category

NEVER_SHARE = 0.07  # families that never come to a 家长学校
BOTH_PARENTS_SHARE = 0.08  # of the families that come, those sending two guardians


def add_guidance_attendance(session: Session, world: World, rng: random.Random) -> None:
    """Attendance per guardian of the school's guidance sessions (家长学校)."""
    keen: dict[int, float] = {}  # family id -> how willing it is to come (0: never)
    for family in sorted(world.guardians):
        keen[family] = 0.0 if rng.random() < NEVER_SHARE else rng.betavariate(4.0, 1.4)
    sessions = session.execute(
        select(Activity.id, Activity.activity_date, ActivityClass.class_id, ActivityClass.parents_attended)
        .join(Category, Category.id == Activity.type_id)
        .join(ActivityClass, ActivityClass.activity_id == Activity.id)
        .where(Activity.school_id == world.school_id, Category.guidance.is_(True), Activity.deleted_at.is_(None))
        .order_by(Activity.activity_date, Activity.id, ActivityClass.class_id)
    ).all()
    rows: list[dict[str, object]] = []
    came: set[tuple[int, int]] = set()  # (activity, guardian): a family in two classes signs in once
    for activity_id, day, class_id, parents in sessions:
        families = _families_on(world, class_id, day)
        if not families:
            continue
        wanted = round((parents if parents is not None else 0.8 * len(families)) / (1 + BOTH_PARENTS_SHARE))
        willing = [f for f in families if keen[f] > 0]
        # weighted sampling without replacement: the keener a family, the likelier it comes
        ranked = sorted(willing, key=lambda f: rng.random() ** (1 / keen[f]), reverse=True)
        for family in ranked[: min(wanted, len(ranked))]:
            guardians = world.guardians[family]
            chosen = guardians[:2] if len(guardians) > 1 and rng.random() < BOTH_PARENTS_SHARE else guardians[:1]
            if len(guardians) > 1 and len(chosen) == 1 and rng.random() < 0.25:
                chosen = [guardians[1]]  # the other parent this time
            for guardian in chosen:
                if (activity_id, guardian) not in came:
                    came.add((activity_id, guardian))
                    rows.append({"school_id": world.school_id, "activity_id": activity_id, "guardian_id": guardian})
    insert_bulk(session, ActivityAttendance, rows)


def _families_on(world: World, class_id: int, day: date) -> list[int]:
    """The families (with guardians) of the class's students on ``day``, in a fixed order."""
    found = {family for _student, family, first, last in world.members.get(class_id, []) if first <= day <= last}
    return sorted(f for f in found if f in world.guardians)
