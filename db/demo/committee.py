"""The demo's 家委会 members and school-wide notices (filled in by the 家委会 and notices work)."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from db.demo.structure import World


def add_committee_and_notices(session: Session, world: World, rng: random.Random) -> None:
    """家委会 members per class and for the school, and notices with their reach."""
