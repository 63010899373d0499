"""How figures are written for people: 96.5%, 1,412, 12.5 小时, 无数据."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from hxgy.glossary import NO_DATA
from hxgy.metrics.measures import measure


def missing(value: float | None) -> bool:
    """True for None or NaN (no data)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def percent(value: float | None, digits: int = 1) -> str:
    """0.9655 → 96.6%."""
    return NO_DATA if value is None or missing(value) else f"{value * 100:.{digits}f}%"


def number(value: float | None, digits: int = 1) -> str:
    """1412 → 1,412; 12.50 → 12.5."""
    if missing(value):
        return NO_DATA
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fixed(value: float, digits: int) -> str:
    """1412 → 1,412; 2.91 → 2.9 (digits=1): always ``digits`` decimals."""
    return f"{value:,.{digits}f}"


def _with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit else text


def measure_value(key: str, value: float | None) -> str:
    """A measure with its own precision and unit, the same on every page, slide, report and file.

    96.5%, 2.9 次, 366.5 小时, 89.8 分, 6 场 (the precision is the measure's ``digits``).
    """
    m = measure(key)
    if value is None or missing(value):
        return NO_DATA
    if m.is_rate:
        return percent(value, m.digits)
    return _with_unit(_fixed(float(value), m.digits), m.unit)


def target_value(key: str, value: float | None) -> str:
    """A target as the school typed it: 100%, 3 次, 95.5%, 10 场 (no padding zeros)."""
    m = measure(key)
    if value is None or missing(value):
        return NO_DATA
    if m.is_rate:
        return f"{number(value * 100, m.digits + 1)}%"
    return _with_unit(number(value, m.digits + 1), m.unit)


def measure_delta(key: str, now: float | None, before: float | None) -> str | None:
    """The change against a comparison: percentage points for rates, the measure's own precision otherwise."""
    if missing(now) or missing(before):
        return None
    m = measure(key)
    diff = (m.rounded(now) or 0.0) - (m.rounded(before) or 0.0)
    if round(diff * (100 if m.is_rate else 1), m.digits) == 0:
        return UNCHANGED
    if m.is_rate:
        return f"{diff * 100:+.{m.digits}f} 个百分点"
    return _with_unit(f"{diff:+,.{m.digits}f}", m.unit)


UNCHANGED = "持平"


def excel_format(key: str) -> str:
    """The Excel number format of a measure: 0.0% for rates, 0.0 or 0 by the measure's precision."""
    m = measure(key)
    decimals = "." + "0" * m.digits if m.digits else ""
    return f"0{decimals}%" if m.is_rate else f"0{decimals}"


def name_list(names: list[str], limit: int = 8) -> str:
    """一(1)班、一(2)班… — at most ``limit`` names, then an ellipsis."""
    shown = "、".join(names[:limit])
    return shown + ("…" if len(names) > limit else "")


BEIJING_OFFSET = timedelta(hours=8)

MASK_CHARS = "*＊"  # how a masked phone hides its digits (the full-width star too, as some input methods type it)
_LANDLINE = re.compile(r"(0\d{2,3})[-\s]?(\d{7,8})")  # 0571-88886666, 010 12345678


def mask_phone(phone: str) -> str:
    """A phone number as every screen and most exports show it, the one rule for all of them.

    - a mobile (11 digits from 1, a +86 / 86 in front kept): 138****5678, +86 138****5678;
    - a landline with its area code: 0571-****6666 (the area code and the last four digits);
    - any other text with 7 or more digits (extensions, brackets, odd forms): every digit but the last four
      becomes *, separators dropped: 05718888666612 → **********6612;
    - fewer than 7 digits (a short number or a part of one): every digit becomes *;
    - text without a digit: ****; blank stays blank.
    """
    text = phone.strip()
    if not text:
        return ""
    digits = "".join(ch for ch in text if ch.isdigit())
    prefix = ""
    if len(digits) == 13 and digits.startswith("861"):
        prefix, digits = "+86 ", digits[2:]
    if len(digits) == 11 and digits[0] == "1":
        return f"{prefix}{digits[:3]}****{digits[-4:]}"
    landline = _LANDLINE.fullmatch(text)
    if landline:
        area, local = landline.groups()
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    if len(digits) >= 7:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "*" * len(digits) if digits else "****"


def is_masked_phone(text: str) -> bool:
    """Whether a phone cell holds a number as mask_phone shows it (a * where digits were), not a whole number."""
    return any(ch in MASK_CHARS for ch in text)


def same_masked_phone(masked: str, phone: str) -> bool:
    """Whether ``masked`` is how mask_phone shows ``phone`` (spaces, hyphens and full-width stars aside)."""

    def plain(text: str) -> str:
        return "".join(ch for ch in text.replace("＊", "*") if not ch.isspace() and ch != "-")

    return bool(phone.strip()) and plain(masked) == plain(mask_phone(phone))


def beijing_time(utc: datetime) -> str:
    """A UTC timestamp (as stored) in Beijing time: 2026-11-23 06:22."""
    return f"{utc + BEIJING_OFFSET:%Y-%m-%d %H:%M}"


def class_attendance_note(totals: dict[str, int | None]) -> str | None:
    """Below the school, what the activity totals leave out (None for the whole school or nothing left out)."""
    if totals.get("families") is not None:
        return None
    text = "按所选班级的到场人数统计，全校性活动只计这些班级的到场人数"
    missing_figures = totals.get("without_class_figures") or 0
    if missing_figures:
        text += f"；其中 {missing_figures} 场未按班级登记到场人数，只计场次、不计人数"
    return text


def holiday_note(counted: dict[str, int]) -> str | None:
    """含暑期家访 12 次（假期记录共 15 条，计入本学期） — None when the period counts no holiday record."""
    if not counted.get("contacts"):
        return None
    season = "暑期" if counted.get("summer") else "寒假"
    if not counted.get("home_visits"):
        return f"含{season}沟通记录 {counted['contacts']} 条（计入本学期）"
    return f"含{season}家访 {counted['home_visits']} 次（假期沟通记录共 {counted['contacts']} 条，计入本学期）"
