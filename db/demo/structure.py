"""Insert one demo school's structure: years, terms, staff, classes, people, partners."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from db.demo import names
from db.demo.people import People, PeopleBuilder
from db.demo.spec import DemoSpec, SchoolSpec, current_school_year_start
from db.seed import DEFAULT_TARGETS, add_school_defaults
from hxgy import glossary
from hxgy.models import (
    HEAD_TEACHER,
    SUBJECT_TEACHER,
    Category,
    ClassAssignment,
    Enrolment,
    Family,
    Guardian,
    MoralDimension,
    MoralRater,
    Partner,
    School,
    SchoolClass,
    SchoolYear,
    Staff,
    Student,
    Target,
    Term,
)
from hxgy.models.base import Base

INSERT_CHUNK = 5000
Member = tuple[int, int, date, date]  # student id, family id, first day, last day in the class


def insert_rows(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in order and return their new ids in the same order."""
    ids: list[int] = []
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        stmt = insert(model).returning(model.__table__.c.id, sort_by_parameter_order=True)
        ids.extend(session.scalars(stmt, chunk).all())
    return ids


def insert_bulk(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """Insert many rows whose ids nobody needs (COPY on PostgreSQL: district-sized data loads in minutes)."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _copy_rows(connection, model, rows)
        return
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(insert(model), rows[start : start + INSERT_CHUNK])


def _copy_rows(connection: Connection, model: type[Base], rows: list[dict[str, Any]]) -> None:
    table = model.__table__
    columns = [c for c in table.columns if c.name != "id"]
    defaults = {
        c.name: c.default.arg(None) if callable(c.default.arg) else c.default.arg
        for c in columns
        if c.default is not None
    }
    names = ", ".join(c.name for c in columns)
    import psycopg  # only a PostgreSQL database gets here

    driver = connection.connection.driver_connection
    if not isinstance(driver, psycopg.Connection):
        raise TypeError(f"COPY needs a psycopg connection, not {type(driver).__name__}")
    with driver.cursor().copy(f"COPY {model.__tablename__} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(tuple(row[c.name] if c.name in row else defaults.get(c.name) for c in columns))


@dataclass
class TermInfo:
    """A term and the last day the demo has data for."""

    id: int
    start: date
    end: date
    year: int
    term_no: int
    index: int  # 0 for the first term of the demo


@dataclass
class ClassInfo:
    """A class in one school year, with the people who teach it."""

    id: int
    year: int
    grade: int
    class_no: int
    name: str
    head_staff: int
    teachers: list[int]
    diligence: float  # how thoroughly its head teacher visits families


@dataclass
class World:
    """Ids of one demo school's structure, for the record generators."""

    spec: SchoolSpec
    school_id: int
    anchor: date
    terms: list[TermInfo] = field(default_factory=list)
    classes: dict[tuple[int, int, int], ClassInfo] = field(default_factory=dict)
    members: dict[int, list[Member]] = field(default_factory=dict)  # class id -> its students
    guardians: dict[int, list[int]] = field(default_factory=dict)  # family id -> guardian ids
    family_traits: dict[int, tuple[bool, float]] = field(default_factory=dict)
    categories: dict[tuple[str, str], int] = field(default_factory=dict)
    dimensions: list[int] = field(default_factory=list)
    raters: dict[str, int] = field(default_factory=dict)
    partners: list[tuple[int, str]] = field(default_factory=list)
    principal_staff: int = 0
    dean_staff: int = 0


def build_structure(session: Session, demo: DemoSpec, spec: SchoolSpec) -> World:
    """Insert the school and everything the records will point at."""
    rng = random.Random(spec.seed)
    school = School(code=spec.code, name=spec.name, district=spec.district)
    session.add(school)
    session.flush()
    add_school_defaults(session, school_id=school.id)
    world = World(spec=spec, school_id=school.id, anchor=demo.anchor)
    _load_settings(session, world)
    current = current_school_year_start(demo.anchor)
    first = current - demo.past_years
    _add_years_and_terms(session, world, first, current)
    _add_partners(session, world, rng)
    staff_by_class = _add_staff(session, world, rng, current)
    people = PeopleBuilder(rng, spec.classes_per_grade, demo.students_per_class).build(first, current, demo.anchor)
    _add_classes(session, world, rng, staff_by_class, people, first, current)
    _add_people(session, world, people)
    return world


def _load_settings(session: Session, world: World) -> None:
    sid = world.school_id
    for kind, code, cid in session.execute(
        select(Category.kind, Category.code, Category.id).where(Category.school_id == sid)
    ):
        world.categories[(kind, code)] = cid
    world.dimensions = list(
        session.scalars(
            select(MoralDimension.id).where(MoralDimension.school_id == sid).order_by(MoralDimension.sort_order)
        )
    )
    world.raters = dict(
        session.execute(select(MoralRater.code, MoralRater.id).where(MoralRater.school_id == sid)).all()
    )


def _add_years_and_terms(session: Session, world: World, first: int, current: int) -> None:
    for year in range(first, current + 1):
        sy = SchoolYear(
            school_id=world.school_id,
            start_year=year,
            name=glossary.school_year_name(year),
            start_date=date(year, 9, 1),
            end_date=date(year + 1, 8, 31),
        )
        session.add(sy)
        session.flush()
        spans = ((1, date(year, 9, 1), date(year + 1, 1, 20)), (2, date(year + 1, 2, 24), date(year + 1, 7, 5)))
        for term_no, start, end in spans:
            term = Term(
                school_id=world.school_id,
                school_year_id=sy.id,
                term_no=term_no,
                name=glossary.term_name(year, term_no),
                start_date=start,
                end_date=end,
            )
            session.add(term)
            session.flush()
            world.terms.append(TermInfo(term.id, start, end, year, term_no, len(world.terms)))
            session.add_all(
                Target(school_id=world.school_id, term_id=term.id, measure=m, value=v)
                for m, v in DEFAULT_TARGETS.items()
            )


def _add_partners(session: Session, world: World, rng: random.Random) -> None:
    rows = [
        {
            "school_id": world.school_id,
            "name": name,
            "type_id": world.categories[("partner_type", kind)],
            "contact_person": names.person_name(rng, None, child=False, male=rng.random() < 0.5),
            "phone": names.phone_number(rng),
            "agreement_date": date(world.terms[0].year, 10, 1),
            "services": "",
        }
        for name, kind in names.PARTNERS
    ]
    ids = insert_rows(session, Partner, rows)
    world.partners = [(pid, kind) for pid, (_, kind) in zip(ids, names.PARTNERS, strict=True)]


def _add_staff(session: Session, world: World, rng: random.Random, current: int) -> dict[tuple[int, int], list[int]]:
    """Staff: principal, dean, a head teacher per class (who follows it) and subject teachers."""
    spec = world.spec
    rows: list[dict[str, Any]] = []

    def person(title: str) -> int:
        male = rng.random() < 0.3
        rows.append(
            {
                "school_id": world.school_id,
                "staff_no": f"T{len(rows) + 1:04d}",
                "name": names.person_name(rng, None, child=False, male=male),
                "gender": "男" if male else "女",
                "phone": names.phone_number(rng),
                "title": title,
            }
        )
        return len(rows) - 1

    principal, dean = person("校长"), person("德育主任")
    by_cohort_class: dict[tuple[int, int], list[int]] = {}
    for grade in range(1, 7):
        for class_no in range(1, spec.classes_per_grade[grade - 1] + 1):
            by_cohort_class[(current - grade + 1, class_no)] = [person("班主任")]
    pool = [person("教师") for _ in range(max(3, spec.class_count // 3))]
    for i, key in enumerate(sorted(by_cohort_class)):
        by_cohort_class[key] += [pool[(i + k) % len(pool)] for k in range(2)]
    ids = insert_rows(session, Staff, rows)
    world.principal_staff, world.dean_staff = ids[principal], ids[dean]
    return {key: [ids[i] for i in idx] for key, idx in by_cohort_class.items()}


def _add_classes(
    session: Session,
    world: World,
    rng: random.Random,
    staff_by_class: dict[tuple[int, int], list[int]],
    people: People,
    first: int,
    current: int,
) -> None:
    years = {
        y: sid
        for y, sid in session.execute(
            select(SchoolYear.start_year, SchoolYear.id).where(SchoolYear.school_id == world.school_id)
        )
    }
    keys = sorted({row.class_key for row in people.enrolments})
    diligence: dict[tuple[int, int], float] = {}
    rows = []
    for year, grade, class_no in keys:
        cohort = year - grade + 1
        # about one class in six lags on home visits, whichever year it is in
        diligence.setdefault(
            (cohort, class_no), rng.uniform(0.55, 0.8) if rng.random() < 0.17 else rng.uniform(0.93, 1.0)
        )
        rows.append(
            {
                "school_id": world.school_id,
                "school_year_id": years[year],
                "grade_level": grade,
                "class_no": class_no,
                "cohort": cohort,
                "name": glossary.class_name(grade, class_no),
            }
        )
    ids = insert_rows(session, SchoolClass, rows)
    assignments = []
    for cid, (year, grade, class_no) in zip(ids, keys, strict=True):
        cohort = year - grade + 1
        staff = _staff_for(staff_by_class, cohort, class_no, current)
        world.classes[(year, grade, class_no)] = ClassInfo(
            cid,
            year,
            grade,
            class_no,
            glossary.class_name(grade, class_no),
            staff[0],
            staff[1:],
            diligence[(cohort, class_no)],
        )
        assignments.append({"class_id": cid, "staff_id": staff[0], "role": HEAD_TEACHER, "subject": "语文"})
        for k, teacher in enumerate(staff[1:]):
            subject = names.SUBJECTS[1 + (class_no + k) % (len(names.SUBJECTS) - 1)]
            assignments.append({"class_id": cid, "staff_id": teacher, "role": SUBJECT_TEACHER, "subject": subject})
    insert_bulk(session, ClassAssignment, assignments)


def _staff_for(staff_by_class: dict[tuple[int, int], list[int]], cohort: int, class_no: int, current: int) -> list[int]:
    """A graduated class had the teachers who then took the new 一年级 class of that number."""
    key = (cohort, class_no)
    while key not in staff_by_class and key[0] + 6 <= current:
        key = (key[0] + 6, class_no)
    return staff_by_class.get(key) or staff_by_class[min(staff_by_class)]


def _add_people(session: Session, world: World, people: People) -> None:
    sid = world.school_id
    family_ids = insert_rows(
        session, Family, [{"school_id": sid, "code": f.code, "address": f.address} for f in people.families]
    )
    guardian_rows, guardian_family = [], []
    for fid, fam in zip(family_ids, people.families, strict=True):
        world.family_traits[fid] = (fam.never_volunteers, fam.volunteer_propensity)
        for relation, name, phone, primary in fam.guardians:
            guardian_rows.append(
                {
                    "school_id": sid,
                    "family_id": fid,
                    "name": name,
                    "relation": relation,
                    "phone": phone,
                    "is_primary": primary,
                }
            )
            guardian_family.append(fid)
    for gid, fid in zip(insert_rows(session, Guardian, guardian_rows), guardian_family, strict=True):
        world.guardians.setdefault(fid, []).append(gid)
    student_ids = insert_rows(
        session,
        Student,
        [
            {
                "school_id": sid,
                "family_id": family_ids[s.family],
                "student_no": s.student_no,
                "name": s.name,
                "gender": s.gender,
                "birth_date": s.birth_date,
                "entry_year": s.entry_year,
                "left_behind": s.left_behind,
                "single_parent": s.single_parent,
                "hardship": s.hardship,
                "active": s.active,
            }
            for s in people.students
        ],
    )
    enrolments = []
    for row in people.enrolments:
        info = world.classes[row.class_key]
        enrolments.append(
            {"student_id": student_ids[row.student], "class_id": info.id, "start_date": row.start, "end_date": row.end}
        )
        last_day = row.end or date(info.year + 1, 8, 31)
        world.members.setdefault(info.id, []).append(
            (student_ids[row.student], family_ids[people.students[row.student].family], row.start, last_day)
        )
    insert_bulk(session, Enrolment, enrolments)
