"""合作单位 (社): the partners a school has agreements with, by type, and those activities were held with.

Definitions (docs/measures.md):
- partners by type: active partners whose agreement (签约日期) is on or before the day, counted per
  合作单位类型 in the order of the school's list; a partner with no agreement date is not counted;
- partners used: distinct partners that hosted at least one activity in the period that reaches a class in
  view (activities.live_activities);
- practice bases used: the same, for partners of the 校外实践基地 type (category code ``base``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from hxgy.metrics.activities import live_activities
from hxgy.metrics.roster import ClassFilter
from hxgy.models import Activity, Category, Partner
from hxgy.terms import Period

PRACTICE_BASE_CODE = "base"  # the 合作单位类型 of 校外实践基地 (db/seed.py)
UNTYPED = "未分类"  # partners registered without a type


def partners_by_type(session: Session, school_id: int, as_of: date) -> list[tuple[str, int]]:
    """(type name, partners) for every type of the school's 合作单位类型 list, in its order (zeros included;
    a hidden type only when partners of it count), then 未分类 when some counted partners have no type.

    Counted: active partners with an agreement dated on or before ``as_of``.
    """
    counted = (
        select(Partner.type_id, func.count().label("partners"))
        .where(
            Partner.school_id == school_id,
            Partner.active.is_(True),
            Partner.agreement_date.is_not(None),
            Partner.agreement_date <= as_of,
        )
        .group_by(Partner.type_id)
    )
    per_type: dict[int | None, int] = {type_id: int(n) for type_id, n in session.execute(counted)}
    types = session.execute(
        select(Category.id, Category.name, Category.active)
        .where(Category.school_id == school_id, Category.kind == "partner_type")
        .order_by(Category.sort_order, Category.id)
    ).all()
    out = [(name, per_type.get(type_id, 0)) for type_id, name, active in types if active or per_type.get(type_id)]
    if per_type.get(None):
        out.append((UNTYPED, per_type[None]))
    return out


def partners_used(session: Session, period: Period, classes: ClassFilter) -> int:
    """Distinct partners that hosted an activity in the period (reaching a class in view, or the whole school)."""
    stmt = select(func.count(distinct(Activity.partner_id))).where(
        live_activities(period, classes), Activity.partner_id.is_not(None)
    )
    return int(session.scalar(stmt) or 0)


def practice_bases_used(session: Session, period: Period, classes: ClassFilter) -> int:
    """Distinct partners of the 校外实践基地 type (code ``base``) that hosted an activity in the period."""
    stmt = (
        select(func.count(distinct(Activity.partner_id)))
        .join(Partner, Partner.id == Activity.partner_id)
        .join(Category, Category.id == Partner.type_id)
        .where(live_activities(period, classes), Category.code == PRACTICE_BASE_CODE)
    )
    return int(session.scalar(stmt) or 0)
