"""Cached reads for the pages.

st.cache_data is shared by every user of the process, so each cached
function takes the scope (school, classes) as arguments, and pages call them
only after hxgy.ui.guard has checked the role. Writes clear these caches.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from hxgy import auth, config, db, terms
from hxgy.models import AppMeta, School, SchoolClass, UserAccount
from hxgy.queries import home

CACHE_TTL_SECONDS = 600


@st.cache_resource
def _engine_for(url: str) -> Engine:
    return db.get_engine(url)


def engine() -> Engine:
    """The engine of the configured database, one per process."""
    return _engine_for(config.database_url())


@contextmanager
def read_session() -> Iterator[Session]:
    """A read-only session on the app's database."""
    with db.read_session(engine()) as session:
        yield session


def today() -> date:
    """Today, as the app sees it (HXGY_TODAY pins it for demos and tests)."""
    return config.today()


def clear_caches() -> None:
    """Forget cached figures after a write, so every page shows it at once."""
    st.cache_data.clear()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def demo_logins() -> list[tuple[str, str]]:
    """(username, role) of the demo accounts when the database is a demo, else nothing."""
    with read_session() as session:
        if session.get(AppMeta, "demo") is None:
            return []
        rows = session.execute(
            select(UserAccount.username, UserAccount.role).where(UserAccount.active.is_(True)).order_by(UserAccount.id)
        ).all()
    return [(u, r) for u, r in rows]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def current_period(school_id: int) -> terms.Period | None:
    """The school's current term as a period, or None when it has no terms."""
    with read_session() as session:
        term = terms.current_term(session, school_id=school_id, today=config.today())
        return terms.term_period(term) if term else None


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def school_name(school_id: int) -> str:
    """A school's name."""
    with read_session() as session:
        school = session.get(School, school_id)
        return school.name if school else ""


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def school_snapshot(school_id: int, period: terms.Period) -> home.SchoolSnapshot:
    """This term's counts for a school."""
    with read_session() as session:
        return home.school_snapshot(session, school_id=school_id, period=period)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def grade_snapshot(school_id: int, period: terms.Period) -> pd.DataFrame:
    """This term's counts per grade."""
    with read_session() as session:
        return home.grade_snapshot(session, school_id=school_id, period=period)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def class_snapshot(class_ids: tuple[int, ...], period: terms.Period) -> pd.DataFrame:
    """This term's counts for the given classes."""
    with read_session() as session:
        return home.class_snapshot(session, class_ids=list(class_ids), period=period)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def district_snapshot(district: str) -> pd.DataFrame:
    """Every school of a district over its current term."""
    with read_session() as session:
        periods = {}
        for school in home.district_schools(session, district=district):
            term = terms.current_term(session, school_id=school.id, today=config.today())
            if term is not None:
                periods[school.id] = terms.term_period(term)
        return home.district_snapshot(session, periods=periods)


def own_classes(user: auth.CurrentUser) -> list[tuple[int, str]]:
    """(id, name) of the classes a head teacher or teacher teaches this school year."""
    with read_session() as session:
        ids = auth.own_class_ids(session, staff_id=user.staff_id, on_day=config.today())
        rows = session.execute(
            select(SchoolClass.id, SchoolClass.name)
            .where(SchoolClass.id.in_(ids))
            .order_by(SchoolClass.grade_level, SchoolClass.class_no)
        ).all()
    return [(cid, name) for cid, name in rows]


def change_password(user: auth.CurrentUser, old_password: str, new_password: str) -> None:
    """Change the signed-in user's password (raises auth.PasswordError with a Chinese message)."""
    with db.write_session(engine()) as session:
        auth.change_password(session, user_id=user.id, old_password=old_password, new_password=new_password)
    clear_caches()
