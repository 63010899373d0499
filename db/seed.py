"""Default settings every new school starts with; a dean can change all of them."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from hxgy.models import Category, MoralDimension, MoralLevel, MoralRater, WorkRule
from hxgy.models.school_setup import CLASS_WIDE_CHANNEL_CODES

# kind -> [(code, name)], from the vocabulary of the schools' own documents
DEFAULT_CATEGORIES: dict[str, list[tuple[str, str]]] = {
    "channel": [
        ("home_visit", "家访"),
        ("phone", "电话"),
        ("wechat", "微信/班级群"),
        ("face_to_face", "面谈"),
        ("parent_meeting", "家长会"),
        ("online", "线上平台"),
        ("contact_book", "家校联系本"),
    ],
    "topic": [
        ("study", "学习情况"),
        ("behaviour", "行为习惯"),
        ("health", "身心健康"),
        ("safety", "安全教育"),
        ("family_education", "家庭教育指导"),
        ("notice", "通知事项"),
        ("other", "其他"),
    ],
    "volunteer_activity": [
        ("gate_duty", "护学岗"),
        ("event_help", "活动协助"),
        ("open_day_duty", "开放日值班"),
        ("lunch_duty", "陪餐"),
        ("parent_class", "家长课堂"),
        ("community_service", "社区服务"),
        ("library", "图书管理"),
    ],
    "activity_type": [
        ("parent_meeting", "家长会"),
        ("parent_school", "家长学校"),
        ("open_day", "家长开放日"),
        ("parent_child", "亲子活动"),
        ("community_practice", "社区实践"),
        ("career", "职业启蒙"),
        ("lecture", "讲座"),
        ("committee", "家委会会议"),
    ],
    "request_channel": [
        ("principal_day", "校长接待日"),
        ("mailbox", "家长信箱"),
        ("online", "线上平台"),
        ("phone", "电话"),
        ("committee", "家委会"),
    ],
    "request_category": [
        ("teaching", "教育教学"),
        ("safety", "安全"),
        ("canteen", "食堂餐饮"),
        ("homework", "作业负担"),
        ("facilities", "校园设施"),
        ("other", "其他"),
    ],
    "partner_type": [
        ("community", "社区服务中心"),
        ("enterprise", "企事业单位"),
        ("venue", "文化场馆"),
        ("base", "校外实践基地"),
    ],
}

DEFAULT_DIMENSIONS = [
    ("civility", "文明礼仪"),
    ("responsibility", "责任担当"),
    ("integrity", "诚信友善"),
    ("patriotism", "爱国情怀"),
]
DEFAULT_RATERS = [("teacher", "教师评", 0.5), ("parent", "家长评", 0.3), ("self", "学生自评", 0.2)]
# (name, lowest total, counts toward 优良率)
DEFAULT_LEVELS = [("优秀", 90.0, True), ("良好", 80.0, True), ("合格", 60.0, False), ("待改进", 0.0, False)]

# 工作要求 every new school starts with (hxgy.compliance): (code, kind, flag, min_count, share %). From the rules
# schools are assessed on: 家访 every student every term, new students in their first term; 留守儿童, 单亲 and 困难家庭
# students contacted every month; at least two 家长学校 sessions a term, attended by 80% of families; every
# request answered within the school's limit
DEFAULT_RULES: list[tuple[str, str, str | None, int, float]] = [
    ("home_visit", "home_visit", None, 1, 100.0),
    ("new_student_visit", "new_student_visit", None, 1, 100.0),
    ("left_behind_contact", "flag_contact", "left_behind", 1, 100.0),
    ("single_parent_contact", "flag_contact", "single_parent", 1, 100.0),
    ("hardship_contact", "flag_contact", "hardship", 1, 100.0),
    ("guidance_sessions", "guidance_sessions", None, 2, 100.0),
    ("guidance_attendance", "guidance_attendance", None, 1, 80.0),
    ("request_reply", "request_reply", None, 1, 100.0),
]
IN_PERSON_CHANNEL_CODES = frozenset({"home_visit"})  # records on these count for the 家访 rules
GUIDANCE_ACTIVITY_CODES = frozenset({"parent_school"})  # sessions of these count for the 家长学校 rules

# measure -> default target for a term
DEFAULT_TARGETS: dict[str, float] = {
    "contact_coverage": 100.0,
    "home_visit_coverage": 100.0,
    "contacts_per_family": 3.0,
    "volunteer_participation": 60.0,
    "moral_good_rate": 90.0,
    "satisfaction": 95.0,
    "activities": 10.0,
    "response_on_time": 95.0,
}


def add_school_defaults(session: Session, *, school_id: int) -> None:
    """Give a new school the default categories, 德育 dimensions, raters and levels."""
    session.execute(
        insert(Category),
        [
            {
                "school_id": school_id,
                "kind": kind,
                "code": code,
                "name": name,
                "sort_order": i,
                # 微信/班级群, 家长会, 线上平台 may carry a class-wide record; 家访, 电话, 面谈 … reach one family
                "class_wide": kind == "channel" and code in CLASS_WIDE_CHANNEL_CODES,
                "in_person": kind == "channel" and code in IN_PERSON_CHANNEL_CODES,
                "guidance": kind == "activity_type" and code in GUIDANCE_ACTIVITY_CODES,
            }
            for kind, entries in DEFAULT_CATEGORIES.items()
            for i, (code, name) in enumerate(entries)
        ],
    )
    session.execute(
        insert(MoralDimension),
        [
            {"school_id": school_id, "code": code, "name": name, "sort_order": i}
            for i, (code, name) in enumerate(DEFAULT_DIMENSIONS)
        ],
    )
    session.execute(
        insert(MoralRater),
        [
            {"school_id": school_id, "code": code, "name": name, "weight": weight, "sort_order": i}
            for i, (code, name, weight) in enumerate(DEFAULT_RATERS)
        ],
    )
    session.execute(
        insert(MoralLevel),
        [
            {"school_id": school_id, "name": name, "min_score": low, "is_good": good}
            for name, low, good in DEFAULT_LEVELS
        ],
    )
    session.execute(
        insert(WorkRule),
        [
            {
                "school_id": school_id,
                "code": code,
                "kind": kind,
                "flag": flag,
                "min_count": count,
                "share": share,
                "enabled": True,
                "sort_order": i,
            }
            for i, (code, kind, flag, count, share) in enumerate(DEFAULT_RULES)
        ],
    )
