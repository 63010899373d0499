"""The school's lists (设置 → 类别): 沟通方式, 沟通内容, 志愿项目 … added at the end, renamed or hidden."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry.rules import Problems, as_dict, audit, refuse, require_settings_write
from hxgy.models import (
    CATEGORY_KINDS,
    HOME_VISIT_CODE,
    Category,
)
from hxgy.models.base import utcnow


def add_category(session: Session, user: CurrentUser, *, kind: str, name: str) -> Category:
    """A new entry at the end of one of the school's lists."""
    school_id = require_settings_write(session, user, "修改类别")
    problems = Problems()
    name = name.strip()
    if kind not in CATEGORY_KINDS:
        problems.add("类别", "未知的类别")
    if not name or len(name) > 40:
        problems.add("名称", "1–40 个字")
    existing = session.scalars(select(Category).where(Category.school_id == school_id, Category.kind == kind)).all()
    if any(c.name == name for c in existing):
        problems.add("名称", f"“{name}”已在列表中")
    problems.raise_if_any()
    category = Category(
        school_id=school_id,
        kind=kind,
        code=f"custom_{len(existing) + 1}_{utcnow():%H%M%S%f}",
        name=name,
        sort_order=max((c.sort_order for c in existing), default=0) + 1,
    )
    session.add(category)
    session.flush()
    audit(session, user, "create", "category", category.id, after=as_dict(category))
    return category


def update_category(
    session: Session, user: CurrentUser, category_id: int, *, name: str, active: bool, class_wide: bool | None = None
) -> None:
    """Rename an entry, or hide it from new entries (old records keep it).

    For a 沟通方式, ``class_wide`` says whether a class-wide record (no student) may use it (None: unchanged);
    records already stored keep their channel, new and corrected ones follow the setting.
    """
    school_id = require_settings_write(session, user, "修改类别")
    category = session.get(Category, category_id)
    if category is None or category.school_id != school_id:
        raise refuse(session, user, f"修改类别 {category_id}")
    problems = Problems()
    name = name.strip()
    if not name or len(name) > 40:
        problems.add("名称", "1–40 个字")
    if category.kind == "channel" and category.code == "home_visit" and not active:
        problems.add("家访", "家访覆盖率依赖这一项，不能停用")
    if class_wide is not None and category.kind != "channel":
        problems.add("可用于全班", "只有沟通方式有这一设置")
    if class_wide and category.kind == "channel" and category.code == HOME_VISIT_CODE:
        problems.add("可用于全班", "家访总是面向一户家庭，不能用于全班记录")
    problems.raise_if_any()
    before = as_dict(category)
    category.name, category.active = name, active
    if class_wide is not None:
        category.class_wide = class_wide
    session.flush()
    audit(session, user, "update", "category", category.id, before=before, after=as_dict(category))


def set_class_wide_channels(session: Session, user: CurrentUser, wide: Collection[int]) -> None:
    """Which 沟通方式 a class-wide record (no student) may use: exactly those in ``wide`` (all or nothing)."""
    school_id = require_settings_write(session, user, "修改类别")
    channels = session.scalars(
        select(Category)
        .where(Category.school_id == school_id, Category.kind == "channel")
        .order_by(Category.sort_order, Category.id)
    ).all()
    for channel in channels:
        if (channel.id in wide) != channel.class_wide:
            update_category(
                session, user, channel.id, name=channel.name, active=channel.active, class_wide=channel.id in wide
            )


def set_flagged_categories(session: Session, user: CurrentUser, kind: str, chosen: Collection[int]) -> None:
    """Which 沟通方式 count as in-person 家访 (``kind`` "channel": Category.in_person), or which 活动类型 are
    家长学校 guidance sessions ("activity_type": Category.guidance), for 工作要求: exactly those in ``chosen``."""
    school_id = require_settings_write(session, user, "修改类别")
    column = {"channel": "in_person", "activity_type": "guidance"}.get(kind)
    if column is None:
        raise ValueError(f"no such setting for {kind}")
    entries = session.scalars(select(Category).where(Category.school_id == school_id, Category.kind == kind)).all()
    for category in entries:
        wanted = category.id in chosen
        if getattr(category, column) != wanted:
            before = as_dict(category)
            setattr(category, column, wanted)
            session.flush()
            audit(session, user, "update", "category", category.id, before=before, after=as_dict(category))
