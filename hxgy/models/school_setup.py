"""What a dean or admin configures without code: categories, 德育 scheme, targets."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from hxgy.models.base import Base, SchoolOwned

# Kinds of configurable category lists.
CATEGORY_KINDS = (
    "channel",  # 沟通方式: 家访, 电话, 微信/班级群 ...
    "topic",  # 沟通主题
    "volunteer_activity",  # 志愿服务项目: 护学岗, 陪餐 ...
    "activity_type",  # 协同活动类型: 家长会, 家长学校 ...
    "request_channel",  # 家长诉求渠道: 校长接待日, 家长信箱 ...
    "request_category",  # 家长诉求类别
    "partner_type",  # 合作单位类型: 社区服务中心, 企事业单位 ...
)
HOME_VISIT_CODE = "home_visit"  # the channel whose records count for 家访覆盖率
# channels a class-wide record (no student) may use, for a new school; a dean changes them on 设置 → 类别
CLASS_WIDE_CHANNEL_CODES = frozenset({"wechat", "parent_meeting", "online"})


class Category(SchoolOwned, Base):
    """One entry of a configurable list; ``code`` is stable, ``name`` is what people see."""

    __tablename__ = "category"
    __table_args__ = (
        UniqueConstraint("school_id", "kind", "code"),
        UniqueConstraint("school_id", "kind", "name"),
    )

    kind: Mapped[str] = mapped_column(String(30))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(40))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # channels only: a class-wide record (no student: 班级群 notice, 家长会) may use it; 家访, 电话 reach one family
    class_wide: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class MoralDimension(SchoolOwned, Base):
    """A 德育 dimension every student is scored on, e.g. 文明礼仪."""

    __tablename__ = "moral_dimension"
    __table_args__ = (UniqueConstraint("school_id", "code"), UniqueConstraint("school_id", "name"))

    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(40))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class MoralRater(SchoolOwned, Base):
    """Who gives a 德育 score (教师评, 家长评, 学生自评) and the weight it carries."""

    __tablename__ = "moral_rater"
    __table_args__ = (
        UniqueConstraint("school_id", "code"),
        UniqueConstraint("school_id", "name"),
        CheckConstraint("weight >= 0", name="weight_non_negative"),
    )

    code: Mapped[str] = mapped_column(String(20))  # teacher, parent, self
    name: Mapped[str] = mapped_column(String(20))
    weight: Mapped[float] = mapped_column(Float)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class MoralLevel(SchoolOwned, Base):
    """A 德育 level and the lowest total that reaches it; ``is_good`` counts toward 优良率."""

    __tablename__ = "moral_level"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    name: Mapped[str] = mapped_column(String(20))
    min_score: Mapped[float] = mapped_column(Float)
    is_good: Mapped[bool] = mapped_column(Boolean, default=False)


class Target(SchoolOwned, Base):
    """The school's target for one measure in one term (a measure of hxgy.metrics.measures.TARGET_MEASURES)."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("term_id", "measure"),)

    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"))
    measure: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
