"""The measure registry: every measure the dashboards, slides, report, Excel files and ``metrics`` show.

One entry per measure says what it is (kind, unit, precision), how the class
figures roll up to a grade or the school, whether the school sets a target for
it and how the target for today is read, where it appears, and whether the
people behind it can be listed by name. Its Chinese name is in
``hxgy.glossary.MEASURE_LABELS`` (the one home of Chinese text). Adding a
measure is one entry here, its SQL in the module of its group, and its tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from hxgy.glossary import MEASURE_LABELS

Kind = Literal["rate", "count", "hours", "score"]
# how the class figures roll up to a grade or the school:
#   sum       the class figures added up (the numerator column)
#   distinct  counted once for the whole view (an activity of two classes is one activity)
#   ratio     numerator sums ÷ denominator sums (never an average of class rates)
#   per_week  the numerator's sum ÷ the weeks of the period
#   mean      class means weighted by the denominator (students evaluated)
Rollup = Literal["sum", "distinct", "ratio", "per_week", "mean"]
# how the target for today is read while a term runs:
#   elapsed   the term's target × the share of the term gone (the figure grows through the term)
#   term      the term's target as it is (a rate of what has happened so far)
Pace = Literal["elapsed", "term"]


@dataclass(frozen=True)
class Measure:
    """A measure: how to compute, roll up, write and judge it, and where it appears."""

    key: str
    kind: Kind
    rollup: Rollup
    numerator: str | None = None  # ratio: the count column divided …
    denominator: str | None = None  # … by this one (the base every rate states)
    column: str | None = None  # sum, per_week: the count column it reads
    weight: str | None = None  # mean: the count column the class means are weighted by
    unit: str = ""  # written after the figure: 次, 小时, 场, 分 (rates: %)
    digits: int = 1  # decimals everywhere the figure is written: page, slide, report, Excel
    pace: Pace = "term"
    target: bool = False  # the school sets a term target for it (设置 → 目标) and every view judges it
    by_class: bool = False  # judged class by class: 总览's grid, the report's 下一步需要关注, the class changes
    in_table: bool = False  # a column of 各班指标明细 (总览 and the report's appendix)
    named: bool = False  # its people are listed by name (尚未沟通名单, 排名) where rights.Action.VIEW_NAMES allows

    @property
    def label(self) -> str:
        """The Chinese name: 家访覆盖率."""
        return MEASURE_LABELS[self.key]

    @property
    def is_rate(self) -> bool:
        """A share from 0 to 1, written as a percentage."""
        return self.kind == "rate"

    @property
    def cumulative(self) -> bool:
        """Grows through the term: its target is read on pace while the term runs."""
        return self.pace == "elapsed"

    @property
    def per_class(self) -> bool:
        """Each class has its own figure (an activity shared by classes is counted only for the whole view)."""
        return self.rollup != "distinct"

    @property
    def change_words(self) -> tuple[str, str]:
        """How a change is said: totals 增加/减少, rates and averages 提高/下降."""
        return ("增加", "减少") if self.rollup in ("sum", "distinct") else ("提高", "下降")

    def rounded(self, value: float | None) -> float | None:
        """The figure as written (rates to 0.1 percentage point): status is judged on what people read."""
        if value is None or math.isnan(value):
            return value
        if self.is_rate:  # as percent() writes it: 63/80 = 78.75 % is shown and judged 78.8 %
            return round(float(value) * 100, self.digits) / 100
        return round(float(value), self.digits)

    def target_for_today(self, target: float, elapsed_share: float, in_progress: bool) -> float:
        """The target a running term is judged against: scaled by the share of the term gone when cumulative."""
        return target * elapsed_share if self.cumulative and in_progress else target


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure(
            "contact_coverage", "rate", "ratio", numerator="contacted_students", denominator="students",
            pace="elapsed", target=True, by_class=True, in_table=True, named=True,
        ),
        Measure(
            "home_visit_coverage", "rate", "ratio", numerator="visited_students", denominator="students",
            pace="elapsed", target=True, by_class=True, in_table=True, named=True,
        ),
        Measure(
            "contacts_per_family", "count", "ratio", "individual_contacts", "students", unit="次",
            pace="elapsed", target=True, by_class=True, in_table=True,
        ),
        Measure("contacts_per_week", "count", "per_week", column="contacts", unit="次"),
        Measure(
            "response_on_time", "rate", "ratio", numerator="requests_on_time", denominator="requests_due",
            target=True, in_table=True,
        ),
        Measure(
            "volunteer_hours", "hours", "sum", column="volunteer_hours", unit="小时",
            pace="elapsed", target=True, in_table=True, named=True,
        ),
        Measure(
            "volunteer_participation", "rate", "ratio", numerator="volunteer_families", denominator="students",
            pace="elapsed", target=True, by_class=True, in_table=True,
        ),
        Measure("hours_per_family", "hours", "ratio", "volunteer_hours", "students", unit="小时", pace="elapsed"),
        Measure(
            "moral_good_rate", "rate", "ratio", numerator="moral_good", denominator="moral_evaluated",
            target=True, by_class=True, in_table=True,
        ),
        Measure(
            "moral_completion", "rate", "ratio", numerator="moral_scored", denominator="students",
            pace="elapsed", by_class=True, in_table=True,
        ),
        Measure("moral_average", "score", "mean", weight="moral_evaluated", unit="分"),
        Measure(
            "satisfaction", "rate", "ratio", numerator="satisfaction_satisfied", denominator="satisfaction_respondents",
            target=True, by_class=True, in_table=True,
        ),
        Measure("activities", "count", "distinct", unit="场", digits=0, pace="elapsed", target=True),
        Measure(
            "parent_attendance", "rate", "ratio", numerator="parents_attended", denominator="attendance_base",
            in_table=True,
        ),
    )
}  # fmt: skip

# the measures a school sets targets for, in the order the pages and the report go through them
TARGET_MEASURES: tuple[str, ...] = tuple(k for k, m in MEASURES.items() if m.target)
# the measures judged class by class (总览's grid, the report's 下一步需要关注)
CLASS_STATUS_MEASURES: tuple[str, ...] = tuple(k for k, m in MEASURES.items() if m.by_class)
# the columns of the 各班指标明细 table: on 总览 and in the term report's appendix
CLASS_TABLE_COLUMNS: tuple[str, ...] = (
    "class_name",
    "students",
    *(k for k, m in MEASURES.items() if m.in_table),
)


def measure(key: str) -> Measure:
    """The measure of a key; an unknown key (a count column) is read as a plain figure with one decimal."""
    return MEASURES.get(key) or Measure(key, "count", "sum")


def is_rate(key: str) -> bool:
    """True for a measure written as a percentage (its targets are stored in %)."""
    return measure(key).is_rate


def header_measure(header: str) -> str | None:
    """The measure a Chinese column header names (家访覆盖率 → home_visit_coverage), or None."""
    for key, m in MEASURES.items():
        if m.label == header:
            return key
    return None


def label(key: str) -> str:
    """The Chinese name of a measure (家访覆盖率)."""
    return measure(key).label
