"""Each kind's rows: one row → the record to write (or problems), the matching records already stored,
and how new and changed records are written. The same limits as the forms (hxgy/entry) apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry.records import MAX_DURATION_MIN, MAX_HOURS_A_DAY, class_wide_refusal
from hxgy.entry.rules import WRITE_ANY_CLASS
from hxgy.models import (
    Activity,
    ActivityClass,
    ClassAssignment,
    Communication,
    Enrolment,
    Family,
    Guardian,
    MoralScore,
    ParentRequest,
    SatisfactionResult,
    SchoolClass,
    Staff,
    Student,
    VolunteerRecord,
)
from hxgy.models.base import Base, utcnow
from hxgy.transfer.kinds import (
    ASSIGNMENT_WORDS,
    DIRECTION_WORDS,
    GENDERS,
    KINDS,
    NUMBER,
    RELATIONS,
    SCOPE_WORDS,
    Column,
    Kind,
)
from hxgy.transfer.lookup import Lookup, StudentInfo, TermInfo, Year, key_text
from hxgy.transfer.reading import Problem, RowReader
from hxgy.transfer.values import (
    CellError,
    class_label,
    clean_text,
    read_class,
    read_date,
    read_datetime,
    read_duration,
    read_number,
    read_yes_no,
)

CHUNK = 2000
Progress = Callable[[str, float], None]


@dataclass
class Prepared:
    """One record a row asks for: its natural key, the values to store, and what it touches."""

    row: int
    key: tuple
    values: dict[str, Any]
    class_id: int | None
    day: date
    extra: dict[str, Any] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)  # every row merged into it (activities, staff)
    given: frozenset[str] | None = None  # the columns its sheet has (None: all); an absent column changes nothing


@dataclass
class Stored:
    """A record already in the database that a row matches."""

    id: int
    values: dict[str, Any]
    deleted: bool = False


def _chunks(rows: Sequence[dict], size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield start, rows[start : start + size]


class Handler:
    """What every kind does; subclasses fill in convert, existing and (where needed) write."""

    model: type[Base]
    compared: tuple[str, ...] = ()  # columns that, when different, make a row an update
    # the same key may rightly come twice (two calls on one day): the n-th such row matches the n-th stored record
    repeatable = False
    school_wide_roles = WRITE_ANY_CLASS

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.column_keys = frozenset(c.key for c in kind.columns)

    def said(self, p: Prepared, name: str) -> bool:
        """Whether the file says anything about a stored field: a column absent from the file never changes it
        (a roster re-imported without 性别 keeps every 性别). Fields derived from other columns are always said."""
        column = FIELD_COLUMN.get(name, name)
        return p.given is None or column not in self.column_keys or column in p.given

    def extra_columns(self, lookup: Lookup) -> list[Column]:
        return []

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        raise NotImplementedError

    def group(self, prepared: list[Prepared], problems: list[Problem]) -> list[Prepared]:
        """Merge rows that together make one record (default: each row is one record)."""
        return prepared

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        raise NotImplementedError

    def differs(self, p: Prepared, stored: Stored) -> bool:
        return stored.deleted or any(p.values.get(c) != stored.values.get(c) for c in self.compared if self.said(p, c))

    def write(
        self,
        session: Session,
        user: CurrentUser,
        lk: Lookup,
        new: list[Prepared],
        changed: list[tuple[Prepared, Stored]],
        progress: Progress | None,
    ) -> None:
        """Insert the new records and update the changed ones, in chunks."""
        inserts = [self.insert_values(p, lk, user) for p in new]
        total = max(1, len(inserts) + len(changed))
        for start, chunk in _chunks(inserts):
            session.execute(insert(self.model), chunk)
            if progress:
                progress("写入数据库", (start + len(chunk)) / total)
        updates = [{"id": s.id, **self.update_values(p, s, user)} for p, s in changed]
        for start, chunk in _chunks(updates):
            session.execute(update(self.model), chunk)
            if progress:
                progress("写入数据库", (len(inserts) + start + len(chunk)) / total)

    def insert_values(self, p: Prepared, lk: Lookup, user: CurrentUser) -> dict[str, Any]:
        return {"school_id": lk.school_id, **p.values, "created_by": user.id, "created_at": utcnow()}

    def update_values(self, p: Prepared, stored: Stored, user: CurrentUser) -> dict[str, Any]:
        values = {c: p.values[c] for c in self.compared if self.said(p, c)}
        if hasattr(self.model, "deleted_at"):
            values["deleted_at"] = None
        if hasattr(self.model, "updated_at"):
            values["updated_at"] = utcnow()
        return values

    def refresh_scope(self, lk: Lookup, written: list[Prepared]) -> tuple[list[date], list[int] | None]:
        """The days and classes whose pre-aggregated figures the import changed."""
        days = sorted({p.day for p in written})
        classes = {p.class_id for p in written}
        return days, (None if None in classes else sorted(classes))  # type: ignore[arg-type]


# the column a stored field comes from, where the names differ
FIELD_COLUMN = {"topic_id": "topic", "category_id": "category", "type_id": "type", "partner_id": "partner"}
EARLIEST_BIRTH = date(1990, 1, 1)  # a pupil's birth date before this is a typing error (1917 for 2017)
CJK = re.compile(r"[\u3400-\u9fff]")


# ---- shared checks --------------------------------------------------------------------------------


def record_day(r: RowReader, key: str, lk: Lookup, *, as_datetime: bool = False) -> tuple[Any, TermInfo, Year] | None:
    """A record's date: given, not in the future, inside a term; with the term and school year."""
    value = r.read(key, read_datetime if as_datetime else read_date)
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    if day > lk.today:
        r.fail(key, f"{day:%Y-%m-%d} 晚于今天，不能导入未来的日期")
        return None
    try:
        term = lk.term_for_day(day)
    except CellError as exc:
        r.fail(key, str(exc))
        return None
    year = next(y for y in lk.years if y.id == term.school_year_id)
    return value, term, year


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


