"""What each kind of file holds: its columns (Chinese headers), accepted values and natural key.

The columns are in columns.py (shared, rosters) and record_columns.py (records); who may import or export each kind is
in hxgy.rights.
docs/import.md is written from the same definitions; a test checks the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from hxgy import rights
from hxgy.models.community import COMMITTEE_POSITIONS
from hxgy.rights import Action
from hxgy.transfer import columns as shared
from hxgy.transfer.columns import (
    ASSIGNMENT_WORDS,
    CHOICE,
    CLASS,
    DATE,
    DATETIME,
    DIRECTION_WORDS,
    GENDERS,
    GUARDIAN_COLUMNS,
    INTEGER,
    NUMBER,
    PARTNER_COLUMNS,
    RELATIONS,
    SCOPE_WORDS,
    STAFF_COLUMNS,
    STUDENT_COLUMNS,
    TEXT,
    YES_NO,
    Column,
)
from hxgy.transfer.record_columns import (
    ACTIVITY_COLUMNS,
    ATTENDANCE_COLUMNS,
    COMMUNICATION_COLUMNS,
    MORAL_LONG_COLUMNS,
    MORAL_WIDE_COLUMNS,
    REQUEST_COLUMNS,
    SATISFACTION_COLUMNS,
    VOLUNTEER_COLUMNS,
)

__all__ = [
    "ASSIGNMENT_WORDS", "CHOICE", "CLASS", "DATE", "DATETIME", "DIRECTION_WORDS", "GENDERS", "IMPORT_ORDER", "INTEGER",
    "KINDS", "NUMBER", "RELATIONS", "SCOPE_WORDS", "TEXT", "YES_NO", "Column", "Kind", "kind_or_error",
]  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """A kind of data a school imports and exports."""

    key: str
    title: str
    table: str
    columns: tuple[Column, ...]
    natural_key: str  # in words: what makes two rows the same record

    @property
    def import_action(self) -> Action:
        """The right to import the kind (hxgy.rights.TABLE)."""
        return rights.import_action(self.key)

    @property
    def export_action(self) -> Action:
        """The right to export the kind (hxgy.rights.TABLE)."""
        return rights.export_action(self.key)

    @property
    def roles(self) -> frozenset[str]:
        """The roles that may import the kind."""
        return rights.roles_for(self.import_action)

    @property
    def own_classes_only_for(self) -> frozenset[str]:
        """The roles that import only the records of their own classes."""
        return frozenset(r for r in self.roles if rights.allowed(r, self.import_action) in rights.CLASS_SCOPES)

    def column(self, key: str) -> Column:
        """The column with this key."""
        return next(c for c in self.columns if c.key == key)


KINDS: dict[str, Kind] = {}


def _kind(kind: Kind) -> None:
    KINDS[kind.key] = kind


_kind(
    Kind(
        "students",
        "学生名册",
        "student",
        STUDENT_COLUMNS,
        "学号（转班的学生每个班一行，填入班日期；班级不存在时自动新建）",
    )
)
_kind(
    Kind(
        "guardians",
        "监护人",
        "guardian",
        GUARDIAN_COLUMNS,
        "学生所在家庭 + 监护人姓名",
    )
)
_kind(
    Kind(
        "staff",
        "教职工与任课",
        "staff",
        STAFF_COLUMNS,
        "工号；任教按 班级 + 工号 + 身份 + 学科",
    )
)
_kind(
    Kind(
        "partners",
        "合作单位",
        "partner",
        PARTNER_COLUMNS,
        "单位名称",
    )
)
# 家委会名单 (hxgy.transfer.rows.committee): a member by the school year, the class (or 校级), a child and the guardian
COMMITTEE_COLUMNS = (
    shared.SCHOOL_YEAR,
    Column(
        "class",
        "班级",
        required=True,
        help="班级家委会填班级，如 三(2)班；校级家委会填“校级”",
        example="三(2)班",
        aliases=("班别", "所在班级", "范围"),
    ),
    Column("student_no", "学号", help="家委会成员孩子的学号；不填则按学生姓名在班级中查找", example="2023020001",
           aliases=("学生学号",)),
    shared.STUDENT_NAME,
    Column("guardian_name", "家长姓名", required=True, help="与监护人名单一致", example="李建国",
           aliases=("监护人姓名", "成员姓名", "家长")),
    Column("position", "职务", CHOICE, help="不填为委员", example="委员", choices=COMMITTEE_POSITIONS),
)  # fmt: skip
_kind(
    Kind(
        "committee",
        "家委会名单",
        "committee_member",
        COMMITTEE_COLUMNS,
        "学年 + 班级（或校级）+ 家长",
    )
)
_kind(
    Kind(
        "communications",
        "沟通记录",
        "communication",
        COMMUNICATION_COLUMNS,
        "日期 + 班级 + 学号 + 沟通方式 + 教师",
    )
)
_kind(
    Kind(
        "requests",
        "家长诉求",
        "parent_request",
        REQUEST_COLUMNS,
        "收到时间 + 渠道 + 班级 + 学号",
    )
)
_kind(
    Kind(
        "volunteering",
        "志愿服务",
        "volunteer_record",
        VOLUNTEER_COLUMNS,
        "家长 + 班级 + 志愿项目 + 服务日期",
    )
)
_kind(
    Kind(
        "activities",
        "协同活动",
        "activity",
        ACTIVITY_COLUMNS,
        "活动名称 + 活动日期；参与班级按行",
    )
)
_kind(
    Kind(
        "guidance_attendance",
        "家长学校签到",
        "activity_attendance",
        ATTENDANCE_COLUMNS,
        "活动（活动名称 + 活动日期）+ 家长",
    )
)
_kind(
    Kind(
        "moral_long",
        "德育评分（长表）",
        "moral_score",
        MORAL_LONG_COLUMNS,
        "学号 + 学期 + 维度 + 评价主体",
    )
)
_kind(
    Kind(
        "moral_wide",
        "德育评分（宽表）",
        "moral_score",
        MORAL_WIDE_COLUMNS,
        "学号 + 学期 + 维度 + 评价主体",
    )
)
_kind(
    Kind(
        "satisfaction",
        "满意度",
        "satisfaction_result",
        SATISFACTION_COLUMNS,
        "学期 + 班级",
    )
)

# the order a new school imports in: people before the records that name them
IMPORT_ORDER = tuple(KINDS)


def kind_or_error(key: str) -> Kind:
    """The kind with this key, or a LookupError listing the known kinds."""
    if key not in KINDS:
        raise LookupError(f"没有“{key}”这种数据；可选：{', '.join(KINDS)}")
    return KINDS[key]
