"""The school's own words: one place for the Chinese terms hxgy shows.

Code and identifiers are English; what a principal or teacher reads is here.
"""

from __future__ import annotations

from datetime import date

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
# the school's lists (设置 → 类别), in the order the settings page offers them (kinds: hxgy.models.CATEGORY_KINDS)
CATEGORY_KIND_LABELS: dict[str, str] = {
    "channel": "沟通方式",
    "topic": "沟通内容",
    "volunteer_activity": "志愿项目",
    "activity_type": "活动类型",
    "request_channel": "诉求渠道",
    "request_category": "诉求类别",
    "partner_type": "合作单位类型",
}


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


def term_short_name(start: date) -> str:
    """A term as a chart's axis names it: 2025秋季 (a term that begins in August or later), 2026春季."""
    return f"{start.year}{'秋季' if start.month >= 8 else '春季'}"


# 各学期趋势 and 同比 on the measure pages (hxgy.ui.trends)
TREND_LABELS: dict[str, str] = {
    "title": "各学期趋势",
    "term": "学期",
    "series": "图例",
    "value": "实际",
    "target": "目标",
    "measure": "指标",
    "running": "进行中，截至今天",
}
YEAR_ON_YEAR = "同比"


# Column headers shown for the frames of figures (hxgy.metrics, hxgy.ui.details) when a page or file shows them.
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
    "open_requests": "待答复诉求",
}

MEASURE_LABELS: dict[str, str] = {
    "contact_coverage": "沟通覆盖率",
    "home_visit_coverage": "家访覆盖率",
    "contacts_per_family": "户均沟通次数",
    "contacts_per_week": "周均沟通次数",
    "response_on_time": "诉求按时答复率",
    "volunteer_hours": "志愿服务时长",
    "volunteer_participation": "家长志愿参与率",
    "hours_per_family": "户均志愿时长",
    "moral_good_rate": "德育优良率",
    "moral_completion": "德育评价完成率",
    "moral_average": "德育平均分",
    "satisfaction": "家长满意度",
    "activities": "协同活动场次",
    "parent_attendance": "家长到场率",
}

STATUS_LABELS: dict[str, str] = {
    "green": "达标",
    "amber": "接近目标",
    "red": "未达标",
    "grey": "无目标或无数据",
    "incomplete": "评价未完成",  # 德育 rates while too few students are scored (school.moral_completion_min)
}

REQUEST_STATUS_LABELS: dict[str, str] = {
    "on_time": "按时答复",
    "late": "超时答复",
    "overdue": "超时未答复",
    "pending": "待答复（未超时）",
}

SCOPE_LABELS: dict[str, str] = {"school": "全校", "grade": "年级", "class": "班级"}

NO_DATA = "无数据"

# which term a record dated in a holiday counts for (school.holiday_records)
HOLIDAY_POLICY_LABELS: dict[str, str] = {
    "next": "计入下一学期（暑期家访计入秋季学期）",
    "previous": "计入上一学期",
    "refuse": "不接受假期日期的记录",
}

COLUMN_LABELS.update(
    {
        **MEASURE_LABELS,
        "class_no": "班号",
        "contacts": "沟通次数",
        "individual_contacts": "个别沟通次数",
        "requests": "家长诉求",
        "requests_on_time": "按时答复",
        "requests_due": "应答复诉求",
        "volunteer_families": "参与家庭",
        "moral_evaluated": "参评学生",
        "moral_good": "优良学生",
        "moral_scored": "教师评完成学生",
        "satisfaction_respondents": "满意度答卷",
        "satisfaction_satisfied": "满意答卷",
        "class_activities": "参与活动场次",
        "parents_attended": "家长到场人次",
        "attendance_base": "应到家长人次",
        "student_no": "学号",
        "student_name": "学生",
        "guardian_name": "家长",
        "relation": "关系",
        "child_name": "孩子",
        "rank": "名次",
        "channel_name": "沟通方式",
        "activity_name": "志愿项目",
        "type_name": "活动类型",
        "title": "活动名称",
        "activity_date": "日期",
        "scope": "范围",
        "partner_name": "合作单位",
        "partner_type": "单位类型",
        "students_count": "参与学生",
        "parents_count": "参与家长",
        "families_count": "参与家庭",
        "outcome": "成效",
        "received_at": "收到时间",
        "category_name": "类别",
        "status": "状态",
        "hours": "用时(小时)",
        "week": "周",
        "month": "月份",
        "level": "等级",
        "dimension_name": "维度",
        "rater_name": "评价主体",
        "average": "平均分",
        "ratings": "评分数",
        "latest": "最近一次",
        "titles": "开展的活动",
        "target": "目标",
        "value": "数值",
        "measure": "指标",
        "refreshed_at": "数据更新时间",
    }
)

# the parts of the term report the dean writes (hxgy.models.community.REPORT_PARTS), as the 学期报告 page names them
REPORT_PART_LABELS: dict[str, str] = {
    "title": "报告标题",
    "measures": "工作举措与成效",
    "cases": "典型案例",
    "plan": "下一步工作计划",
    "signer": "落款单位",
    "signed_on": "落款日期",
}

# who received an honour (hxgy.models.community.HONOUR_RECIPIENTS)
HONOUR_RECIPIENT_LABELS: dict[str, str] = {
    "school": "学校",
    "class": "班级",
    "staff": "教师",
    "parent": "家长",
    "student": "学生",
}
