"""家委会名单: one row per member — the school year, the class (or 校级), the member's child and the guardian's name.

The rules are those of 设置 → 家委会 (hxgy.entry.committee): the guardian must be of a child in the class (for 校级,
of any child in the school), and a committee has one 主任 (checked within the file; a stored 主任 of the same
committee is checked by the form). A blank 职务 is 委员; the same member again changes only the 职务.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.entry.committee import CHAIR
from hxgy.models import CommitteeMember
from hxgy.models.base import utcnow
from hxgy.models.community import COMMITTEE_POSITIONS
from hxgy.transfer.kinds import Kind
from hxgy.transfer.lookup import Lookup, key_text
from hxgy.transfer.reading import Problem, RowReader
from hxgy.transfer.rows.base import Handler, Key, Prepared, Stored, Values, columns_of
from hxgy.transfer.rows.cells import choice_cell, class_cell, student_cell, year_cell
from hxgy.transfer.values import clean_text

SCHOOL_WORDS = frozenset({"校级", "校级家委会", "学校", "全校"})  # 班级 of a school-level member
SCHOOL_KEY = 0  # the class part of a school-level member's key


@dataclass(frozen=True, slots=True)
class CommitteeRow:
    """A member as its row gives it: the columns of the committee_member table."""

    school_year_id: int
    class_id: int | None
    guardian_id: int
    position: str


class CommitteeRows(Handler[CommitteeRow]):
    model = CommitteeMember
    compared = ("position",)

    def __init__(self, kind: Kind) -> None:
        super().__init__(kind)
        self._letters: dict[str, str] = {}  # column letters of 家长姓名 and 职务, for problems found across rows
        self._chairs: dict[tuple[int, int], int] = {}  # each committee's stored 主任 (guardian id)
        self._not_chair: set[Key] = set()  # members the file gives a position other than 主任

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared[CommitteeRow]]:
        self._letters = {
            key: get_column_letter(position + 1)
            for key, position in r.located.positions.items()
            if key in ("guardian_name", "position")
        }
        year = year_cell(r, lk)
        school_level = clean_text(r.raw("class")) in SCHOOL_WORDS
        class_id = None if school_level else class_cell(r, lk, year)
        day = min(max(lk.today, year.start), year.end) if year is not None else lk.today
        student = student_cell(r, lk, class_id=class_id, day=day)
        guardian_name = r.text("guardian_name", limit=40)
        position = choice_cell(r, "position", COMMITTEE_POSITIONS) or "委员"
        if not r.ok or year is None or student is None or (class_id is None and not school_level):
            return []
        in_year = [c for c, _first, _last in student.enrolments if lk.class_year.get(c) == year.id]
        if class_id is not None and class_id not in in_year:
            r.fail("student_no", f"该学生{year.name}不在{lk.class_names[class_id]}")
            return []
        if class_id is None and not in_year:
            r.fail("student_no", f"该学生{year.name}不在本校任何班级")
            return []
        guardian_id = lk.guardians.get((student.family_id, key_text(guardian_name))) if student.family_id else None
        if guardian_id is None:
            r.fail("guardian_name", f"该学生的家庭中没有叫“{guardian_name}”的家长（请先导入监护人）")
            return []
        record = CommitteeRow(year.id, class_id, guardian_id, position)
        key = (year.id, class_id or SCHOOL_KEY, guardian_id)
        return [Prepared(r.number, key, record, class_id, day, rows=(r.number,))]

    def group(self, prepared: list[Prepared[CommitteeRow]], problems: list[Problem]) -> list[Prepared[CommitteeRow]]:
        chairs: dict[tuple[int, int], int] = {}
        kept: dict[Key, Prepared[CommitteeRow]] = {}
        for p in prepared:
            if p.key in kept:
                problems.append(
                    Problem(
                        p.row, "家长姓名", self._letters.get("guardian_name", ""), "",
                        f"与第 {kept[p.key].row} 行是同一位家委会成员",
                    )
                )  # fmt: skip
                continue
            kept[p.key] = p
            if p.record.position == CHAIR:
                committee = (p.record.school_year_id, p.record.class_id or SCHOOL_KEY)
                if committee in chairs:
                    problems.append(
                        Problem(
                            p.row,
                            "职务",
                            self._letters.get("position", ""),
                            CHAIR,
                            f"与第 {chairs[committee]} 行同一家委会只能有一位主任",
                        )
                    )
                else:
                    chairs[committee] = p.row
        return list(kept.values())

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared[CommitteeRow]]) -> dict[Key, Stored]:
        members = session.scalars(select(CommitteeMember).where(CommitteeMember.school_id == lk.school_id)).all()
        self._chairs = {
            (m.school_year_id, m.class_id or SCHOOL_KEY): m.guardian_id for m in members if m.position == CHAIR
        }
        self._not_chair = {p.key for p in prepared if p.record.position != CHAIR}
        return {
            (m.school_year_id, m.class_id or SCHOOL_KEY, m.guardian_id): Stored(m.id, {"position": m.position})
            for m in members
        }

    def against_stored(self, p: Prepared[CommitteeRow], stored: Stored | None) -> Prepared[CommitteeRow] | Problem:
        """A 主任 where another guardian is the stored 主任 is refused, unless the file makes that one 副主任 or
        委员."""
        if p.record.position != CHAIR:
            return p
        committee = (p.record.school_year_id, p.record.class_id or SCHOOL_KEY)
        holder = self._chairs.get(committee)
        if holder is None or holder == p.record.guardian_id or (*committee, holder) in self._not_chair:
            return p
        return Problem(
            p.row, "职务", self._letters.get("position", ""), CHAIR,
            "该家委会已有一位主任；同一家委会只能有一位主任。如要更换，请在同一文件中把原主任改为副主任或委员",
        )  # fmt: skip

    def insert_values(self, p: Prepared[CommitteeRow], lk: Lookup, user: CurrentUser) -> Values:
        return {"school_id": lk.school_id, **columns_of(p.record), "created_at": utcnow()}

    def refresh_scope(self, lk: Lookup, written: list[Prepared[CommitteeRow]]) -> tuple[list[date], list[int] | None]:
        return [], None  # the committee is no part of the pre-aggregated figures
