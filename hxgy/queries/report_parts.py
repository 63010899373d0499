"""What the dean has added to a term's report: the saved parts of its text and the term's honours."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.models import Honour, ReportText
from hxgy.models.community import HONOUR_LEVELS, HONOUR_RECIPIENTS

HONOUR_COLUMNS = ["honour_id", "title", "level", "recipient_kind", "recipient", "awarded_on"]


def report_texts(session: Session, school_id: int, term_id: int) -> dict[str, str]:
    """part → text of the parts saved for the term (parts never saved, or emptied, are absent)."""
    stmt = select(ReportText.part, ReportText.body).where(
        ReportText.school_id == school_id, ReportText.term_id == term_id
    )
    return {part: body for part, body in session.execute(stmt) if body}


def honours(session: Session, school_id: int, term_id: int) -> pd.DataFrame:
    """The term's honours (HONOUR_COLUMNS), highest level first, then by recipient kind, title and recipient.

    Students' names are in ``recipient``: only the dean's roles see this list; the report counts students.
    """
    stmt = select(
        Honour.id, Honour.title, Honour.level, Honour.recipient_kind, Honour.recipient, Honour.awarded_on
    ).where(Honour.school_id == school_id, Honour.term_id == term_id)
    frame = pd.DataFrame(session.execute(stmt).all(), columns=HONOUR_COLUMNS)
    if frame.empty:
        return frame
    frame["_level"] = frame["level"].map({lv: i for i, lv in enumerate(HONOUR_LEVELS)})
    frame["_kind"] = frame["recipient_kind"].map({k: i for i, k in enumerate(HONOUR_RECIPIENTS)})
    frame = frame.sort_values(["_level", "_kind", "title", "recipient", "honour_id"], kind="stable")
    return frame.drop(columns=["_level", "_kind"]).reset_index(drop=True)
