"""The demo's honours and the dean's text of past terms' reports (filled in by the report work)."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from db.demo.structure import World


def add_honours_and_report_text(session: Session, world: World, rng: random.Random) -> None:
    """Honours per term and the dean's parts of the report of finished terms."""
