"""What happens between school, home and community: the records the measures count."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hxgy.models.base import Base, CreatedAt, SchoolOwned, Tracked, one_of

TO_HOME = "to_home"  # 学校→家庭
TO_SCHOOL = "to_school"  # 家庭→学校
DIRECTIONS = (TO_HOME, TO_SCHOOL)


class Communication(Tracked, Base):
    """One home–school contact; no student means a class-wide contact (counts once)."""

    __tablename__ = "communication"
    __table_args__ = (
        Index("ix_communication_class_date", "class_id", "contact_date"),
        Index("ix_communication_school_date", "school_id", "contact_date"),
        one_of("direction", DIRECTIONS, name="direction_known"),
        CheckConstraint("duration_min IS NULL OR duration_min >= 0", name="duration_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    direction: Mapped[str] = mapped_column(String(10), default=TO_HOME)
    contact_date: Mapped[date] = mapped_column(Date)
    duration_min: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)


class ParentRequest(Tracked, Base):
    """A home→school request or suggestion (家长诉求) and the school's reply."""

    __tablename__ = "parent_request"
    __table_args__ = (
        Index("ix_parent_request_school_received", "school_id", "received_at"),
        CheckConstraint("replied_at IS NULL OR replied_at >= received_at", name="reply_after_receipt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_class.id"), index=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"))
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardian.id"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    content: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None] = mapped_column(DateTime)
    reply: Mapped[str] = mapped_column(Text, default="")
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class VolunteerRecord(Tracked, Base):
    """Hours a guardian volunteered on one day for one activity, counted for one class."""

    __tablename__ = "volunteer_record"
    __table_args__ = (
        UniqueConstraint("guardian_id", "class_id", "activity_id", "service_date"),
        Index("ix_volunteer_record_class_date", "class_id", "service_date"),
        Index("ix_volunteer_record_school_date", "school_id", "service_date"),
        CheckConstraint("hours > 0 AND hours <= 12", name="hours_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"))
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardian.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    service_date: Mapped[date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)


class Partner(SchoolOwned, CreatedAt, Base):
    """An organisation the school works with (社区服务中心, 企事业单位, 文化场馆, 实践基地)."""

    __tablename__ = "partner"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    type_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    contact_person: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    agreement_date: Mapped[date | None] = mapped_column(Date)
    services: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


ACTIVITY_SCOPES = ("school", "grade", "class")


class Activity(Tracked, Base):
    """A 协同活动 held on one day (家长会, 家长学校, 开放日, 社区实践 ...) and its result."""

    __tablename__ = "activity"
    __table_args__ = (
        UniqueConstraint("school_id", "title", "activity_date"),
        Index("ix_activity_school_date", "school_id", "activity_date"),
        one_of("scope", ACTIVITY_SCOPES, name="scope_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    type_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    activity_date: Mapped[date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(String(10), default="school")
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    students_count: Mapped[int | None] = mapped_column(Integer)  # 参与学生人次
    parents_count: Mapped[int | None] = mapped_column(Integer)  # 参与家长人次
    families_count: Mapped[int | None] = mapped_column(Integer)  # 参与家庭户数
    outcome: Mapped[str] = mapped_column(Text, default="")


class ActivityClass(Base):
    """A class an activity was for, with how many of its parents came."""

    __tablename__ = "activity_class"
    __table_args__ = (UniqueConstraint("activity_id", "class_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    parents_attended: Mapped[int | None] = mapped_column(Integer)
    students_attended: Mapped[int | None] = mapped_column(Integer)


class MoralScore(Base):
    """One rater's 0–100 score of one student on one 德育 dimension in one term."""

    __tablename__ = "moral_score"
    __table_args__ = (
        UniqueConstraint("student_id", "term_id", "dimension_id", "rater_id"),
        Index("ix_moral_score_term_class", "term_id", "class_id"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"))
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"))
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"))  # the class when scored
    dimension_id: Mapped[int] = mapped_column(ForeignKey("moral_dimension.id"))
    rater_id: Mapped[int] = mapped_column(ForeignKey("moral_rater.id"))
    score: Mapped[float] = mapped_column(Float)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)


class SatisfactionResult(SchoolOwned, CreatedAt, Base):
    """A 家长满意度 survey result for a term, for the school (no class) or one class."""

    __tablename__ = "satisfaction_result"
    __table_args__ = (
        UniqueConstraint("term_id", "class_id"),
        # one school-wide row per term: the constraint above lets NULL class_id repeat
        Index(
            "uq_satisfaction_result_school_term",
            "term_id",
            unique=True,
            sqlite_where=text("class_id IS NULL"),
            postgresql_where=text("class_id IS NULL"),
        ),
        CheckConstraint("satisfied >= 0 AND satisfied <= respondents", name="satisfied_range"),
    )

    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_class.id"))
    respondents: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[int] = mapped_column(Integer)  # answered 满意 or 非常满意
    note: Mapped[str] = mapped_column(Text, default="")
