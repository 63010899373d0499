"""Reading the cells every kind shares (a record's date, a class, a student, a category …) into checked values;
every problem is noted on the row with the same Chinese message the forms give.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import ParamSpec, TypeVar

from hxgy.entry.checks import at_least, noted
from hxgy.transfer.lookup import Lookup, StudentInfo, TermInfo, Year, key_text
from hxgy.transfer.reading import RowReader
from hxgy.transfer.values import (
    CellError,
    clean_text,
    read_class,
    read_date,
    read_datetime,
    read_duration,
    read_number,
    read_yes_no,
)

EARLIEST_BIRTH = date(1990, 1, 1)  # a pupil's birth date before this is a typing error (1917 for 2017)
CJK = re.compile(r"[\u3400-\u9fff]")
P = ParamSpec("P")
T = TypeVar("T")


def record_day(r: RowReader, key: str, lk: Lookup) -> tuple[date, Year] | None:
    """A record's date: given, not in the future, inside a term; with its school year."""
    day = r.read(key, read_date)
    year = _in_a_term(r, key, lk, day) if day is not None else None
    return (day, year) if day is not None and year is not None else None


def record_time(r: RowReader, key: str, lk: Lookup) -> tuple[datetime, Year] | None:
    """A record's date and time (收到时间): as record_day."""
    moment = r.read(key, read_datetime)
    year = _in_a_term(r, key, lk, moment.date()) if moment is not None else None
    return (moment, year) if moment is not None and year is not None else None


def _in_a_term(r: RowReader, key: str, lk: Lookup, day: date) -> Year | None:
    if day > lk.today:
        r.fail(key, f"{day:%Y-%m-%d} 晚于今天，不能导入未来的日期")
        return None
    try:
        term = lk.term_for_day(day)
    except CellError as exc:
        r.fail(key, str(exc))
        return None
    return next(y for y in lk.years if y.id == term.school_year_id)


