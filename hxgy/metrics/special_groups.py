"""重点关爱学生: are flagged students (留守儿童, 单亲家庭, 困难家庭) reached as well as the others of their classes?

For each class, and for the view (school, grade, class), for each flag and for "any flag", two groups side by
side: the flagged students of the classes and the other students of the same classes, each with

- 沟通覆盖率 and 家访覆盖率: the definitions of hxgy.metrics.communication (``reached_students``: ≥ 1 individual
  record, or ≥ 1 家访, in the period, made in any class of the school), over the students of
  hxgy.metrics.roster (``period_roster``: each student once, in their class at the end of the period);
- contacts per student: individual records about the group's students in the period (any class of the school)
  ÷ the group's students. Class-wide records (班级群, 家长会) reach every family alike and are not counted.

Hiding (docs/measures.md): a group of 1 to ``MIN_GROUP`` − 1 students is not shown, and since every class's,
grade's and the school's overall figures are shown on other pages (overall − flagged = the others), both sides
of a class, a grade or the view are hidden together. Across classes ``small_groups.hide_subtractable`` hides more
until no total shown minus its shown parts leaves a group under 5. Flags overlap (a child may be 留守 and 困难),
so a flag is also hidden where "any flag" minus it is a group of 1–4, and the two are hidden together where they
are the same students. The rule is worked out over the whole school, whatever the view.

Nothing here names a child except ``flagged_not_reached``, for roles the caller has checked (hxgy.privacy.flagged).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from hxgy.metrics import communication
from hxgy.metrics.roster import ClassFilter, classes_in_view, period_roster
from hxgy.metrics.small_groups import MIN_GROUP, hide_subtractable, small
from hxgy.models import Communication, Student
from hxgy.models.school_setup import STUDENT_FLAGS
from hxgy.terms import Period

ANY = "any"
FLAGS: tuple[str, ...] = (ANY, *STUDENT_FLAGS)  # "any flag" first, then each flag (columns of Student)
FLAG_LABELS = {ANY: "任一类关爱学生", "left_behind": "留守儿童", "single_parent": "单亲家庭", "hardship": "困难家庭"}
FLAGGED, OTHERS = "flagged", "others"
GROUP_LABELS = {FLAGGED: "关爱学生", OTHERS: "其他学生"}
TOO_FEW = f"人数不足{MIN_GROUP}人，不显示"  # what a hidden cell says
FIGURES = ("students", "contacted_students", "visited_students", "contacts")
RATES = ("contact_coverage", "home_visit_coverage", "contacts_per_student")
COLUMNS = ["flag", "group", *FIGURES, *RATES, "hidden"]


@dataclass(frozen=True)
class SpecialGroups:
    """The comparison for one view. Hidden rows keep their flag and group, with every figure NaN."""

    classes: pd.DataFrame  # class_id, class_name, grade_level, *COLUMNS: one row per class of the view × flag × group
    total: pd.DataFrame  # COLUMNS: one row per flag × group, the view as a whole
    total_hidden: bool = False  # the view's own figures are hidden for every flag (too few, or would give away)


def student_rows(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """Per student of the classes' roster: class_id, student_id, the flags, contacted, visited (0/1), contacts."""
    roster = period_roster(period, classes).subquery()
    contacted = communication.reached_students(period, classes.school_id)
    visited = communication.reached_students(period, classes.school_id, home_visit=True)
    per_student = (
        select(Communication.student_id, func.count().label("contacts"))
        .where(communication.live_contacts(period, classes.school_id), Communication.student_id.is_not(None))
        .group_by(Communication.student_id)
        .subquery()
    )
    stmt = (
        select(
            roster.c.class_id,
            roster.c.student_id,
            *(getattr(Student, flag) for flag in STUDENT_FLAGS),
            case((roster.c.student_id.in_(contacted), 1), else_=0),
            case((roster.c.student_id.in_(visited), 1), else_=0),
            func.coalesce(per_student.c.contacts, 0),
        )
        .join(Student, Student.id == roster.c.student_id)
        .outerjoin(per_student, per_student.c.student_id == roster.c.student_id)
    )
    columns = ["class_id", "student_id", *STUDENT_FLAGS, "contacted", "visited", "contacts"]
    frame = pd.DataFrame(session.execute(stmt).all(), columns=columns)
    for flag in STUDENT_FLAGS:
        frame[flag] = frame[flag].fillna(False).astype(bool)
    frame[ANY] = frame[list(STUDENT_FLAGS)].any(axis=1)
    return frame.astype({"contacted": int, "visited": int, "contacts": int})


