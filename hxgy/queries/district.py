"""Reads about the schools of a district."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.models import School


def district_schools(session: Session, *, district: str) -> list[School]:
    """The schools of a district, by code."""
    return list(session.scalars(select(School).where(School.district == district).order_by(School.code)))