def integer_cell(r: RowReader, key: str, low: int, high: int | None = None) -> int | None:
    value = r.read(key, lambda v: read_number(v, integer=True))
    if value is None:
        return None
    if value < low or (high is not None and value > high):
        r.fail(key, f"应在 {low} 到 {high} 之间" if high is not None else f"不能小于 {low}")
        return None
    return int(value)


def choice_cell(r: RowReader, key: str, choices: Sequence[str]) -> str:
    text = r.text(key)
    if text and text not in choices:
        r.fail(key, f"“{text}”应填：{'、'.join(choices)}")
    return text


def yes_no_cell(r: RowReader, key: str) -> bool:
    return bool(r.read(key, read_yes_no))


def in_class_on(r: RowReader, lk: Lookup, student: StudentInfo | None, class_id: int | None, day: date) -> None:
    if student is not None and class_id is not None and lk.class_of(student, lk.roll_day(day)) != class_id:
        r.fail("student_no", f"该学生在 {day:%Y-%m-%d} 不在{lk.class_names[class_id]}")


def _between(model_date: Any, prepared: list[Prepared]) -> Any:
    days = [p.day for p in prepared]
    return model_date.between(min(days), max(days) + timedelta(days=1))


# ---- 沟通记录 -----------------------------------------------------------------------------------


class Communications(Handler):
    model = Communication
    repeatable = True
    compared = ("topic_id", "direction", "duration_min", "summary", "follow_up")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        when = record_day(r, "contact_date", lk)
        day, _term, year = when if when else (None, None, None)
        class_id = class_cell(r, lk, year)
        student = student_cell(r, lk, class_id=class_id, day=day)
        if day is not None:
            in_class_on(r, lk, student, class_id, day)
        channel_id = category_cell(r, lk, "channel")
        direction = words_cell(r, "direction", DIRECTION_WORDS, "to_home")
        topic_id = category_cell(r, lk, "topic")
        duration = duration_cell(r, "duration_min", "min")
        if duration is not None:
            if not float(duration).is_integer():
                r.fail("duration_min", f"“{clean_text(r.raw('duration_min'))}”应是整数分钟")
                duration = None
            elif not 1 <= duration <= MAX_DURATION_MIN:
                r.fail("duration_min", f"应在 1 到 {MAX_DURATION_MIN} 分钟之间")
                duration = None
            else:
                duration = int(duration)
        summary = r.text("summary")
        follow_up = yes_no_cell(r, "follow_up")
        staff_no = clean_text(r.raw("staff_no"))
        staff_id = user.staff_id
        if staff_no:
            staff_id = lk.staff.get(key_text(staff_no))
            if staff_id is None:
                r.fail("staff_no", f"工号 {staff_no} 不在教职工名单中")
        if channel_id is not None and student is None and channel_id not in lk.class_wide_channels and r.ok:
            # the same rule as the 记录沟通 form (hxgy.entry.records): a 家访 or a call reaches one family
            r.fail("channel", class_wide_refusal(clean_text(r.raw("channel")), list(lk.class_wide_channels.values())))
        if not r.ok:
            return []
        student_id = student.id if student else None
        return [
            Prepared(
                r.number,
                (class_id, student_id, day, channel_id, staff_id),
                {
                    "class_id": class_id,
                    "student_id": student_id,
                    "staff_id": staff_id,
                    "channel_id": channel_id,
                    "topic_id": topic_id,
                    "direction": direction,
                    "contact_date": day,
                    "duration_min": duration,
                    "summary": summary,
                    "follow_up": follow_up,
                },
                class_id,
                day,
            )
        ]

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        m = Communication
        rows = session.execute(
            select(
                m.id,
                m.class_id,
                m.student_id,
                m.contact_date,
                m.channel_id,
                m.staff_id,
                *(getattr(m, c) for c in self.compared),
            )
            .where(m.school_id == lk.school_id, m.deleted_at.is_(None), _between(m.contact_date, prepared))
            .order_by(m.id)
        )
        found: dict[tuple, Stored] = {}
        seen: dict[tuple, int] = {}
        for row in rows:
            key = (row.class_id, row.student_id, row.contact_date, row.channel_id, row.staff_id)
            found[(*key, _occurrence(seen, key))] = Stored(row.id, {c: getattr(row, c) for c in self.compared})
        return found


# ---- 家长诉求 -----------------------------------------------------------------------------------


