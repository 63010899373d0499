"""Who a family's request is about: finding a student, whether and when they left, and their guardians."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hxgy.metrics.roster import enrolment_last_day
from hxgy.models import Enrolment, Guardian, SchoolClass, SchoolYear, Student

ERASED_STUDENT = "已删除学生#{id}"
ERASED_GUARDIAN = "已删除监护人#{id}"


@dataclass(frozen=True)
class StudentStatus:
    """A student of a school as a family's request needs them: who, which class last, and whether they left."""

    id: int
    name: str
    student_no: str
    last_class: str  # the class of the latest enrolment ("" when never enrolled)
    last_day: date | None  # the last day of the latest enrolment (None when never enrolled)
    active: bool
    erased_at: datetime | None

    def has_left(self, today: date) -> bool:
        """Left the school: marked as no longer a student (离校, 毕业) and no enrolment reaching today."""
        return not self.active and (self.last_day is None or self.last_day < today)

    def state(self, today: date) -> str:
        """在读, 已离校 (with the day) or 已删除, in Chinese."""
        if self.erased_at is not None:
            return "个人信息已删除"
        if not self.active:  # left, also on the leaving day itself (erasable from the next day)
            return f"已离校（{self.last_day:%Y-%m-%d}）" if self.last_day else "已离校"
        if self.last_day is not None and self.last_day < today:  # e.g. a graduate 升年级 has not marked
            return f"在班至 {self.last_day:%Y-%m-%d}，未登记离校"
        return "在读"

    def label(self, today: date) -> str:
        """How a picker shows the student: 张三（学号 2020101，六(1)班，已离校（2026-08-31））."""
        where = f"，{self.last_class}" if self.last_class else ""
        return f"{self.name}（学号 {self.student_no}{where}，{self.state(today)}）"


def _last_enrolments(session: Session, student_ids: list[int]) -> dict[int, tuple[str, date]]:
    """Each student's latest enrolment: (class name, last day)."""
    if not student_ids:
        return {}
    rows = session.execute(
        select(Enrolment.student_id, SchoolClass.name, enrolment_last_day().label("last_day"))
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(SchoolYear, SchoolYear.id == SchoolClass.school_year_id)
        .where(Enrolment.student_id.in_(student_ids))
        .order_by(Enrolment.student_id, enrolment_last_day(), Enrolment.start_date)
    ).all()
    latest: dict[int, tuple[str, date]] = {}
    for student_id, class_name, last_day in rows:  # ordered by last day: the last one wins
        latest[student_id] = (class_name, last_day)
    return latest


def statuses(session: Session, students: list[Student]) -> list[StudentStatus]:
    """The status of each student, in the order given."""
    latest = _last_enrolments(session, [s.id for s in students])
    out = []
    for s in students:
        class_name, last_day = latest.get(s.id, ("", None))
        out.append(StudentStatus(s.id, s.name, s.student_no, class_name, last_day, s.active, s.erased_at))
    return out


def student_status(session: Session, school_id: int, student_id: int) -> StudentStatus | None:
    """One student of the school, or None when the id is not a student of that school."""
    student = session.get(Student, student_id)
    if student is None or student.school_id != school_id:
        return None
    return statuses(session, [student])[0]


def find_students(session: Session, school_id: int, text: str, *, limit: int = 30) -> list[StudentStatus]:
    """Students of the school whose name or 学号 contains ``text`` (current and former), by 学号."""
    needle = text.strip()
    if not needle:
        return []
    students = session.scalars(
        select(Student)
        .where(Student.school_id == school_id)
        .where(
            or_(Student.name.contains(needle, autoescape=True), Student.student_no.contains(needle, autoescape=True))
        )
        .order_by(Student.student_no)
        .limit(limit)
    ).all()
    return statuses(session, list(students))


def guardians_of(session: Session, student: Student) -> list[Guardian]:
    """The guardians of the student's family, primary first."""
    if student.family_id is None:
        return []
    return list(
        session.scalars(
            select(Guardian)
            .where(Guardian.family_id == student.family_id)
            .order_by(Guardian.is_primary.desc(), Guardian.id)
        )
    )


def siblings_kept(session: Session, student: Student) -> int:
    """How many other students of the family are not erased (their guardians are theirs too, so stay)."""
    if student.family_id is None:
        return 0
    return int(
        session.scalar(
            select(func.count())
            .select_from(Student)
            .where(Student.family_id == student.family_id, Student.id != student.id, Student.erased_at.is_(None))
        )
        or 0
    )
