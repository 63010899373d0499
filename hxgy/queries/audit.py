"""The 操作日志's 变化 column as a Chinese sentence: field labels, names instead of ids, values as people write them.

An audit entry keeps the record before and after a change as JSON of the row's columns (``hxgy.entry.rules.audit``),
e.g. ``{"class_id": 12, "duration_min": 30}``. ``describe_changes`` turns a page of entries into lines such as
"班级：三(2)班 → 三(3)班；时长：30 → 45 分钟": the ids of classes, students, staff, lists, terms … are looked up
once for the whole page (only within the school), and a field nobody needs to read (ids, keys, timestamps of the
bookkeeping) is left out.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import formats
from hxgy.entry.settings import CATEGORY_KINDS, RATE_TARGETS
from hxgy.glossary import (
    ASSIGNMENT_ROLE_LABELS,
    DIRECTION_LABELS,
    MEASURE_LABELS,
    ROLE_LABELS,
    SCOPE_LABELS,
    TERM_NO_LABELS,
    grade_name,
)
from hxgy.models import (
    Activity,
    Category,
    Family,
    Guardian,
    MoralDimension,
    MoralRater,
    Partner,
    SchoolClass,
    SchoolYear,
    Staff,
    Student,
    Term,
    UserAccount,
)
from hxgy.queries.entry import AUDIT_ENTITIES

EMPTY = "（空）"
SEPARATOR = "；"

# what each referenced table is called by: its model and the column people know it by
REFERENCES: dict[str, tuple[type, str]] = {
    "school_class": (SchoolClass, "name"),
    "student": (Student, "name"),
    "staff": (Staff, "name"),
    "category": (Category, "name"),
    "guardian": (Guardian, "name"),
    "partner": (Partner, "name"),
    "user_account": (UserAccount, "display_name"),
    "term": (Term, "name"),
    "school_year": (SchoolYear, "name"),
    "moral_dimension": (MoralDimension, "name"),
    "moral_rater": (MoralRater, "name"),
    "activity": (Activity, "title"),
    "family": (Family, "code"),
}


@dataclass(frozen=True)
class Field:
    """How a column is shown: its label, the table its ids point to, its words for codes, its unit."""

    label: str
    reference: str | None = None
    words: Mapping[Any, str] | None = None
    unit: str = ""
    utc: bool = False  # a timestamp kept in UTC (bookkeeping), shown in Beijing time


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
    "phone": Field("电话"),
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
    "kind": Field("列表", words=CATEGORY_KINDS),
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
}

# a column whose meaning depends on the table it belongs to
FIELDS_BY_ENTITY: dict[tuple[str, str], Field] = {
    ("staff", "name"): Field("姓名"),
    ("staff", "title"): Field("职务"),
    ("student", "name"): Field("姓名"),
    ("guardian", "name"): Field("姓名"),
    ("activity", "title"): Field("活动名称"),
    ("school_class", "name"): Field("班级"),
    ("school_year", "name"): Field("学年"),
    ("term", "name"): Field("学期"),
    ("activity_class", "activity_id"): Field("活动", "activity"),
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


def _field(entity: str, key: str) -> Field:
    return FIELDS_BY_ENTITY.get((entity, key)) or FIELDS.get(key) or Field(key)


def _load(text: object) -> dict[str, Any]:
    """A stored before/after (JSON text; pandas gives NaN or None for a missing one) as a dict."""
    if not isinstance(text, str) or not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


class Names:
    """Names of the rows the entries refer to, looked up once per table, only within the school."""

    def __init__(self, wanted: Mapping[str, set[int]], session: Session | None = None, school_id: int | None = None):
        self.names: dict[str, dict[int, str]] = {}
        if session is None:
            return
        for reference, ids in wanted.items():
            if not ids:
                continue
            model, column = REFERENCES[reference]
            stmt = select(model.id, getattr(model, column)).where(model.id.in_(sorted(ids)))
            if hasattr(model, "school_id") and school_id is not None:
                stmt = stmt.where(model.school_id == school_id)
            self.names[reference] = {int(i): str(n) for i, n in session.execute(stmt)}

    def of(self, reference: str, value: object) -> str:
        ident = _int(value)
        if ident is None:
            return str(value)
        return self.names.get(reference, {}).get(ident, f"（编号 {ident}）")


def _time(text: str, *, utc: bool) -> str:
    moment = datetime.fromisoformat(text)
    if utc:
        moment = moment + formats.BEIJING_OFFSET
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def _value(field: Field, key: str, value: object, names: Names) -> str:
    """One value as people read it (without the unit)."""
    if value is None or value == "":
        return EMPTY
    if field.reference is not None:
        return names.of(field.reference, value)
    if field.words is not None and isinstance(value, str | int) and value in field.words:
        return field.words[value]  # type: ignore[index]
    if isinstance(value, bool):
        return YES_NO[value]
    if key == "grade_level" and _int(value) is not None:
        return grade_name(int(value))  # type: ignore[arg-type]
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            if len(value) == 10:
                day = date.fromisoformat(value)
                return f"{day.year}年{day.month}月{day.day}日"
            return _time(value, utc=field.utc)
        except ValueError:
            return value
    if isinstance(value, dict):
        return "、".join(f"{k} {_value(Field(str(k)), str(k), v, names)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_value(Field(key), key, v, names) for v in value)
    return str(value)


def _with_unit(text: str, field: Field) -> str:
    if not field.unit or text == EMPTY:
        return text
    return f"{text}{field.unit}" if field.unit == "%" else f"{text} {field.unit}"


def _target_value(old: Mapping[str, Any], new: Mapping[str, Any]) -> Field:
    """A target's value is named by its measure: 家访覆盖率目标 90%, rates typed as percentages."""
    measure = new.get("measure") or old.get("measure")
    if not isinstance(measure, str) or measure not in MEASURE_LABELS:
        return FIELDS["value"]
    return Field(f"{MEASURE_LABELS[measure]}目标", unit="%" if measure in RATE_TARGETS else "")


