"""A process that saves one 德育 grid again and again, each time with a new score in every cell, until killed.

python -m tests.unit.grid_writer URL CLASS_ID TERM_ID RATER_ID USERNAME   (used by test_killed_writes.py)
"""

from __future__ import annotations

import sys

from hxgy import auth, config, db
from hxgy.entry import moral_grid
from hxgy.metrics.moral import moral_scheme


def main(url: str, class_id: int, term_id: int, rater_id: int, username: str) -> None:
    engine = db.create_db_engine(url)
    with db.write_session(engine) as session:
        user = auth.load_user(session, username)
        grid = moral_grid.grid_for(session, class_id=class_id, term_id=term_id, rater_id=rater_id)
        dimensions = [d_id for d_id, _code, _name in moral_scheme(session, school_id=user.school_id).dimensions]
    cells = [(int(student), dimension) for student in grid["student_id"] for dimension in dimensions]
    for round_no in range(10_000):
        print(f"saving {round_no}", flush=True)
        with db.write_session(engine) as session:
            moral_grid.save_grid(
                session, user, class_id=class_id, term_id=term_id, rater_id=rater_id,
                scores=dict.fromkeys(cells, 50.0 + round_no % 50), today=config.today(),
            )  # fmt: skip
        print(f"saved {round_no}", flush=True)


if __name__ == "__main__":
    url, class_id, term_id, rater_id, username = sys.argv[1:6]
    main(url, int(class_id), int(term_id), int(rater_id), username)
