"""学生名册: one row per student and class; a student who changed class in the year has a row per class.

A student who is no longer at the school (left mid-year through 设置 → 家庭数据, or graduated) stays so when the
roster is imported again: a row that only says what is stored (their class, name, flags) keeps them gone, and a row
that would put them in a class they were not in is refused by row and column (``against_stored``). They come back
only by 回到在读 (hxgy.privacy.leaving), not by a file that still lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from openpyxl.utils import get_column_letter
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models import Enrolment, Family, SchoolClass, Student
from hxgy.models.base import utcnow
from hxgy.transfer.kinds import GENDERS
from hxgy.transfer.lookup import Lookup, Year, key_text
from hxgy.transfer.reading import Problem, RowReader
from hxgy.transfer.rows.base import Changes, Handler, Key, Prepared, Stored, Values, chunks, merge_by_key, merged
from hxgy.transfer.rows.cells import EARLIEST_BIRTH, choice_cell, name_cell, year_cell, yes_no_cell
from hxgy.transfer.values import class_label, clean_text, read_class, read_date

# entry_year is set from the class when a student is new and kept afterwards (a repeated year changes nothing)
STUDENT_FIELDS = ("name", "gender", "birth_date", "left_behind", "single_parent", "hardship")
ClassKey = tuple[int, int, int]  # (school year id, grade, class no)


@dataclass(frozen=True, slots=True)
class EnrolmentRow:
    """A class a row puts the student in."""

    class_key: ClassKey
    start: date | None  # 入班日期 as written (None: the first day of the school year)
    row: int
    class_id: int | None  # None: a class the import makes
    ends: date | None  # the day before the student's later class of the same year began, if any
    year: Year
    cell: Problem  # where the row's 班级 is (its message empty), for a problem found once the stored student is known

    @property
    def year_id(self) -> int:
        """The school year of the class."""
        return self.class_key[0]


@dataclass(frozen=True, slots=True)
class Move:
    """An enrolment in another class that ends the day before the student moved into the new one."""

    class_id: int
    last: date


@dataclass(frozen=True, slots=True)
class StudentRow:
    """A student as their rows give them: the columns of the student table, their classes and moves."""

    student_no: str
    name: str
    gender: str
    birth_date: date | None
    left_behind: bool
    single_parent: bool
    hardship: bool
    entry_year: int
    family_code: str
    enrolments: tuple[EnrolmentRow, ...]
    closes: tuple[Move, ...]

    def columns(self) -> Values:
        """The columns the roster says about the student (not the 学号 or the 入学年份)."""
        return {c: getattr(self, c) for c in STUDENT_FIELDS}


class Students(Handler[StudentRow]):
    """One row per student and class; a student who changed class in the year has a row per class."""

    model = Student
    compared = (*STUDENT_FIELDS, "family_code")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared[StudentRow]]:
        year = year_cell(r, lk)
        grade_class = r.read("class", read_class)
        student_no = self._student_no(r, lk)
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
        left_behind, single_parent, hardship = (yes_no_cell(r, k) for k in ("left_behind", "single_parent", "hardship"))
        if year is not None and start is not None and not year.start <= start <= year.end:
            r.fail("start_date", f"应在{year.name}之内（{year.start:%Y-%m-%d} 至 {year.end:%Y-%m-%d}）")
        if not r.ok or year is None or grade_class is None:
            return []
        class_key = (year.id, *grade_class)
        closes: list[Move] = []
        ends = None
        known = lk.students.get(key_text(student_no))
        class_id = lk.classes.get(class_key)
        begins = start or year.start
        for other, first, last in known.enrolments if known else []:
            if lk.class_year.get(other) != year.id or other == class_id or last < begins:
                continue
            if first < begins:
                closes.append(Move(other, begins - timedelta(days=1)))  # moved from the other class to this one
            elif first == begins:
                r.fail(
                    "start_date",
                    f"该学生从 {first:%Y-%m-%d} 起在{lk.class_names[other]}；如是转班，请填写转入本班的日期",
                )
            else:
                ends = min(ends or date.max, first - timedelta(days=1))  # this class came first
        if not r.ok:
            return []
        position = r.located.positions.get("class")
        letter = get_column_letter(position + 1) if position is not None else ""
        cell = Problem(r.number, r.columns["class"].header, letter, clean_text(r.raw("class"))[:100], "")
        enrolment = EnrolmentRow(class_key, start, r.number, class_id, ends, year, cell)
        entry_year = year.start_year - grade_class[0] + 1
        record = StudentRow(
            student_no, name, gender, birth, left_behind, single_parent, hardship, entry_year, family_code,
            (enrolment,), tuple(closes),
        )  # fmt: skip
        return [Prepared(r.number, (key_text(student_no),), record, class_id, year.start, rows=(r.number,))]

    @staticmethod
    def _student_no(r: RowReader, lk: Lookup) -> str:
        """The 学号; one that lost its leading zeros in Excel is the stored student's when only one fits."""
        student_no = r.text("student_no", limit=32)
        if student_no and key_text(student_no) not in lk.students:
            known, several = lk.student_without_zeros(student_no)
            if known is not None:
                r.warn(
                    "student_no",
                    f"学号 {student_no} 在学生名册中没有；已按名册中的 {known.no} 匹配，不新建学生"
                    "（Excel 可能去掉了学号开头的 0）",
                )
                return known.no
            if several:
                r.fail(
                    "student_no",
                    f"学号 {student_no} 在学生名册中没有，名册里有 {'、'.join(several)}（Excel 可能去掉了开头的 0），"
                    "无法确定是哪一个；请把学号列设为“文本”后填写完整的学号",
                )
        return student_no

    def group(self, prepared: list[Prepared[StudentRow]], problems: list[Problem]) -> list[Prepared[StudentRow]]:
        def join(first: Prepared[StudentRow], p: Prepared[StudentRow]) -> Prepared[StudentRow]:
            (enrolment,) = p.record.enrolments
            had = first.record.enrolments
            if any(e.class_key == enrolment.class_key for e in had):
                problems.append(
                    Problem(enrolment.row, "", "", "", f"与第 {first.row} 行重复：同一学生同一班级写了两行")
                )
                return first
            if any(e.year_id == enrolment.year_id for e in had) and enrolment.start is None:
                message = f"该学生在第 {first.row} 行已有本学年的班级；转班请填写入班日期"
                problems.append(Problem(enrolment.row, "入班日期", "", "", message))
                return first
            record = replace(
                first.record, enrolments=(*had, enrolment), closes=(*first.record.closes, *p.record.closes)
            )
            return merged(first, record, enrolment.row)

        return merge_by_key(prepared, join)

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared[StudentRow]]) -> dict[Key, Stored]:
        rows = session.execute(
            select(Student, Family.code)
            .outerjoin(Family, Family.id == Student.family_id)
            .where(Student.school_id == lk.school_id)
        )
        found: dict[Key, Stored] = {}
        for student, family_code in rows:
            info = lk.students[key_text(student.student_no)]
            values = {c: getattr(student, c) for c in STUDENT_FIELDS}
            values["family_code"] = family_code or ""
            values["classes"] = {c for c, _f, _l in info.enrolments}
            values["active"] = student.active
            values["last_day"] = max((last for _c, _f, last in info.enrolments), default=None)
            found[(key_text(student.student_no),)] = Stored(student.id, values)
        return found

    def against_stored(self, p: Prepared[StudentRow], stored: Stored | None) -> Prepared[StudentRow] | Problem:
        """A student no longer at the school is not put back into a class by a file that still lists them."""
        if stored is None or stored.values["active"]:
            return p
        joins = [e for e in p.record.enrolments if e.class_id is None or e.class_id not in stored.values["classes"]]
        if not joins:
            return p  # what the roster says is what is stored: the student stays gone
        e = min(joins, key=lambda j: j.row)
        last = stored.values["last_day"]
        gone = f"已于 {last:%Y-%m-%d} 离校" if last is not None else "已离校"
        message = (
            f"学号 {p.record.student_no} 的学生{gone}（转出或毕业），不再是在读学生，"
            f"不能编入{class_label(*e.class_key[1:])}。"
            "如该生确已回到本校，请先在“设置 → 家庭数据”中为其办理“回到在读”，再导入；如是名册未更新，请删去这一行"
        )
        return replace(e.cell, message=message)

    def differs(self, p: Prepared[StudentRow], stored: Stored) -> bool:
        record = p.record
        if any(p.value(c) != stored.values[c] for c in STUDENT_FIELDS if self.said(p, c)) or record.closes:
            return True
        if record.family_code and record.family_code != stored.values["family_code"]:
            return True
        return any(e.class_id is None or e.class_id not in stored.values["classes"] for e in record.enrolments)

    def write(self, session: Session, changes: Changes[StudentRow]) -> None:
        lk, new, changed, progress = changes.lk, changes.new, changes.changed, changes.progress
        everyone = [*new, *(p for p, _s in changed)]
        classes = self._classes(session, lk, everyone)
        families = self._families(session, lk, new, changed)
        rows = [
            {
                "school_id": lk.school_id,
                **p.record.columns(),
                "entry_year": p.record.entry_year,
                "student_no": p.record.student_no,
                "family_id": families[p.key],
                "created_at": utcnow(),
                "active": True,
            }
            for p in new
        ]
        for start, chunk in chunks(rows):
            session.execute(insert(Student), chunk)
            if progress:
                progress("写入数据库", (start + len(chunk)) / max(1, len(rows) + len(changed)))
        ids: dict[Key, int] = {
            (key_text(no),): sid
            for sid, no in session.execute(
                select(Student.id, Student.student_no).where(Student.school_id == lk.school_id)
            )
        }
        updates = []
        for p, stored in changed:
            values = {"id": stored.id, **{c: p.value(c) for c in STUDENT_FIELDS if self.said(p, c)}}
            if p.key in families:
                values["family_id"] = families[p.key]
            updates.append(values)
        for _start, chunk in chunks(updates):
            session.execute(update(Student), chunk)
        enrolments = []
        for p in everyone:
            student_id = ids[p.key]
            for move in p.record.closes:
                session.execute(
                    update(Enrolment)
                    .where(Enrolment.student_id == student_id, Enrolment.class_id == move.class_id)
                    .values(end_date=move.last)
                )
            info = lk.students.get(key_text(p.record.student_no))
            have = {c for c, _f, _l in info.enrolments} if info else set()
            ordered = sorted(p.record.enrolments, key=lambda e: (e.year_id, e.start or date.min))
            for index, e in enumerate(ordered):
                class_id = classes[e.class_key]
                if class_id in have:
                    continue
                following = next((f for f in ordered[index + 1 :] if f.year_id == e.year_id), None)
                end = following.start - timedelta(days=1) if following and following.start else e.ends
                enrolments.append(
                    {
                        "student_id": student_id,
                        "class_id": class_id,
                        "start_date": e.start or e.year.start,
                        "end_date": end,
                    }
                )
        for _start, chunk in chunks(enrolments):
            session.execute(insert(Enrolment), chunk)

    @staticmethod
    def _classes(session: Session, lk: Lookup, prepared: list[Prepared[StudentRow]]) -> dict[ClassKey, int]:
        found: dict[ClassKey, int] = {}
        for p in prepared:
            for e in p.record.enrolments:
                year_id, grade, class_no = e.class_key
                class_id = lk.classes.get(e.class_key)
                if class_id is None:
                    class_id = session.scalar(
                        insert(SchoolClass)
                        .values(
                            school_id=lk.school_id,
                            school_year_id=year_id,
                            grade_level=grade,
                            class_no=class_no,
                            cohort=e.year.start_year - grade + 1,
                            name=class_label(grade, class_no),
                            created_at=utcnow(),
                        )
                        .returning(SchoolClass.id)
                    )
                    assert class_id is not None  # INSERT … RETURNING gives the new id
                    lk.classes[e.class_key] = class_id
                    lk.class_names[class_id] = class_label(grade, class_no)
                    lk.class_year[class_id] = year_id
                found[e.class_key] = class_id
        return found

    @staticmethod
    def _families(
        session: Session,
        lk: Lookup,
        new: list[Prepared[StudentRow]],
        changed: list[tuple[Prepared[StudentRow], Stored]],
    ) -> dict[Key, int]:
        """Family ids by student key: the code given, else one family per new student (F + 学号)."""
        codes: dict[str, int] = {
            code: fid
            for fid, code in session.execute(select(Family.id, Family.code).where(Family.school_id == lk.school_id))
        }
        out: dict[Key, int] = {}
        wanted = [(p, p.record.family_code or f"F{p.record.student_no}") for p in new]
        wanted += [
            (p, p.record.family_code)
            for p, s in changed
            if p.record.family_code and p.record.family_code != s.values["family_code"]
        ]
        for p, code in wanted:
            if code not in codes:
                made = session.scalar(
                    insert(Family).values(school_id=lk.school_id, code=code, created_at=utcnow()).returning(Family.id)
                )
                assert made is not None  # INSERT … RETURNING gives the new id
                codes[code] = made
            out[p.key] = codes[code]
        return out

    def refresh_scope(self, lk: Lookup, written: list[Prepared[StudentRow]]) -> tuple[list[date], list[int] | None]:
        years = {e.year_id for p in written for e in p.record.enrolments}
        return sorted(t.start for t in lk.terms if t.school_year_id in years), None