class Requests(Handler):
    model = ParentRequest
    repeatable = True
    compared = ("category_id", "content", "replied_at", "reply")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        when = record_day(r, "received_at", lk, as_datetime=True)
        received, _term, year = when if when else (None, None, None)
        class_id = None
        if clean_text(r.raw("class")):
            class_id = class_cell(r, lk, year)
        elif lk.own_classes is not None:
            r.fail("class", "请填写班级：不限班级的诉求只有德育处或管理员可以导入")
        named = clean_text(r.raw("student_no")) or (r.has("student_name") and clean_text(r.raw("student_name")))
        student = student_cell(r, lk, class_id=class_id, day=received.date() if received else None) if named else None
        if received is not None and student is not None:
            if class_id is None and r.ok:
                class_id = lk.class_of(student, lk.roll_day(received.date()))
                if class_id is not None and not lk.may_write(class_id):
                    r.fail("student_no", "该学生不在您任教的班级")
            else:
                in_class_on(r, lk, student, class_id, received.date())
        channel_id = category_cell(r, lk, "channel")
        content = r.text("content")
        category_id = category_cell(r, lk, "category")
        replied = r.read("replied_at", read_datetime)
        reply = r.text("reply")
        if replied is not None:
            if received is not None and replied < received:
                r.fail("replied_at", "不能早于收到时间")
            elif replied.date() > lk.today:
                r.fail("replied_at", "不能晚于今天")
            if not reply:
                r.fail("reply", "填写了答复时间，也要填写答复内容")
        elif reply:
            r.fail("replied_at", "填写了答复内容，也要填写答复时间")
        if not r.ok:
            return []
        student_id = student.id if student else None
        return [
            Prepared(
                r.number,
                (received, channel_id, class_id, student_id),
                {
                    "class_id": class_id,
                    "student_id": student_id,
                    "channel_id": channel_id,
                    "category_id": category_id,
                    "received_at": received,
                    "content": content,
                    "replied_at": replied,
                    "reply": reply,
                    "handled_by": user.staff_id if replied else None,
                },
                class_id,
                received.date(),
            )
        ]

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        m = ParentRequest
        rows = session.execute(
            select(m.id, m.received_at, m.channel_id, m.class_id, m.student_id, *(getattr(m, c) for c in self.compared))
            .where(m.school_id == lk.school_id, m.deleted_at.is_(None), _between(m.received_at, prepared))
            .order_by(m.id)
        )
        found: dict[tuple, Stored] = {}
        seen: dict[tuple, int] = {}
        for row in rows:
            values = {c: getattr(row, c) for c in self.compared}
            values["replied_at"] = _to_second(values["replied_at"])
            key = (_to_second(row.received_at), row.channel_id, row.class_id, row.student_id)
            found[(*key, _occurrence(seen, key))] = Stored(row.id, values)
        return found


def _occurrence(seen: dict[tuple, int], key: tuple) -> int:
    """How many times ``key`` came before (0 the first time)."""
    count = seen.get(key, 0)
    seen[key] = count + 1
    return count


def _to_second(moment: datetime | None) -> datetime | None:
    """Times are imported and compared to the second (a spreadsheet keeps no more)."""
    return moment.replace(microsecond=0) if moment is not None else None


# ---- 志愿服务 -----------------------------------------------------------------------------------


class Volunteering(Handler):
    model = VolunteerRecord
    compared = ("hours", "note", "confirmed")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        when = record_day(r, "service_date", lk)
        day, _term, year = when if when else (None, None, None)
        class_id = class_cell(r, lk, year)
        student = student_cell(r, lk, class_id=class_id, day=day)
        if day is not None:
            in_class_on(r, lk, student, class_id, day)
        guardian_id = None
        name = name_cell(r, "guardian_name")
        if student is not None and name:
            guardian_id = lk.guardians.get((student.family_id, key_text(name))) if student.family_id else None
            if guardian_id is None:
                r.fail("guardian_name", f"该学生的家庭没有名为“{name}”的监护人（请先导入监护人）")
        activity_id = category_cell(r, lk, "activity")
        hours = duration_cell(r, "hours", "hour")
        if hours is not None and not 0 < hours <= MAX_HOURS_A_DAY:
            r.fail("hours", f"应大于 0 且不超过 {MAX_HOURS_A_DAY:g} 小时（一天）")
        note = r.text("note")
        confirmed = yes_no_cell(r, "confirmed")
        if confirmed and user.role not in WRITE_ANY_CLASS and user.role != "head_teacher":
            confirmed = False
        if not r.ok:
            return []
        return [
            Prepared(
                r.number,
                (guardian_id, class_id, activity_id, day),
                {
                    "class_id": class_id,
                    "guardian_id": guardian_id,
                    "activity_id": activity_id,
                    "service_date": day,
                    "hours": float(hours),
                    "note": note,
                    "confirmed": confirmed,
                },
                class_id,
                day,
            )
        ]

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        m = VolunteerRecord
        rows = session.execute(
            select(
                m.id, m.guardian_id, m.class_id, m.activity_id, m.service_date, m.hours, m.note, m.confirmed_at,
                m.deleted_at,
            ).where(m.school_id == lk.school_id, _between(m.service_date, prepared))
        )  # fmt: skip
        return {
            (row.guardian_id, row.class_id, row.activity_id, row.service_date): Stored(
                row.id,
                {"hours": row.hours, "note": row.note, "confirmed": row.confirmed_at is not None},
                row.deleted_at is not None,
            )
            for row in rows
        }

    def insert_values(self, p: Prepared, lk: Lookup, user: CurrentUser) -> dict[str, Any]:
        values = {k: v for k, v in p.values.items() if k != "confirmed"}
        now = utcnow()
        confirmed = p.values["confirmed"]
        return {
            "school_id": lk.school_id,
            **values,
            "confirmed_by": user.id if confirmed else None,
            "confirmed_at": now if confirmed else None,
            "created_by": user.id,
            "created_at": now,
        }

    def update_values(self, p: Prepared, stored: Stored, user: CurrentUser) -> dict[str, Any]:
        values: dict[str, Any] = {"hours": p.values["hours"], "deleted_at": None, "updated_at": utcnow()}
        if self.said(p, "note"):
            values["note"] = p.values["note"]
        if self.said(p, "confirmed") and p.values["confirmed"] != stored.values["confirmed"]:
            values["confirmed_by"] = user.id if p.values["confirmed"] else None
            values["confirmed_at"] = utcnow() if p.values["confirmed"] else None
        return values


# ---- 协同活动 -----------------------------------------------------------------------------------


ACTIVITY_FIELDS = ("type_id", "scope", "partner_id", "students_count", "parents_count", "families_count", "outcome")


