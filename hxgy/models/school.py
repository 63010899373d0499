"""The school's structure: schools, school years, terms and classes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hxgy.models.base import Base, CreatedAt, SchoolOwned

DEFAULT_RESPONSE_LIMIT_HOURS = 72
DEFAULT_MORAL_COMPLETION_MIN = 90  # % of students scored by the teacher before 德育优良率 is judged
DEFAULT_RETENTION_YEARS = 3  # 留存年限: a student who left is erased this many years after their last day


class School(CreatedAt, Base):
    """A school; every other row belongs to one, so several can share a database."""

    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    district: Mapped[str] = mapped_column(String(100), default="", index=True)
    # home→school requests must be answered within this many hours (三天内必须答复 = 72)
    response_limit_hours: Mapped[int] = mapped_column(Integer, default=DEFAULT_RESPONSE_LIMIT_HOURS)
    # below this 德育评价完成率 (in %), 德育优良率 and 平均分 show 评价未完成 instead of a status
    moral_completion_min: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_MORAL_COMPLETION_MIN, server_default=str(DEFAULT_MORAL_COMPLETION_MIN)
    )
    # a record dated in a holiday counts for the next term ("next", 暑期家访 → autumn), the one before
    # ("previous"), or is refused ("refuse"); hxgy.terms.record_window
    holiday_records: Mapped[str] = mapped_column(String(10), default="next", server_default="next")
    # 留存年限: the personal data of a student who left is erased (python -m hxgy purge) once this many years
    # have passed since their last day at the school (hxgy.privacy.retention)
    retention_years: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_RETENTION_YEARS, server_default=str(DEFAULT_RETENTION_YEARS)
    )

    classes: Mapped[list[SchoolClass]] = relationship(back_populates="school")


class SchoolYear(SchoolOwned, Base):
    """A 学年, e.g. 2025-2026学年, running from September to July."""

    __tablename__ = "school_year"
    __table_args__ = (UniqueConstraint("school_id", "start_year"),)

    start_year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(40))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)

    terms: Mapped[list[Term]] = relationship(back_populates="school_year", order_by="Term.term_no")


class Term(SchoolOwned, Base):
    """A 学期 with its first and last day (both count)."""

    __tablename__ = "term"
    __table_args__ = (
        UniqueConstraint("school_year_id", "term_no"),
        CheckConstraint("start_date <= end_date", name="dates_ordered"),
    )

    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"))
    term_no: Mapped[int] = mapped_column(Integer)  # 1 = 第一学期 (autumn), 2 = 第二学期 (spring)
    name: Mapped[str] = mapped_column(String(60))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)

    school_year: Mapped[SchoolYear] = relationship(back_populates="terms")


class SchoolClass(SchoolOwned, CreatedAt, Base):
    """A 班级 in one school year, e.g. 三(2)班 of 2025-2026学年.

    ``cohort`` is the year its students entered 一年级, which links a class to
    the same group of children in other school years.
    """

    __tablename__ = "school_class"
    __table_args__ = (
        UniqueConstraint("school_year_id", "grade_level", "class_no"),
        CheckConstraint("grade_level BETWEEN 1 AND 9", name="grade_level_range"),
    )

    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"), index=True)
    grade_level: Mapped[int] = mapped_column(Integer)
    class_no: Mapped[int] = mapped_column(Integer)
    cohort: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(40))

    school: Mapped[School] = relationship(back_populates="classes")
