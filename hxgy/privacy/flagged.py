"""Who sees the flags of special groups (重点关爱学生), and the audit of each named list opened.

- The comparison of flagged students with the others (hxgy.metrics.special_groups) holds no name, but it is about
  the flags: it is shown to the roles with ``rights.Action.VIEW_FLAGS`` only, for the classes that right covers
  (admin, principal, dean: the school; a teacher: the classes they are 班主任 of this school year). The meeting
  screen, group messages and 全区 never read it.
- The named list 本学期尚未联系的关爱学生 needs both ``VIEW_FLAGS`` and ``VIEW_NAMES`` for a class; each opening
  is written to the audit log as ``view`` (查看), like a 学生档案 or a 德育 grid; a refusal is logged too.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry.rules import audit, refuse
from hxgy.metrics.roster import ClassFilter
from hxgy.metrics.special_groups import flagged_not_reached
from hxgy.terms import Period

LIST_TITLE = "本学期尚未联系的关爱学生"


def flag_classes(session: Session, user: CurrentUser, *, today: date) -> frozenset[int] | None:
    """The classes whose flags the user may see (None: every class of the school; empty: none)."""
    if user.school_id is None:
        return frozenset()
    return rights.class_scope(session, user, rights.Action.VIEW_FLAGS, on_day=today)


def flag_view(
    session: Session, user: CurrentUser, period: Period, classes: ClassFilter, *, today: date
) -> ClassFilter | None:
    """The part of the view whose special groups the user may see: the view itself (school-wide roles), the
    classes of it the user is 班主任 of (a teacher), or None."""
    if user.school_id != classes.school_id or not rights.can(user.role, rights.Action.VIEW_FLAGS):
        return None
    scope = flag_classes(session, user, today=today)
    if scope is None:
        return classes
    in_view = set(session.scalars(classes.ids_in(period)))
    mine = tuple(sorted(in_view & scope))
    return ClassFilter(classes.school_id, classes.grade_level, mine) if mine else None


def open_not_reached(
    session: Session, user: CurrentUser, period: Period, classes: ClassFilter, *, today: date
) -> pd.DataFrame:
    """The flagged students of the view not contacted in the period, for a user who may see their names and flags
    (only the classes both rights cover); the opening is written to the audit log (查看). The caller commits.

    Raises WriteRefused (logged) when the user may see no such class.
    """
    where = f"查看{LIST_TITLE}"
    allowed = flag_view(session, user, period, classes, today=today)
    names = rights.class_scope(session, user, rights.Action.VIEW_NAMES, on_day=today)
    if allowed is None or not rights.can(user.role, rights.Action.VIEW_NAMES):
        raise refuse(session, user, where)
    if names is not None:
        ids = set(session.scalars(allowed.ids_in(period))) & names
        if not ids:
            raise refuse(session, user, where)
        allowed = ClassFilter(allowed.school_id, allowed.grade_level, tuple(sorted(ids)))
    listed = flagged_not_reached(session, period, allowed)
    class_ids = allowed.class_ids or ()
    audit(
        session,
        user,
        "view",
        "school_class",
        class_ids[0] if len(class_ids) == 1 else None,
        detail=f"{LIST_TITLE}（{period.label}，{len(listed)} 人）",
    )
    return listed
