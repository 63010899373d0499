"""Pre-aggregated figures: one row per class and term, kept current on every write.

The district view reads these instead of counting millions of records; they
hold the same counts as hxgy.metrics.overview.class_measures for the term.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hxgy.models.base import Base, utcnow


class ClassTermStats(Base):
    """The counts behind every measure of one class over one term (to its end, or to the day of refresh)."""

    __tablename__ = "class_term_stats"
    __table_args__ = (
        UniqueConstraint("term_id", "class_id"),
        Index("ix_class_term_stats_school_term", "school_id", "term_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"))
    students: Mapped[int] = mapped_column(Integer, default=0)
    contacts: Mapped[int] = mapped_column(Integer, default=0)
    individual_contacts: Mapped[int] = mapped_column(Integer, default=0)
    contacted_students: Mapped[int] = mapped_column(Integer, default=0)
    visited_students: Mapped[int] = mapped_column(Integer, default=0)
    volunteer_records: Mapped[int] = mapped_column(Integer, default=0)
    volunteer_hours: Mapped[float] = mapped_column(Float, default=0.0)
    volunteer_families: Mapped[int] = mapped_column(Integer, default=0)
    moral_evaluated: Mapped[int] = mapped_column(Integer, default=0)
    moral_good: Mapped[int] = mapped_column(Integer, default=0)
    moral_scored: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction_respondents: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction_satisfied: Mapped[int] = mapped_column(Integer, default=0)
    class_activities: Mapped[int] = mapped_column(Integer, default=0)
    parents_attended: Mapped[int] = mapped_column(Integer, default=0)
    attendance_base: Mapped[int] = mapped_column(Integer, default=0)
    moral_average: Mapped[float | None] = mapped_column(Float, nullable=True)  # 德育平均分 (weighted by evaluated)
    # the last day whose records these counts include (Period.last_day): a term in progress is counted to the
    # day of the refresh, so the pages serve a row only while this is still the period they show
    counted_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
