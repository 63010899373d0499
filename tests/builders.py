"""Tiny hand-made schools, small enough to compute every figure on paper."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.seed import add_school_defaults
from hxgy import glossary
from hxgy.auth import CurrentUser
from hxgy.models import (
    Activity,
    ActivityClass,
    Category,
    ClassAssignment,
    Communication,
    Enrolment,
    Family,
    Guardian,
    MoralDimension,
    MoralRater,
    MoralScore,
    ParentRequest,
    Partner,
    SatisfactionResult,
    School,
    SchoolClass,
    SchoolYear,
    Staff,
    Student,
    Term,
    UserAccount,
    VolunteerRecord,
)


@dataclass
class TinySchool:
    """Handles to the rows of a tiny school, for tests to add records to."""

    session: Session
    school: School
    year: SchoolYear
    term1: Term
    term2: Term
    classes: dict[str, SchoolClass] = field(default_factory=dict)
    students: dict[str, Student] = field(default_factory=dict)
    guardians: dict[str, Guardian] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)

    def category(self, kind: str, code: str) -> int:
        """The id of a default category of this school."""
        return self.session.scalar(
            select(Category.id).where(
                Category.school_id == self.school.id, Category.kind == kind, Category.code == code
            )
        )

    def add_class(
        self, grade: int, class_no: int, head: str | None = None, year: SchoolYear | None = None, key: str | None = None
    ) -> SchoolClass:
        """A class of the tiny school's year (or ``year``), with a head teacher if named.

        ``key`` names it in ``classes`` when another year already has a class of that name.
        """
        year = year or self.year
        cls = SchoolClass(
            school_id=self.school.id,
            school_year_id=year.id,
            grade_level=grade,
            class_no=class_no,
            cohort=year.start_year - grade + 1,
            name=glossary.class_name(grade, class_no),
        )
        self.session.add(cls)
        self.session.flush()
        self.classes[key or cls.name] = cls
        if head:
            staff = self.add_staff(head)
            self.session.add(ClassAssignment(class_id=cls.id, staff_id=staff.id, role="head_teacher", subject="语文"))
            self.session.flush()
        return cls

    def next_year(self) -> tuple[SchoolYear, Term, Term]:
        """The 2026-2027 school year and its two terms (autumn 2026-09-01 … 2027-01-20, spring 2027-02-23 …)."""
        year = SchoolYear(
            school_id=self.school.id,
            start_year=2026,
            name="2026-2027学年",
            start_date=date(2026, 9, 1),
            end_date=date(2027, 8, 31),
        )
        self.session.add(year)
        self.session.flush()
        autumn = Term(
            school_id=self.school.id,
            school_year_id=year.id,
            term_no=1,
            name="2026-2027学年第一学期",
            start_date=date(2026, 9, 1),
            end_date=date(2027, 1, 20),
        )
        spring = Term(
            school_id=self.school.id,
            school_year_id=year.id,
            term_no=2,
            name="2026-2027学年第二学期",
            start_date=date(2027, 2, 23),
            end_date=date(2027, 7, 4),
        )
        self.session.add_all([autumn, spring])
        self.session.flush()
        return year, autumn, spring

    def add_staff(self, name: str) -> Staff:
        """A member of staff."""
        if name not in self.staff:
            staff = Staff(school_id=self.school.id, staff_no=f"T{len(self.staff) + 1:03d}", name=name)
            self.session.add(staff)
            self.session.flush()
            self.staff[name] = staff
        return self.staff[name]

    def add_student(self, name: str, class_name: str, start: date | None = None, end: date | None = None) -> Student:
        """A student (with a family and one guardian) enrolled in a class."""
        family = Family(school_id=self.school.id, code=f"F-{name}")
        self.session.add(family)
        self.session.flush()
        student = Student(
            school_id=self.school.id,
            family_id=family.id,
            student_no=f"S{len(self.students) + 1:04d}",
            name=name,
            entry_year=self.year.start_year,
        )
        guardian = Guardian(
            school_id=self.school.id, family_id=family.id, name=f"{name}妈妈", relation="母亲", is_primary=True
        )
        self.session.add_all([student, guardian])
        self.session.flush()
        self.students[name] = student
        self.guardians[name] = guardian
        self.enrol(name, class_name, start or self.year.start_date, end)
        return student

    def enrol(self, student: str, class_name: str, start: date, end: date | None = None) -> None:
        """Put a student in a class from ``start`` to ``end`` (None: end of the year)."""
        self.session.add(
            Enrolment(
                student_id=self.students[student].id,
                class_id=self.classes[class_name].id,
                start_date=start,
                end_date=end,
            )
        )
        self.session.flush()

    def contact(
        self, class_name: str, day: date, student: str | None = None, channel: str = "phone", deleted: bool = False
    ) -> Communication:
        """A communication record; no student means class-wide."""
        record = Communication(
            school_id=self.school.id,
            class_id=self.classes[class_name].id,
            student_id=self.students[student].id if student else None,
            channel_id=self.category("channel", channel),
            direction="to_home",
            contact_date=day,
            deleted_at=datetime(2026, 1, 1) if deleted else None,
        )
        self.session.add(record)
        self.session.flush()
        return record

    def volunteer(
        self,
        class_name: str,
        student: str,
        day: date,
        hours: float,
        confirmed: bool = True,
        activity: str = "gate_duty",
    ) -> VolunteerRecord:
        """A volunteer record by the student's guardian."""
        record = VolunteerRecord(
            school_id=self.school.id,
            class_id=self.classes[class_name].id,
            guardian_id=self.guardians[student].id,
            activity_id=self.category("volunteer_activity", activity),
            service_date=day,
            hours=hours,
            confirmed_at=datetime.combine(day, datetime.min.time()) if confirmed else None,
        )
        self.session.add(record)
        self.session.flush()
        return record

    def request(self, class_name: str | None, received: datetime, replied: datetime | None = None) -> ParentRequest:
        """A home→school request, optionally answered."""
        record = ParentRequest(
            school_id=self.school.id,
            class_id=self.classes[class_name].id if class_name else None,
            channel_id=self.category("request_channel", "mailbox"),
            category_id=self.category("request_category", "safety"),
            received_at=received,
            replied_at=replied,
        )
        self.session.add(record)
        self.session.flush()
        return record

    def activity(
        self,
        title: str,
        day: date,
        type_code: str,
        scope: str,
        attendance: dict[str, int | None],
        partner: str | None = None,
        students: int = 0,
        deleted: bool = False,
    ) -> Activity:
        """An activity with per-class parent attendance ({class name: parents or None})."""
        partner_id = None
        if partner:
            found = self.session.scalar(
                select(Partner).where(Partner.school_id == self.school.id, Partner.name == partner)
            )
            if found is None:
                found = Partner(
                    school_id=self.school.id, name=partner, type_id=self.category("partner_type", "enterprise")
                )
                self.session.add(found)
                self.session.flush()
            partner_id = found.id
        parents = sum(p or 0 for p in attendance.values())
        activity = Activity(
            school_id=self.school.id,
            title=title,
            type_id=self.category("activity_type", type_code),
            activity_date=day,
            scope=scope,
            partner_id=partner_id,
            students_count=students,
            parents_count=parents,
            families_count=parents,
            deleted_at=datetime(2026, 1, 1) if deleted else None,
        )
        self.session.add(activity)
        self.session.flush()
        for class_name, came in attendance.items():
            self.session.add(
                ActivityClass(activity_id=activity.id, class_id=self.classes[class_name].id, parents_attended=came)
            )
        self.session.flush()
        return activity

    def scores(
        self, student: str, class_name: str, by_rater: dict[str, float | dict[str, float]], term: Term | None = None
    ) -> None:
        """德育 scores of one student: {rater code: score for every dimension, or {dimension code: score}}."""
        dims = dict(
            self.session.execute(
                select(MoralDimension.code, MoralDimension.id).where(MoralDimension.school_id == self.school.id)
            ).all()
        )
        raters = dict(
            self.session.execute(
                select(MoralRater.code, MoralRater.id).where(MoralRater.school_id == self.school.id)
            ).all()
        )
        for rater, given in by_rater.items():
            per_dim = given if isinstance(given, dict) else {code: given for code in dims}
            for code, score in per_dim.items():
                self.session.add(
                    MoralScore(
                        school_id=self.school.id,
                        student_id=self.students[student].id,
                        term_id=(term or self.term1).id,
                        class_id=self.classes[class_name].id,
                        dimension_id=dims[code],
                        rater_id=raters[rater],
                        score=score,
                    )
                )
        self.session.flush()

    def user(self, role: str, staff: str | None = None, teaches: str | None = None) -> CurrentUser:
        """An account of this school (the password is never used); ``teaches`` adds a subject-teacher class."""
        staff_row = self.add_staff(staff) if staff else None
        if staff_row is not None and teaches:
            self.session.add(
                ClassAssignment(
                    class_id=self.classes[teaches].id, staff_id=staff_row.id, role="subject_teacher", subject="数学"
                )
            )
        account = UserAccount(
            username=f"{role}-{staff or 'x'}-{len(self.staff)}".lower(),
            display_name=staff or role,
            password_hash="-",
            role=role,
            school_id=self.school.id,
            staff_id=staff_row.id if staff_row else None,
        )
        self.session.add(account)
        self.session.flush()
        return CurrentUser(
            id=account.id,
            username=account.username,
            display_name=account.display_name,
            role=role,
            school_id=self.school.id,
            district=self.school.district,
            staff_id=account.staff_id,
        )

    def survey(self, class_name: str | None, respondents: int, satisfied: int, term: Term | None = None) -> None:
        """A satisfaction survey result (no class: school-wide)."""
        self.session.add(
            SatisfactionResult(
                school_id=self.school.id,
                term_id=(term or self.term1).id,
                class_id=self.classes[class_name].id if class_name else None,
                respondents=respondents,
                satisfied=satisfied,
            )
        )
        self.session.flush()


def tiny_school(session: Session, *, code: str = "T1", name: str = "测试小学", district: str = "测试区") -> TinySchool:
    """A school with the 2025-2026 school year and its two terms, and no classes yet."""
    school = School(code=code, name=name, district=district)
    session.add(school)
    session.flush()
    add_school_defaults(session, school_id=school.id)
    year = SchoolYear(
        school_id=school.id,
        start_year=2025,
        name="2025-2026学年",
        start_date=date(2025, 9, 1),
        end_date=date(2026, 8, 31),
    )
    session.add(year)
    session.flush()
    term1 = Term(
        school_id=school.id,
        school_year_id=year.id,
        term_no=1,
        name="2025-2026学年第一学期",
        start_date=date(2025, 9, 1),
        end_date=date(2026, 1, 20),
    )
    term2 = Term(
        school_id=school.id,
        school_year_id=year.id,
        term_no=2,
        name="2025-2026学年第二学期",
        start_date=date(2026, 2, 24),
        end_date=date(2026, 7, 5),
    )
    session.add_all([term1, term2])
    session.flush()
    return TinySchool(session, school, year, term1, term2)
