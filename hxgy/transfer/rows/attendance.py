"""家长学校签到: one row is a guardian who signed in at a guidance session (家长学校) already registered.

A row names the session (活动日期, and 活动名称 unless it was the day's only guidance session), the class and the
child (学号 or 学生姓名), and the guardian (家长姓名, as on the 监护人 list). 签到 √/是/1 counts; blank or 否 is a
guardian who did not come and is skipped (an import only adds sign-ins; 活动录入 → 家长学校签到 removes one). The
same guardian twice for one session (two children, two class sheets) is one sign-in. The session must be for the
row's class (school-wide, or listing it), as on the form (hxgy.entry.attendance).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from openpyxl.utils import get_column_letter
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models import Activity, ActivityAttendance, ActivityClass, Category
from hxgy.models.base import utcnow
from hxgy.transfer.kinds import Kind
from hxgy.transfer.lookup import Lookup, key_text
from hxgy.transfer.reading import Problem, RowReader
from hxgy.transfer.rows.base import Changes, Handler, Key, Prepared, Stored, Values, chunks, merge_by_key
from hxgy.transfer.rows.cells import dated_in_class, name_cell, yes_no_cell
from hxgy.transfer.values import clean_text


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    """A sign-in as its row gives it; the session is found among the stored ones (``activity_id`` then set)."""

    title: str  # as written ("": the day's only guidance session)
    activity_date: date
    class_id: int
    guardian_id: int
    title_cell: tuple[str, str]  # (column letter, value) of 活动名称, for a problem found against the stored sessions
    activity_id: int | None = None


@dataclass(frozen=True, slots=True)
class _Session:
    id: int
    title: str
    school_wide: bool
    classes: frozenset[int]


class GuidanceAttendance(Handler[AttendanceRow]):
    model = ActivityAttendance

    def __init__(self, kind: Kind) -> None:
        super().__init__(kind)
        self._by_day: dict[date, list[_Session]] = {}
        self._other: dict[date, set[str]] = {}  # activities that are not guidance sessions, by day: title keys

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared[AttendanceRow]]:
        if r.has("present") and not yes_no_cell(r, "present"):
            return []  # not signed in (or a wrong 签到 cell, noted on the row)
        if not clean_text(r.raw("student_no")) and not clean_text(r.raw("student_name")) and r.ok:
            r.fail("student_no", "请填写学号或学生姓名")
        dated = dated_in_class(r, lk, "activity_date")
        day, class_id, student = dated.day, dated.class_id, dated.student
        title = r.text("title", limit=200)
        guardian_id = None
        name = name_cell(r, "guardian_name")
        if student is not None and name:
            guardian_id = lk.guardians.get((student.family_id, key_text(name))) if student.family_id else None
            if guardian_id is None:
                r.fail("guardian_name", f"该学生的家庭没有名为“{name}”的监护人（请先导入监护人）")
        if not r.ok or day is None or class_id is None or guardian_id is None:
            return []
        position = r.located.positions.get("title")
        letter = get_column_letter(position + 1) if position is not None else ""
        record = AttendanceRow(title, day, class_id, guardian_id, (letter, title))
        return [Prepared(r.number, (key_text(title), day, guardian_id), record, class_id, day, rows=(r.number,))]

    def group(self, prepared: list[Prepared[AttendanceRow]], problems: list[Problem]) -> list[Prepared[AttendanceRow]]:
        return merge_by_key(prepared, lambda first, _again: first)  # the same guardian twice: one sign-in

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared[AttendanceRow]]) -> dict[Key, Stored]:
        days = sorted({p.day for p in prepared})
        found = session.execute(
            select(Activity.id, Activity.title, Activity.activity_date, Activity.scope, Category.guidance)
            .join(Category, Category.id == Activity.type_id)
            .where(
                Activity.school_id == lk.school_id,
                Activity.deleted_at.is_(None),
                Activity.activity_date.in_(days),
            )
            .order_by(Activity.id)
        ).all()
        guidance = [row for row in found if row.guidance]
        listed: dict[int, set[int]] = {}
        if guidance:
            for activity_id, class_id in session.execute(
                select(ActivityClass.activity_id, ActivityClass.class_id).where(
                    ActivityClass.activity_id.in_([row.id for row in guidance])
                )
            ):
                listed.setdefault(activity_id, set()).add(class_id)
        self._by_day, self._other = {}, {}
        for row in found:
            if row.guidance:
                self._by_day.setdefault(row.activity_date, []).append(
                    _Session(row.id, row.title, row.scope == "school", frozenset(listed.get(row.id, ())))
                )
            else:
                self._other.setdefault(row.activity_date, set()).add(key_text(row.title))
        stored: dict[Key, Stored] = {}
        ids = [s.id for sessions in self._by_day.values() for s in sessions]
        if not ids:
            return stored
        signed = {
            (activity_id, guardian_id): attendance_id
            for attendance_id, activity_id, guardian_id in session.execute(
                select(ActivityAttendance.id, ActivityAttendance.activity_id, ActivityAttendance.guardian_id).where(
                    ActivityAttendance.activity_id.in_(ids)
                )
            )
        }
        for p in prepared:
            found_session = self._session_of(p.record)
            if isinstance(found_session, _Session) and (found_session.id, p.record.guardian_id) in signed:
                stored[p.key] = Stored(signed[(found_session.id, p.record.guardian_id)], {})
        return stored

    def _session_of(self, record: AttendanceRow) -> _Session | str:
        """The stored guidance session a row names, or why none (in Chinese)."""
        day, sessions = record.activity_date, self._by_day.get(record.activity_date, [])
        if not record.title:
            if len(sessions) == 1:
                return sessions[0]
            if not sessions:
                return f"{day:%Y-%m-%d} 没有登记家长学校活动（请先在“活动录入”登记或导入协同活动）"
            return f"{day:%Y-%m-%d} 有 {len(sessions)} 场家长学校活动，请填写活动名称"
        wanted = key_text(record.title)
        for s in sessions:
            if key_text(s.title) == wanted:
                return s
        if wanted in self._other.get(day, set()):
            return f"“{record.title}”不是家长学校（家庭教育指导）类的活动，不能签到"
        return f"{day:%Y-%m-%d} 没有名为“{record.title}”的家长学校活动（请先在“活动录入”登记或导入协同活动）"

    def against_stored(self, p: Prepared[AttendanceRow], stored: Stored | None) -> Prepared[AttendanceRow] | Problem:
        found = self._session_of(p.record)
        letter, value = p.record.title_cell
        if isinstance(found, str):
            return Problem(p.row, "活动名称", letter, value[:100], found)
        if not found.school_wide and p.record.class_id not in found.classes:
            return Problem(p.row, "活动名称", letter, value[:100], "这场家长学校活动不面向该行的班级")
        return replace(p, record=replace(p.record, activity_id=found.id))

    def differs(self, p: Prepared[AttendanceRow], stored: Stored) -> bool:
        return False  # a sign-in has nothing to change

    def write(self, session: Session, changes: Changes[AttendanceRow]) -> None:
        user, lk = changes.user, changes.lk
        now = utcnow()
        rows: list[Values] = []
        seen: set[tuple[int | None, int]] = set()  # one session named by its title and as the day's only one
        for p in changes.new:
            pair = (p.record.activity_id, p.record.guardian_id)
            if pair not in seen:
                seen.add(pair)
                rows.append(
                    {
                        "school_id": lk.school_id,
                        "activity_id": p.record.activity_id,
                        "guardian_id": p.record.guardian_id,
                        "created_by": user.id,
                        "created_at": now,
                    }
                )
        for _start, chunk in chunks(rows):
            session.execute(insert(ActivityAttendance), chunk)

    def refresh_scope(self, lk: Lookup, written: list[Prepared[AttendanceRow]]) -> tuple[list[date], list[int] | None]:
        return sorted({p.day for p in written}), sorted({p.record.class_id for p in written})