def _group_figures(rows: pd.DataFrame) -> dict[str, float]:
    students = len(rows)
    out = {
        "students": float(students),
        "contacted_students": float(rows["contacted"].sum()),
        "visited_students": float(rows["visited"].sum()),
        "contacts": float(rows["contacts"].sum()),
    }
    out["contact_coverage"] = out["contacted_students"] / students if students else math.nan
    out["home_visit_coverage"] = out["visited_students"] / students if students else math.nan
    out["contacts_per_student"] = out["contacts"] / students if students else math.nan
    return out


def _sizes(students: pd.DataFrame, class_ids: list[int]) -> pd.DataFrame:
    """Per class (index class_id): ``<flag>`` flagged students and ``<flag>_others`` the rest, for every flag."""
    grouped = students.groupby("class_id")
    counts = {flag: grouped[flag].sum() for flag in FLAGS}
    sizes = pd.DataFrame(counts).reindex(class_ids, fill_value=0).fillna(0).astype(float)
    everyone = grouped.size().reindex(class_ids, fill_value=0).astype(float)
    for flag in FLAGS:
        sizes[f"{flag}_others"] = everyone - sizes[flag]
    return sizes


def _both_sides_small(sizes: pd.DataFrame, flag: str) -> pd.Series:
    return sizes[flag].map(small) | sizes[f"{flag}_others"].map(small)


def _link_flags(hidden: dict[str, pd.Series], sizes: pd.DataFrame) -> None:
    """Overlapping flags: what one shown group minus another would give away (in place, for classes or grades)."""
    for flag in STUDENT_FLAGS:
        # "any flag" shown with this flag shown: their difference must not be a group of 1–4
        hidden[flag] |= ~hidden[ANY] & (sizes[ANY] - sizes[flag]).map(small)
        # the same students under two names: hidden under one, hidden under both
        same = (sizes[ANY] == sizes[flag]) & (sizes[flag] > 0)
        hidden[ANY] |= hidden[flag] & same
    for flag in STUDENT_FLAGS:
        hidden[flag] |= hidden[ANY]


def _link_totals(whole: dict[str, bool], totals: pd.Series) -> None:
    for flag in STUDENT_FLAGS:
        whole[flag] = whole[flag] or (not whole[ANY] and small(totals[ANY] - totals[flag]))
        if whole[flag] and totals[ANY] == totals[flag] > 0:
            whole[ANY] = True
    for flag in STUDENT_FLAGS:
        whole[flag] = whole[flag] or whole[ANY]


def hide_groups(
    sizes: pd.DataFrame, grades: pd.Series
) -> tuple[dict[str, pd.Series], dict[str, pd.Series], dict[str, bool]]:
    """Per flag: the classes, the grades (index grade level) and whether the view are hidden (see the module).

    ``sizes`` as ``_sizes`` gives (one row per class of the whole school, ``<flag>`` and ``<flag>_others``),
    ``grades`` each class's grade, on the same index.
    """
    grade_sizes = sizes.groupby(grades).sum()
    totals = sizes.sum()
    leaf = {flag: _both_sides_small(sizes, flag) for flag in FLAGS}
    grade = {flag: _both_sides_small(grade_sizes, flag) for flag in FLAGS}
    whole = {flag: small(totals[flag]) or small(totals[f"{flag}_others"]) for flag in FLAGS}
    while True:
        before = ({f: s.copy() for f, s in leaf.items()}, {f: s.copy() for f, s in grade.items()}, dict(whole))
        _link_flags(leaf, sizes)
        _link_flags(grade, grade_sizes)
        _link_totals(whole, totals)
        for flag in FLAGS:
            for side in (flag, f"{flag}_others"):  # the two sides are hidden together: each side's rule, in turn
                leaf[flag], grade[flag] = hide_subtractable(
                    sizes[side], grades, hidden=leaf[flag], hidden_grades=grade[flag], view_hidden=whole[flag]
                )
        unchanged = (
            all(leaf[f].equals(before[0][f]) for f in FLAGS)
            and all(grade[f].equals(before[1][f]) for f in FLAGS)
            and whole == before[2]
        )
        if unchanged:
            return leaf, grade, whole


