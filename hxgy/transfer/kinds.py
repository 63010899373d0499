"""What each kind of file holds: its columns (Chinese headers), accepted values and natural key.

docs/import.md is written from the same definitions; a test checks the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hxgy.entry.rules import SETTINGS_ROLES, WRITE_ANY_CLASS

# what a cell must be; values.py reads each one
TEXT, DATE, DATETIME, NUMBER, INTEGER, YES_NO, CLASS, CHOICE = (
    "text", "date", "datetime", "number", "integer", "yes_no", "class", "choice"
)  # fmt: skip

DIRECTION_WORDS = {"学校→家庭": "to_home", "家庭→学校": "to_school"}
SCOPE_WORDS = {"全校": "school", "年级": "grade", "班级": "class"}
RELATIONS = ("父亲", "母亲", "祖父", "祖母", "外公", "外婆", "其他")
GENDERS = ("男", "女")
ASSIGNMENT_WORDS = {"班主任": "head_teacher", "任课教师": "subject_teacher"}


@dataclass(frozen=True)
class Column:
    """One column of a template: its header, whether it must be filled, and what goes in it."""

    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    help: str = ""
    example: object = ""
    choices: tuple[str, ...] = ()  # fixed words offered in a dropdown
    category: str = ""  # or the school's list of this category kind
    aliases: tuple[str, ...] = ()  # other headers people use for the same column


@dataclass(frozen=True)
class Kind:
    """A kind of data a school imports and exports."""

    key: str
    title: str
    table: str
    columns: tuple[Column, ...]
    natural_key: str  # in words: what makes two rows the same record
    roles: frozenset[str]
    own_classes_only_for: frozenset[str] = field(default_factory=frozenset)

    def column(self, key: str) -> Column:
        """The column with this key."""
        return next(c for c in self.columns if c.key == key)


ROSTER_ROLES = SETTINGS_ROLES  # admin and dean
RECORD_ROLES = WRITE_ANY_CLASS | {"head_teacher"}
OWN = frozenset({"head_teacher"})

SCHOOL_YEAR = Column(
    "school_year", "学年", help="如 2025-2026学年；不填为今天所在的学年", example="2025-2026学年", aliases=("学年度",)
)
CLASS_COL = Column(
    "class",
    "班级",
    CLASS,
    required=True,
    help="三(2)班、三（2）班、3年级2班、3-2 都可以",
    example="三(2)班",
    aliases=("班别", "所在班级", "班级名称"),
)
STUDENT_NO = Column(
    "student_no", "学号", required=True, help="学生的学号，与学生名册一致", example="2023020001", aliases=("学生学号",)
)
STUDENT_NAME = Column(
    "student_name", "学生姓名", help="可不填；填了会与学号核对", example="李明", aliases=("姓名", "学生")
)
TERM = Column(
    "term",
    "学期",
    required=True,
    help="如 2025-2026学年第一学期（也可写 2025-2026-1、2025秋季学期）",
    example="2025-2026学年第一学期",
)

KINDS: dict[str, Kind] = {}


def _kind(kind: Kind) -> None:
    KINDS[kind.key] = kind


_kind(
    Kind(
        "students",
        "学生名册",
        "student",
        (
            SCHOOL_YEAR,
            CLASS_COL,
            STUDENT_NO,
            Column("name", "姓名", required=True, help="学生姓名", example="李明", aliases=("学生姓名",)),
            Column("gender", "性别", CHOICE, help="男或女", example="男", choices=GENDERS),
            Column("birth_date", "出生日期", DATE, help="如 2017-03-15", example="2017-03-15"),
            Column("start_date", "入班日期", DATE, help="不填为学年第一天；转班时填转入那天", example=""),
            Column("family_code", "家庭编号", help="兄弟姐妹填同一个编号；不填则每个学生一个家庭", example=""),
            Column("left_behind", "留守儿童", YES_NO, help="是或否，不填为否", example="否", choices=("是", "否")),
            Column("single_parent", "单亲家庭", YES_NO, help="是或否，不填为否", example="否", choices=("是", "否")),
            Column("hardship", "困难家庭", YES_NO, help="是或否，不填为否", example="否", choices=("是", "否")),
        ),
        "学号（转班的学生每个班一行，填入班日期；班级不存在时自动新建）",
        ROSTER_ROLES,
    )
)
_kind(
    Kind(
        "guardians",
        "监护人",
        "guardian",
        (
            STUDENT_NO,
            STUDENT_NAME,
            Column("name", "监护人姓名", required=True, help="家长姓名", example="李建国", aliases=("家长姓名",)),
            Column("relation", "关系", CHOICE, required=True, help="与学生的关系", example="父亲", choices=RELATIONS),
            Column("phone", "联系电话", help="手机或座机", example="13800000000", aliases=("电话", "手机")),
            Column("is_primary", "主要监护人", YES_NO, help="是或否", example="是", choices=("是", "否")),
            Column("work_unit", "工作单位", help="可不填", example=""),
        ),
        "学生所在家庭 + 监护人姓名",
        ROSTER_ROLES,
    )
)
_kind(
    Kind(
        "staff",
        "教职工与任课",
        "staff",
        (
            Column("staff_no", "工号", required=True, help="教职工工号", example="T001", aliases=("教师工号",)),
            Column("name", "姓名", required=True, help="教职工姓名", example="王老师", aliases=("教师姓名",)),
            Column("gender", "性别", CHOICE, help="男或女", example="女", choices=GENDERS),
            Column("phone", "联系电话", help="可不填", example="", aliases=("电话", "手机")),
            Column("title", "职务", help="如 德育主任、语文教师", example="语文教师"),
            SCHOOL_YEAR,
            Column("class", "任教班级", CLASS, help="不任教可不填；一人教几个班就写几行", example="三(2)班"),
            Column(
                "assignment",
                "任教身份",
                CHOICE,
                help="班主任或任课教师",
                example="班主任",
                choices=tuple(ASSIGNMENT_WORDS),
            ),
            Column("subject", "学科", help="任课教师填学科", example="语文"),
        ),
        "工号；任教按 班级 + 工号 + 身份 + 学科",
        ROSTER_ROLES,
    )
)
_kind(
    Kind(
        "communications",
        "沟通记录",
        "communication",
        (
            Column(
                "contact_date",
                "沟通日期",
                DATE,
                required=True,
                help="如 2025-09-15",
                example="2025-09-15",
                aliases=("日期",),
            ),
            CLASS_COL,
            Column(
                "student_no",
                "学号",
                help="面向全班的沟通（如班级群通知）不填",
                example="2023020001",
                aliases=("学生学号",),
            ),
            STUDENT_NAME,
            Column(
                "channel",
                "沟通方式",
                CHOICE,
                required=True,
                help="本校设置的沟通方式",
                example="家访",
                category="channel",
                aliases=("方式",),
            ),
            Column(
                "direction",
                "方向",
                CHOICE,
                help="不填为 学校→家庭",
                example="学校→家庭",
                choices=tuple(DIRECTION_WORDS),
            ),
            Column(
                "topic",
                "沟通内容",
                CHOICE,
                help="本校设置的沟通内容，可不填",
                example="学习情况",
                category="topic",
                aliases=("主题", "沟通主题"),
            ),
            Column(
                "duration_min", "时长(分钟)", INTEGER, help="1 到 600", example=30, aliases=("时长", "时长（分钟）")
            ),
            Column(
                "summary",
                "简要记录",
                help="不超过 2000 字",
                example="了解假期作息，建议固定阅读时间",
                aliases=("记录", "备注"),
            ),
            Column("follow_up", "需要跟进", YES_NO, help="是或否", example="否", choices=("是", "否")),
            Column("staff_no", "教师工号", help="不填为导入人本人", example="", aliases=("登记人工号",)),
        ),
        "日期 + 班级 + 学号 + 沟通方式 + 教师",
        RECORD_ROLES,
        OWN,
    )
)
_kind(
    Kind(
        "requests",
        "家长诉求",
        "parent_request",
        (
            Column(
                "received_at",
                "收到时间",
                DATETIME,
                required=True,
                help="如 2025-09-15 08:30",
                example="2025-09-15 08:30",
                aliases=("反映时间", "日期"),
            ),
            Column(
                "channel",
                "反映渠道",
                CHOICE,
                required=True,
                help="本校设置的渠道",
                example="家长信箱",
                category="request_channel",
                aliases=("渠道",),
            ),
            Column(
                "content",
                "诉求内容",
                required=True,
                help="家长反映的事情",
                example="希望延长课后服务时间",
                aliases=("内容",),
            ),
            Column("class", "班级", CLASS, help="不限班级的诉求不填", example="三(2)班"),
            Column("student_no", "学号", help="可不填", example=""),
            Column(
                "category",
                "诉求类别",
                CHOICE,
                help="本校设置的类别，可不填",
                example="课后服务",
                category="request_category",
                aliases=("类别",),
            ),
            Column("replied_at", "答复时间", DATETIME, help="未答复不填", example="2025-09-16 16:00"),
            Column("reply", "答复内容", help="未答复不填", example="已与课后服务老师沟通，下周起延长"),
        ),
        "收到时间 + 渠道 + 班级 + 学号",
        RECORD_ROLES,
        OWN,
    )
)
_kind(
    Kind(
        "volunteering",
        "志愿服务",
        "volunteer_record",
        (
            Column(
                "service_date",
                "服务日期",
                DATE,
                required=True,
                help="如 2025-09-20",
                example="2025-09-20",
                aliases=("日期",),
            ),
            CLASS_COL,
            Column(
                "student_no",
                "学号",
                required=True,
                help="家长的孩子的学号",
                example="2023020001",
                aliases=("学生学号",),
            ),
            Column(
                "guardian_name",
                "家长姓名",
                required=True,
                help="与监护人名单一致",
                example="李建国",
                aliases=("监护人姓名", "志愿者"),
            ),
            Column(
                "activity",
                "志愿项目",
                CHOICE,
                required=True,
                help="本校设置的志愿项目",
                example="护学岗",
                category="volunteer_activity",
                aliases=("项目", "服务项目"),
            ),
            Column(
                "hours",
                "时长(小时)",
                NUMBER,
                required=True,
                help="大于 0，不超过 12",
                example=1.5,
                aliases=("时长", "时长（小时）", "服务时长"),
            ),
            Column("note", "备注", help="可不填", example=""),
            Column(
                "confirmed", "已确认", YES_NO, help="班主任或德育处已核实填“是”", example="是", choices=("是", "否")
            ),
        ),
        "家长 + 班级 + 志愿项目 + 服务日期",
        RECORD_ROLES,
        OWN,
    )
)
_kind(
    Kind(
        "activities",
        "协同活动",
        "activity",
        (
            Column(
                "activity_date",
                "活动日期",
                DATE,
                required=True,
                help="如 2025-10-10",
                example="2025-10-10",
                aliases=("日期",),
            ),
            Column(
                "title",
                "活动名称",
                required=True,
                help="同一天同名的几行是同一个活动（每班一行）",
                example="家长学校：如何陪孩子阅读",
                aliases=("活动主题", "名称"),
            ),
            Column(
                "type",
                "活动类型",
                CHOICE,
                required=True,
                help="本校设置的活动类型",
                example="家长学校",
                category="activity_type",
                aliases=("类型",),
            ),
            Column(
                "scope", "范围", CHOICE, help="全校、年级或班级；不填为全校", example="年级", choices=tuple(SCOPE_WORDS)
            ),
            Column("partner", "合作单位", help="本校登记的合作单位，可不填", example=""),
            Column("students_count", "参与学生人次", INTEGER, help="整个活动，可不填", example=""),
            Column("parents_count", "参与家长人次", INTEGER, help="整个活动，可不填", example=""),
            Column("families_count", "参与家庭户数", INTEGER, help="整个活动，可不填", example=""),
            Column("outcome", "活动成效", help="可不填", example="家长反馈良好"),
            Column(
                "class",
                "参与班级",
                CLASS,
                help="每个参与班级一行；全校活动可不填",
                example="三(2)班",
                aliases=("班级",),
            ),
            Column(
                "parents_attended",
                "到场家长数",
                INTEGER,
                help="该班到场家长人数，可不填",
                example=38,
                aliases=("家长到场", "到会家长"),
            ),
        ),
        "活动名称 + 活动日期；参与班级按行",
        RECORD_ROLES,
        OWN,
    )
)
_kind(
    Kind(
        "moral_long",
        "德育评分（长表）",
        "moral_score",
        (
            TERM,
            STUDENT_NO,
            STUDENT_NAME,
            Column(
                "dimension",
                "评价维度",
                CHOICE,
                required=True,
                help="本校设置的德育维度",
                example="文明礼仪",
                aliases=("维度",),
            ),
            Column(
                "rater",
                "评价主体",
                CHOICE,
                required=True,
                help="教师评、家长评或学生自评",
                example="教师评",
                aliases=("评价人",),
            ),
            Column("score", "分数", NUMBER, required=True, help="0 到 100", example=92, aliases=("得分",)),
        ),
        "学号 + 学期 + 维度 + 评价主体",
        RECORD_ROLES,
        OWN,
    )
)
_kind(
    Kind(
        "moral_wide",
        "德育评分（宽表）",
        "moral_score",
        (
            TERM,
            STUDENT_NO,
            STUDENT_NAME,
            Column(
                "rater",
                "评价主体",
                CHOICE,
                required=True,
                help="教师评、家长评或学生自评",
                example="教师评",
                aliases=("评价人",),
            ),
            # then one column per 德育 dimension of the school, headed by its name, 0–100 (blank: not scored)
        ),
        "学号 + 学期 + 维度 + 评价主体",
        RECORD_ROLES,
        OWN,
    )
)
_kind(
    Kind(
        "satisfaction",
        "满意度",
        "satisfaction_result",
        (
            TERM,
            Column("class", "班级", CLASS, help="全校的结果不填", example="三(2)班"),
            Column(
                "respondents",
                "答卷人数",
                INTEGER,
                required=True,
                help="大于 0",
                example=45,
                aliases=("参与人数", "有效问卷"),
            ),
            Column(
                "satisfied",
                "满意人数",
                INTEGER,
                required=True,
                help="选“满意”或“非常满意”的人数",
                example=43,
                aliases=("满意数",),
            ),
            Column("note", "说明", help="可不填", example=""),
        ),
        "学期 + 班级",
        RECORD_ROLES,
        OWN,
    )
)

# the order a new school imports in: people before the records that name them
IMPORT_ORDER = tuple(KINDS)


def kind_or_error(key: str) -> Kind:
    """The kind with this key, or a LookupError listing the known kinds."""
    if key not in KINDS:
        raise LookupError(f"没有“{key}”这种数据；可选：{', '.join(KINDS)}")
    return KINDS[key]
