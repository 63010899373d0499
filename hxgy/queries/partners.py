"""The school's 合作单位 as 设置 → 合作单位 lists them (Chinese columns; the phone as stored: the page masks it)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.models import Category, Partner

PARTNER_TABLE_COLUMNS = ["id", "type_id", "单位名称", "单位类型", "联系人", "联系电话", "签约日期", "服务内容", "启用"]


def partner_table(session: Session, school_id: int) -> pd.DataFrame:
    """Every partner of the school, active first, by type (the list's order) and name."""
    stmt = (
        select(
            Partner.id,
            Partner.type_id,
            Partner.name,
            Category.name,
            Partner.contact_person,
            Partner.phone,
            Partner.agreement_date,
            Partner.services,
            Partner.active,
        )
        .outerjoin(Category, Category.id == Partner.type_id)
        .where(Partner.school_id == school_id)
        .order_by(Partner.active.desc(), Category.sort_order, Partner.name)
    )
    return pd.DataFrame(session.execute(stmt).all(), columns=PARTNER_TABLE_COLUMNS)


def partner_types(session: Session, school_id: int) -> dict[int, str]:
    """The school's active 合作单位类型, in the list's order: id → name."""
    stmt = (
        select(Category.id, Category.name)
        .where(Category.school_id == school_id, Category.kind == "partner_type", Category.active.is_(True))
        .order_by(Category.sort_order, Category.id)
    )
    return {int(i): name for i, name in session.execute(stmt)}