def _rows(students: pd.DataFrame, flag_hidden: dict[str, bool]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for flag in FLAGS:
        for group, members in ((FLAGGED, students[students[flag]]), (OTHERS, students[~students[flag]])):
            figures: dict[str, float] = _group_figures(members)
            hidden = flag_hidden[flag]
            if hidden:
                figures = dict.fromkeys(figures, math.nan)
            rows.append({"flag": flag, "group": group, **figures, "hidden": hidden})
    return rows


def special_groups(session: Session, period: Period, classes: ClassFilter) -> SpecialGroups:
    """Flagged students and the others of the same classes, per class of the view and for the view as a whole.

    The hiding is the whole school's (a grade or a class shows what the school's view hides in it).
    """
    school = ClassFilter(classes.school_id)
    every_class = classes_in_view(session, period, school)
    students = student_rows(session, period, school)
    ids = [int(c) for c in every_class["class_id"]]
    sizes = _sizes(students, ids)
    grades = pd.Series(every_class["grade_level"].to_numpy(), index=sizes.index)
    leaf, grade, whole = hide_groups(sizes, grades)

    shown = classes_in_view(session, period, classes)
    class_rows: list[dict[str, object]] = []
    for cls in shown.itertuples():
        mine = students[students["class_id"] == cls.class_id]
        hidden = {flag: bool(leaf[flag][cls.class_id]) for flag in FLAGS}
        for row in _rows(mine, hidden):
            class_rows.append(
                {"class_id": cls.class_id, "class_name": cls.class_name, "grade_level": cls.grade_level, **row}
            )
    in_view = students[students["class_id"].isin(shown["class_id"])]
    if classes.class_ids is None and classes.grade_level is None:
        total_hidden = whole
    elif classes.class_ids is None and classes.grade_level is not None:
        level = classes.grade_level
        total_hidden = {f: bool(grade[f].get(level, True)) for f in FLAGS}
    else:  # some classes: their total only when each of them may be shown, and it is no small group itself
        chosen = [int(c) for c in shown["class_id"]]
        view_sizes = sizes.loc[chosen].sum()
        total_hidden = {
            f: bool(leaf[f].loc[chosen].any()) or small(view_sizes[f]) or small(view_sizes[f"{f}_others"])
            for f in FLAGS
        }
    columns = ["class_id", "class_name", "grade_level", *COLUMNS]
    return SpecialGroups(
        classes=pd.DataFrame(class_rows, columns=columns),
        total=pd.DataFrame(_rows(in_view, total_hidden), columns=COLUMNS),
        total_hidden=all(total_hidden.values()),
    )


def flagged_not_reached(session: Session, period: Period, classes: ClassFilter) -> pd.DataFrame:
    """Flagged students of the classes with no individual record in the period — names and flags included.

    ``communication.students_not_reached`` (the same definition), with the flags in Chinese (``flags``). Only for
    roles allowed to see names and flags of those classes; the caller checks and audits (hxgy.privacy.flagged).
    """
    missing = communication.students_not_reached(session, period, classes)
    if missing.empty:
        return missing.assign(flags=pd.Series(dtype=str))
    ids = [int(i) for i in missing["student_id"]]
    stmt = select(Student.id, *(getattr(Student, flag) for flag in STUDENT_FLAGS)).where(Student.id.in_(ids))
    labels = {
        sid: "、".join(FLAG_LABELS[flag] for flag, on in zip(STUDENT_FLAGS, values, strict=True) if on)
        for sid, *values in session.execute(stmt).all()
    }
    flagged = missing.assign(flags=missing["student_id"].map(labels).fillna(""))
    return flagged[flagged["flags"] != ""].reset_index(drop=True)
