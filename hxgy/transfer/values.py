"""Reading one cell the way Chinese schools write it; each reader raises CellError with a Chinese reason."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta

from hxgy.glossary import GRADE_NUMERALS

EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's (1900) date serials
CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "对", "已确认", "需要"})
NO = frozenset({"否", "n", "no", "false", "0", "×", "", "不需要", "未确认"})


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in Chinese."""


# invisible characters that arrive with text copied from web pages, WeChat and Word: removed everywhere
INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u202a\u202b\u202c\u202d\u202e"
)
# spaces that are not the ordinary one (no-break, ideographic, thin …): made ordinary spaces
ODD_SPACES = "\u00a0\u2007\u202f\u3000\u2002\u2003\u2009\u200a\u205f\u1680\u2000\u2001\u2004\u2005\u2006\u2008"
HALF_WIDTH = str.maketrans(
    {
        **{ch: None for ch in INVISIBLE},
        **{ch: " " for ch in ODD_SPACES},
        **{chr(code): chr(code - 0xFEE0) for code in range(0xFF10, 0xFF1A)},
        **{chr(code): chr(code - 0xFEE0) for code in range(0xFF21, 0xFF3B)},
        **{chr(code): chr(code - 0xFEE0) for code in range(0xFF41, 0xFF5B)},
    }
)
# what a spreadsheet shows when a formula fails; such a cell is never read as a value
ERROR_VALUES = frozenset(
    {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)


def clean_text(value: object) -> str:
    """Text with full-width letters, digits and spaces made half-width, invisible characters (zero-width spaces,
    joiners, BOM) removed, other spaces made ordinary, and the ends trimmed.

    A whole number stored as a float (20261008.0) is written as the spreadsheet shows it (20261008).
    Chinese punctuation inside the text (，。（）) is kept as written.
    """
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            value = int(value)
    text = value if isinstance(value, str) else str(value)
    if text.isascii():
        return text.strip()
    return text.translate(HALF_WIDTH).strip()


def visible_text(value: object) -> str:
    """clean_text; empty for a cell holding only spaces or invisible characters."""
    return clean_text(value)


def is_error_value(text: str) -> bool:
    """Whether a cell shows a spreadsheet's error (#N/A, #REF!, #VALUE!, #DIV/0! …)."""
    return text[:1] == "#" and text.upper() in ERROR_VALUES


def _plain(value: object) -> str:
    """clean_text, with the full-width punctuation of numbers and dates (．－／：，) made half-width too."""
    return clean_text(value).translate(FULL_WIDTH_PUNCTUATION)


FULL_WIDTH_PUNCTUATION = str.maketrans("．－／：，", ".-/:,")


def normalise_header(value: object) -> str:
    """A header as compared: half-width, no spaces, no brackets around units, no * or (必填) marking required."""
    text = unicodedata.normalize("NFKC", clean_text(value))
    return HEADER_NOTE.sub("", re.sub(r"[\s*＊]", "", text))


HEADER_NOTE = re.compile(r"\((必填|选填|可不填|可选|必须填写)\)$")  # NFKC has made （） half-width


WEEKDAY = re.compile(r"[(（]?\s*(星期|周|礼拜)[一二三四五六日天]\s*[)）]?")
TIME_OF_DAY = re.compile(
    r"(?P<day>.+?)[\sT]*(?P<half>上午|中午|下午|晚上|早上|AM|PM|am|pm)?\s*"
    r"(?P<h>\d{1,2})\s*[:点时]\s*(?P<m>\d{1,2})?\s*分?(?::(?P<s>\d{2}))?\s*(?P<half2>AM|PM|am|pm)?"
)


def read_date(value: object) -> date | None:
    """A date from a real Excel date, a serial number, 20261008 typed as a number, or text: 2025-09-01, 2025/9/1,
    2025.9.1, 2025年9月1日, 2026年10月8日星期四, 20250901; a time after it (2026/10/8 下午3:00) is ignored."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None
        if float(value).is_integer() and 19000101 <= value <= 29991231:
            return _ymd(clean_text(value))  # typed as a number: 20261008
        return _serial(float(value), clean_text(value))
    text = _plain(value)
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _serial(float(text), text)
    day = WEEKDAY.sub("", text).strip()
    m = TIME_OF_DAY.fullmatch(day)
    if m and re.search(r"\d{4}\D+\d{1,2}\D+\d{1,2}", m["day"]):
        day = m["day"].strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?", day)
    if m:
        return _checked(int(m[1]), int(m[2]), int(m[3]), text)
    if re.fullmatch(r"\d{8}", day):
        return _ymd(day)
    raise CellError(f"“{text}”不是日期，请写成 2025-09-01 或 2025年9月1日")


def _ymd(text: str) -> date:
    return _checked(int(text[:4]), int(text[4:6]), int(text[6:8]), text)


def _checked(year: int, month: int, day: int, shown: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise CellError(f"“{shown}”不是存在的日期") from exc


def _serial(number: float, shown: str) -> date:
    if not 20000 <= number <= 80000:
        raise CellError(f"“{shown}”不是日期，请写成 2025-09-01 或 2025年9月1日")
    return EXCEL_EPOCH + timedelta(days=int(number))


def read_datetime(value: object) -> datetime | None:
    """A date with an optional time (2025-09-01 08:30, 2026/10/8 下午3:00 as WPS writes it); a date alone means
    08:00."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None
        if float(value).is_integer() and 19000101 <= value <= 29991231:
            return datetime.combine(_ymd(clean_text(value)), time(8, 0))
        serial_day = _serial(float(value), clean_text(value))
        seconds = round((float(value) % 1) * 86400)
        return datetime.combine(serial_day, time()) + timedelta(seconds=seconds)
    text = _plain(value)
    if not text:
        return None
    plain = WEEKDAY.sub("", text).strip()
    m = TIME_OF_DAY.fullmatch(plain)
    if not m or not re.search(r"\d{4}\D+\d{1,2}\D+\d{1,2}|^\d{8}$", m["day"].strip()):
        only_day = read_date(text)
        return datetime.combine(only_day, time(8, 0)) if only_day else None
    day = read_date(m["day"].strip())
    if day is None:  # the pattern above matched a date, so read_date found one
        return None
    hour, minute, second = int(m["h"]), int(m["m"] or 0), int(m["s"] or 0)
    half = (m["half"] or m["half2"] or "").upper()
    if half in ("下午", "晚上", "PM") and hour < 12:
        hour += 12
    elif half in ("上午", "早上", "AM") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        raise CellError(f"“{text}”的时间不对")
    return datetime.combine(day, time(hour, minute, second))


def read_number(value: object, *, integer: bool = False) -> float | None:
    """A number (full-width digits and thousands commas allowed); blank is None."""
    if isinstance(value, bool):
        raise CellError("应填数字")
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None
        number = float(value)
    else:
        text = _plain(value).replace(",", "")
        if not text:
            return None
        text = re.sub(r"(人次|人|名|位|户|个|次|分)$", "", text)  # a count's or a score's unit
        try:
            number = float(text)
        except ValueError as exc:
            raise CellError(f"“{clean_text(value)}”不是数字") from exc
    if math.isinf(number) or math.isnan(number):
        raise CellError("不是数字")
    if integer and not number.is_integer():
        raise CellError(f"“{number:g}”应是整数")
    return number


HOURS_WORD = r"(?:个)?(?:小时|钟头|h|hr|hrs|hour|hours)"
MINUTES_WORD = r"(?:分钟|分|min|mins|minute|minutes)"
DURATION = re.compile(
    rf"(?:(?P<h>\d+(?:\.\d+)?)?(?P<half>个半|半)?{HOURS_WORD})?(?:(?P<m>\d+(?:\.\d+)?){MINUTES_WORD})?"
)


def read_duration(value: object, unit: str) -> float | None:
    """A length of time in the column's unit ("min" or "hour"); a unit written in the cell wins over the column's:
    "10分钟" under 时长(小时) is 10 minutes (0.17 小时), "1小时" or "1.5h" under 时长(分钟) is 60 or 90 minutes."""
    if isinstance(value, int | float) or value is None:
        return read_number(value)
    text = _plain(value).replace(",", "").replace(" ", "").lower()
    if not text:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    m = DURATION.fullmatch(text)
    if not m or not (m["h"] or m["half"] or m["m"]):
        raise CellError(_not_a_duration(value, unit))
    hours = float(m["h"] or 0) + (0.5 if m["half"] else 0)
    if m["half"] == "半" and m["h"]:  # 1半小时 is not a way of writing
        raise CellError(_not_a_duration(value, unit))
    minutes = hours * 60 + float(m["m"] or 0)
    return minutes if unit == "min" else round(minutes / 60, 2)


def _not_a_duration(value: object, unit: str) -> str:
    example = "30（分钟）或 1.5小时" if unit == "min" else "1.5（小时）或 30分钟"
    return f"“{clean_text(value)}”不是数字，也不是写明单位的时长；请填 {example}"


def read_yes_no(value: object) -> bool:
    """是/否 (also Y/N, 1/0, √/×); blank is 否."""
    text = clean_text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(f"“{clean_text(value)}”应填“是”或“否”")


def _small_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if len(text) == 2 and text[0] == "十" and text[1] in CHINESE_DIGITS:
        return 10 + CHINESE_DIGITS[text[1]]
    if len(text) == 1 and text in CHINESE_DIGITS:
        return CHINESE_DIGITS[text]
    return None


CLASS_PATTERNS = (
    re.compile(
        r"(?P<g>[一二三四五六七八九\d])年级?\s*[(（]?\s*(?P<c>\d{1,2}|[一二三四五六七八九十]{1,2})\s*[)）]?\s*班?"
    ),
    re.compile(r"(?P<g>\d)\s*[-－—_.·]\s*(?P<c>\d{1,2})\s*班?"),
    re.compile(r"(?P<g>[一二三四五六七八九\d])\s*[(（]\s*(?P<c>\d{1,2}|[一二三四五六七八九十]{1,2})\s*[)）]\s*班?"),
)


def read_class(value: object) -> tuple[int, int] | None:
    """(grade, class number) from 三(2)班, 三（2）班, 3(2)班, 3（2）班, 三年级2班, 3年级2班, 三年级二班, 3-2, 3.2, 302
    (not 3)."""
    text = _plain(value).replace(" ", "")
    if not text:
        return None
    for pattern in CLASS_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            grade = _small_number(m["g"])
            class_no = _small_number(m["c"])
            if grade and class_no and 1 <= grade <= 9 and 1 <= class_no <= 99:
                return grade, class_no
    m = re.fullmatch(r"([1-9])(\d{2})班?", text)
    if m and int(m[2]) > 0:
        return int(m[1]), int(m[2])
    raise CellError(f"“{text}”不是班级，请写成 三(2)班、3年级2班 或 3-2")


def class_label(grade: int, class_no: int) -> str:
    """The school's way of writing a class: 三(2)班."""
    return f"{GRADE_NUMERALS[grade - 1]}({class_no})班"