class Activities(Handler):
    model = Activity
    compared = (*ACTIVITY_FIELDS, "classes")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        when = record_day(r, "activity_date", lk)
        day, _term, year = when if when else (None, None, None)
        title = r.text("title", limit=200)
        type_id = category_cell(r, lk, "type")
        scope = words_cell(r, "scope", SCOPE_WORDS, "school")
        partner_id = r.lookup("partner", self._partner(lk))
        counts = {k: integer_cell(r, k, 0) for k in ("students_count", "parents_count", "families_count")}
        outcome = r.text("outcome")
        class_id = class_cell(r, lk, year) if clean_text(r.raw("class")) else None
        parents = integer_cell(r, "parents_attended", 0)
        if parents is not None and class_id is None and r.ok:
            r.fail("class", "填写了到场家长数，也要填写参与班级")
        if scope in ("grade", "class") and class_id is None and r.ok:
            r.fail("class", "年级或班级活动必须填写参与班级（每班一行）")
        if lk.own_classes is not None and scope != "class":
            r.fail("scope", "班主任只能导入本班的班级活动（范围填“班级”）")
        if not r.ok:
            return []
        values = {"title": title, "activity_date": day, "type_id": type_id, "scope": scope, "partner_id": partner_id}
        values.update(counts, outcome=outcome)
        classes = {class_id: parents} if class_id is not None else {}
        return [Prepared(r.number, (title, day), {**values, "classes": classes}, class_id, day, rows=[r.number])]

    @staticmethod
    def _partner(lk: Lookup) -> Callable[[str], int]:
        def find(text: str) -> int:
            found = lk.partners.get(key_text(text))
            if found is None:
                raise CellError(f"“{text}”不是本校登记的合作单位（请先在“设置”中添加）")
            return found

        return find

    def group(self, prepared: list[Prepared], problems: list[Problem]) -> list[Prepared]:
        merged: dict[tuple, Prepared] = {}
        for p in prepared:
            first = merged.get(p.key)
            if first is None:
                merged[p.key] = p
                continue
            for name in ACTIVITY_FIELDS:
                if p.values[name] != first.values[name] and p.values[name] not in (None, ""):
                    if first.values[name] in (None, ""):
                        first.values[name] = p.values[name]
                    else:
                        label = next(c.header for c in self.kind.columns if c.key == _FIELD_COLUMN.get(name, name))
                        problems.append(Problem(p.row, label, "", "", f"与第 {first.row} 行同一活动的“{label}”不一致"))
            for class_id, parents in p.values["classes"].items():
                if class_id in first.values["classes"]:
                    problems.append(
                        Problem(p.row, "参与班级", "", "", f"与第 {first.row} 行重复：同一活动同一班级写了两行")
                    )
                else:
                    first.values["classes"][class_id] = parents
            first.rows.append(p.row)
        return list(merged.values())

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        m = Activity
        found: dict[tuple, Stored] = {}
        rows = session.execute(
            select(m.id, m.title, m.activity_date, m.deleted_at, *(getattr(m, c) for c in ACTIVITY_FIELDS)).where(
                m.school_id == lk.school_id, _between(m.activity_date, prepared)
            )
        ).all()
        classes: dict[int, dict[int, int | None]] = {}
        for a in session.execute(
            select(ActivityClass.activity_id, ActivityClass.class_id, ActivityClass.parents_attended).where(
                ActivityClass.activity_id.in_([row.id for row in rows])
            )
        ):
            classes.setdefault(a.activity_id, {})[a.class_id] = a.parents_attended
        for row in rows:
            values = {c: getattr(row, c) for c in ACTIVITY_FIELDS}
            values["classes"] = classes.get(row.id, {})
            found[(row.title, row.activity_date)] = Stored(row.id, values, row.deleted_at is not None)
        return found

    def differs(self, p: Prepared, stored: Stored) -> bool:
        if stored.deleted or any(p.values[c] != stored.values[c] for c in ACTIVITY_FIELDS if self.said(p, c)):
            return True
        return any(stored.values["classes"].get(c, -1) != n for c, n in p.values["classes"].items())

    def write(self, session, user, lk, new, changed, progress) -> None:  # noqa: ANN001
        for p in new:
            values = {k: v for k, v in p.values.items() if k != "classes"}
            activity_id = session.scalar(
                insert(Activity)
                .values(school_id=lk.school_id, created_by=user.id, created_at=utcnow(), **values)
                .returning(Activity.id)
            )
            self._classes(session, activity_id, p.values["classes"], {})
        for p, stored in changed:
            values = {c: p.values[c] for c in ACTIVITY_FIELDS if self.said(p, c)}
            session.execute(
                update(Activity).where(Activity.id == stored.id).values(**values, deleted_at=None, updated_at=utcnow())
            )
            self._classes(session, stored.id, p.values["classes"], stored.values["classes"])

    @staticmethod
    def _classes(session: Session, activity_id: int, wanted: dict, stored: dict) -> None:
        for class_id, parents in wanted.items():
            if class_id not in stored:
                session.execute(
                    insert(ActivityClass).values(activity_id=activity_id, class_id=class_id, parents_attended=parents)
                )
            elif stored[class_id] != parents:
                session.execute(
                    update(ActivityClass)
                    .where(ActivityClass.activity_id == activity_id, ActivityClass.class_id == class_id)
                    .values(parents_attended=parents)
                )

    def refresh_scope(self, lk: Lookup, written: list[Prepared]) -> tuple[list[date], list[int] | None]:
        return sorted({p.day for p in written}), None  # a school activity counts for every class


_FIELD_COLUMN = {"type_id": "type", "partner_id": "partner"}


# ---- 德育评分 -----------------------------------------------------------------------------------