def checked(r: RowReader, key: str, rule: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
    """A value through one of the rules the forms keep (hxgy.entry.checks); refused: noted on the cell, None."""
    return noted(lambda message: r.fail(key, message), rule, *args, **kwargs)


@dataclass(frozen=True, slots=True)
class Dated:
    """A record's day, its class and (when named) its student, each None when its cell was refused."""

    day: date | None
    class_id: int | None
    student: StudentInfo | None


def dated_in_class(r: RowReader, lk: Lookup, day_key: str) -> Dated:
    """A record's day, class and student, the student in that class on that day (沟通记录, 志愿服务)."""
    when = record_day(r, day_key, lk)
    day, year = when if when else (None, None)
    class_id = class_cell(r, lk, year)
    student = student_cell(r, lk, class_id=class_id, day=day)
    if day is not None:
        in_class_on(r, lk, student, class_id, day)
    return Dated(day, class_id, student)


def class_cell(r: RowReader, lk: Lookup, year: Year | None, key: str = "class") -> int | None:
    """A class named in a row, in the school year of the row; refused when the user may not write for it."""
    grade_class = r.read(key, read_class)
    if grade_class is None or year is None:
        return None
    try:
        class_id = lk.class_in_year(grade_class, year)
    except CellError as exc:
        r.fail(key, str(exc))
        return None
    if not lk.may_write(class_id):
        r.fail(key, f"{lk.class_names[class_id]}不是您任教的班级，您只能导入本班的数据")
        return None
    return class_id


def student_cell(
    r: RowReader,
    lk: Lookup,
    key: str = "student_no",
    name_key: str = "student_name",
    *,
    class_id: int | None = None,
    day: date | None = None,
) -> StudentInfo | None:
    """A student by 学号; a name, when given, must be the same student's (the message names no one).

    A 学号 that lost its leading zeros in Excel (26001 for 0026001) is matched to the stored one when only one
    fits, and the preview says so. A row with 学生姓名 and no 学号 is matched by name within its class on its day
    when exactly one student of the class has that name, else refused; never read as a class-wide row.
    """
    typed = clean_text(r.raw(key))
    if not typed and r.has(name_key) and clean_text(r.raw(name_key)):
        return _student_by_name(r, lk, key, name_key, class_id, day)
    info = r.lookup(key, lambda text: _student_no(r, lk, key, text))
    if info is not None and r.has(name_key):
        name = clean_text(r.raw(name_key))
        if name and key_text(name) != key_text(info.name):
            r.fail(name_key, f"与学号 {clean_text(r.raw(key))} 在学生名册中的姓名不一致")
    return info


def _student_no(r: RowReader, lk: Lookup, key: str, text: str) -> StudentInfo:
    found = lk.students.get(key_text(text))
    if found is not None:
        return found
    info, several = lk.student_without_zeros(text)
    if info is not None:
        r.warn(key, f"学号 {text} 在学生名册中没有；已按名册中的 {info.no} 匹配（Excel 可能去掉了学号开头的 0）")
        return info
    if several:
        raise CellError(
            f"学号 {text} 在学生名册中没有，名册里有 {'、'.join(several)}（Excel 可能去掉了开头的 0），"
            "无法确定是哪一个；请把学号列设为“文本”后填写完整的学号"
        )
    return lk.student(text)


def _student_by_name(
    r: RowReader, lk: Lookup, key: str, name_key: str, class_id: int | None, day: date | None
) -> StudentInfo | None:
    name = clean_text(r.raw(name_key))
    if class_id is None or day is None:
        if r.ok:
            r.fail(key, "填写了学生姓名但没有学号；请填写学号（或填写班级，按姓名在班级中查找）")
        return None
    found = lk.students_named(class_id, lk.roll_day(day), name)
    if len(found) == 1:
        r.warn(key, f"学号未填，已按姓名在{lk.class_names[class_id]}中匹配到学号 {found[0].no}")
        return found[0]
    if found:
        r.fail(key, f"学号未填，{lk.class_names[class_id]}有 {len(found)} 个学生叫“{name}”；请填写学号")
    else:
        r.fail(key, f"学号未填，{day:%Y-%m-%d} {lk.class_names[class_id]}没有叫“{name}”的学生；请填写学号")
    return None


def name_cell(r: RowReader, key: str, limit: int = 40) -> str:
    """A person's name; a Chinese name loses any space inside it (李 明 is 李明)."""
    name = r.text(key, limit=limit)
    return re.sub(r"\s+", "", name) if CJK.search(name) else re.sub(r"\s+", " ", name)


def duration_cell(r: RowReader, key: str, unit: str) -> float | None:
    """A length of time in the column's unit; a unit written in the cell is converted (10分钟 under 时长(小时))."""
    return r.read(key, lambda v: read_duration(v, unit))


def category_cell(r: RowReader, lk: Lookup, key: str) -> int | None:
    """One of the school's categories (沟通方式, 诉求类别 …) by name."""
    column = r.columns[key]
    return r.lookup(key, lambda text: lk.category(column.category, text, column.header))


def words_cell(r: RowReader, key: str, words: dict[str, str], default: str | None) -> str | None:
    """One of a fixed list of words (学校→家庭, 全校 …); arrows and 到 written any way."""
    text = clean_text(r.raw(key))
    if not text:
        return default
    plain = key_text(text).replace("->", "").replace("→", "").replace("到", "").replace("至", "")
    for word, code in words.items():
        if plain in (key_text(word).replace("→", ""), code):
            return code
    r.fail(key, f"“{text}”应填：{'、'.join(words)}")
    return None


def integer_cell(r: RowReader, key: str, low: int) -> int | None:
    """A whole number, blank or not below ``low`` (the rule of the forms' counts)."""
    value = r.read(key, lambda v: read_number(v, integer=True))
    return checked(r, key, at_least, int(value), low) if value is not None else None


def choice_cell(r: RowReader, key: str, choices: Sequence[str]) -> str:
    """One of a few fixed words (男、女; 父亲、母亲 …)."""
    text = r.text(key)
    if text and text not in choices:
        r.fail(key, f"“{text}”应填：{'、'.join(choices)}")
    return text


def yes_no_cell(r: RowReader, key: str) -> bool:
    """是 or 否 (blank: 否)."""
    return bool(r.read(key, read_yes_no))


def in_class_on(r: RowReader, lk: Lookup, student: StudentInfo | None, class_id: int | None, day: date) -> None:
    """The student of a row was in its class on its day."""
    if student is not None and class_id is not None and lk.class_of(student, lk.roll_day(day)) != class_id:
        r.fail("student_no", f"该学生在 {day:%Y-%m-%d} 不在{lk.class_names[class_id]}")


def term_cell(r: RowReader, lk: Lookup) -> TermInfo | None:
    """A term by name (2025-2026学年第一学期, 2025-2026-1 …) that has begun."""
    term = r.lookup("term", lk.term_named)
    if term is not None and term.start > lk.today:
        r.fail("term", f"{term.name}尚未开始")
        return None
    return term


def named(found: dict[str, int], names: list[str], text: str, label: str) -> int:
    """One of the school's names (德育维度, 评价主体) → its id."""
    value = found.get(key_text(text))
    if value is None:
        raise CellError(f"“{text}”不是本校的{label}；可选：{'、'.join(names)}")
    return value


def year_cell(r: RowReader, lk: Lookup) -> Year | None:
    """The school year a roster row is for: as written, or the one containing today."""
    if clean_text(r.raw("school_year")):
        return r.lookup("school_year", lk.year_named)
    try:
        return lk.year_for_day(lk.today)
    except CellError as exc:
        r.fail("school_year", f"请填写学年（{exc}）")
        return None
