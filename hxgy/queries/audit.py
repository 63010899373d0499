"""The 操作日志: its entries (``audit_entries``) and their 变化 and 说明 as Chinese sentences.

The 变化 column reads as people write: field labels, names instead of ids, values with their units.

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
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import formats
from hxgy.glossary import MEASURE_LABELS, ROLE_LABELS, grade_name
from hxgy.metrics.measures import is_rate
from hxgy.models import AuditLog
from hxgy.queries.audit_fields import (
    AUDIT_ENTITIES,
    CLASS_MAP_ENTITIES,
    CLASS_MAPS,
    FIELDS,
    HIDDEN,
    REFERENCES,
    YES_NO,
    Field,
    field_of,
)

EMPTY = "（空）"
SEPARATOR = "；"


def _load(text: object) -> dict[str, Any]:
    """A stored before/after (JSON text; pandas gives NaN or None for a missing one) as a dict."""
    if not isinstance(text, str) or not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def _int(value: object) -> int | None:
    """A stored id as a number (JSON may keep it as text, e.g. the keys of a per-class map), else None."""
    if not isinstance(value, int | float | str):
        return None
    try:
        return int(value)
    except ValueError:
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
            table = REFERENCES[reference]
            stmt = select(table.id, table.name).where(table.id.in_(sorted(ids)))
            if school_id is not None:
                stmt = stmt.where(table.school_id == school_id)
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
    if field.phone:
        return formats.mask_phone(str(value))
    if field.reference is not None:
        return names.of(field.reference, value)
    if field.words is not None and isinstance(value, str | int) and value in field.words:
        return field.words[value]
    if isinstance(value, bool):
        return YES_NO[value]
    grade = _int(value) if key == "grade_level" else None
    if grade is not None:
        return grade_name(grade)
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
    return Field(f"{MEASURE_LABELS[measure]}目标", unit="%" if is_rate(measure) else "")


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


def audit_entries(
    session: Session, school_id: int, *, start: date, end: date, action: str | None = None, limit: int = 500
) -> pd.DataFrame:
    """The school's audit log between two days (Beijing time), newest first: who, when, what, before and after."""
    first = datetime.combine(start, datetime.min.time()) - formats.BEIJING_OFFSET
    after_last = datetime.combine(end, datetime.min.time()) + timedelta(days=1) - formats.BEIJING_OFFSET
    stmt = (
        select(
            AuditLog.at,
            AuditLog.username,
            AuditLog.action,
            AuditLog.entity,
            AuditLog.entity_id,
            AuditLog.detail,
            AuditLog.before,
            AuditLog.after,
        )
        .where(
            AuditLog.school_id == school_id,
            AuditLog.at >= first,
            AuditLog.at < after_last,
        )
        .order_by(AuditLog.id.desc())
        .limit(limit)
    )
    if action is not None:
        stmt = stmt.where(AuditLog.action == action)
    columns = ["at", "username", "action", "entity", "entity_id", "detail", "before", "after"]
    return pd.DataFrame(session.execute(stmt).all(), columns=columns)


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
        field = _target_value(old, new) if (entity, key) == ("target", "value") else field_of(entity, key)
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
        if field.phone and a == b:  # the change is in the digits the mask hides
            b += "（隐去的数位有改动）"
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
            field = field_of(entity, key)
            ident = _int(value)
            if field.reference is not None and ident is not None:
                wanted[field.reference].add(ident)
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
