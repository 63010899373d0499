"""Small groups: which figures of a class, a grade or the whole view may be shown where others look on.

PRODUCT.md: projected or shared screens show class-level aggregates only, and "a group under 5 students is
hidden, and so is any part that would let it be worked out by subtraction". This module is that rule, in one
place, for everything that shows a total beside its parts: the meeting slides and their PPTX pack
(``hxgy.meeting.slides``) and the term report (``hxgy.report``).

Every figure rests on a base, the count it is a share or a mean of (``base_of``): students for the coverage
rates, requests due for 诉求按时答复率, students evaluated for 优良率 and the 德育 average, answers for 满意度,
expected attendances for 家长到场率; plain counts and hours rest on the class's students. For each base
``hide_small_groups`` decides, over the tree view → grades → classes:

- a class, a grade or the view whose base is 1 to ``MIN_GROUP`` − 1 is hidden (0 is shown: 无数据 reveals
  nobody); a class whose students are hidden is hidden for every base, and so is a grade;
- then, for every total still shown (each grade, and the view), what is hidden inside it (its base minus
  the bases of the shown parts that cover it: a shown grade, or the shown classes of a hidden grade, and
  nothing else) must be 0 or at least ``MIN_GROUP``; while it is not, the smallest shown part is hidden
  too (a class; a grade, then one of its classes, when only grades cover the view).

The rule is always worked out over the whole school (``for_view``): a grade shown on its own (the meeting
screen's grade choice, a grade's report) hides what the whole school's figures hide in it, or the school's
deck minus a grade's deck would give back what either hides.

A total that is not the sum of its parts (the school-wide 满意度 survey, which counts answers of its own)
gives no group by subtraction and is left as it is; a remainder that belongs to no class (requests not
tied to a class) counts as hidden inside the view.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy.orm import Session

from hxgy.metrics import overview
from hxgy.metrics.measures import MEASURES
from hxgy.metrics.roster import ClassFilter
from hxgy.terms import Period

MIN_GROUP = 5  # a group with fewer (students, requests, answers…) is never shown on its own
HIDDEN = "不显示"  # what a table cell or a chart label says in place of a hidden figure

STUDENTS = "students"
# each base: how a message names it (人数不足 5 人 / 件数不足 5 件 …)
BASE_WORDS: dict[str, tuple[str, str]] = {
    STUDENTS: ("人数", "人"),
    "requests_due": ("件数", "件"),
    "moral_evaluated": ("参评人数", "人"),
    "satisfaction_respondents": ("答卷", "份"),
    "attendance_base": ("应到人次", "人次"),
}
BASES: tuple[str, ...] = tuple(BASE_WORDS)
# columns that name a class rather than count or rate anything: never hidden
IDENTITY_COLUMNS = frozenset({"class_id", "class_name", "grade_level", "class_no", "cohort", "school_id", "classes"})


def base_of(key: str) -> str:
    """The base of a figure: a rate's denominator, a mean's weight, its numerator's measure's base; else students."""
    if key in BASE_WORDS:
        return key
    m = MEASURES.get(key)
    if m is not None:
        if m.rollup == "ratio" and m.denominator:
            return m.denominator
        if m.rollup == "mean" and m.weight:
            return m.weight
        return STUDENTS
    for m in MEASURES.values():
        if m.numerator == key and m.rollup == "ratio" and m.denominator:
            return m.denominator
    return STUDENTS


def small(size: float | None) -> bool:
    """A group of 1 to MIN_GROUP − 1 (none at all is not a group to hide)."""
    return size is not None and not math.isnan(size) and 0 < size < MIN_GROUP


def too_small(figures: Mapping[str, float], key: str) -> bool:
    """The figure of a view rests on a group of 1 to MIN_GROUP − 1 (its own students, or its own base)."""
    return small(figures.get(STUDENTS, 0.0)) or small(figures.get(base_of(key), 0.0))


def too_few(key: str) -> str:
    """The figure's base in words when it is too small: 件数不足 5 件."""
    noun, unit = BASE_WORDS[base_of(key)]
    return f"{noun}不足 {MIN_GROUP} {unit}"


def reason(key: str) -> str:
    """Why a figure is not shown, in the words of its base: 件数不足 5 件，为保护隐私不单独显示."""
    return f"{too_few(key)}，为保护隐私不单独显示"


