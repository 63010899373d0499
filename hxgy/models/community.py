"""What the term report and the 工作要求 count beyond the three measures: who came to 家长学校, the 家委会,
honours, school-wide notices and the dean's own text of the report."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hxgy.models.base import Base, CreatedAt, SchoolOwned, Tracked, one_of, utcnow

HONOUR_LEVELS = ("国家级", "省级", "市级", "区级", "校级")
HONOUR_RECIPIENTS = ("school", "class", "staff", "parent", "student")  # 学校, 班级, 教师, 家长, 学生
COMMITTEE_POSITIONS = ("主任", "副主任", "委员")
# the parts of the term report the dean writes (hxgy.report): title, 工作举措与成效, 典型案例, 下一步工作计划, 落款
REPORT_PARTS = ("title", "measures", "cases", "plan", "signer", "signed_on")


class ActivityAttendance(Base):
    """A guardian who came to one activity (a 家长学校 session): ticked on a class list or imported from a sign-in
    sheet. A family attended when any of its guardians did."""

    __tablename__ = "activity_attendance"
    __table_args__ = (UniqueConstraint("activity_id", "guardian_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardian.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CommitteeMember(SchoolOwned, CreatedAt, Base):
    """A guardian on the 家委会 of one school year: of a class (class_id) or of the school (no class)."""

    __tablename__ = "committee_member"
    __table_args__ = (
        UniqueConstraint("school_year_id", "guardian_id", "class_id"),
        one_of("position", COMMITTEE_POSITIONS, name="position_known"),
    )

    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"), index=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardian.id", ondelete="CASCADE"), index=True)
    position: Mapped[str] = mapped_column(String(10), default="委员")


class Honour(SchoolOwned, CreatedAt, Base):
    """An honour the school, a class, a teacher, a parent or a student received in a term (listed in the report)."""

    __tablename__ = "honour"
    __table_args__ = (
        UniqueConstraint("term_id", "title", "recipient"),
        one_of("level", HONOUR_LEVELS, name="level_known"),
        one_of("recipient_kind", HONOUR_RECIPIENTS, name="recipient_kind_known"),
    )

    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(100))  # 新时代好少年, 优秀家长志愿者, 家庭教育示范校 …
    level: Mapped[str] = mapped_column(String(10))
    recipient_kind: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(100))  # the school, a class's name or a person's name
    awarded_on: Mapped[date | None] = mapped_column(Date)


class Notice(Tracked, Base):
    """A notice sent to families (重要通知): one record with its reach, the classes it went to (NoticeClass)."""

    __tablename__ = "notice"
    __table_args__ = (Index("ix_notice_school_date", "school_id", "notice_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    notice_date: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    content: Mapped[str] = mapped_column(Text, default="")


class NoticeClass(Base):
    """A class a notice reached."""

    __tablename__ = "notice_class"
    __table_args__ = (UniqueConstraint("notice_id", "class_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"), index=True)


class ReportText(SchoolOwned, Base):
    """A part of a term's report the dean writes (REPORT_PARTS), saved per term."""

    __tablename__ = "report_text"
    __table_args__ = (UniqueConstraint("term_id", "part"), one_of("part", REPORT_PARTS, name="part_known"))

    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"))
    part: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
