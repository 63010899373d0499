"""Children, families, guardians and class rosters for one demo school, in memory.

Nothing here touches the database: the loader inserts what this builds. Every
choice comes from the ``rng`` passed in, so the same seed builds the same school.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from db.demo import names

GRADES = range(1, 7)


@dataclass
class FamilyRow:
    """A household and its guardians (relation, name, phone, primary?)."""

    code: str
    surname: str
    address: str
    guardians: list[tuple[str, str, str, bool]] = field(default_factory=list)
    never_volunteers: bool = False
    volunteer_propensity: float = 0.5


@dataclass
class StudentRow:
    """A child; ``family`` indexes People.families."""

    student_no: str
    name: str
    gender: str
    birth_date: date
    entry_year: int
    family: int
    left_behind: bool
    single_parent: bool
    hardship: bool
    active: bool = True


@dataclass
class EnrolmentRow:
    """A student (index) in a class (year, grade, class_no) between two days."""

    student: int
    class_key: tuple[int, int, int]
    start: date
    end: date | None


@dataclass
class People:
    """Everyone the demo school knows, and who was in which class when."""

    families: list[FamilyRow] = field(default_factory=list)
    students: list[StudentRow] = field(default_factory=list)
    enrolments: list[EnrolmentRow] = field(default_factory=list)


def classes_in_cohort(cohort: int, current_year: int, per_grade: tuple[int, ...]) -> int:
    """How many parallel classes a cohort has (taken from its grade this year)."""
    grade_now = current_year - cohort + 1
    return per_grade[min(max(grade_now, 1), 6) - 1]


class PeopleBuilder:
    """Builds People for the school years ``first_year`` … ``current_year``."""

    def __init__(self, rng: random.Random, per_grade: tuple[int, ...], size: tuple[int, int]) -> None:
        self.rng = rng
        self.per_grade = per_grade
        self.size = size
        self.people = People()
        self._seq: dict[tuple[int, int], int] = {}

    def build(self, first_year: int, current_year: int, anchor: date) -> People:
        """Rosters for every class of every school year, with churn and a mid-year move."""
        rosters: dict[tuple[int, int], list[int]] = {}
        for cohort in range(first_year - 5, current_year + 1):
            for class_no in range(1, classes_in_cohort(cohort, current_year, self.per_grade) + 1):
                count = self.rng.randint(*self.size)
                rosters[(cohort, class_no)] = [self._new_student(cohort, class_no, cohort) for _ in range(count)]
        for year in range(first_year, current_year + 1):
            year_start = date(year, 9, 1)
            for (cohort, class_no), roster in rosters.items():
                grade = year - cohort + 1
                if grade not in GRADES:
                    continue
                if year > max(first_year, cohort):
                    self._churn(roster, cohort, class_no, year)
                for student in roster:
                    self.people.enrolments.append(EnrolmentRow(student, (year, grade, class_no), year_start, None))
            self._move_one_student(rosters, year, anchor)
        # children with no class this school year finished 六年级 in an earlier one: no longer students, as 升年级
        # marks a graduate (hxgy.entry.promotion), so they read 已离校 and the retention counts from their last day
        in_class = {row.student for row in self.people.enrolments if row.class_key[0] == current_year}
        for index, child in enumerate(self.people.students):
            if index not in in_class:
                child.active = False
        return self.people

    def _churn(self, roster: list[int], cohort: int, class_no: int, year: int) -> None:
        if self.rng.random() < 0.5 and len(roster) > self.size[0]:
            leaver = roster.pop(self.rng.randrange(len(roster)))
            self.people.students[leaver].active = False
        if self.rng.random() < 0.5 and len(roster) < self.size[1]:
            roster.append(self._new_student(cohort, class_no, year))

    def _move_one_student(self, rosters: dict[tuple[int, int], list[int]], year: int, anchor: date) -> None:
        """One child changes class in mid-November, so history has a real class change."""
        move_day = date(year, 11, 15)
        if move_day > anchor:
            return
        grade = self.rng.choice([g for g in GRADES if (year - g + 1, 2) in rosters])
        cohort = year - grade + 1
        source, target = rosters[(cohort, 1)], rosters[(cohort, 2)]
        student = source.pop(self.rng.randrange(len(source)))
        target.append(student)
        for row in self.people.enrolments:
            if row.student == student and row.class_key == (year, grade, 1):
                row.end = move_day - timedelta(days=1)
        self.people.enrolments.append(EnrolmentRow(student, (year, grade, 2), move_day, None))

    def _new_student(self, cohort: int, class_no: int, entry_year: int) -> int:
        rng = self.rng
        seq = self._seq.get((cohort, class_no), 0) + 1
        self._seq[(cohort, class_no)] = seq
        family = self._family_for_new_child()
        male = rng.random() < 0.52
        student = StudentRow(
            student_no=f"{cohort}{class_no:02d}{seq:03d}",
            name=names.person_name(rng, self.people.families[family].surname, child=True, male=male),
            gender="男" if male else "女",
            birth_date=date(cohort - 6, 9, 1) + timedelta(days=rng.randrange(365)),
            entry_year=entry_year,
            family=family,
            left_behind=rng.random() < 0.08,
            single_parent=rng.random() < 0.06,
            hardship=rng.random() < 0.04,
        )
        self.people.students.append(student)
        if student.left_behind or student.single_parent:
            self._fit_guardians(self.people.families[family], student)
        return len(self.people.students) - 1

    def _family_for_new_child(self) -> int:
        families = self.people.families
        if families and self.rng.random() < 0.06:
            return self.rng.randrange(len(families))  # a younger sibling
        rng = self.rng
        surname = rng.choice(names.SURNAMES)
        family = FamilyRow(
            code=f"F{len(families) + 1:05d}",
            surname=surname,
            address=f"{rng.choice(names.STREETS)}{rng.randint(1, 300)}号",
            never_volunteers=rng.random() < 0.12,
            volunteer_propensity=rng.uniform(0.2, 1.0),
        )
        family.guardians = [
            ("母亲", names.person_name(rng, None, child=False, male=False), names.phone_number(rng), True),
            ("父亲", names.person_name(rng, surname, child=False, male=True), names.phone_number(rng), False),
        ]
        families.append(family)
        return len(families) - 1

    def _fit_guardians(self, family: FamilyRow, student: StudentRow) -> None:
        """A left-behind child lives with grandparents; a single parent is one guardian."""
        rng = self.rng
        if student.left_behind:
            family.guardians = [
                ("祖母", names.person_name(rng, None, child=False, male=False), names.phone_number(rng), True),
                (
                    "祖父",
                    names.person_name(rng, family.surname, child=False, male=True),
                    names.phone_number(rng),
                    False,
                ),
            ]
        elif student.single_parent and len(family.guardians) > 1:
            family.guardians = family.guardians[:1]