def _term_cell(r: RowReader, lk: Lookup) -> TermInfo | None:
    term = r.lookup("term", lk.term_named)
    if term is not None and term.start > lk.today:
        r.fail("term", f"{term.name}尚未开始")
        return None
    return term


class MoralScores(Handler):
    model = MoralScore
    compared = ("score", "class_id")

    def _student_and_class(self, r: RowReader, lk: Lookup) -> tuple[TermInfo | None, StudentInfo | None, int | None]:
        term = _term_cell(r, lk)
        student = student_cell(r, lk)
        class_id = None
        if term is not None and student is not None:
            class_id = lk.class_in_term(student, term)
            if class_id is None:
                r.fail("student_no", f"该学生在{term.name}不在任何班级")
            elif not lk.may_write(class_id):
                r.fail("student_no", "该学生不在您任教的班级")
        return term, student, class_id

    def _score(self, r: RowReader, key: str) -> float | None:
        score = r.read(key, read_number)
        if score is not None and not 0 <= score <= 100:
            r.fail(key, "分数应在 0 到 100 之间")
            return None
        return score

    def _rater(self, r: RowReader, lk: Lookup) -> int | None:
        return r.lookup("rater", lambda t: _named(lk.raters, lk.rater_names, t, "评价主体"))

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        term, student, class_id = self._student_and_class(r, lk)
        dimension_id = r.lookup("dimension", lambda t: _named(lk.dimensions, lk.dimension_names, t, "德育维度"))
        rater_id = self._rater(r, lk)
        score = self._score(r, "score")
        if not r.ok:
            return []
        return [self._prepared(r.number, lk, user, term, student, class_id, dimension_id, rater_id, score)]

    @staticmethod
    def _prepared(row, lk, user, term, student, class_id, dimension_id, rater_id, score) -> Prepared:  # noqa: ANN001
        return Prepared(
            row,
            (student.id, term.id, dimension_id, rater_id),
            {
                "student_id": student.id,
                "term_id": term.id,
                "class_id": class_id,
                "dimension_id": dimension_id,
                "rater_id": rater_id,
                "score": float(score),
            },
            class_id,
            term.start,
        )

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        m = MoralScore
        term_ids = sorted({p.values["term_id"] for p in prepared})
        rows = session.execute(
            select(m.id, m.student_id, m.term_id, m.dimension_id, m.rater_id, m.score, m.class_id).where(
                m.school_id == lk.school_id, m.term_id.in_(term_ids)
            )
        )
        return {
            (row.student_id, row.term_id, row.dimension_id, row.rater_id): Stored(
                row.id, {"score": row.score, "class_id": row.class_id}
            )
            for row in rows
        }

    def insert_values(self, p: Prepared, lk: Lookup, user: CurrentUser) -> dict[str, Any]:
        return {"school_id": lk.school_id, **p.values, "entered_by": user.id, "updated_at": utcnow()}

    def update_values(self, p: Prepared, stored: Stored, user: CurrentUser) -> dict[str, Any]:
        return {
            "score": p.values["score"],
            "class_id": p.values["class_id"],
            "entered_by": user.id,
            "updated_at": utcnow(),
        }


def _named(found: dict[str, int], names: list[str], text: str, label: str) -> int:
    value = found.get(key_text(text))
    if value is None:
        raise CellError(f"“{text}”不是本校的{label}；可选：{'、'.join(names)}")
    return value


class MoralScoresWide(MoralScores):
    def extra_columns(self, lookup: Lookup) -> list[Column]:
        return [
            Column(f"dimension:{dimension_id}", name, NUMBER, help="0 到 100，未评不填", example=90)
            for name, dimension_id in zip(lookup.dimension_names, lookup.dimensions.values(), strict=True)
        ]

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        term, student, class_id = self._student_and_class(r, lk)
        rater_id = self._rater(r, lk)
        scores = {}
        for key in r.located.positions:
            if key.startswith("dimension:"):
                score = self._score(r, key)
                if score is not None:
                    scores[int(key.split(":")[1])] = score
        if not scores and r.ok:
            r.fail("", "这一行没有任何维度的分数")
        if not r.ok:
            return []
        return [
            self._prepared(r.number, lk, user, term, student, class_id, dimension_id, rater_id, score)
            for dimension_id, score in scores.items()
        ]


# ---- 满意度 -------------------------------------------------------------------------------------


class Satisfaction(Handler):
    model = SatisfactionResult
    compared = ("respondents", "satisfied", "note")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        term = _term_cell(r, lk)
        year = next((y for y in lk.years if term and y.id == term.school_year_id), None)
        class_id = None
        if clean_text(r.raw("class")):
            class_id = class_cell(r, lk, year)
        elif lk.own_classes is not None:
            r.fail("class", "请填写班级：全校的满意度只有德育处或管理员可以导入")
        respondents = integer_cell(r, "respondents", 1)
        satisfied = integer_cell(r, "satisfied", 0)
        if respondents is not None and satisfied is not None and satisfied > respondents:
            r.fail("satisfied", f"满意人数 {satisfied} 多于答卷人数 {respondents}")
        note = r.text("note")
        if not r.ok:
            return []
        values = {"term_id": term.id, "class_id": class_id, "respondents": respondents, "satisfied": satisfied}
        return [Prepared(r.number, (term.id, class_id), {**values, "note": note}, class_id, term.start)]

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        m = SatisfactionResult
        rows = session.execute(select(m).where(m.school_id == lk.school_id)).scalars()
        return {(s.term_id, s.class_id): Stored(s.id, {c: getattr(s, c) for c in self.compared}) for s in rows}

    def insert_values(self, p: Prepared, lk: Lookup, user: CurrentUser) -> dict[str, Any]:
        return {"school_id": lk.school_id, **p.values, "created_at": utcnow()}


# ---- 学生名册 -----------------------------------------------------------------------------------


