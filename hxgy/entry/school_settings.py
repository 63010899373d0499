"""School-wide settings (设置 → 德育评价, 目标与时限): 德育 weights and thresholds, targets, the reply limit,
the 德育 completion threshold and the holiday rule.

Changes that alter figures (德育 weights and thresholds, the holiday rule) recompute the pre-aggregated stats.
"""

from __future__ import annotations

import math
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import config, glossary
from hxgy.auth import CurrentUser
from hxgy.entry.rules import Problems, as_dict, audit, require_settings_write
from hxgy.metrics import stats
from hxgy.metrics.measures import TARGET_MEASURES, is_rate
from hxgy.models import (
    MoralDimension,
    MoralLevel,
    MoralRater,
    School,
    Target,
    Term,
)
from hxgy.models.base import utcnow
from hxgy.terms import HOLIDAY_POLICIES


def update_moral_scheme(
    session: Session,
    user: CurrentUser,
    *,
    weights: dict[int, float],
    thresholds: dict[int, float],
    active_dimensions: dict[int, bool] | None = None,
    today: date,
) -> None:
    """Rater weights (they need not add up to 1: missing raters renormalise), level thresholds, dimensions.

    The figures change at once: every started term's stats are recomputed.
    """
    school_id = require_settings_write(session, user, "修改德育评价设置")
    problems = Problems()
    raters = {r.id: r for r in session.scalars(select(MoralRater).where(MoralRater.school_id == school_id))}
    levels = {lv.id: lv for lv in session.scalars(select(MoralLevel).where(MoralLevel.school_id == school_id))}
    dimensions = {d.id: d for d in session.scalars(select(MoralDimension).where(MoralDimension.school_id == school_id))}
    for rater_id, weight in weights.items():
        if rater_id not in raters:
            problems.add("评价主体", f"{rater_id} 不是本校的评价主体")
        elif weight is None or math.isnan(weight) or not 0 <= weight <= 1:
            problems.add(f"{raters[rater_id].name}权重", "应在 0 到 1 之间")
    new_weights = {rid: weights.get(rid, r.weight) for rid, r in raters.items()}
    if raters and sum(w for w in new_weights.values() if w) <= 0:
        problems.add("权重", "至少一个评价主体的权重要大于 0")
    for level_id, low in thresholds.items():
        if level_id not in levels:
            problems.add("等级", f"{level_id} 不是本校的等级")
        elif low is None or math.isnan(low) or not 0 <= low <= 100:
            problems.add(f"{levels[level_id].name}分数线", "应在 0 到 100 之间")
    new_levels = sorted(((thresholds.get(i, lv.min_score), lv.name) for i, lv in levels.items()), reverse=True)
    if len({low for low, _ in new_levels}) != len(new_levels):
        problems.add("分数线", "各等级的分数线不能相同")
    active = active_dimensions or {}
    if dimensions and not any(active.get(i, d.active) for i, d in dimensions.items()):
        problems.add("评价维度", "至少保留一个启用的维度")
    problems.raise_if_any()
    before = {
        "weights": {r.name: r.weight for r in raters.values()},
        "levels": {lv.name: lv.min_score for lv in levels.values()},
    }
    for rater_id, weight in weights.items():
        raters[rater_id].weight = float(weight)
    for level_id, low in thresholds.items():
        levels[level_id].min_score = float(low)
    for dimension_id, is_active in active.items():
        if dimension_id in dimensions:
            dimensions[dimension_id].active = bool(is_active)
    session.flush()
    after = {
        "weights": {r.name: r.weight for r in raters.values()},
        "levels": {lv.name: lv.min_score for lv in levels.values()},
    }
    audit(session, user, "update", "moral_scheme", None, before=before, after=after)
    stats.refresh_school(session, school_id=school_id, today=today, now=utcnow())


def set_target(session: Session, user: CurrentUser, *, term_id: int, measure: str, value: float | None) -> None:
    """A term's target for a measure (rates in %, e.g. 95); None removes it."""
    school_id = require_settings_write(session, user, "修改目标")
    term = session.get(Term, term_id)
    problems = Problems()
    if term is None or term.school_id != school_id:
        problems.add("学期", "不是本校的学期")
    if measure not in TARGET_MEASURES:
        problems.add("指标", "不能设目标的指标")
    label = glossary.MEASURE_LABELS.get(measure, measure)
    rate = is_rate(measure)  # stored in %
    if value is not None and (math.isnan(value) or value < 0 or (rate and value > 100)):
        problems.add(label, "应在 0 到 100 之间" if rate else "不能为负数")
    problems.raise_if_any()
    target = session.scalar(select(Target).where(Target.term_id == term_id, Target.measure == measure))
    before = as_dict(target) if target else None
    if value is None:
        if target is not None:
            session.delete(target)
            audit(session, user, "delete", "target", target.id, before=before)
        return
    if target is None:
        target = Target(school_id=school_id, term_id=term_id, measure=measure, value=float(value))
        session.add(target)
    else:
        target.value = float(value)
    session.flush()
    audit(session, user, "update" if before else "create", "target", target.id, before=before, after=as_dict(target))


def set_targets(session: Session, user: CurrentUser, *, term_id: int, values: dict[str, float | None]) -> None:
    """Several targets of a term at once (all or nothing)."""
    for measure, value in values.items():
        set_target(session, user, term_id=term_id, measure=measure, value=value)


def _set_school_setting(
    session: Session, user: CurrentUser, what: str, field_name: str, value: object, problem: str | None
) -> School:
    """Change one school-wide setting (admin or dean), refusing with ``problem`` (Chinese), audited."""
    school_id = require_settings_write(session, user, f"修改{what}")
    problems = Problems()
    if problem:
        problems.add(what, problem)
    problems.raise_if_any()
    school = session.get_one(School, school_id)
    before = as_dict(school, [field_name])
    setattr(school, field_name, value)
    session.flush()
    audit(session, user, "update", "school", school_id, before=before, after=as_dict(school, [field_name]))
    return school


def set_response_limit(session: Session, user: CurrentUser, hours: int) -> None:
    """How many hours the school gives itself to answer a parent request."""
    wrong = None if 1 <= hours <= 24 * 30 else "应在 1 到 720 小时之间"
    _set_school_setting(session, user, "答复时限", "response_limit_hours", int(hours), wrong)


def set_moral_completion_min(session: Session, user: CurrentUser, percent: int) -> None:
    """Below this 德育评价完成率 (in %), 德育优良率 and 平均分 show 评价未完成 instead of a status."""
    wrong = None if 0 <= percent <= 100 else "应在 0 到 100 之间"
    _set_school_setting(session, user, "德育评价完成率门槛", "moral_completion_min", int(percent), wrong)


def set_holiday_policy(session: Session, user: CurrentUser, policy: str) -> None:
    """Which term a record dated in a holiday counts for: "next" (default), "previous", or "refuse"."""
    wrong = None if policy in HOLIDAY_POLICIES else "只能是计入下一学期、计入上一学期或不接受"
    school = _set_school_setting(session, user, "假期记录的计入方式", "holiday_records", policy, wrong)
    # every term's window moves with the rule: recount the stored figures (全区 reads them)
    stats.refresh_school(session, school_id=school.id, today=config.today(), now=utcnow())
