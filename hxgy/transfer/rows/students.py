"""学生名册: one row per student and class; a student who changed class in the year has a row per class."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models import (
    Enrolment,
    Family,
    SchoolClass,
    Student,
)
from hxgy.models.base import utcnow
from hxgy.transfer.kinds import (
    GENDERS,
)
from hxgy.transfer.lookup import Lookup, key_text
from hxgy.transfer.reading import Problem, RowReader
from hxgy.transfer.rows.base import (
    Handler,
    Prepared,
    Stored,
    chunks,
)
from hxgy.transfer.rows.cells import (
    EARLIEST_BIRTH,
    choice_cell,
    name_cell,
    year_cell,
    yes_no_cell,
)
from hxgy.transfer.values import (
    class_label,
    read_class,
    read_date,
)

# entry_year is set from the class when a student is new and kept afterwards (a repeated year changes nothing)
STUDENT_FIELDS = ("name", "gender", "birth_date", "left_behind", "single_parent", "hardship")


class Students(Handler):
    """One row per student and class; a student who changed class in the year has a row per class."""

    model = Student
    compared = (*STUDENT_FIELDS, "family_code")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared]:
        year = year_cell(r, lk)
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
        for start, chunk in chunks(rows):
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
        for _start, chunk in chunks(updates):
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
        for _start, chunk in chunks(enrolments):
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
