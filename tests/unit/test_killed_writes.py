"""A process killed with SIGKILL in the middle of saving a 德育 grid, many times: the database passes its integrity
check, and the grid is always either as it was or wholly the last saved one, never half of each."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from hxgy import auth, config, db, rights, terms
from hxgy.entry import moral_grid
from hxgy.models import MoralRater, MoralScore, UserAccount
from tests.conftest import PROJECT_ROOT

KILLS = 8


def _grid_cells(url: str, class_id: int, term_id: int, rater_id: int) -> tuple[int, set[float]]:
    engine = db.create_db_engine(url)
    with Session(engine) as session:
        where = (MoralScore.class_id == class_id, MoralScore.term_id == term_id, MoralScore.rater_id == rater_id)
        count = session.scalar(select(func.count()).select_from(MoralScore).where(*where))
        values = set(session.scalars(select(MoralScore.score).where(*where).distinct()))
    engine.dispose()
    return count, values


def _integrity(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        with sqlite3.connect(parsed.database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_killing_a_grid_save_never_leaves_half_a_grid(demo_copy_url) -> None:
    engine = db.create_db_engine(demo_copy_url)
    with db.write_session(engine) as session:
        head = session.scalar(select(UserAccount).where(UserAccount.username == "headteacher"))
        user = auth.load_user(session, head.username)
        class_id = rights.my_class_ids(session, staff_id=head.staff_id, on_day=config.today(), head_only=True)[0]
        term_id = terms.current_term(session, school_id=head.school_id, today=config.today()).id
        rater_id = session.scalar(select(MoralRater.id).where(MoralRater.school_id == head.school_id).limit(1))
        grid = moral_grid.grid_for(session, class_id=class_id, term_id=term_id, rater_id=rater_id)
        # clear the grid first, so every later state is either empty or full
        session.execute(
            MoralScore.__table__.delete().where(
                MoralScore.class_id == class_id, MoralScore.term_id == term_id, MoralScore.rater_id == rater_id
            )
        )
    engine.dispose()
    full = len(grid) * (len(grid.columns) - 3)
    assert full > 100, "a grid big enough that a kill can land inside its save"
    args = [demo_copy_url, str(class_id), str(term_id), str(rater_id), user.username]
    rng = random.Random(7)
    for kill in range(KILLS):
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.unit.grid_writer", *args],
            cwd=PROJECT_ROOT,
            env={**os.environ, "HXGY_DATABASE_URL": demo_copy_url},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        wanted = rng.randint(1, 4)  # saves to let through before the kill
        started = 0
        while line := process.stdout.readline():
            if line.startswith("saving"):
                started += 1
                if started > wanted:
                    time.sleep(rng.uniform(0, 0.05))  # somewhere inside this save
                    process.send_signal(signal.SIGKILL)
                    break
        process.wait(timeout=60)
        assert process.returncode == -signal.SIGKILL, process.stderr.read() if process.stderr else ""
        _integrity(demo_copy_url)
        count, values = _grid_cells(demo_copy_url, class_id, term_id, rater_id)
        assert count == full and len(values) == 1, f"kill {kill + 1}: {count} of {full} cells, values {values}"
