"""The demo generator: a school worth looking at, the same every time, with its variety."""

import re
import statistics
from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session

from db.demo import demo_spec, district_spec, load_demo
from db.demo.spec import DemoSpec, SchoolSpec
from hxgy import db
from hxgy.metrics.overview import class_measures
from hxgy.metrics.roster import ClassFilter
from hxgy.models import (
    ROLES,
    Base,
    ClassAssignment,
    Communication,
    Enrolment,
    Family,
    Guardian,
    MoralRater,
    MoralScore,
    School,
    SchoolClass,
    SchoolYear,
    Student,
    Term,
    UserAccount,
    VolunteerRecord,
)
from hxgy.privacy.people import statuses
from hxgy.terms import current_term, term_period
from tests.conftest import DEMO_ANCHOR, drop_database, new_database

MAIN = "DH001"
NOON = datetime(2026, 11, 22, 12)


def _main_school(session: Session) -> School:
    return session.scalar(select(School).where(School.code == MAIN))


def _complete_terms(session: Session, school_id: int) -> list[Term]:
    return list(
        session.scalars(
            select(Term).where(Term.school_id == school_id, Term.end_date <= DEMO_ANCHOR).order_by(Term.start_date)
        )
    )


def test_the_demo_school_has_six_grades_of_about_32_classes_of_40_to_48(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        school = _main_school(session)
        term = current_term(session, school_id=school.id, today=DEMO_ANCHOR)
        classes = session.scalars(select(SchoolClass).where(SchoolClass.school_year_id == term.school_year_id)).all()
        assert len(classes) == 32
        assert sorted({c.grade_level for c in classes}) == [1, 2, 3, 4, 5, 6]
        assert all(re.fullmatch(r"[一二三四五六]\(\d\)班", c.name) for c in classes)
        frame = class_measures(session, term_period(term, DEMO_ANCHOR), ClassFilter(school.id), now=NOON)
        sizes = frame["students"]
        assert sizes.between(39, 49).all()  # one child moves class each year
        assert sizes.between(40, 48).mean() > 0.9
        assert len(session.scalars(select(School)).all()) == 3


def test_children_without_a_class_this_year_are_gone_as_promotion_leaves_graduates(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        school = _main_school(session)
        term = current_term(session, school_id=school.id, today=DEMO_ANCHOR)
        in_class = set(
            session.scalars(
                select(Enrolment.student_id)
                .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
                .where(SchoolClass.school_year_id == term.school_year_id)
            )
        )
        students = session.scalars(select(Student).where(Student.school_id == school.id)).all()
        assert {s.id for s in students if s.active} == in_class
        gone = [s for s in students if s.id not in in_class]
        last_year = session.scalar(
            select(SchoolClass.school_year_id)
            .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
            .where(SchoolClass.school_id == school.id, SchoolYear.end_date < term.start_date)
            .order_by(SchoolYear.end_date.desc())
            .limit(1)
        )
        sixth = set(
            session.scalars(
                select(Enrolment.student_id)
                .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
                .where(SchoolClass.school_year_id == last_year, SchoolClass.grade_level == 6)
            )
        )
        assert sixth and sixth <= {s.id for s in gone}, "last year's 六年级 graduated"
        # 已离校 on their last day, so 留存年限 counts from it and purge will find them
        assert all(status.has_left(DEMO_ANCHOR) for status in statuses(session, gone))


def test_two_full_school_years_and_the_current_term_have_records(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        school = _main_school(session)
        complete = _complete_terms(session, school.id)
        assert len(complete) >= 4
        current = current_term(session, school_id=school.id, today=DEMO_ANCHOR)
        for term in [*complete, current]:
            count = session.scalar(
                select(func.count())
                .select_from(Communication)
                .where(
                    Communication.school_id == school.id,
                    Communication.contact_date.between(term.start_date, term.end_date),
                )
            )
            assert count > 1000, term.name
        latest = session.scalar(select(func.max(Communication.contact_date)))
        assert latest <= DEMO_ANCHOR


def test_referential_integrity(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        if demo_engine.dialect.name == "sqlite":
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
        orphans = session.scalar(
            select(func.count())
            .select_from(Student)
            .outerjoin(Guardian, Guardian.family_id == Student.family_id)
            .where(Guardian.id.is_(None))
        )
        assert orphans == 0, "every child has at least one guardian"
        heads = Counter(session.scalars(select(ClassAssignment.class_id).where(ClassAssignment.role == "head_teacher")))
        all_classes = session.scalar(select(func.count()).select_from(SchoolClass))
        assert len(heads) == all_classes and set(heads.values()) == {1}, "one 班主任 per class"
        outside = session.scalar(
            select(func.count())
            .select_from(Communication)
            .join(SchoolClass, SchoolClass.id == Communication.class_id)
            .join(Term, Term.school_year_id == SchoolClass.school_year_id)
            .where(Communication.contact_date.between(Term.start_date, Term.end_date))
        )
        total = session.scalar(select(func.count()).select_from(Communication))
        assert outside == total, "every contact falls inside a term of its class's school year"


def test_realistic_variety(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        school = _main_school(session)
        complete = _complete_terms(session, school.id)
        coverage = []
        for term in (complete[0], complete[-1]):
            frame = class_measures(session, term_period(term), ClassFilter(school.id), now=NOON)
            coverage.append(frame["home_visit_coverage"])
        first, last = coverage
        assert last.mean() > first.mean() + 0.05, "home-visit coverage rises over the years"
        assert (last < 0.8).sum() >= 2 and last.median() > 0.9, "a few classes lag on home visits"

        volunteered = set(
            session.scalars(
                select(Guardian.family_id)
                .join(VolunteerRecord, VolunteerRecord.guardian_id == Guardian.id)
                .where(VolunteerRecord.school_id == school.id)
            )
        )
        families = set(session.scalars(select(Family.id).where(Family.school_id == school.id)))
        assert 0.05 < len(families - volunteered) / len(families) < 0.3, "some families never volunteer"

        means = dict(
            session.execute(
                select(MoralRater.code, func.avg(MoralScore.score))
                .join(MoralRater, MoralRater.id == MoralScore.rater_id)
                .where(MoralScore.school_id == school.id)
                .group_by(MoralRater.code)
            ).all()
        )
        assert float(means["teacher"]) < float(means["parent"]) < float(means["self"]), "raters differ"
        class_means = (
            session.execute(
                select(func.avg(MoralScore.score))
                .where(MoralScore.term_id == complete[-1].id)
                .group_by(MoralScore.class_id)
            )
            .scalars()
            .all()
        )
        assert statistics.pstdev(float(m) for m in class_means) > 1.0, "classes differ"


def test_one_demo_account_per_role(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        roles = session.scalars(select(UserAccount.role)).all()
        assert sorted(roles) == sorted(ROLES)
        district = session.scalar(select(UserAccount).where(UserAccount.role == "district"))
        assert district.school_id is None and district.district == "东湖区"


def _tiny_spec(seed: int) -> DemoSpec:
    school = SchoolSpec("X1", "小测试学校", "测试区", (1, 1, 1, 1, 1, 2), seed, with_accounts=False)
    return DemoSpec(anchor=date(2026, 3, 20), schools=(school,), past_years=1, students_per_class=(6, 9))


def _dump(engine: Engine) -> dict[str, list[tuple]]:
    skip = {"created_at", "updated_at", "refreshed_at"}
    out = {}
    with Session(engine) as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in skip]
            out[table.name] = [tuple(r) for r in session.execute(select(*columns).order_by(*table.primary_key))]
    return out


def _generate(tmp_path, name: str, spec: DemoSpec) -> dict[str, list[tuple]]:
    url = new_database(tmp_path, name)
    engine = db.create_db_engine(url)
    try:
        Base.metadata.create_all(engine)
        with db.write_session(engine) as session:
            load_demo(session, spec)
        return _dump(engine)
    finally:
        engine.dispose()
        drop_database(url)


@pytest.mark.db  # makes its own database on the backend under test (new_database)
def test_the_same_seed_gives_the_same_rows(tmp_path) -> None:
    first = _generate(tmp_path, "det_a", _tiny_spec(7))
    second = _generate(tmp_path, "det_b", _tiny_spec(7))
    assert first == second
    assert len(first["communication"]) > 100 and len(first["moral_score"]) > 100
    other = _generate(tmp_path, "det_c", _tiny_spec(8))
    assert other["student"] != first["student"]


@pytest.mark.db  # makes its own database on the backend under test (new_database)
def test_district_scale_spec(tmp_path) -> None:
    spec = district_spec(DEMO_ANCHOR, schools=120)
    assert len(spec.schools) == 120 and len({s.code for s in spec.schools}) == 120
    assert all(12 <= s.class_count <= 36 for s in spec.schools)
    assert len({s.district for s in spec.schools}) > 1
    small = DemoSpec(anchor=spec.anchor, schools=spec.schools[:2], past_years=0, students_per_class=(5, 6))
    url = new_database(tmp_path, "district")
    engine = db.create_db_engine(url)
    try:
        Base.metadata.create_all(engine)
        with db.write_session(engine) as session:
            load_demo(session, small)
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(School)) == 2
        assert "school" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
        drop_database(url)


def test_demo_spec_is_the_documented_school() -> None:
    spec = demo_spec(DEMO_ANCHOR)
    assert spec.schools[0].class_count == 32 and spec.schools[0].with_accounts
    assert pytest.approx(sum(spec.students_per_class) / 2) == 44
