"""The columns of the records a school imports: 沟通记录, 家长诉求, 志愿服务, 协同活动, 德育评分 and 满意度."""

from __future__ import annotations

from dataclasses import replace

from hxgy.transfer.columns import (
    CHOICE,
    CLASS,
    CLASS_COL,
    DATE,
    DATETIME,
    DIRECTION_WORDS,
    INTEGER,
    NUMBER,
    SCOPE_WORDS,
    STUDENT_NAME,
    STUDENT_NO,
    TERM,
    YES_NO,
    Column,
)


def _on_day(key: str, header: str, example: str, *aliases: str, kind: str = DATE) -> Column:
    """A record's day (or moment), which must be filled; its help shows the example."""
    return Column(key, header, kind, required=True, help=f"如 {example}", example=example, aliases=aliases)


def _listed(
    key: str, header: str, example: str, *aliases: str, category: str, what: str, required: bool = True
) -> Column:
    """A word from one of the school's own lists (its 沟通方式, 志愿项目 …, set on the settings page)."""
    help_text = f"本校设置的{what}" if required else f"本校设置的{what}，可不填"
    return Column(
        key, header, CHOICE, required=required, help=help_text, example=example, category=category, aliases=aliases
    )


RATER = Column(
    "rater", "评价主体", CHOICE, required=True, help="教师评、家长评或学生自评", example="教师评", aliases=("评价人",)
)

COMMUNICATION_COLUMNS = (
    _on_day("contact_date", "沟通日期", "2025-09-15", "日期"),
    CLASS_COL,
    replace(STUDENT_NO, required=False, help="面向全班的沟通（如班级群通知）不填"),
    STUDENT_NAME,
    _listed("channel", "沟通方式", "家访", "方式", category="channel", what="沟通方式"),
    Column(
        "direction",
        "方向",
        CHOICE,
        help="不填为 学校→家庭",
        example="学校→家庭",
        choices=tuple(DIRECTION_WORDS),
    ),
    _listed("topic", "沟通内容", "学习情况", "主题", "沟通主题", category="topic", what="沟通内容", required=False),
    Column("duration_min", "时长(分钟)", INTEGER, help="1 到 600", example=30, aliases=("时长", "时长（分钟）")),
    Column(
        "summary",
        "简要记录",
        help="不超过 2000 字",
        example="了解假期作息，建议固定阅读时间",
        aliases=("记录", "备注"),
    ),
    Column("follow_up", "需要跟进", YES_NO, help="是或否", example="否", choices=("是", "否")),
    Column("staff_no", "教师工号", help="不填为导入人本人", example="", aliases=("登记人工号",)),
)

REQUEST_COLUMNS = (
    _on_day("received_at", "收到时间", "2025-09-15 08:30", "反映时间", "日期", kind=DATETIME),
    _listed("channel", "反映渠道", "家长信箱", "渠道", category="request_channel", what="渠道"),
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
    _listed("category", "诉求类别", "课后服务", "类别", category="request_category", what="类别", required=False),
    Column("replied_at", "答复时间", DATETIME, help="未答复不填", example="2025-09-16 16:00"),
    Column("reply", "答复内容", help="未答复不填", example="已与课后服务老师沟通，下周起延长"),
)

VOLUNTEER_COLUMNS = (
    _on_day("service_date", "服务日期", "2025-09-20", "日期"),
    CLASS_COL,
    replace(STUDENT_NO, help="家长的孩子的学号"),
    Column(
        "guardian_name",
        "家长姓名",
        required=True,
        help="与监护人名单一致",
        example="李建国",
        aliases=("监护人姓名", "志愿者"),
    ),
    _listed("activity", "志愿项目", "护学岗", "项目", "服务项目", category="volunteer_activity", what="志愿项目"),
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
    Column("confirmed", "已确认", YES_NO, help="班主任或德育处已核实填“是”", example="是", choices=("是", "否")),
)

ACTIVITY_COLUMNS = (
    _on_day("activity_date", "活动日期", "2025-10-10", "日期"),
    Column(
        "title",
        "活动名称",
        required=True,
        help="同一天同名的几行是同一个活动（每班一行）",
        example="家长学校：如何陪孩子阅读",
        aliases=("活动主题", "名称"),
    ),
    _listed("type", "活动类型", "家长学校", "类型", category="activity_type", what="活动类型"),
    Column("scope", "范围", CHOICE, help="全校、年级或班级；不填为全校", example="年级", choices=tuple(SCOPE_WORDS)),
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
)

MORAL_LONG_COLUMNS = (
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
    RATER,
    Column("score", "分数", NUMBER, required=True, help="0 到 100", example=92, aliases=("得分",)),
)

MORAL_WIDE_COLUMNS = (
    TERM,
    STUDENT_NO,
    STUDENT_NAME,
    RATER,
    # then one column per 德育 dimension of the school, headed by its name, 0–100 (blank: not scored)
)

SATISFACTION_COLUMNS = (
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
)

ATTENDANCE_COLUMNS = (
    _on_day("activity_date", "活动日期", "2026-10-08", "日期", "签到日期"),
    Column(
        "title",
        "活动名称",
        help="已登记的家长学校活动的名称；当天只有一场家长学校时可不填",
        example="家长学校：如何陪孩子阅读",
        aliases=("活动主题", "名称", "课程名称", "讲座主题"),
    ),
    CLASS_COL,
    replace(STUDENT_NO, required=False, help="学号或学生姓名填一个即可（只填姓名时按该班同名学生查找）"),
    STUDENT_NAME,
    Column(
        "guardian_name",
        "家长姓名",
        required=True,
        help="与监护人名单一致",
        example="李建国",
        aliases=("监护人姓名", "家长", "签到人", "家长签名"),
    ),
    Column(
        "present",
        "签到",
        YES_NO,
        help="到场填 √、是或 1；空白或“否”为未到（不导入）；没有这一列时每行都算到场",
        example="√",
        choices=("√", "是", "否"),
        aliases=("是否签到", "到场", "签到情况", "是否到场"),
    ),
)
