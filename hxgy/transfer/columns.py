"""The columns of each kind of file: Chinese headers, what goes in each cell, the words accepted, examples.

hxgy/transfer/kinds.py puts them together into kinds; record_columns.py holds the columns of
the records (沟通记录, 家长诉求 …), this module the shared columns and the rosters'.
"""

from __future__ import annotations

from dataclasses import dataclass

from hxgy.models.people import HEAD_TEACHER, SUBJECT_TEACHER

# what a cell must be; values.py reads each one
TEXT, DATE, DATETIME, NUMBER, INTEGER, YES_NO, CLASS, CHOICE = (
    "text", "date", "datetime", "number", "integer", "yes_no", "class", "choice"
)  # fmt: skip

DIRECTION_WORDS = {"学校→家庭": "to_home", "家庭→学校": "to_school"}
SCOPE_WORDS = {"全校": "school", "年级": "grade", "班级": "class"}
RELATIONS = ("父亲", "母亲", "祖父", "祖母", "外公", "外婆", "其他")
GENDERS = ("男", "女")
ASSIGNMENT_WORDS = {"班主任": HEAD_TEACHER, "任课教师": SUBJECT_TEACHER}


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

STUDENT_COLUMNS = (
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
)

GUARDIAN_COLUMNS = (
    STUDENT_NO,
    STUDENT_NAME,
    Column("name", "监护人姓名", required=True, help="家长姓名", example="李建国", aliases=("家长姓名",)),
    Column("relation", "关系", CHOICE, required=True, help="与学生的关系", example="父亲", choices=RELATIONS),
    Column("phone", "联系电话", help="手机或座机", example="13800000000", aliases=("电话", "手机")),
    Column("is_primary", "主要监护人", YES_NO, help="是或否", example="是", choices=("是", "否")),
    Column("work_unit", "工作单位", help="可不填", example=""),
)

STAFF_COLUMNS = (
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
)

PARTNER_COLUMNS = (
    Column(
        "name",
        "单位名称",
        required=True,
        help="合作单位全称；与已登记的同名单位是同一家",
        example="城东社区服务中心",
        aliases=("合作单位", "单位", "名称"),
    ),
    Column(
        "type",
        "单位类型",
        CHOICE,
        required=True,
        help="本校设置的合作单位类型",
        example="社区服务中心",
        category="partner_type",
        aliases=("类型", "类别"),
    ),
    Column("contact_person", "联系人", help="可不填", example="张主任"),
    Column("phone", "联系电话", help="可不填", example="", aliases=("电话", "手机")),
    Column(
        "agreement_date",
        "签约日期",
        DATE,
        help="协议签订的日期，如 2025-09-01 或 2025年9月1日；未签协议可不填",
        example="2025-09-01",
        aliases=("协议日期", "签订日期"),
    ),
    Column("services", "服务内容", help="可不填", example="提供社会实践场地"),
    Column("active", "启用", YES_NO, help="是或否，不填为是；停用的单位不再计入", example="是", choices=("是", "否")),
)
