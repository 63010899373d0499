"""What a dean or admin configures without code: categories, 德育 scheme, targets."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from hxgy.models.base import Base, SchoolOwned, one_of

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
    # channels only: a record on it is a 家访 made in person (上门), the only kind the 家访 rules of 工作要求 count
    in_person: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # activity types only: a session of it is 家庭教育指导 (家长学校), counted per family by the 家长学校 rules
    guidance: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


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


# What a 工作要求 rule checks (hxgy.compliance): each is met when ``share`` % of its subjects reach ``min_count``.
RULE_KINDS = (
    "home_visit",  # every student: ≥ min_count in-person 家访 in the term
    "new_student_visit",  # students in their first term at the school: ≥ min_count in-person 家访 in that term
    "flag_contact",  # students with ``flag``: ≥ min_count individual contacts in every month of the term
    "guidance_sessions",  # the school: ≥ min_count 家长学校 (guidance) sessions in the term
    "guidance_attendance",  # families: ≥ min_count guidance sessions attended in the term
    "request_reply",  # home→school requests: answered within the school's limit
)
STUDENT_FLAGS = ("left_behind", "single_parent", "hardship")  # 留守儿童, 单亲, 困难家庭 (columns of Student)


class WorkRule(SchoolOwned, Base):
    """One rule of the school's 工作要求: a measure, a group, a period and a threshold a dean edits."""

    __tablename__ = "work_rule"
    __table_args__ = (
        UniqueConstraint("school_id", "code"),
        one_of("kind", RULE_KINDS, name="kind_known"),
        CheckConstraint("flag IS NULL OR flag IN ('left_behind', 'single_parent', 'hardship')", name="flag_known"),
        CheckConstraint("min_count >= 0", name="min_count_non_negative"),
        CheckConstraint("share > 0 AND share <= 100", name="share_range"),
    )

    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(30))
    flag: Mapped[str | None] = mapped_column(String(20))  # flag_contact only
    min_count: Mapped[int] = mapped_column(Integer, default=1)
    share: Mapped[float] = mapped_column(Float, default=100.0)  # % of the rule's students / families / requests
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Target(SchoolOwned, Base):
    """The school's target for one measure in one term (a measure of hxgy.metrics.measures.TARGET_MEASURES)."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("term_id", "measure"),)

    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"))
    measure: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
