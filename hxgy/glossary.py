"""The school's own words: one place for the Chinese terms hxgy shows.

Code and identifiers are English; what a principal or teacher reads is here.
"""

from __future__ import annotations

GRADE_NUMERALS = "一二三四五六七八九"

ROLE_LABELS: dict[str, str] = {
    "admin": "管理员",
    "district": "教育局",
    "principal": "校长",
    "dean": "德育主任",
    "head_teacher": "班主任",
    "teacher": "任课教师",
    "meeting": "会议投屏",
}

DIRECTION_LABELS: dict[str, str] = {"to_home": "学校→家庭", "to_school": "家庭→学校"}

TERM_NO_LABELS: dict[int, str] = {1: "第一学期", 2: "第二学期"}

ASSIGNMENT_ROLE_LABELS: dict[str, str] = {"head_teacher": "班主任", "subject_teacher": "任课教师"}


def grade_name(grade_level: int) -> str:
    """一年级 … 六年级."""
    return f"{GRADE_NUMERALS[grade_level - 1]}年级"


def class_name(grade_level: int, class_no: int) -> str:
    """The name schools write, e.g. 三(2)班."""
    return f"{GRADE_NUMERALS[grade_level - 1]}({class_no})班"


def school_year_name(start_year: int) -> str:
    """e.g. 2025-2026学年."""
    return f"{start_year}-{start_year + 1}学年"


def term_name(start_year: int, term_no: int) -> str:
    """e.g. 2025-2026学年第一学期."""
    return school_year_name(start_year) + TERM_NO_LABELS[term_no]


# Column headers shown for the DataFrames that hxgy.queries return.
COLUMN_LABELS: dict[str, str] = {
    "class_name": "班级",
    "grade_level": "年级",
    "grade_name": "年级",
    "school_name": "学校",
    "term_name": "学期",
    "classes": "班级数",
    "students": "学生数",
    "staff": "教职工",
    "communications": "沟通记录",
    "contacted_students": "已沟通学生",
    "visited_students": "已家访学生",
    "home_visits": "家访记录",
    "volunteer_records": "志愿服务人次",
    "volunteer_hours": "志愿时长(小时)",
    "activities": "协同活动",
    "open_requests": "待答复诉求",
}
