"""家长满意度: survey results of a term, per class and for the school.

The school's figure is its school-wide survey when one was entered, else the
class surveys added up (satisfied ÷ respondents over all classes in view).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hxgy.metrics.roster import ClassFilter
from hxgy.models import SatisfactionResult, SchoolClass


def satisfaction_by_class(session: Session, term_id: int | None, classes: ClassFilter) -> pd.DataFrame:
    """class_id, respondents, satisfied of each class survey in the term."""
    columns = ["class_id", "respondents", "satisfied"]
    if term_id is None:
        return pd.DataFrame(columns=columns)
    in_view = select(SchoolClass.id).where(classes.condition())
    stmt = select(SatisfactionResult.class_id, SatisfactionResult.respondents, SatisfactionResult.satisfied).where(
        SatisfactionResult.term_id == term_id, SatisfactionResult.class_id.in_(in_view)
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=columns)


def school_satisfaction(session: Session, term_id: int | None, classes: ClassFilter) -> tuple[int, int]:
    """(respondents, satisfied) for the classes in view; the school-wide survey when there is one."""
    if term_id is None:
        return 0, 0
    whole_school = classes.grade_level is None and classes.class_ids is None
    if whole_school:
        row = session.execute(
            select(SatisfactionResult.respondents, SatisfactionResult.satisfied).where(
                SatisfactionResult.term_id == term_id, SatisfactionResult.class_id.is_(None)
            )
        ).first()
        if row is not None:
            return int(row[0]), int(row[1])
    in_view = select(SchoolClass.id).where(classes.condition())
    respondents, satisfied = session.execute(
        select(
            func.coalesce(func.sum(SatisfactionResult.respondents), 0),
            func.coalesce(func.sum(SatisfactionResult.satisfied), 0),
        ).where(SatisfactionResult.term_id == term_id, SatisfactionResult.class_id.in_(in_view))
    ).one()
    return int(respondents), int(satisfied)
