"""设置 → 工作要求: turn a rule of hxgy.compliance on or off, and change its count and share (a dean, no code)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry.rules import Problems, as_dict, audit, refuse, require_settings_write
from hxgy.models import WorkRule

MAX_COUNT = 50


@dataclass(frozen=True)
class RuleSetting:
    """What a dean sets for one rule."""

    enabled: bool
    min_count: float  # a whole number; checked by update_rules
    share: float  # %


def update_rules(
    session: Session, user: CurrentUser, settings: Mapping[int, RuleSetting], labels: Mapping[int, str]
) -> int:
    """Save the rules whose setting changed (all or nothing); ``labels`` name each rule in a message. Returns how
    many changed."""
    school_id = require_settings_write(session, user, "修改工作要求")
    found = {r.id: r for r in session.scalars(select(WorkRule).where(WorkRule.school_id == school_id)).all()}
    problems = Problems()
    for rule_id, setting in settings.items():
        if rule_id not in found:
            raise refuse(session, user, f"修改工作要求 {rule_id}")
        name = labels.get(rule_id, "要求")
        if not 1 <= setting.min_count <= MAX_COUNT or int(setting.min_count) != setting.min_count:
            problems.add(f"{name}·次数", f"应为 1–{MAX_COUNT} 的整数（不检查这一项请取消“启用”）")
        if not 0 < setting.share <= 100:
            problems.add(f"{name}·达标比例", "应大于 0、不超过 100（%）")
    problems.raise_if_any()
    changed = 0
    for rule_id, setting in settings.items():
        rule = found[rule_id]
        new = (bool(setting.enabled), int(setting.min_count), float(setting.share))
        if (rule.enabled, rule.min_count, rule.share) == new:
            continue
        before = as_dict(rule)
        rule.enabled, rule.min_count, rule.share = new
        session.flush()
        audit(session, user, "update", "work_rule", rule.id, before=before, after=as_dict(rule))
        changed += 1
    return changed