@dataclass(frozen=True)
class Hiding:
    """What may be shown of a class table: for each base, the classes, the grades and the view that are hidden."""

    classes: pd.DataFrame  # one row per class of the table (same order), one bool column per base: hidden
    grades: pd.DataFrame  # index grade_level, one bool column per base: the grade's own figure hidden
    total: Mapping[str, bool]  # base → the view's own figure hidden
    class_ids: tuple[int, ...] = ()  # the class of each row of ``classes``, when the table had class_id

    @property
    def left_out(self) -> pd.Series:
        """The classes not shown at all (their students are a small group, or would give one away)."""
        return self.classes[STUDENTS]

    def class_hidden(self, key: str) -> pd.Series:
        """Per class: its figure ``key`` may not be shown (a class left out shows none)."""
        return self.classes[base_of(key)]

    def grade_hidden(self, grade_level: int, key: str) -> bool:
        """The grade's figure ``key`` may not be shown (a grade missing from the table: hidden)."""
        if grade_level not in self.grades.index:
            return True
        return bool(self.grades.loc[grade_level, base_of(key)])

    def total_hidden(self, key: str) -> bool:
        """The view's own figure ``key`` may not be shown."""
        return bool(self.total[base_of(key)])

    def hidden_with_data(self, frame: pd.DataFrame, key: str) -> int:
        """How many classes of ``frame`` (the table this was made from) have a figure ``key`` that is hidden."""
        base = base_of(key)
        has = frame.reset_index(drop=True)[base].fillna(0).to_numpy() > 0 if base in frame else False
        return int((self.class_hidden(key).to_numpy() & has).sum())

    def within(self, frame: pd.DataFrame, grade_level: int | None) -> Hiding:
        """This (whole school's) hiding for a view of some of its classes: one grade, or a set of classes.

        The view's own figure is hidden where the school hides that grade's; a set of classes shows its total
        only when each of its classes may be shown.
        """
        frame = frame.reset_index(drop=True)
        position = {cid: i for i, cid in enumerate(self.class_ids)}
        classes = self.classes.iloc[[position[cid] for cid in frame["class_id"]]].reset_index(drop=True)
        ids = tuple(int(c) for c in frame["class_id"])
        if grade_level is not None and grade_level in self.grades.index:
            grades = self.grades.loc[[grade_level]]
            return Hiding(classes, grades, {b: bool(grades[b].iloc[0]) for b in BASES}, ids)
        levels = sorted(frame["grade_level"].unique()) if "grade_level" in frame else []
        grades = self.grades.loc[[g for g in levels if g in self.grades.index]] | True
        sizes = {b: float(frame[b].fillna(0).sum()) if b in frame else 0.0 for b in BASES}
        total = {b: bool(classes[b].any()) or small(sizes[b]) or small(sizes[STUDENTS]) for b in BASES}
        return Hiding(classes, grades, total, ids)

    def hidden_cells(self, frame: pd.DataFrame, statuses: pd.DataFrame) -> pd.Series:
        """For rows of class × measure (``class_id``, ``measure``, as judging.class_status gives): hidden or not."""
        frame = frame.reset_index(drop=True)
        position = {cid: i for i, cid in enumerate(frame["class_id"])}
        by_key = {key: self.class_hidden(key).to_numpy() for key in statuses["measure"].unique()}
        return pd.Series(
            [bool(by_key[m][position[c]]) for c, m in zip(statuses["class_id"], statuses["measure"], strict=True)],
            index=statuses.index,
            dtype=bool,
        )

    def mask(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The class table with every hidden figure (counts and rates) blanked to NaN; every row kept."""
        out = frame.reset_index(drop=True).copy()
        for column in out.columns:
            if column in IDENTITY_COLUMNS or not pd.api.types.is_numeric_dtype(out[column]):
                continue
            out[column] = out[column].astype(float).where(~self.class_hidden(column).to_numpy(), math.nan)
        return out

    def mask_grades(self, grades: pd.DataFrame) -> pd.DataFrame:
        """A table of one row per grade (``grade_level``) with every hidden grade figure blanked to NaN."""
        out = grades.reset_index(drop=True).copy()
        if out.empty:
            return out
        for column in out.columns:
            if column in IDENTITY_COLUMNS or not pd.api.types.is_numeric_dtype(out[column]):
                continue
            hidden = [self.grade_hidden(int(g), column) for g in out["grade_level"]]
            out[column] = out[column].astype(float).where(~pd.Series(hidden, index=out.index), math.nan)
        return out


def _hide_base(
    sizes: pd.Series, grades: pd.Series, total: float, leaf: pd.Series, grade: pd.Series, whole: bool
) -> tuple[pd.Series, pd.Series]:
    """Hide more classes and grades until what is hidden inside every total shown is 0 or ≥ MIN_GROUP."""
    leaf, grade = leaf.copy(), grade.copy()
    grade_sizes = sizes.groupby(grades).sum()
    while True:
        changed = False
        for level in grade_sizes.index:
            if grade[level]:
                continue
            members = grades == level
            while small(float(sizes[members & leaf].sum())):
                candidates = sizes[members & ~leaf]
                leaf[candidates.idxmin()] = True  # never empty: the grade's own base is ≥ MIN_GROUP
                changed = True
        if not whole:
            parts = [(float(grade_sizes[g]), 1, "grade", g) for g in grade_sizes.index if not grade[g]]
            parts += [(float(sizes[i]), 0, "class", i) for i in sizes.index if not leaf[i] and grade[grades[i]]]
            inside = total - sum(p[0] for p in parts)
            if small(inside):
                positive = sorted(p for p in parts if p[0] > 0)
                if not positive:  # nothing left to hide but the view itself
                    return leaf, grade
                _, _, kind, which = positive[0]
                if kind == "grade":
                    grade[which] = True
                else:
                    leaf[which] = True
                changed = True
        if not changed:
            return leaf, grade


def hide_subtractable(
    sizes: pd.Series, grades: pd.Series, *, hidden: pd.Series, hidden_grades: pd.Series, view_hidden: bool
) -> tuple[pd.Series, pd.Series]:
    """The rule's second step alone, for a table of groups of its own (hxgy.metrics.special_groups): from the
    classes and grades already hidden, hide more until what is hidden inside every total still shown (each grade,
    and the view, the sum of its classes) is 0 or at least MIN_GROUP. Returns (classes hidden, grades hidden).

    ``sizes``: each class's group; ``grades``: each class's grade; ``hidden_grades``: indexed by grade level.
    """
    return _hide_base(sizes, grades, float(sizes.sum()), hidden, hidden_grades, view_hidden)


def hide_small_groups(frame: pd.DataFrame, totals: Mapping[str, float] | None = None) -> Hiding:
    """For each base, the classes, grades and view of a class table that may not be shown (see the module).

    ``frame`` is ``overview.class_measures`` (one row per class, with ``grade_level`` and the base counts);
    ``totals`` the view's own figures (``overview.school_figures``), which may hold more than its classes
    (requests not tied to a class); without it the view is the sum of its classes.
    """
    frame = frame.reset_index(drop=True)
    grades = frame["grade_level"] if "grade_level" in frame else pd.Series(0, index=frame.index)
    levels = sorted(grades.unique())
    class_cols: dict[str, pd.Series] = {}
    grade_cols: dict[str, pd.Series] = {}
    total: dict[str, bool] = {}
    for base in BASES:
        sizes = frame[base].astype(float).fillna(0.0) if base in frame else pd.Series(0.0, index=frame.index)
        grade_sizes = sizes.groupby(grades).sum().reindex(levels, fill_value=0.0)
        summed = float(sizes.sum())
        view = float(totals.get(base, summed)) if totals is not None else summed
        if math.isnan(view):
            view = summed
        leaf = sizes.map(small)
        grade = grade_sizes.map(small)
        whole = small(view)
        if base == STUDENTS:
            few_students = grade.copy()
        else:  # a class left out, a grade or a view of too few students: hidden for every figure
            leaf |= class_cols[STUDENTS]
            grade |= few_students
            whole = whole or total[STUDENTS]
        if view + 1e-9 < summed:  # a total of its own (the school-wide survey): nothing to work out from it
            view = math.inf
        leaf, grade = _hide_base(sizes, grades, view, leaf, grade, whole)
        class_cols[base], grade_cols[base], total[base] = leaf, grade, whole
    return Hiding(
        classes=pd.DataFrame(class_cols, index=frame.index).astype(bool),
        grades=pd.DataFrame(grade_cols, index=pd.Index(levels, name="grade_level")).astype(bool),
        total=total,
        class_ids=tuple(int(c) for c in frame["class_id"]) if "class_id" in frame else (),
    )


def for_view(
    session: Session,
    period: Period,
    classes: ClassFilter,
    *,
    frame: pd.DataFrame,
    figures: Mapping[str, float],
    now: datetime,
) -> Hiding:
    """What a view (the whole school, a grade, some classes) may show: the whole school's rule, applied to it.

    ``frame`` and ``figures`` are the view's ``overview.class_measures`` and ``overview.school_figures``; for a
    part of the school the whole school's are read too, so that a grade's deck or report never shows what the
    school's hides (the school's figure minus that grade's would give it back).
    """
    if classes.grade_level is None and classes.class_ids is None:
        return hide_small_groups(frame, figures)
    school = ClassFilter(classes.school_id)
    school_frame = overview.class_measures(session, period, school, now=now)
    school_figures = overview.school_figures(session, period, school, now=now, frame=school_frame)
    return hide_small_groups(school_frame, school_figures).within(frame, classes.grade_level)
