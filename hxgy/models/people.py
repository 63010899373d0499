"""Children, their families and guardians, and the staff who teach them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hxgy.models.base import Base, CreatedAt, SchoolOwned, one_of

HEAD_TEACHER = "head_teacher"  # 班主任
SUBJECT_TEACHER = "subject_teacher"  # 任课教师
ASSIGNMENT_ROLES = (HEAD_TEACHER, SUBJECT_TEACHER)


class Family(SchoolOwned, CreatedAt, Base):
    """A household: siblings share one, and volunteering counts per family."""

    __tablename__ = "family"
    __table_args__ = (UniqueConstraint("school_id", "code"),)

    code: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(200), default="")

    students: Mapped[list[Student]] = relationship(back_populates="family")
    guardians: Mapped[list[Guardian]] = relationship(back_populates="family")


class Student(SchoolOwned, CreatedAt, Base):
    """A child, known to the school by 学号; classes come from enrolments."""

    __tablename__ = "student"
    __table_args__ = (UniqueConstraint("school_id", "student_no"),)

    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id", ondelete="SET NULL"), index=True)
    student_no: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(40))
    gender: Mapped[str] = mapped_column(String(2), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    entry_year: Mapped[int] = mapped_column()
    # sensitive flags: shown only to roles that need them
    left_behind: Mapped[bool] = mapped_column(Boolean, default=False)  # 留守儿童
    single_parent: Mapped[bool] = mapped_column(Boolean, default=False)  # 单亲
    hardship: Mapped[bool] = mapped_column(Boolean, default=False)  # 困难家庭
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # when the personal data of this student (who had left) was erased; the row stays so records keep counting
    erased_at: Mapped[datetime | None] = mapped_column(DateTime)

    family: Mapped[Family | None] = relationship(back_populates="students")
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="student")


class Enrolment(Base):
    """A student's membership of one class, from a first day to a last day (inclusive).

    A student who moves class mid-year has two enrolments; records made while
    the student was in a class count for that class.
    """

    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("student_id", "class_id"),
        CheckConstraint("end_date IS NULL OR start_date <= end_date", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)  # None: until the end of the school year

    student: Mapped[Student] = relationship(back_populates="enrolments")


class Guardian(SchoolOwned, CreatedAt, Base):
    """A parent or other guardian (监护人) of a family's children."""

    __tablename__ = "guardian"
    __table_args__ = (UniqueConstraint("family_id", "name"),)

    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    relation: Mapped[str] = mapped_column(String(10))  # 父亲, 母亲, 祖父, 祖母, 外公, 外婆, 其他
    phone: Mapped[str] = mapped_column(String(20), default="")  # sensitive: shown masked
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    work_unit: Mapped[str] = mapped_column(String(100), default="")

    family: Mapped[Family] = relationship(back_populates="guardians")


class Staff(SchoolOwned, CreatedAt, Base):
    """A teacher or other member of staff, known by 工号."""

    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("school_id", "staff_no"),)

    staff_no: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(40))
    gender: Mapped[str] = mapped_column(String(2), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(String(40), default="")  # 职务, e.g. 德育主任
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ClassAssignment(Base):
    """Who teaches a class: its 班主任 and its 任课教师 (one row per subject)."""

    __tablename__ = "class_assignment"
    __table_args__ = (
        UniqueConstraint("class_id", "staff_id", "role", "subject"),
        one_of("role", ASSIGNMENT_ROLES, name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(20), default="")
