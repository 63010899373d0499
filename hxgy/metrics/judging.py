"""Targets and status: what each figure is judged against, and the figure cards every view shows.

A card (``FigureCard``) is frozen: a page that adds a line under a figure makes
a new card with ``dataclasses.replace`` (or ``FigureCard.with_note``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.metrics.measures import CLASS_STATUS_MEASURES, measure
from hxgy.models import School, Target
from hxgy.terms import Period

AMBER_SHARE = 0.9  # within 90 % of the target is amber, below it red
DEFAULT_COMPLETION_MIN = 0.9


def targets(session: Session, *, term_id: int | None) -> dict[str, float]:
    """The school's targets for a term, by measure; rates as fractions (targets are stored in %)."""
    if term_id is None:
        return {}
    rows = session.execute(select(Target.measure, Target.value).where(Target.term_id == term_id)).all()
    return {m: (v / 100 if measure(m).is_rate else v) for m, v in rows}


def target_on_pace(key: str, target: float, period: Period) -> float:
    """The target for today: a cumulative measure's target scaled by the share of the term gone."""
    return measure(key).target_for_today(target, period.elapsed_share, period.in_progress)


def goal_now(goals: Mapping[str, float], key: str, period: Period) -> float | None:
    """The target a measure is judged against today, or None without a target."""
    goal = goals.get(key)
    return target_on_pace(key, goal, period) if goal is not None else None


def status(value: float | None, target: float | None) -> str:
    """green (target met), amber (within 90 % of it), red (below), grey (no data or no target)."""
    if target is None or value is None or math.isnan(value):
        return "grey"
    if value + 1e-9 >= target:
        return "green"
    return "amber" if value >= AMBER_SHARE * target else "red"


GATED_BY_COMPLETION = ("moral_good_rate", "moral_average")  # judged only once enough students are scored


def completion_min(session: Session, *, school_id: int) -> float:
    """The school's 德育 completion threshold as a fraction (below it 优良率 shows 评价未完成)."""
    value = session.scalar(select(School.moral_completion_min).where(School.id == school_id))
    return DEFAULT_COMPLETION_MIN if value is None else value / 100


def incomplete(key: str, completion: float | None, minimum: float) -> bool:
    """True when a 德育 figure rests on too few scored students to be judged against its target."""
    if key not in GATED_BY_COMPLETION or completion is None or math.isnan(completion):
        return False
    return completion + 1e-9 < minimum


def judged(key: str, value: float | None, target: float | None) -> str:
    """The status of a measure judged on the figures as written (the value and the target rounded alike).

    "协同活动场次 6 · 按进度 6" is met, although the unrounded on-pace target is 6.41.
    """
    m = measure(key)
    return status(m.rounded(value), m.rounded(target))


@dataclass(frozen=True)
class FigureCard:
    """What a card shows for one measure: the figure, its comparison, its target (and for today), its status."""

    key: str
    value: float | None
    before: float | None = None  # the comparison's figure (same children), None without one
    target: float | None = None  # the term's target
    target_now: float | None = None  # the target for today (on pace while a cumulative measure's term runs)
    status: str = "grey"  # green / amber / red / grey / incomplete
    note: str | None = None  # a line under the card (its base, what waits for confirmation)
    before_label: str | None = None  # what the comparison is called on the card: 上学期, 上学期同期

    def with_note(self, note: str | None) -> FigureCard:
        """The same card with a line under it."""
        return dataclasses.replace(self, note=note)

    def compared_with(self, label: str | None) -> FigureCard:
        """The same card saying what its change compares with."""
        return dataclasses.replace(self, before_label=label)


def figure_cards(
    figures: Mapping[str, float],
    before: Mapping[str, float] | None,
    goals: Mapping[str, float],
    period: Period,
    keys: tuple[str, ...],
    *,
    completion_min: float = DEFAULT_COMPLETION_MIN,
) -> list[FigureCard]:
    """For each measure: value, comparison, target, target on pace, status — what a card shows."""
    cards = []
    for key in keys:
        now_goal = goal_now(goals, key, period)
        cards.append(
            FigureCard(
                key=key,
                value=figures.get(key),
                before=before.get(key) if before else None,
                target=goals.get(key),
                target_now=now_goal,
                status="incomplete"
                if incomplete(key, figures.get("moral_completion"), completion_min)
                else judged(key, figures.get(key, math.nan), now_goal),
            )
        )
    return cards


def class_status(
    frame: pd.DataFrame,
    goals: Mapping[str, float],
    period: Period,
    measures: tuple[str, ...] = CLASS_STATUS_MEASURES,
    *,
    completion_min: float = DEFAULT_COMPLETION_MIN,
) -> pd.DataFrame:
    """Long form: class × measure with value, target for today, and status (the lagging classes stand out)."""
    rows = []
    for record in frame.to_dict("records"):
        for key in measures:
            now_goal = goal_now(goals, key, period)
            value = record.get(key)
            rows.append(
                {
                    "class_id": record["class_id"],
                    "class_name": record["class_name"],
                    "measure": key,
                    "value": value,
                    "target": now_goal,
                    "status": "incomplete"
                    if incomplete(key, record.get("moral_completion"), completion_min)
                    else judged(key, value, now_goal),
                }
            )
    return pd.DataFrame(rows, columns=["class_id", "class_name", "measure", "value", "target", "status"])


def below_target(statuses: pd.DataFrame) -> pd.DataFrame:
    """The class × measure cells in red, worst first."""
    red = statuses[statuses["status"] == "red"].copy()
    red["gap"] = red["target"] - red["value"]
    return red.sort_values(["measure", "gap"], ascending=[True, False])
