"""How the 操作日志 shows each stored column: its label, the table its ids point to, its words for codes, its unit.

``hxgy.queries.audit`` reads these tables to turn an entry's before and after into a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column

from hxgy.glossary import (
    ASSIGNMENT_ROLE_LABELS,
    CATEGORY_KIND_LABELS,
    DIRECTION_LABELS,
    HONOUR_RECIPIENT_LABELS,
    MEASURE_LABELS,
    REPORT_PART_LABELS,
    ROLE_LABELS,
    SCOPE_LABELS,
    TERM_NO_LABELS,
)
from hxgy.models import Base


@dataclass(frozen=True)
class Field:
    """How a column is shown: its label, the table its ids point to, its words for codes, its unit."""

    label: str
    reference: str | None = None
    words: Mapping[Any, str] | None = None
    unit: str = ""
    utc: bool = False  # a timestamp kept in UTC (bookkeeping), shown in Beijing time
    phone: bool = False  # a phone number, shown masked as on every screen (hxgy.formats.mask_phone)


YES_NO = {True: "是", False: "否"}

FIELDS: dict[str, Field] = {
    "class_id": Field("班级", "school_class"),
    "student_id": Field("学生", "student"),
    "staff_id": Field("教职工", "staff"),
    "guardian_id": Field("家长", "guardian"),
    "family_id": Field("家庭", "family"),
    "family_code": Field("家庭编号"),
    "partner_id": Field("合作单位", "partner"),
    "channel_id": Field("方式", "category"),
    "topic_id": Field("沟通内容", "category"),
    "category_id": Field("类别", "category"),
    "type_id": Field("类型", "category"),
    "activity_id": Field("志愿项目", "category"),
    "handled_by": Field("答复人", "staff"),
    "confirmed_by": Field("确认人", "user_account"),
    "term_id": Field("学期", "term"),
    "school_year_id": Field("学年", "school_year"),
    "dimension_id": Field("维度", "moral_dimension"),
    "rater_id": Field("评价主体", "moral_rater"),
    "direction": Field("方向", words=DIRECTION_LABELS),
    "contact_date": Field("日期"),
    "duration_min": Field("时长", unit="分钟"),
    "summary": Field("记录"),
    "follow_up": Field("需跟进", words=YES_NO),
    "received_at": Field("收到时间"),
    "content": Field("诉求内容"),
    "replied_at": Field("答复时间"),
    "reply": Field("答复"),
    "service_date": Field("服务日期"),
    "hours": Field("时长", unit="小时"),
    "retention_years": Field("个人信息留存年限", unit="年"),
    "note": Field("备注"),
    "confirmed": Field("已确认", words=YES_NO),
    "confirmed_at": Field("确认时间", utc=True),
    "title": Field("名称"),
    "activity_date": Field("活动日期"),
    "scope": Field("范围", words=SCOPE_LABELS),
    "students_count": Field("参与学生", unit="人次"),
    "parents_count": Field("参与家长", unit="人次"),
    "families_count": Field("参与家庭", unit="户次"),
    "outcome": Field("成效"),
    "score": Field("分数"),
    "respondents": Field("答卷人数", unit="人"),
    "satisfied": Field("满意人数", unit="人"),
    "name": Field("名称"),
    "start_date": Field("开始日期"),
    "end_date": Field("结束日期"),
    "start_year": Field("起始年份"),
    "term_no": Field("学期", words=TERM_NO_LABELS),
    "grade_level": Field("年级"),
    "class_no": Field("班号"),
    "cohort": Field("入学年份"),
    "staff_no": Field("工号"),
    "student_no": Field("学号"),
    "gender": Field("性别"),
    "birth_date": Field("出生日期"),
    "entry_year": Field("入学年份"),
    "left_behind": Field("留守儿童", words=YES_NO),
    "single_parent": Field("单亲家庭", words=YES_NO),
    "hardship": Field("困难家庭", words=YES_NO),
    "relation": Field("关系"),
    "phone": Field("电话", phone=True),
    "is_primary": Field("主要联系人", words=YES_NO),
    "work_unit": Field("工作单位"),
    "address": Field("住址"),
    "contact_person": Field("联系人"),
    "agreement_date": Field("协议日期"),
    "services": Field("服务内容"),
    "active": Field("状态", words={True: "启用", False: "停用"}),
    "username": Field("用户名"),
    "display_name": Field("姓名"),
    "email": Field("邮箱"),
    "district": Field("区县"),
    "role": Field("角色", words={**ROLE_LABELS, **ASSIGNMENT_ROLE_LABELS}),
    "subject": Field("学科"),
    "kind": Field("列表", words=CATEGORY_KIND_LABELS),
    "code": Field("代码"),
    "sort_order": Field("排序"),
    "measure": Field("指标", words=MEASURE_LABELS),
    "value": Field("目标值"),
    "response_limit_hours": Field("诉求答复时限", unit="小时"),
    "weight": Field("权重"),
    "weights": Field("权重"),
    "levels": Field("等级分数线"),
    "min_score": Field("最低分"),
    "is_good": Field("计入优良", words=YES_NO),
    "parents_attended": Field("到场家长", unit="人"),
    "students_attended": Field("到场学生", unit="人"),
    "classes": Field("班级数"),
    "students": Field("学生数"),
    "graduated": Field("毕业学生"),
    "class_wide": Field("可用于全班", words=YES_NO),
    "in_person": Field("计入上门家访", words=YES_NO),
    "guidance": Field("计入家长学校", words=YES_NO),
    "min_count": Field("次数"),
    "share": Field("达标比例", unit="%"),
    "enabled": Field("启用", words=YES_NO),
    "flag": Field("学生类别", words={"left_behind": "留守儿童", "single_parent": "单亲家庭", "hardship": "困难家庭"}),
}

# a column whose meaning depends on the table it belongs to
FIELDS_BY_ENTITY: dict[tuple[str, str], Field] = {
    ("staff", "name"): Field("姓名"),
    ("staff", "title"): Field("职务"),
    ("student", "name"): Field("姓名"),
    ("student", "active"): Field("在读状态", words={True: "在读", False: "已离校"}),
    ("guardian", "name"): Field("姓名"),
    ("activity", "title"): Field("活动名称"),
    ("partner", "name"): Field("单位名称"),
    ("partner", "type_id"): Field("单位类型", "category"),
    ("school_class", "name"): Field("班级"),
    ("school_year", "name"): Field("学年"),
    ("term", "name"): Field("学期"),
    ("activity_class", "activity_id"): Field("活动", "activity"),
    ("report_text", "part"): Field("部分", words=REPORT_PART_LABELS),
    ("report_text", "body"): Field("内容"),
    ("honour", "title"): Field("荣誉名称"),
    ("honour", "level"): Field("级别"),
    ("honour", "recipient_kind"): Field("获奖对象", words=HONOUR_RECIPIENT_LABELS),
    ("honour", "recipient"): Field("获奖者"),
    ("honour", "awarded_on"): Field("获奖日期"),
}


@dataclass(frozen=True)
class Reference:
    """A table entries point to by id (a Field's reference): its id column, the column people know a row by,
    and its school."""

    id: Column[int]
    name: Column[str]
    school_id: Column[int | None]


# the column people know a referenced row by, where it is not ``name``
KNOWN_BY = {"user_account": "display_name", "activity": "title", "family": "code"}


def _reference(table: str) -> Reference:
    columns = Base.metadata.tables[table].c
    return Reference(columns.id, columns[KNOWN_BY.get(table, "name")], columns.school_id)


REFERENCES: dict[str, Reference] = {
    field.reference: _reference(field.reference)
    for field in (*FIELDS.values(), *FIELDS_BY_ENTITY.values())
    if field.reference is not None
}

# bookkeeping nobody reads in a change: ids, keys, who typed it (the 用户 column says), technical timestamps
HIDDEN = frozenset(
    {
        "id",
        "school_id",
        "created_at",
        "updated_at",
        "deleted_at",
        "created_by",
        "entered_by",
        "submission_key",
        "password_hash",
        "session_version",
        "sessions_valid_from",
        "last_login_at",
        "failed_logins",
        "locked_until",
    }
)
# per-class figures kept as {class id: number}: an activity's attendance by class
CLASS_MAPS = {"classes"}
CLASS_MAP_ENTITIES = {"activity_class"}


def field_of(entity: str, key: str) -> Field:
    """How a column of a table is shown (a column unknown here: by its own name)."""
    return FIELDS_BY_ENTITY.get((entity, key)) or FIELDS.get(key) or Field(key)


# what an entry did (AuditLog.action)
AUDIT_ACTIONS = {
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "confirm": "确认",
    "denied": "被拒绝",
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "import": "导入",
    "view": "查看",
    "export": "导出",
    "erase": "删除个人信息",
}
# the tables entries are about that the entry forms and settings write
AUDIT_ENTITIES = {
    "communication": "沟通记录",
    "parent_request": "家长诉求",
    "volunteer_record": "志愿服务",
    "activity": "协同活动",
    "activity_class": "活动到场",
    "moral_score": "德育评分",
    "satisfaction_result": "满意度",
    "user_account": "账户",
    "school_year": "学年",
    "term": "学期",
    "school_class": "班级",
    "staff": "教职工",
    "class_assignment": "任课安排",
    "category": "类别",
    "partner": "合作单位",
    "moral_scheme": "德育评价设置",
    "target": "目标",
    "school": "学校设置",
    "promotion": "升年级",
    "export": "个人信息导出",
    "notify_channel": "消息渠道",
    "notify_schedule": "消息提醒时间",
    "work_rule": "工作要求",
    "report_text": "学期报告文字",
    "honour": "荣誉",
}