# entry_year is set from the class when a student is new and kept afterwards (a repeated year changes nothing)
STUDENT_FIELDS = ("name", "gender", "birth_date", "left_behind", "single_parent", "hardship")


class Students(Handler):
    """One row per student and class; a student who changed class in the year has a row per class."""

    model = Student
    compared = (*STUDENT_FIELDS, "family_code")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        year = _year_cell(r, lk)
        grade_class = r.read("class", read_class)
        student_no = r.text("student_no", limit=32)
        if student_no and key_text(student_no) not in lk.students:
            known, several = lk.student_without_zeros(student_no)
            if known is not None:
                r.warn(
                    "student_no",
                    f"学号 {student_no} 在学生名册中没有；已按名册中的 {known.no} 匹配，不新建学生"
                    "（Excel 可能去掉了学号开头的 0）",
                )
                student_no = known.no
            elif several:
                r.fail(
                    "student_no",
                    f"学号 {student_no} 在学生名册中没有，名册里有 {'、'.join(several)}（Excel 可能去掉了开头的 0），"
                    "无法确定是哪一个；请把学号列设为“文本”后填写完整的学号",
                )
        name = name_cell(r, "name")
        gender = choice_cell(r, "gender", GENDERS)
        birth = r.read("birth_date", read_date)
        if birth is not None and birth > lk.today:
            r.fail("birth_date", f"出生日期 {birth:%Y-%m-%d} 不能晚于今天")
        elif birth is not None and birth < EARLIEST_BIRTH:
            r.fail(
                "birth_date", f"出生日期 {birth:%Y-%m-%d} 早于 {EARLIEST_BIRTH.year} 年，不像小学生的出生日期；请核对"
            )
        start = r.read("start_date", read_date)
        family_code = r.text("family_code", limit=40)
        flags = {k: yes_no_cell(r, k) for k in ("left_behind", "single_parent", "hardship")}
        if year is not None and start is not None and not year.start <= start <= year.end:
            r.fail("start_date", f"应在{year.name}之内（{year.start:%Y-%m-%d} 至 {year.end:%Y-%m-%d}）")
        if not r.ok:
            return []
        class_key = (year.id, *grade_class)
        closes, ends = [], None
        known = lk.students.get(key_text(student_no))
        class_id = lk.classes.get(class_key)
        begins = start or year.start
        for other, first, last in known.enrolments if known else []:
            if lk.class_year.get(other) != year.id or other == class_id or last < begins:
                continue
            if first < begins:
                closes.append((other, begins - timedelta(days=1)))  # moved from the other class to this one
            elif first == begins:
                r.fail(
                    "start_date",
                    f"该学生从 {first:%Y-%m-%d} 起在{lk.class_names[other]}；如是转班，请填写转入本班的日期",
                )
            else:
                ends = min(ends or date.max, first - timedelta(days=1))  # this class came first
        if not r.ok:
            return []
        values = {"student_no": student_no, "name": name, "gender": gender, "birth_date": birth, **flags}
        values["entry_year"] = year.start_year - grade_class[0] + 1
        values["family_code"] = family_code
        extra = {
            "enrolments": [(class_key, start, r.number, class_id, ends)],
            "closes": closes,
            "years": {year.id: year},
        }
        return [Prepared(r.number, (key_text(student_no),), values, class_id, year.start, extra, rows=[r.number])]

    def group(self, prepared: list[Prepared], problems: list[Problem]) -> list[Prepared]:
        merged: dict[tuple, Prepared] = {}
        for p in prepared:
            first = merged.setdefault(p.key, p)
            if first is p:
                continue
            ((class_key, start, row, _class_id, _ends),) = p.extra["enrolments"]
            same_year = [e for e in first.extra["enrolments"] if e[0][0] == class_key[0]]
            if any(e[0] == class_key for e in first.extra["enrolments"]):
                problems.append(Problem(row, "", "", "", f"与第 {first.row} 行重复：同一学生同一班级写了两行"))
            elif same_year and start is None:
                problems.append(
                    Problem(row, "入班日期", "", "", f"该学生在第 {first.row} 行已有本学年的班级；转班请填写入班日期")
                )
            else:
                first.extra["enrolments"].append(p.extra["enrolments"][0])
                first.extra["closes"] += p.extra["closes"]
                first.extra["years"].update(p.extra["years"])
                first.rows.append(row)
        return list(merged.values())

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        rows = session.execute(
            select(Student, Family.code)
            .outerjoin(Family, Family.id == Student.family_id)
            .where(Student.school_id == lk.school_id)
        )
        found = {}
        for student, family_code in rows:
            info = lk.students[key_text(student.student_no)]
            values = {c: getattr(student, c) for c in STUDENT_FIELDS}
            values["family_code"] = family_code or ""
            values["classes"] = {c for c, _f, _l in info.enrolments}
            found[(key_text(student.student_no),)] = Stored(student.id, values)
        return found

    def differs(self, p: Prepared, stored: Stored) -> bool:
        if any(p.values[c] != stored.values[c] for c in STUDENT_FIELDS if self.said(p, c)) or p.extra["closes"]:
            return True
        if p.values["family_code"] and p.values["family_code"] != stored.values["family_code"]:
            return True
        return any(e[3] is None or e[3] not in stored.values["classes"] for e in p.extra["enrolments"])

    def write(self, session, user, lk, new, changed, progress) -> None:  # noqa: ANN001
        everyone = [*new, *(p for p, _s in changed)]
        classes = self._classes(session, lk, everyone)
        families = self._families(session, lk, new, changed)
        rows = [
            {
                "school_id": lk.school_id,
                **{c: p.values[c] for c in STUDENT_FIELDS},
                "entry_year": p.values["entry_year"],
                "student_no": p.values["student_no"],
                "family_id": families[p.key],
                "created_at": utcnow(),
                "active": True,
            }
            for p in new
        ]
        for start, chunk in _chunks(rows):
            session.execute(insert(Student), chunk)
            if progress:
                progress("写入数据库", (start + len(chunk)) / max(1, len(rows) + len(changed)))
        ids = {
            (key_text(no),): sid
            for sid, no in session.execute(
                select(Student.id, Student.student_no).where(Student.school_id == lk.school_id)
            )
        }
        updates = []
        for p, stored in changed:
            values = {"id": stored.id, **{c: p.values[c] for c in STUDENT_FIELDS if self.said(p, c)}}
            if p.key in families:
                values["family_id"] = families[p.key]
            updates.append(values)
        for _start, chunk in _chunks(updates):
            session.execute(update(Student), chunk)
        enrolments = []
        for p in everyone:
            student_id = ids[p.key]
            for other, last in p.extra["closes"]:
                session.execute(
                    update(Enrolment)
                    .where(Enrolment.student_id == student_id, Enrolment.class_id == other)
                    .values(end_date=last)
                )
            info = lk.students.get(p.key[0])
            have = {c for c, _f, _l in info.enrolments} if info else set()
            ordered = sorted(p.extra["enrolments"], key=lambda e: (e[0][0], e[1] or date.min))
            for index, (class_key, start, _row, _class_id, ends) in enumerate(ordered):
                class_id = classes[class_key]
                if class_id in have:
                    continue
                year = p.extra["years"][class_key[0]]
                following = next((e for e in ordered[index + 1 :] if e[0][0] == class_key[0]), None)
                end = following[1] - timedelta(days=1) if following and following[1] else ends
                enrolments.append(
                    {"student_id": student_id, "class_id": class_id, "start_date": start or year.start, "end_date": end}
                )
        for _start, chunk in _chunks(enrolments):
            session.execute(insert(Enrolment), chunk)

    @staticmethod
    def _classes(session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, int]:
        found = {}
        for p in prepared:
            for class_key, *_rest in p.extra["enrolments"]:
                year_id, grade, class_no = class_key
                class_id = lk.classes.get(class_key)
                if class_id is None:
                    year = p.extra["years"][year_id]
                    class_id = session.scalar(
                        insert(SchoolClass)
                        .values(
                            school_id=lk.school_id,
                            school_year_id=year_id,
                            grade_level=grade,
                            class_no=class_no,
                            cohort=year.start_year - grade + 1,
                            name=class_label(grade, class_no),
                            created_at=utcnow(),
                        )
                        .returning(SchoolClass.id)
                    )
                    lk.classes[class_key] = class_id
                    lk.class_names[class_id] = class_label(grade, class_no)
                    lk.class_year[class_id] = year_id
                found[class_key] = class_id
        return found

    @staticmethod
    def _families(session: Session, lk: Lookup, new: list[Prepared], changed: list[tuple[Prepared, Stored]]) -> dict:
        """Family ids by student key: the code given, else one family per new student (F + 学号)."""
        codes = dict(
            (code, fid)
            for fid, code in session.execute(select(Family.id, Family.code).where(Family.school_id == lk.school_id))
        )
        out: dict[tuple, int] = {}
        wanted = [(p, p.values["family_code"] or f"F{p.values['student_no']}") for p in new]
        wanted += [
            (p, p.values["family_code"])
            for p, s in changed
            if p.values["family_code"] and p.values["family_code"] != s.values["family_code"]
        ]
        for p, code in wanted:
            if code not in codes:
                codes[code] = session.scalar(
                    insert(Family).values(school_id=lk.school_id, code=code, created_at=utcnow()).returning(Family.id)
                )
            out[p.key] = codes[code]
        return out

    def refresh_scope(self, lk: Lookup, written: list[Prepared]) -> tuple[list[date], list[int] | None]:
        years = {e[0][0] for p in written for e in p.extra["enrolments"]}
        return sorted(t.start for t in lk.terms if t.school_year_id in years), None


