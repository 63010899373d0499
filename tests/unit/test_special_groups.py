"""重点关爱学生 (hxgy.metrics.special_groups): flagged students against the others of their classes, groups under 5
hidden on both sides and never given away by a total minus its shown parts; the named list and who sees it.

测试小学, 2025-2026学年第一学期, built below (L: 留守儿童, S: 单亲家庭; nobody 困难家庭):
  一(1)班 12 students: 6 L, 6 others         一(2)班 10 students: 3 L (a small group), 7 others
  二(1)班 14 students: 5 L, 2 S, 7 others    二(2)班 11 students: 6 L, 5 others
"Any flag": 一(2)班 (3) hidden on both sides; 一年级 (9 flagged, 13 others) is shown, so 一(1)班 (6, the
smallest other class of the grade) is hidden too, or 一年级 minus 一(1)班 would give 一(2)班's 3.
留守儿童: hidden where "any flag" is (一年级's classes); 二(1)班 too, where "any" (7) minus 留守 (5) would give
its 2 单亲; so also 二年级 (13 − 11) and the school (22 − 20). Shown: 二(2)班 and 一年级 (9, the same students as
"any flag" there). 单亲家庭: 2 students, hidden everywhere.
Records (phone unless said; all in the term):
  一(1)班: L0 once.
  二(1)班: L0, S5 once each (flagged); O7 once (others).
  二(2)班: L0 twice, L1 once, L2 a 家访, L3 once (flagged: 4 of 6 reached, 1 visited, 5 contacts);
           O6 a 家访, O7 once (others: 2 of 5, 1 visited, 2 contacts); a class-wide record and a deleted one
           about L4 (neither counts).
二年级, any flag: flagged 13 — 6 reached, 1 visited, 7 contacts; others 12 — 3 reached, 1 visited, 3 contacts.
The school, any flag: flagged 22 — 7 reached; others 25 — 3 reached.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.entry.rules import WriteRefused
from hxgy.metrics import communication, special_groups
from hxgy.metrics.roster import ClassFilter
from hxgy.models import AuditLog
from hxgy.privacy import flagged
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school

TODAY = date(2026, 11, 22)
MIN = 5
DAY = date(2025, 10, 8)
# class → (留守, 单亲, others)
CLASSES = {"一(1)班": (6, 0, 6), "一(2)班": (3, 0, 7), "二(1)班": (5, 2, 7), "二(2)班": (6, 0, 5)}


def _build(session: Session) -> TinySchool:
    s = tiny_school(session)
    for name, (left, single, others) in CLASSES.items():
        s.add_class("一二".index(name[0]) + 1, int(name[2]), head=f"{name}班主任")
        for n in range(left):
            s.add_student(f"{name}L{n}", name).left_behind = True
        for n in range(left, left + single):
            s.add_student(f"{name}S{n}", name).single_parent = True
        for n in range(left + single, left + single + others):
            s.add_student(f"{name}O{n}", name)
    s.contact("一(1)班", DAY, "一(1)班L0")
    for who in ("二(1)班L0", "二(1)班S5", "二(1)班O7"):
        s.contact("二(1)班", DAY, who)
    for who in ("二(2)班L0", "二(2)班L0", "二(2)班L1", "二(2)班L3", "二(2)班O7"):
        s.contact("二(2)班", DAY, who)
    s.contact("二(2)班", DAY, "二(2)班L2", channel="home_visit")
    s.contact("二(2)班", DAY, "二(2)班O6", channel="home_visit")
    s.contact("二(2)班", DAY, None, channel="wechat")
    s.contact("二(2)班", DAY, "二(2)班L4", deleted=True)
    session.commit()
    return s


@pytest.fixture
def school(engine) -> Iterable[TinySchool]:
    session = Session(engine)
    yield _build(session)
    session.close()


def _groups(s: TinySchool, classes: ClassFilter | None = None) -> special_groups.SpecialGroups:
    period = term_period(s.term1, TODAY)
    return special_groups.special_groups(s.session, period, classes or ClassFilter(s.school.id))


def _row(frame: pd.DataFrame, flag: str, group: str, class_name: str | None = None) -> pd.Series:
    rows = frame[(frame["flag"] == flag) & (frame["group"] == group)]
    if class_name is not None:
        rows = rows[rows["class_name"] == class_name]
    assert len(rows) == 1
    return rows.iloc[0]


def _shown(frame: pd.DataFrame, flag: str) -> set[str]:
    rows = frame[(frame["flag"] == flag) & ~frame["hidden"]]
    return set(rows["class_name"])


# --- the figures, by hand ----------------------------------------------------------------------------------


def test_a_shown_class_side_by_side(school) -> None:
    result = _groups(school)
    mine = _row(result.classes, "any", "flagged", "二(2)班")
    assert (mine["students"], mine["contacted_students"], mine["visited_students"], mine["contacts"]) == (6, 4, 1, 5)
    assert mine["contact_coverage"] == pytest.approx(4 / 6)
    assert mine["home_visit_coverage"] == pytest.approx(1 / 6)
    assert mine["contacts_per_student"] == pytest.approx(5 / 6)
    others = _row(result.classes, "any", "others", "二(2)班")
    assert (others["students"], others["contacted_students"], others["visited_students"], others["contacts"]) == (
        5,
        2,
        1,
        2,
    )
    assert others["contact_coverage"] == pytest.approx(0.4)
    assert _row(result.classes, "left_behind", "flagged", "二(2)班")["contacts"] == 5  # the same six students


def test_the_view_as_a_whole_and_a_grade(school) -> None:
    total = _groups(school).total
    assert _row(total, "any", "flagged")[["students", "contacted_students"]].tolist() == [22, 7]
    assert _row(total, "any", "others")[["students", "contacted_students"]].tolist() == [25, 3]
    grade = _groups(school, ClassFilter(school.school.id, 2)).total
    flagged_row, others = _row(grade, "any", "flagged"), _row(grade, "any", "others")
    assert flagged_row[["students", "contacted_students", "visited_students", "contacts"]].tolist() == [13, 6, 1, 7]
    assert others[["students", "contacted_students", "visited_students", "contacts"]].tolist() == [12, 3, 1, 3]
    assert flagged_row["contacts_per_student"] == pytest.approx(7 / 13)
    assert _row(grade, "left_behind", "flagged")["hidden"], "二年级 留守 11 of 13 flagged: 2 单亲 by subtraction"


def test_the_two_sides_add_up_to_the_class_figures_of_the_communication_page(school) -> None:
    period = term_period(school.term1, TODAY)
    whole = communication.communication_by_class(school.session, period, ClassFilter(school.school.id))
    rows = special_groups.student_rows(school.session, period, ClassFilter(school.school.id))
    by_class = rows.groupby("class_id")[["contacted", "visited"]].sum()
    for cls in whole.itertuples():
        assert by_class.loc[cls.class_id, "contacted"] == cls.contacted_students
        assert by_class.loc[cls.class_id, "visited"] == cls.visited_students


# --- hiding ------------------------------------------------------------------------------------------------


def test_a_class_with_three_flagged_students_is_hidden_on_both_sides(school) -> None:
    classes = _groups(school).classes
    for group in ("flagged", "others"):  # 7 others, but 一(2)班's overall figures minus them would give the 3
        row = _row(classes, "any", group, "一(2)班")
        assert row["hidden"]
        assert all(math.isnan(row[c]) for c in (*special_groups.FIGURES, *special_groups.RATES))
    one_class = _groups(school, ClassFilter(school.school.id, None, (school.classes["一(2)班"].id,)))
    assert one_class.total_hidden and one_class.total["hidden"].all()


def test_what_is_hidden_and_why_worked_by_hand(school) -> None:
    result = _groups(school)
    assert _shown(result.classes, "any") == {"二(1)班", "二(2)班"}  # 一(1)班 would give 一(2)班 away
    assert _shown(result.classes, "left_behind") == {"二(2)班"}  # 二(1)班: any − 留守 = 2 单亲
    assert _shown(result.classes, "single_parent") == {"二(2)班"}  # none there: nobody to hide, it says 无
    assert _row(result.classes, "single_parent", "flagged", "二(2)班")["students"] == 0
    assert not _row(result.total, "any", "flagged")["hidden"]
    assert _row(result.total, "left_behind", "flagged")["hidden"]  # 22 − 20
    assert _row(result.total, "single_parent", "others")["hidden"]  # its 2 flagged: both sides go
    grade_one = _groups(school, ClassFilter(school.school.id, 1)).total
    assert not _row(grade_one, "left_behind", "flagged")["hidden"]  # the same 9 students as "any flag"
    assert _row(grade_one, "left_behind", "flagged")["students"] == 9


def _exposed(sizes: pd.DataFrame, grades: pd.Series, leaf, grade, whole) -> list[str]:
    """Every shown group of 1–4; every shown total whose group minus its shown parts is 1–4; a side shown without
    the other; "any flag" and a flag shown at the same place differing by 1–4 students."""
    found = []
    grade_sizes = sizes.groupby(grades).sum()
    for flag in special_groups.FLAGS:
        for side in (flag, f"{flag}_others"):
            covered = 0.0
            for level, members in sizes.groupby(grades):
                parts = float(members[side][~leaf[flag][members.index]].sum())
                total = float(grade_sizes.loc[level, side])
                if not grade[flag][level]:
                    covered += total
                    if 0 < total < MIN or 0 < total - parts < MIN:
                        found.append(f"grade {level} {side}: {total} shown, {total - parts} hidden inside")
                else:
                    covered += parts
            for cid in sizes.index:
                if not leaf[flag][cid] and 0 < sizes.loc[cid, side] < MIN:
                    found.append(f"class {cid} {side}: {sizes.loc[cid, side]}")
            view = float(sizes[side].sum())
            if not whole[flag] and (0 < view < MIN or 0 < view - covered < MIN):
                found.append(f"view {side}: {view} shown, {view - covered} hidden inside")
        if flag == "any":
            continue
        for cid in sizes.index:
            if not leaf[flag][cid] and not leaf["any"][cid] and 0 < sizes.loc[cid, "any"] - sizes.loc[cid, flag] < MIN:
                found.append(f"class {cid}: any − {flag} shown")
        for level in grade_sizes.index:
            diff = grade_sizes.loc[level, "any"] - grade_sizes.loc[level, flag]
            if not grade[flag][level] and not grade["any"][level] and 0 < diff < MIN:
                found.append(f"grade {level}: any − {flag} shown")
    return found


def test_no_total_minus_its_shown_classes_gives_a_small_group_away(school) -> None:
    period = term_period(school.term1, TODAY)
    rows = special_groups.student_rows(school.session, period, ClassFilter(school.school.id))
    ids = sorted(school.classes[name].id for name in CLASSES)
    sizes = special_groups._sizes(rows, ids)
    grades = pd.Series([1, 1, 2, 2], index=sizes.index)
    assert _exposed(sizes, grades, *special_groups.hide_groups(sizes, grades)) == []


def test_the_rule_on_many_random_schools() -> None:
    """The generic check on 40 random schools (1–4 grades of 1–5 classes, 0–12 students a flag)."""
    rng = random.Random(20)
    for _ in range(40):
        rows = []
        for level in range(1, rng.randint(1, 4) + 1):
            for _ in range(rng.randint(1, 5)):
                flags = [rng.randint(0, 12), rng.randint(0, 6), rng.randint(0, 4)]
                both = min(flags[0], flags[2], rng.randint(0, 2))  # some children carry two flags
                any_flag = sum(flags) - both
                students = any_flag + rng.choice([0, 2, 4, 6, 15, 30])
                rows.append((level, any_flag, *flags, students))
        frame = pd.DataFrame(rows, columns=["grade", "any", "left_behind", "single_parent", "hardship", "n"])
        sizes = frame[["any", "left_behind", "single_parent", "hardship"]].astype(float)
        for flag in special_groups.FLAGS:
            sizes[f"{flag}_others"] = frame["n"] - frame[flag]
        grades = frame["grade"]
        leaf, grade, whole = special_groups.hide_groups(sizes, grades)
        assert _exposed(sizes, grades, leaf, grade, whole) == [], frame.to_string()


# --- the named list and who sees it ------------------------------------------------------------------------


def test_the_named_list_is_for_flags_and_names_and_every_opening_is_audited(school) -> None:
    period = term_period(school.term1, TODAY)
    view = ClassFilter(school.school.id)
    principal = school.user("principal")
    listed = flagged.open_not_reached(school.session, principal, period, view, today=date(2025, 10, 20))
    assert len(listed) == 22 - 7
    assert set(listed.loc[listed["student_name"] == "二(1)班S6", "flags"]) == {"单亲家庭"}
    assert "二(2)班L0" not in set(listed["student_name"])
    logged = school.session.scalars(select(AuditLog).where(AuditLog.action == "view")).all()
    assert [entry.detail for entry in logged] == ["本学期尚未联系的关爱学生（2025-2026学年第一学期，15 人）"]

    head = school.user("head_teacher", "二(2)班班主任")
    seen = flagged.flag_view(school.session, head, period, view, today=date(2025, 10, 20))
    assert seen == ClassFilter(school.school.id, None, (school.classes["二(2)班"].id,))
    mine = flagged.open_not_reached(school.session, head, period, view, today=date(2025, 10, 20))
    assert set(mine["student_name"]) == {"二(2)班L4", "二(2)班L5"}

    teacher = school.user("teacher", "数学老师", teaches="二(2)班")  # names of the class, not its flags
    assert flagged.flag_view(school.session, teacher, period, view, today=date(2025, 10, 20)) is None
    for role in ("meeting", "district"):
        assert flagged.flag_view(school.session, school.user(role), period, view, today=TODAY) is None
    school.session.commit()  # the refusal is logged in its own transaction, by the account
    with pytest.raises(WriteRefused):
        flagged.open_not_reached(school.session, teacher, period, view, today=date(2025, 10, 20))


def test_the_meeting_screen_group_messages_and_the_district_never_read_flags() -> None:
    """What the meeting role, 消息提醒 and 全区 draw from: no flag column, no special-groups module."""
    root = Path(__file__).resolve().parents[2]
    sources = [*root.glob("hxgy/meeting/*.py"), *root.glob("hxgy/notify/*.py"), root / "hxgy/todo.py"]
    sources += [
        root / p for p in ("hxgy/ui/slides.py", "pages/meeting.py", "pages/district.py", "hxgy/metrics/stats.py")
    ]
    sources += [*root.glob("hxgy/queries/district*.py")]
    words = (
        "left_behind",
        "single_parent",
        "hardship",
        "special_groups",
        "privacy.flagged",
        "留守",
        "单亲",
        "困难",
        "关爱",
    )
    found = [(path.name, w) for path in sources for w in words if w in path.read_text(encoding="utf-8")]
    assert len(sources) > 10 and found == []
