"""A deterministic demo: a realistic school (or a district of them) generated from a seed.

``load_demo(session, demo_spec(anchor))`` fills an empty database; the same
spec always gives the same rows. ``district_spec`` makes benchmark-sized data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.demo.care import add_care_contacts
from db.demo.committee import add_committee_and_notices
from db.demo.guidance import add_guidance_attendance
from db.demo.records import RecordMaker
from db.demo.report_parts import add_honours_and_report_text
from db.demo.spec import DEMO_PASSWORD, DemoSpec, SchoolSpec, demo_spec, district_spec
from db.demo.structure import World, build_structure
from hxgy.auth import hash_password
from hxgy.metrics.stats import refresh_school
from hxgy.models import AppMeta, ClassAssignment, Staff, UserAccount

__all__ = ["DEMO_PASSWORD", "DemoAccount", "DemoSpec", "demo_spec", "district_spec", "load_demo"]


@dataclass(frozen=True)
class DemoAccount:
    """A demo login printed for newcomers."""

    username: str
    role: str
    display_name: str


def load_demo(session: Session, spec: DemoSpec) -> list[DemoAccount]:
    """Generate every school of ``spec`` into the session (the caller commits)."""
    accounts: list[DemoAccount] = []
    for school in spec.schools:
        world = build_structure(session, spec, school)
        dean_user = None
        if school.with_accounts:
            accounts, dean_user = _add_accounts(session, world, school)
        maker = RecordMaker(session, world, random.Random(school.seed * 7919 + 1), dean_user, spec.contact_multiplier)
        for term in world.terms:
            maker.make_term(term)
        # each part its own generator, so adding one leaves the others' rows (and every figure above) unchanged
        add_guidance_attendance(session, world, random.Random(school.seed * 7919 + 2))
        add_committee_and_notices(session, world, random.Random(school.seed * 7919 + 3))
        add_honours_and_report_text(session, world, random.Random(school.seed * 7919 + 4))
        add_care_contacts(session, world, random.Random(school.seed * 7919 + 5))
        refresh_school(
            session, school_id=world.school_id, today=spec.anchor, now=datetime.combine(spec.anchor, time(12))
        )
    session.merge(AppMeta(key="demo", value="1"))
    session.merge(AppMeta(key="demo_anchor", value=spec.anchor.isoformat()))
    session.flush()
    return accounts


def _add_accounts(session: Session, world: World, school: SchoolSpec) -> tuple[list[DemoAccount], int]:
    """One account per role; they exist only in a demo database."""
    current_year = max(t.year for t in world.terms)
    head_class = world.classes.get((current_year, 3, 2)) or next(iter(world.classes.values()))
    teacher_staff = session.scalars(
        select(ClassAssignment.staff_id).where(
            ClassAssignment.class_id == head_class.id, ClassAssignment.role == "subject_teacher"
        )
    ).first()
    staff_names = dict(session.execute(select(Staff.id, Staff.name).where(Staff.school_id == world.school_id)).all())
    teacher_name = "任课教师" if teacher_staff is None else staff_names.get(teacher_staff, "任课教师")
    specs = [
        ("admin", "admin", "系统管理员", None),
        ("principal", "principal", staff_names[world.principal_staff], world.principal_staff),
        ("dean", "dean", staff_names[world.dean_staff], world.dean_staff),
        ("headteacher", "head_teacher", staff_names[head_class.head_staff], head_class.head_staff),
        ("teacher", "teacher", teacher_name, teacher_staff),
        ("meeting", "meeting", "会议室大屏", None),
        ("district", "district", f"{school.district}教育局", None),
    ]
    password_hash = hash_password(DEMO_PASSWORD)
    users = [
        UserAccount(
            username=username,
            display_name=name,
            password_hash=password_hash,
            role=role,
            school_id=None if role == "district" else world.school_id,
            district=school.district,
            staff_id=staff,
        )
        for username, role, name, staff in specs
    ]
    session.add_all(users)
    session.flush()
    dean = next(u for u in users if u.role == "dean")
    return [DemoAccount(u.username, u.role, u.display_name) for u in users], dean.id