def _year_cell(r: RowReader, lk: Lookup) -> Year | None:
    """The school year a roster row is for: as written, or the one containing today."""
    if clean_text(r.raw("school_year")):
        return r.lookup("school_year", lk.year_named)
    try:
        return lk.year_for_day(lk.today)
    except CellError as exc:
        r.fail("school_year", f"请填写学年（{exc}）")
        return None


# ---- 监护人 -------------------------------------------------------------------------------------


class Guardians(Handler):
    model = Guardian
    compared = ("relation", "phone", "is_primary", "work_unit")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        student = student_cell(r, lk)
        name = name_cell(r, "name")
        relation = choice_cell(r, "relation", RELATIONS)
        phone = r.text("phone", limit=20)
        if phone and not all(ch.isdigit() or ch in "-+ " for ch in phone):
            r.fail("phone", f"“{phone}”不是电话号码")
        primary = yes_no_cell(r, "is_primary")
        work_unit = r.text("work_unit", limit=100)
        if not r.ok:
            return []
        family = student.family_id if student.family_id is not None else ("student", student.id)
        values = {"name": name, "relation": relation, "phone": phone, "is_primary": primary, "work_unit": work_unit}
        return [Prepared(r.number, (family, key_text(name)), values, None, lk.today, {"student": student})]

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        rows = session.scalars(select(Guardian).where(Guardian.school_id == lk.school_id))
        return {(g.family_id, key_text(g.name)): Stored(g.id, {c: getattr(g, c) for c in self.compared}) for g in rows}

    def write(self, session, user, lk, new, changed, progress) -> None:  # noqa: ANN001
        made: dict[int, int] = {}
        rows = []
        for p in new:
            student: StudentInfo = p.extra["student"]
            family_id = student.family_id
            if family_id is None:
                family_id = made.get(student.id)
                if family_id is None:
                    no = next(k for k, v in lk.students.items() if v is student)
                    family_id = session.scalar(
                        insert(Family)
                        .values(school_id=lk.school_id, code=f"F{no}", created_at=utcnow())
                        .returning(Family.id)
                    )
                    session.execute(update(Student).where(Student.id == student.id).values(family_id=family_id))
                    made[student.id] = family_id
            rows.append({"school_id": lk.school_id, "family_id": family_id, **p.values, "created_at": utcnow()})
        for _start, chunk in _chunks(rows):
            session.execute(insert(Guardian), chunk)
        updates = [{"id": s.id, **{c: p.values[c] for c in self.compared if self.said(p, c)}} for p, s in changed]
        for _start, chunk in _chunks(updates):
            session.execute(update(Guardian), chunk)

    def refresh_scope(self, lk: Lookup, written: list[Prepared]) -> tuple[list[date], list[int] | None]:
        return [], None  # guardians change no figure until they volunteer


