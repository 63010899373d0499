"""家长满意度: a term's survey result, school-wide or for one class; the rules are hxgy.entry.checks'."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry import checks
from hxgy.entry.rules import Problems, as_dict, audit, check_text, refuse, require_class_write
from hxgy.entry.saving import Saved, checked
from hxgy.metrics import stats
from hxgy.models import SatisfactionResult, Term
from hxgy.models.base import utcnow
from hxgy.rights import Action

# ---- 家长满意度 ---------------------------------------------------------------------------------


def save_satisfaction(
    session: Session,
    user: CurrentUser,
    *,
    term_id: int,
    class_id: int | None,
    respondents: int | None,
    satisfied: int | None,
    note: str = "",
    today: date,
) -> Saved:
    """Enter or correct a term's survey result, school-wide (no class) or for one class."""
    term = session.get(Term, term_id)
    if term is None or term.school_id != user.school_id:
        raise refuse(session, user, f"录入学期 {term_id} 的满意度")
    if class_id is not None:
        require_class_write(session, user, class_id, "录入班级满意度", action=Action.WRITE_SATISFACTION)
    elif not rights.may(session, user, Action.WRITE_SATISFACTION):
        raise refuse(session, user, "录入全校满意度")
    problems = Problems()
    if term.start_date > today:
        problems.add("学期", "该学期尚未开始")
    answered = checked(problems, "答卷人数", checks.respondents, respondents)
    count = checked(problems, "满意人数", checks.satisfied, satisfied, respondents)
    text = check_text(problems, note, "说明")
    problems.raise_if_any()
    assert answered is not None and count is not None  # both were checked: refused above otherwise
    existing = session.scalar(
        select(SatisfactionResult).where(
            SatisfactionResult.term_id == term_id,
            SatisfactionResult.class_id.is_(None) if class_id is None else SatisfactionResult.class_id == class_id,
        )
    )
    result = {"respondents": answered, "satisfied": count, "note": text}  # what the form sets, new or not
    if existing is None:
        record = SatisfactionResult(school_id=term.school_id, term_id=term_id, class_id=class_id, **result)
        session.add(record)
        session.flush()
        audit(session, user, "create", "satisfaction_result", record.id, after=as_dict(record))
        saved = Saved(record.id, True)
    else:
        before = as_dict(existing)
        for name, value in result.items():
            setattr(existing, name, value)
        session.flush()
        audit(session, user, "update", "satisfaction_result", existing.id, before=before, after=as_dict(existing))
        saved = Saved(existing.id, False)
    if class_id is not None:
        stats.refresh_term(
            session, school_id=term.school_id, term_id=term_id, today=today, now=utcnow(), class_ids=[class_id]
        )
    return saved
