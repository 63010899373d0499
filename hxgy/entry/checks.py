"""The rules a record's values keep, one function each, shared by the forms (hxgy.entry.records) and the importer
(hxgy.transfer.rows): each returns the value as stored, or raises ValueRefused with the Chinese message both show.

The form names the field (时长：应在 1 到 600 分钟之间), the importer the row and column (第 3 行，H 列“时长(分钟)”：…);
the message after it is the same. tests/unit/test_one_validation.py runs one table of cases through both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

MAX_HOURS_A_DAY = 12.0  # a guardian's volunteer hours on one day
MAX_DURATION_MIN = 600  # one contact with a family, in minutes
NOT_GIVEN = "必须填写"


class ValueRefused(ValueError):
    """A value a rule refuses; the message says why, in Chinese, without naming the field or the row."""


def noted(note: Callable[[str], object], rule: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
    """A value through one of these rules; refused: the message given to ``note`` (the form's field, the
    importer's cell), None."""
    try:
        return rule(*args, **kwargs)
    except ValueRefused as refused:
        note(str(refused))
        return None


def contact_minutes(minutes: float | None, written: str = "") -> int | None:
    """How long a contact took: whole minutes, 1 to MAX_DURATION_MIN; None when not given."""
    if minutes is None:
        return None
    if not float(minutes).is_integer():
        raise ValueRefused(f"“{written or minutes}”应是整数分钟")
    if not 1 <= minutes <= MAX_DURATION_MIN:
        raise ValueRefused(f"应在 1 到 {MAX_DURATION_MIN} 分钟之间")
    return int(minutes)


def class_wide_refusal(channel_name: str, allowed: Sequence[str]) -> str:
    """Why a record without a student may not use this channel."""
    choices = "、".join(allowed) if allowed else "（本校尚未指定，请在 设置 → 类别 → 沟通方式 中勾选）"
    return f"“{channel_name}”是面向一户家庭的沟通方式，必须选择学生；面向全班的沟通只能用：{choices}"


def contact_reaches(channel_name: str, class_wide: bool, has_student: bool, allowed: Sequence[str]) -> None:
    """A contact without a student is for the whole class: only a class-wide channel (班级群) does that; a 家访 or
    a call reaches one family. ``allowed``: the school's class-wide channels, named in the message."""
    if not has_student and not class_wide:
        raise ValueRefused(class_wide_refusal(channel_name, allowed))


def volunteer_hours(hours: float | None) -> float:
    """A guardian's hours on one day: more than 0, at most MAX_HOURS_A_DAY."""
    if hours is None:
        raise ValueRefused(NOT_GIVEN)
    if not 0 < hours <= MAX_HOURS_A_DAY:
        raise ValueRefused(f"应大于 0 且不超过 {MAX_HOURS_A_DAY:g} 小时（一天）")
    return float(hours)


def reply_time(received: datetime | None, replied: datetime | None, today: date) -> datetime | None:
    """When a request was answered: not before it was received, not after today."""
    if replied is None:
        return None
    if received is not None and replied < received:
        raise ValueRefused("不能早于收到时间")
    if replied.date() > today:
        raise ValueRefused("不能晚于今天")
    return replied


def reply_without_time(replied: datetime | None, reply: str) -> None:
    """A reply's text and its time come together: refused when the text is given without the time."""
    if reply and replied is None:
        raise ValueRefused("填写了答复内容，也要填写答复时间")


def time_without_reply(replied: datetime | None, reply: str) -> None:
    """Refused when the time of a reply is given without its text."""
    if replied is not None and not reply:
        raise ValueRefused("填写了答复时间，也要填写答复内容")


def moral_score(score: float) -> float:
    """A 德育 score: 0 to 100. The grid says whose score it is before the message, the importer 分数."""
    if math.isnan(score) or not 0 <= score <= 100:
        raise ValueRefused("应在 0 到 100 之间")
    return float(score)


def at_least(value: int | None, low: int) -> int | None:
    """A count (人数, 人次) that may be left blank; when given, not below ``low``."""
    if value is not None and value < low:
        raise ValueRefused(f"不能小于 {low}")
    return value


def respondents(count: int | None) -> int:
    """How many answered a survey: at least 1."""
    if count is None:
        raise ValueRefused(NOT_GIVEN)
    return int(at_least(count, 1) or 0)


def satisfied(count: int | None, answered: int | None) -> int:
    """How many of them were satisfied: 0 to the number who answered."""
    if count is None:
        raise ValueRefused(NOT_GIVEN)
    at_least(count, 0)
    if answered is not None and count > answered:
        raise ValueRefused(f"满意人数 {count} 多于答卷人数 {answered}（不能多于答卷人数）")
    return count