# ---- 教职工与任课 -------------------------------------------------------------------------------


STAFF_FIELDS = ("name", "gender", "phone", "title")


class StaffRows(Handler):
    model = Staff
    compared = STAFF_FIELDS

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        staff_no = r.text("staff_no", limit=32)
        name = name_cell(r, "name")
        gender = choice_cell(r, "gender", GENDERS)
        phone = r.text("phone", limit=20)
        title = r.text("title", limit=40)
        assignments = set()
        if clean_text(r.raw("class")):
            year = _year_cell(r, lk)
            class_id = class_cell(r, lk, year)
            role = words_cell(r, "assignment", ASSIGNMENT_WORDS, None)
            if role is None and r.ok:
                r.fail("assignment", "填写了任教班级，也要填写任教身份（班主任或任课教师）")
            subject = r.text("subject", limit=20)
            if r.ok:
                assignments.add((class_id, role, subject))
        if not r.ok:
            return []
        values = {"staff_no": staff_no, "name": name, "gender": gender, "phone": phone, "title": title}
        return [
            Prepared(
                r.number, (key_text(staff_no),), {**values, "assignments": assignments}, None, lk.today, rows=[r.number]
            )
        ]

    def group(self, prepared: list[Prepared], problems: list[Problem]) -> list[Prepared]:
        merged: dict[tuple, Prepared] = {}
        headers = {"name": "姓名", "gender": "性别", "phone": "联系电话", "title": "职务"}
        for p in prepared:
            first = merged.setdefault(p.key, p)
            if first is p:
                continue
            for name in STAFF_FIELDS:
                if p.values[name] and first.values[name] and p.values[name] != first.values[name]:
                    problems.append(
                        Problem(p.row, headers[name], "", "", f"与第 {first.row} 行同一工号的“{headers[name]}”不一致")
                    )
                elif p.values[name]:
                    first.values[name] = p.values[name]
            first.values["assignments"] |= p.values["assignments"]
            first.rows.append(p.row)
        return list(merged.values())

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared]) -> dict[tuple, Stored]:
        assignments: dict[int, set] = {}
        for a in session.execute(
            select(ClassAssignment.staff_id, ClassAssignment.class_id, ClassAssignment.role, ClassAssignment.subject)
        ):
            assignments.setdefault(a.staff_id, set()).add((a.class_id, a.role, a.subject))
        found = {}
        for s in session.scalars(select(Staff).where(Staff.school_id == lk.school_id)):
            values = {c: getattr(s, c) for c in STAFF_FIELDS}
            values["assignments"] = assignments.get(s.id, set())
            found[(key_text(s.staff_no),)] = Stored(s.id, values)
        return found

    def differs(self, p: Prepared, stored: Stored) -> bool:
        return any(p.values[c] != stored.values[c] for c in STAFF_FIELDS if self.said(p, c)) or not (
            p.values["assignments"] <= stored.values["assignments"]
        )

    def write(self, session, user, lk, new, changed, progress) -> None:  # noqa: ANN001
        pairs: list[tuple[Prepared, int, set]] = []
        for p in new:
            staff_id = session.scalar(
                insert(Staff)
                .values(
                    school_id=lk.school_id,
                    staff_no=p.values["staff_no"],
                    **{c: p.values[c] for c in STAFF_FIELDS},
                    created_at=utcnow(),
                )
                .returning(Staff.id)
            )
            pairs.append((p, staff_id, set()))
        for p, stored in changed:
            said = {c: p.values[c] for c in STAFF_FIELDS if self.said(p, c)}
            if said:
                session.execute(update(Staff).where(Staff.id == stored.id).values(**said))
            pairs.append((p, stored.id, stored.values["assignments"]))
        rows = [
            {"class_id": c, "staff_id": staff_id, "role": role, "subject": subject}
            for p, staff_id, have in pairs
            for c, role, subject in sorted(p.values["assignments"] - have)
        ]
        if rows:
            session.execute(insert(ClassAssignment), rows)

    def refresh_scope(self, lk: Lookup, written: list[Prepared]) -> tuple[list[date], list[int] | None]:
        return [], None


HANDLERS: dict[str, type[Handler]] = {
    "students": Students,
    "guardians": Guardians,
    "staff": StaffRows,
    "communications": Communications,
    "requests": Requests,
    "volunteering": Volunteering,
    "activities": Activities,
    "moral_long": MoralScores,
    "moral_wide": MoralScoresWide,
    "satisfaction": Satisfaction,
}
assert set(HANDLERS) == set(KINDS)


def handler_for(kind: Kind) -> Handler:
    """The handler of a kind."""
    return HANDLERS[kind.key](kind)
