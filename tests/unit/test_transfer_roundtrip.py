"""Round trip: the demo's records of a term, exported and imported into an empty database, give the same figures."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.seed import add_school_defaults
from hxgy import db, exports
from hxgy.auth import create_user, load_user
from hxgy.metrics.overview import class_measures
from hxgy.metrics.roster import ClassFilter
from hxgy.migrate import upgrade_to_head
from hxgy.models import Partner, School, SchoolYear, Term
from hxgy.terms import term_period
from hxgy.transfer.exports import export_frame, full_phones
from hxgy.transfer.imports import run_import
from hxgy.transfer.kinds import KINDS
from tests.conftest import DEMO_ANCHOR, drop_database, new_database

# moral_wide is the same scores as moral_long: importing both would count nothing twice, which test_import checks
ROUND_TRIP = ["students", "guardians", "staff", "communications", "requests", "volunteering", "activities",
              "moral_long", "satisfaction"]  # fmt: skip
TERM = "2025-2026学年第二学期"  # a whole term, with its survey


@pytest.fixture
def empty_school_url(demo_url: str, tmp_path) -> Iterator[str]:
    """A new database with the demo's school, years, terms and partners, and no people or records."""
    url = new_database(tmp_path, "roundtrip")
    upgrade_to_head(url)
    source = db.create_db_engine(demo_url)
    target = db.create_db_engine(url)
    with Session(source) as old, Session(target) as new:
        school = old.scalar(select(School).order_by(School.id).limit(1))
        fresh = School(code=school.code, name=school.name, district=school.district)
        new.add(fresh)
        new.flush()
        add_school_defaults(new, school_id=fresh.id)
        for year in old.scalars(select(SchoolYear).where(SchoolYear.school_id == school.id)):
            copy = SchoolYear(
                school_id=fresh.id, start_year=year.start_year, name=year.name, start_date=year.start_date,
                end_date=year.end_date,
            )  # fmt: skip
            new.add(copy)
            new.flush()
            for term in old.scalars(select(Term).where(Term.school_year_id == year.id)):
                new.add(
                    Term(
                        school_id=fresh.id,
                        school_year_id=copy.id,
                        term_no=term.term_no,
                        name=term.name,
                        start_date=term.start_date,
                        end_date=term.end_date,
                    )
                )
        for partner in old.scalars(select(Partner).where(Partner.school_id == school.id)):
            new.add(Partner(school_id=fresh.id, name=partner.name, type_id=None))
        create_user(new, username="dean", password="round-trip-pass-1", role="dean", display_name="德育主任",
                    school_id=fresh.id)  # fmt: skip
        new.commit()
    source.dispose()
    target.dispose()
    yield url
    drop_database(url)


def _measures(url: str) -> pd.DataFrame:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        school_id = session.scalar(select(School.id).order_by(School.id).limit(1))
        term = session.scalar(select(Term).where(Term.school_id == school_id, Term.name == TERM))
        frame = class_measures(
            session,
            term_period(term, DEMO_ANCHOR),
            ClassFilter(school_id),
            now=pd.Timestamp("2026-11-22 12:00").to_pydatetime(),
        )
    engine.dispose()
    return frame.drop(columns=["class_id"]).set_index("class_name").sort_index()


def test_export_then_import_into_an_empty_database_gives_the_same_figures(demo_url: str, empty_school_url: str) -> None:
    files: dict[str, bytes] = {}
    engine = db.create_db_engine(demo_url)
    with Session(engine) as session:
        dean, admin = load_user(session, "dean"), load_user(session, "admin")
        term_id = session.scalar(select(Term.id).where(Term.name == TERM))
        for kind in ROUND_TRIP:
            # the admin's files of people keep whole phone numbers, to be imported back (the dean's are masked)
            exporter = admin if full_phones("admin", kind) else dean
            frame = export_frame(session, exporter, kind, term_id=term_id, today=DEMO_ANCHOR)
            assert len(frame) > 0, kind
            files[kind] = exports.excel_bytes({KINDS[kind].title: frame}, stamp=TERM)
    engine.dispose()
    target = db.create_db_engine(empty_school_url)
    for kind in ROUND_TRIP:
        with Session(target) as session:
            dean = load_user(session, "dean")
            result = run_import(session, dean, kind, f"{kind}.xlsx", files[kind], today=DEMO_ANCHOR)
            session.commit()
        assert result.rejected == 0 and result.updated == 0 and result.added > 0, (kind, result)
    target.dispose()
    before, after = _measures(demo_url), _measures(empty_school_url)
    pd.testing.assert_frame_equal(before, after, check_dtype=False)