def _class_map(entity: str, key: str, old: object, new: object, names: Names, action: str) -> list[str]:
    """Per-class attendance ({class id: parents}) as 三(1)班 到场家长 12 人, only the classes that changed."""
    before = old if isinstance(old, dict) else {}
    after = new if isinstance(new, dict) else {}
    parts = []
    for class_id in dict.fromkeys([*before, *after]):
        if action == "update" and before.get(class_id) == after.get(class_id):
            continue
        name = names.of("school_class", class_id)
        was, now = before.get(class_id), after.get(class_id)
        shown = [("未填" if v is None else f"{v:g} 人" if isinstance(v, float) else f"{v} 人") for v in (was, now)]
        if action == "update" and class_id in before and class_id in after:
            parts.append(f"{name} 到场家长：{shown[0]} → {shown[1]}")
        else:
            parts.append(f"{name} 到场家长：{shown[1] if class_id in after else shown[0]}")
    return parts


def describe_change(entity: str, action: str, before: object, after: object, names: Names | None = None) -> str:
    """One entry's change: 字段：旧 → 新 for an update, 字段：值 for what was created or deleted."""
    names = names or Names({})
    old, new = _load(before), _load(after)
    if entity in CLASS_MAP_ENTITIES:
        return SEPARATOR.join(_class_map(entity, "", old, new, names, action))
    one_sided = not old or not new or action == "delete"
    shown = old if action == "delete" and old else new or old
    parts: list[str] = []
    for key in dict.fromkeys([*old, *new]):
        if key in HIDDEN:
            continue
        if key in CLASS_MAPS and isinstance((new or old).get(key), dict):
            parts += _class_map(entity, key, old.get(key), new.get(key), names, "create" if one_sided else action)
            continue
        field = _target_value(old, new) if (entity, key) == ("target", "value") else _field(entity, key)
        if one_sided:
            if key not in shown:
                continue
            parts.append(f"{field.label}：{_with_unit(_value(field, key, shown[key], names), field)}")
            continue
        was, now = old.get(key), new.get(key)
        if was == now:
            continue
        if isinstance(was, dict) and isinstance(now, dict):  # e.g. the 德育 weights: {评价主体: weight}
            for inner in dict.fromkeys([*was, *now]):
                if was.get(inner) != now.get(inner):
                    a, b = (_value(Field(inner), inner, v, names) for v in (was.get(inner), now.get(inner)))
                    parts.append(f"{field.label}·{inner}：{a} → {b}")
            continue
        a, b = (_value(field, key, v, names) for v in (was, now))
        if field.unit == "%":  # 100% → 90%, where 30 → 45 分钟 names its unit once
            a = _with_unit(a, field)
        parts.append(f"{field.label}：{a} → {_with_unit(b, field)}")
    return SEPARATOR.join(parts)


