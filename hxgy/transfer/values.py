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


def clean_text(value: object) -> str:
    """Text with full-width letters, digits and spaces made half-width, and the ends trimmed.

    Chinese punctuation inside the text (，。（）) is kept as written.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    text = "".join(_half_width(ch) for ch in text)
    return text.replace("\u200b", "").replace("\ufeff", "").strip()


def _half_width(ch: str) -> str:
    code = ord(ch)
    if code == 0x3000:
        return " "
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return chr(code - 0xFEE0)
    return ch


def _plain(value: object) -> str:
    """clean_text, with the full-width punctuation of numbers and dates (．－／：，) made half-width too."""
    return clean_text(value).translate(FULL_WIDTH_PUNCTUATION)


FULL_WIDTH_PUNCTUATION = str.maketrans("．－／：，", ".-/:,")


def normalise_header(value: object) -> str:
    """A header as compared: half-width, no spaces, no brackets around units, no * marking required."""
    text = unicodedata.normalize("NFKC", clean_text(value))
    return re.sub(r"[\s*＊]", "", text)


def read_date(value: object) -> date | None:
    """A date from a real Excel date, a serial number or 2025-09-01, 2025/9/1, 2025.9.1, 2025年9月1日, 20250901."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None
        return _serial(float(value))
    text = _plain(value)
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _serial(float(text))
    text = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", text)
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if not m:
        raise CellError(f"“{text}”不是日期，请写成 2025-09-01 或 2025年9月1日")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise CellError(f"“{text}”不是存在的日期") from exc


def _serial(number: float) -> date:
    if not 20000 <= number <= 80000:
        raise CellError(f"“{number:g}”不是日期")
    return EXCEL_EPOCH + timedelta(days=int(number))


def read_datetime(value: object) -> datetime | None:
    """A date with an optional time (2025-09-01 08:30); a date alone means 08:00."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None
        day = _serial(float(value))
        seconds = round((float(value) % 1) * 86400)
        return datetime.combine(day, time()) + timedelta(seconds=seconds)
    text = _plain(value)
    if not text:
        return None
    m = re.fullmatch(r"(.+?)[\sT]+(\d{1,2}):(\d{2})(?::(\d{2}))?", text)
    day = read_date(m[1] if m else text)
    if day is None:
        return None
    if not m:
        return datetime.combine(day, time(8, 0))
    hour, minute, second = int(m[2]), int(m[3]), int(m[4] or 0)
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
        text = re.sub(r"(小时|分钟|分|人|h)$", "", text)
        try:
            number = float(text)
        except ValueError as exc:
            raise CellError(f"“{clean_text(value)}”不是数字") from exc
    if math.isinf(number) or math.isnan(number):
        raise CellError("不是数字")
    if integer and not number.is_integer():
        raise CellError(f"“{number:g}”应是整数")
    return number


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
    re.compile(r"(?P<g>[一二三四五六七八九])\s*[(（](?P<c>\d{1,2})[)）]\s*班?"),
)


def read_class(value: object) -> tuple[int, int] | None:
    """(grade, class number) from 三(2)班, 三（2）班, 三年级2班, 3年级2班, 三年级二班, 3-2, 3.2, 302 (not 3)."""
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
