"""The demo's 家长学校: which guardians came to each guidance session (filled in by the 家长学校 work)."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from db.demo.structure import World


def add_guidance_attendance(session: Session, world: World, rng: random.Random) -> None:
    """Attendance per guardian of the school's guidance sessions (家长学校)."""