def _references(entity: str, entries: Iterable[dict[str, Any]]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for record in entries:
        for key, value in record.items():
            if entity in CLASS_MAP_ENTITIES or (key in CLASS_MAPS and isinstance(value, dict)):
                keys = value.keys() if isinstance(value, dict) else [key]
                wanted["school_class"].update(i for i in map(_int, keys) if i is not None)
                continue
            field = _field(entity, key)
            if field.reference is not None and _int(value) is not None:
                wanted[field.reference].add(int(value))  # type: ignore[arg-type]
    return wanted


def describe_changes(session: Session, school_id: int | None, log: pd.DataFrame) -> list[str]:
    """The 变化 of every entry of an audit page (columns entity, action, before, after), names looked up at once."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entity, before, after in zip(log["entity"], log["before"], log["after"], strict=True):
        for reference, ids in _references(str(entity), [_load(before), _load(after)]).items():
            wanted[reference] |= ids
    names = Names(wanted, session, school_id)
    return [
        describe_change(str(entity), str(action), before, after, names)
        for entity, action, before, after in zip(log["entity"], log["action"], log["before"], log["after"], strict=True)
    ]


_DETAILS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"page (\w+)"), lambda m: f"打开“{_page_title(m[1])}”页面"),
    (re.compile(r"password reset"), lambda m: "重置密码"),
    (re.compile(r"password changed"), lambda m: "修改密码"),
    (re.compile(r"client=(\S*) failures=(\d+)"), lambda m: f"来自 {m[1]}，连续失败 {m[2]} 次"),
    (re.compile(r"username=(\S*) role=(\S*)"), lambda m: f"用户名 {m[1]}，角色 {ROLE_LABELS.get(m[2], m[2])}"),
)


def _page_title(key: str) -> str:
    from hxgy.navigation import PAGES_BY_KEY

    page = PAGES_BY_KEY.get(key)
    return page.title if page else key


# what an entry is about; the import kinds' tables too (hxgy.transfer.kinds), which AUDIT_ENTITIES leaves out
ENTITY_LABELS = {
    **AUDIT_ENTITIES,
    "student": "学生",
    "guardian": "家长",
    "family": "家庭",
    "partner": "合作单位",
    "enrolment": "在班记录",
}


def entity_label(entity: object) -> str:
    """What an entry is about, in Chinese ('' for a sign-in or a refusal, which are about no record)."""
    if not isinstance(entity, str) or not entity:
        return ""
    return ENTITY_LABELS.get(entity, entity)


def describe_detail(detail: object) -> str:
    """An entry's 说明 in Chinese: the few notes written in English by the sign-in code become words."""
    if not isinstance(detail, str):
        return ""
    for pattern, words in _DETAILS:
        match = pattern.fullmatch(detail)
        if match:
            return words(match)
    return detail
