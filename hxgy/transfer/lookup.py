"""The school's names and numbers → ids, read once per file so a 100,000-row import asks the database a few times."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.entry.contacts import class_wide_channels
from hxgy.models import (
    Category,
    Enrolment,
    Guardian,
    MoralDimension,
    MoralRater,
    Partner,
    SchoolClass,
    SchoolYear,
    Staff,
    Student,
    Term,
)
from hxgy.rights import Action
from hxgy.terms import DEFAULT_HOLIDAY_POLICY, holiday_policy
from hxgy.transfer.values import CellError, clean_text


@dataclass
class Year:
    id: int
    start_year: int
    name: str
    start: date
    end: date


@dataclass
class TermInfo:
    id: int
    school_year_id: int
    term_no: int
    name: str
    start: date
    end: date


@dataclass
class StudentInfo:
    id: int
    name: str
    family_id: int | None
    # (class id, first day, last day) of each enrolment
    enrolments: list[tuple[int, date, date]] = field(default_factory=list)
    no: str = ""  # the 学号 as stored


@functools.lru_cache(maxsize=65_536)  # called for every name of every row; the same names come again and again
def key_text(value: str) -> str:
    """How names are compared: no spaces, half-width, case-insensitive."""
    return "".join(clean_text(value).split()).lower()  # str.split() splits on what \\s matches


@dataclass
class Lookup:
    """Everything of one school an import needs to turn names into ids."""

    school_id: int
    today: date
    years: list[Year]
    terms: list[TermInfo]
    classes: dict[tuple[int, int, int], int]  # (school year id, grade, class no) -> class id
    class_names: dict[int, str]
    class_year: dict[int, int]  # class id -> school year id
    students: dict[str, StudentInfo]  # 学号 -> student
    guardians: dict[tuple[int, str], int]  # (family id, name key) -> guardian id
    staff: dict[str, int]  # 工号 -> staff id
    categories: dict[str, dict[str, int]]  # kind -> name key -> id (active only)
    category_names: dict[str, list[str]]
    partners: dict[str, int]
    dimensions: dict[str, int]
    dimension_names: list[str]
    raters: dict[str, int]
    rater_names: list[str]
    own_classes: frozenset[int] | None  # None: every class
    class_wide_channels: dict[int, str] = field(default_factory=dict)  # channels a row without 学号 may use
    _by_digits: dict[str, list[str]] | None = None  # 学号 without leading zeros -> 学号 keys (built when needed)
    _by_name: dict[int, dict[str, list[StudentInfo]]] | None = None  # class id -> name key -> students
    holiday_policy: str = DEFAULT_HOLIDAY_POLICY  # which term a holiday-dated row counts for (terms.record_window)
    _terms_by_day: dict[date, TermInfo] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(
        cls, session: Session, user: CurrentUser, today: date, action: Action = Action.IMPORT_COMMUNICATIONS
    ) -> Lookup:
        """Read the school of ``user``; ``own_classes`` are the classes ``action`` reaches (hxgy.rights: every class,
        or a head teacher's). Imports and exports pass their kind's action; the default is a records import's."""
        school_id = user.school_id
        assert school_id is not None
        years = [
            Year(y.id, y.start_year, y.name, y.start_date, y.end_date)
            for y in session.scalars(select(SchoolYear).where(SchoolYear.school_id == school_id))
        ]
        year_end = {y.id: y.end for y in years}
        terms = [
            TermInfo(t.id, t.school_year_id, t.term_no, t.name, t.start_date, t.end_date)
            for t in session.scalars(select(Term).where(Term.school_id == school_id).order_by(Term.start_date))
        ]
        classes, class_names, class_year = {}, {}, {}
        for c in session.execute(
            select(
                SchoolClass.id,
                SchoolClass.school_year_id,
                SchoolClass.grade_level,
                SchoolClass.class_no,
                SchoolClass.name,
            ).where(SchoolClass.school_id == school_id)
        ):
            classes[(c.school_year_id, c.grade_level, c.class_no)] = c.id
            class_names[c.id] = c.name
            class_year[c.id] = c.school_year_id
        students: dict[str, StudentInfo] = {}
        by_id: dict[int, StudentInfo] = {}
        for s in session.execute(
            select(Student.id, Student.student_no, Student.name, Student.family_id).where(
                Student.school_id == school_id
            )
        ):
            info = StudentInfo(s.id, s.name, s.family_id, no=s.student_no)
            students[key_text(s.student_no)] = info
            by_id[s.id] = info
        for e in session.execute(
            select(Enrolment.student_id, Enrolment.class_id, Enrolment.start_date, Enrolment.end_date)
            .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
            .where(SchoolClass.school_id == school_id)
        ):
            if e.student_id in by_id:
                last = e.end_date or year_end.get(class_year.get(e.class_id, -1), date.max)
                by_id[e.student_id].enrolments.append((e.class_id, e.start_date, last))
        guardians = {
            (g.family_id, key_text(g.name)): g.id
            for g in session.execute(
                select(Guardian.id, Guardian.family_id, Guardian.name).where(Guardian.school_id == school_id)
            )
        }
        staff = {
            key_text(s.staff_no): s.id
            for s in session.execute(select(Staff.id, Staff.staff_no).where(Staff.school_id == school_id))
        }
        categories: dict[str, dict[str, int]] = {}
        category_names: dict[str, list[str]] = {}
        for cat in session.execute(
            select(Category.id, Category.kind, Category.name)
            .where(Category.school_id == school_id, Category.active.is_(True))
            .order_by(Category.sort_order, Category.id)
        ):
            categories.setdefault(cat.kind, {})[key_text(cat.name)] = cat.id
            category_names.setdefault(cat.kind, []).append(cat.name)
        partners = {
            key_text(p.name): p.id
            for p in session.execute(select(Partner.id, Partner.name).where(Partner.school_id == school_id))
        }
        dims = session.execute(
            select(MoralDimension.id, MoralDimension.name)
            .where(MoralDimension.school_id == school_id, MoralDimension.active.is_(True))
            .order_by(MoralDimension.sort_order, MoralDimension.id)
        ).all()
        raters = session.execute(
            select(MoralRater.id, MoralRater.name)
            .where(MoralRater.school_id == school_id, MoralRater.active.is_(True))
            .order_by(MoralRater.sort_order, MoralRater.id)
        ).all()
        own = rights.class_scope(session, user, action, on_day=today)
        return cls(
            school_id=school_id,
            today=today,
            years=years,
            terms=terms,
            holiday_policy=holiday_policy(session, school_id),
            classes=classes,
            class_names=class_names,
            class_year=class_year,
            students=students,
            guardians=guardians,
            staff=staff,
            categories=categories,
            category_names=category_names,
            partners=partners,
            dimensions={key_text(d.name): d.id for d in dims},
            dimension_names=[d.name for d in dims],
            raters={key_text(r.name): r.id for r in raters},
            rater_names=[r.name for r in raters],
            own_classes=own,
            class_wide_channels=class_wide_channels(session, school_id),
        )

    # ---- finding things; each raises CellError with the reason ----

    def year_for_day(self, day: date) -> Year:
        """The school year containing ``day``."""
        for year in self.years:
            if year.start <= day <= year.end:
                return year
        raise CellError(f"{day:%Y-%m-%d} 不在本校任何学年内")

    def term_for_day(self, day: date) -> TermInfo:
        """The term a row dated ``day`` counts for; a holiday day counts by the school's policy, as in the forms.

        (terms.counting_term, on the terms read once for the whole file; each day's answer kept for the next row.)
        """
        known = self._terms_by_day.get(day)
        if known is not None:
            return known
        term = self._term_for_day(day)
        self._terms_by_day[day] = term
        return term

    def _term_for_day(self, day: date) -> TermInfo:
        if not self.terms:
            raise CellError("本校尚未设置学期（请先在“设置”中添加学年和学期）")
        if day < self.terms[0].start:
            raise CellError(f"{day:%Y-%m-%d} 早于本校第一个学期（{self.terms[0].start:%Y-%m-%d} 开学）")
        for at, term in enumerate(self.terms):
            first, last = term.start, term.end
            if self.holiday_policy == "next" and at > 0:
                first = self.terms[at - 1].end + timedelta(days=1)
            if self.holiday_policy == "previous" and at + 1 < len(self.terms):
                last = self.terms[at + 1].start - timedelta(days=1)
            if first <= day <= last:
                return term
        if day > self.terms[-1].end:
            raise CellError(f"{day:%Y-%m-%d} 晚于本校已设置的最后一个学期（请先在“设置”中添加新学年）")
        raise CellError(f"{day:%Y-%m-%d} 在假期中，本校设置为不登记假期的记录")

    def roll_day(self, day: date) -> date:
        """The day a row's student must be in its class: the day itself in a term, else the counting term's edge."""
        try:
            term = self.term_for_day(day)
        except CellError:
            return day
        return min(max(day, term.start), term.end)

    def year_named(self, text: str) -> Year:
        """A school year from 2025-2026学年, 2025-2026, 2025学年 or 2025; blank: today's."""
        if not text:
            return self.year_for_day(self.today)
        m = re.search(r"(\d{4})", text)
        if m:
            for year in self.years:
                if year.start_year == int(m[1]):
                    return year
        raise CellError(f"“{text}”不是本校已设置的学年（请先在“设置”中添加学年）")

    def term_named(self, text: str) -> TermInfo:
        """A term from its name, 2025-2026-1, 2025-2026学年第二学期, 2025秋季/2026春季."""
        key = key_text(text)
        for term in self.terms:
            if key_text(term.name) == key:
                return term
        m = re.search(r"(\d{4})", key)
        if m:
            first = int(m[1])
            term_no = None
            if re.search(r"(第一|第1|上)学期|-1$|秋", key):
                term_no = 1
            elif re.search(r"(第二|第2|下)学期|-2$|春", key):
                term_no = 2
            if "春" in key and not re.search(r"\d{4}\D+\d{4}", key):
                first -= 1  # 2026春季学期 is the second term of 2025-2026
            for term in self.terms:
                year = next(y for y in self.years if y.id == term.school_year_id)
                if year.start_year == first and term.term_no == term_no:
                    return term
        raise CellError(
            f"“{text}”不是本校已设置的学期，例如应写 {self.terms[0].name if self.terms else '2025-2026学年第一学期'}"
        )

    def class_in_year(self, grade_class: tuple[int, int], year: Year) -> int:
        """The class id of 三(2)班 in a school year."""
        found = self.classes.get((year.id, *grade_class))
        if found is None:
            from hxgy.transfer.values import class_label

            raise CellError(f"{year.name}没有{class_label(*grade_class)}")
        return found

    def student(self, student_no: str) -> StudentInfo:
        """A student by 学号."""
        found = self.students.get(key_text(student_no))
        if found is None:
            raise CellError(f"学号 {student_no} 不在学生名册中")
        return found

    def student_without_zeros(self, student_no: str) -> tuple[StudentInfo | None, list[str]]:
        """A 学号 that Excel made a number and so lost its leading zeros (0026001 → 26001): the stored students
        whose 学号 is it with zeros in front. (student, []) when exactly one; (None, their 学号) otherwise."""
        text = key_text(student_no)
        if not text.isdigit():
            return None, []
        if self._by_digits is None:
            self._by_digits = {}
            for key in self.students:
                if key.isdigit() and key.startswith("0"):
                    self._by_digits.setdefault(key.lstrip("0"), []).append(key)
        keys = self._by_digits.get(text.lstrip("0"), [])
        if len(keys) == 1:
            return self.students[keys[0]], []
        return None, [self.students[k].no for k in keys]

    def students_named(self, class_id: int, day: date, name: str) -> list[StudentInfo]:
        """The students of a class on a day with this name (spaces and invisible characters ignored)."""
        if self._by_name is None:
            self._by_name = {}
            for info in self.students.values():
                for enrolled_in, _first, _last in info.enrolments:
                    self._by_name.setdefault(enrolled_in, {}).setdefault(key_text(info.name), []).append(info)
        named = self._by_name.get(class_id, {}).get(key_text(name), [])
        unique = {s.id: s for s in named}
        return [s for s in unique.values() if self.class_of(s, day) == class_id]

    def class_of(self, student: StudentInfo, day: date) -> int | None:
        """The class the student was in on ``day``."""
        for class_id, first, last in student.enrolments:
            if first <= day <= last:
                return class_id
        return None

    def class_in_term(self, student: StudentInfo, term: TermInfo) -> int | None:
        """The student's class in a term: the one they were in last."""
        best: tuple[date, int] | None = None
        for class_id, first, last in student.enrolments:
            if first <= term.end and last >= term.start and (best is None or first > best[0]):
                best = (first, class_id)
        return best[1] if best else None

    def category(self, kind: str, name: str, label: str) -> int:
        """A category of the school by its name."""
        found = self.categories.get(kind, {}).get(key_text(name))
        if found is None:
            options = "、".join(self.category_names.get(kind, [])[:12])
            raise CellError(f"“{name}”不是本校的{label}；可选：{options}")
        return found

    def may_write(self, class_id: int | None) -> bool:
        """Whether the importing user may write for the class (None: a school-wide row)."""
        if self.own_classes is None:
            return True
        return class_id is not None and class_id in self.own_classes
