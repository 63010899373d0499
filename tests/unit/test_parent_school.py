"""家长学校 per family, computed by hand on a tiny school.

测试小学, 2025-2026学年第一学期 = 2025-09-01 … 2026-01-20; 第二学期 from 2026-02-24.
一(1)班: A (guardians A妈妈 and A爸爸), B, C, Dd (D's younger sibling: same family as D);
一(2)班: D, E (E has no family on record).

Activities (who came):
  s1 家长学校, school-wide, 2025-09-20: A妈妈, A爸爸, D妈妈
  s2 家长学校, 一(1)班 only, 2026-01-20 (the term's last day): A妈妈, B妈妈
  s3 家长会 (not guidance), school-wide, 2025-10-01: C妈妈
  s4 家长学校, school-wide, 2026-02-24 (the second term's first day): C妈妈
  s5 家长学校, school-wide, 2025-10-10, deleted: C妈妈

By hand, first term:
  sessions held: s1 s2 = 2 (one offered to 一(2): s1)
  families: A 2 (two guardians at s1 count once), B 1, C 0 (家长会 and the deleted and next term's sessions do not
  count), D 1 (in both classes)
  school: 4 families, 3 reached, 5 guardian attendances (A妈妈 ×2, A爸爸, D妈妈, B妈妈), 户均 (2+1+0+1)/4 = 1.0
  一(1): 4 families, 3 attended → 0.75;  一(2): 1 family (D; E has none), 1 attended → 1.0
  一(2) alone: 1 session (s1), 1 family, reached 1, 1 attendance, 户均 1.0
Second term: 1 session (s4); C 1, every other family 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy.orm import Session

from hxgy.metrics import parent_school
from hxgy.metrics.roster import ClassFilter
from hxgy.models import ActivityAttendance, Guardian
from hxgy.terms import term_period
from tests.builders import TinySchool, tiny_school


@pytest.fixture
def school(engine) -> Iterator[TinySchool]:
    session = Session(engine, expire_on_commit=False)
    s = tiny_school(session)
    s.add_class(1, 1)
    s.add_class(1, 2)
    for name in ("A", "B", "C"):
        s.add_student(name, "一(1)班")
    s.add_student("D", "一(2)班")
    s.add_student("Dd", "一(1)班").family_id = s.students["D"].family_id
    s.add_student("E", "一(2)班").family_id = None
    father = Guardian(school_id=s.school.id, family_id=s.students["A"].family_id, name="A爸爸", relation="父亲")
    session.add(father)
    session.flush()

    def came(activity_id: int, *guardians: Guardian) -> None:
        for guardian in guardians:
            session.add(ActivityAttendance(school_id=s.school.id, activity_id=activity_id, guardian_id=guardian.id))

    g = s.guardians
    s1 = s.activity("家长学校一", date(2025, 9, 20), "parent_school", "school", {})
    s2 = s.activity("家长学校二", date(2026, 1, 20), "parent_school", "class", {"一(1)班": None})
    s3 = s.activity("家长会", date(2025, 10, 1), "parent_meeting", "school", {})
    s4 = s.activity("家长学校三", date(2026, 2, 24), "parent_school", "school", {})
    s5 = s.activity("家长学校（删）", date(2025, 10, 10), "parent_school", "school", {}, deleted=True)
    came(s1.id, g["A"], father, g["D"])
    came(s2.id, g["A"], g["B"])
    came(s3.id, g["C"])
    came(s4.id, g["C"])
    came(s5.id, g["C"])
    session.commit()
    yield s
    session.close()


def _families(s: TinySchool, period, classes: ClassFilter) -> dict[tuple[str, str], tuple[int, int]]:
    frame = parent_school.family_attendance(s.session, period, classes)
    names = {v.id: k for k, v in s.students.items()}
    class_names = {v.id: k for k, v in s.classes.items()}
    return {
        (class_names[row.class_id], names[row.student_id]): (row.sessions, row.offered) for row in frame.itertuples()
    }


def test_family_attendance_per_student(school: TinySchool) -> None:
    period = term_period(school.term1)
    got = _families(school, period, ClassFilter(school.school.id))
    assert got == {
        ("一(1)班", "A"): (2, 2),
        ("一(1)班", "B"): (1, 2),
        ("一(1)班", "C"): (0, 2),
        ("一(1)班", "Dd"): (1, 2),
        ("一(2)班", "D"): (1, 1),
        ("一(2)班", "E"): (0, 1),
    }
    frame = parent_school.family_attendance(school.session, period, ClassFilter(school.school.id))
    no_family = frame[frame["student_id"] == school.students["E"].id]
    assert no_family["family_id"].tolist() == [None]
    assert parent_school.guidance_sessions(school.session, period, school.school.id) == 2


def test_summary_counts_a_family_once(school: TinySchool) -> None:
    period = term_period(school.term1)
    whole = parent_school.summary(school.session, period, ClassFilter(school.school.id))
    assert whole == parent_school.ParentSchoolSummary(
        sessions=2, families=4, families_reached=3, attendances=5, mean_per_family=1.0
    )
    assert whole.sentence() == "家长学校 2 场，覆盖 3 户家庭，户均参加 1.0 场"
    two = ClassFilter(school.school.id, class_ids=(school.classes["一(2)班"].id,))
    assert parent_school.summary(school.session, period, two) == parent_school.ParentSchoolSummary(
        sessions=1, families=1, families_reached=1, attendances=1, mean_per_family=1.0
    )


def test_class_attendance_rate(school: TinySchool) -> None:
    frame = parent_school.class_attendance(school.session, term_period(school.term1), ClassFilter(school.school.id))
    by_class = frame.set_index("class_id")
    one, two = (by_class.loc[school.classes[n].id] for n in ("一(1)班", "一(2)班"))
    assert (one["families"], one["families_attended"], one["rate"]) == (4, 3, pytest.approx(0.75))
    assert (two["families"], two["families_attended"], two["rate"]) == (1, 1, pytest.approx(1.0))


def test_period_boundary(school: TinySchool) -> None:
    period = term_period(school.term2, date(2026, 3, 1))
    assert parent_school.guidance_sessions(school.session, period, school.school.id) == 1
    got = _families(school, period, ClassFilter(school.school.id))
    assert got[("一(1)班", "C")] == (1, 1)
    assert got[("一(1)班", "A")] == (0, 1)
    whole = parent_school.summary(school.session, period, ClassFilter(school.school.id))
    assert (whole.sessions, whole.families_reached, whole.attendances) == (1, 1, 1)


def test_no_family_no_session(engine) -> None:
    session = Session(engine)
    s = tiny_school(session)
    s.add_class(1, 1)
    period = term_period(s.term1)
    assert parent_school.summary(session, period, ClassFilter(s.school.id)).mean_per_family is None
    assert parent_school.class_attendance(session, period, ClassFilter(s.school.id)).empty
    session.close()


def test_the_named_family_list_counts_the_term_and_the_year(school: TinySchool) -> None:
    from hxgy.queries.attendance import family_list

    period = term_period(school.term2, date(2026, 3, 1))
    only_one = frozenset({school.classes["一(1)班"].id})
    listing = family_list(school.session, period, ClassFilter(school.school.id), only_one)
    assert set(listing["班级"]) == {"一(1)班"}  # the other class's names are left out
    rows = listing.set_index("学生")[["家长", "参加场次", "本学年参加场次"]].to_dict("index")
    assert rows["A"] == {"家长": "A妈妈、A爸爸", "参加场次": 0, "本学年参加场次": 2}
    assert rows["C"] == {"家长": "C妈妈", "参加场次": 1, "本学年参加场次": 1}
    # against the default 工作要求 (each family at least 1 session a term)
    assert listing.set_index("学生")["达到工作要求"].to_dict() == {"A": "否", "B": "否", "C": "是", "Dd": "否"}
