"""协同活动: rows with the same name and date are one activity, one row per class that took part."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models import Activity, ActivityClass
from hxgy.models.base import utcnow
from hxgy.transfer.kinds import SCOPE_WORDS
from hxgy.transfer.lookup import Lookup, key_text
from hxgy.transfer.reading import Problem, RowReader
from hxgy.transfer.rows.base import (
    Changes,
    Handler,
    Key,
    Prepared,
    Stored,
    Values,
    between,
    columns_of,
    merged,
)
from hxgy.transfer.rows.cells import category_cell, class_cell, integer_cell, record_day, words_cell
from hxgy.transfer.values import CellError, clean_text

ACTIVITY_FIELDS = ("type_id", "scope", "partner_id", "students_count", "parents_count", "families_count", "outcome")
Attendance = Mapping[int, int | None]  # class id -> parents who came (None: not counted)


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """An activity as its rows give it: the columns of the activity table, and the classes that took part."""

    title: str
    activity_date: date
    type_id: int
    scope: str
    partner_id: int | None
    students_count: int | None
    parents_count: int | None
    families_count: int | None
    outcome: str
    classes: Attendance

    def columns(self) -> Values:
        """The activity's own columns (the classes go into activity_class)."""
        return {k: v for k, v in columns_of(self).items() if k != "classes"}


class Activities(Handler[ActivityRow]):
    model = Activity
    compared = (*ACTIVITY_FIELDS, "classes")

    def convert(self, r: RowReader, lk: Lookup, user: CurrentUser) -> list[Prepared[ActivityRow]]:
        when = record_day(r, "activity_date", lk)
        day, year = when if when else (None, None)
        title = r.text("title", limit=200)
        type_id = category_cell(r, lk, "type")
        scope = words_cell(r, "scope", SCOPE_WORDS, "school")
        partner_id = r.lookup("partner", self._partner(lk))
        students = integer_cell(r, "students_count", 0)
        parents_total = integer_cell(r, "parents_count", 0)
        families = integer_cell(r, "families_count", 0)
        outcome = r.text("outcome")
        class_id = class_cell(r, lk, year) if clean_text(r.raw("class")) else None
        parents = integer_cell(r, "parents_attended", 0)
        if parents is not None and class_id is None and r.ok:
            r.fail("class", "填写了到场家长数，也要填写参与班级")
        if scope in ("grade", "class") and class_id is None and r.ok:
            r.fail("class", "年级或班级活动必须填写参与班级（每班一行）")
        if lk.own_classes is not None and scope != "class":
            r.fail("scope", "班主任只能导入本班的班级活动（范围填“班级”）")
        if not r.ok or day is None or type_id is None or scope is None:
            return []
        classes = {class_id: parents} if class_id is not None else {}
        record = ActivityRow(
            title, day, type_id, scope, partner_id, students, parents_total, families, outcome, classes
        )
        return [Prepared(r.number, (title, day), record, class_id, day, rows=(r.number,))]

    @staticmethod
    def _partner(lk: Lookup) -> Callable[[str], int]:
        def find(text: str) -> int:
            found = lk.partners.get(key_text(text))
            if found is None:
                raise CellError(f"“{text}”不是本校登记的合作单位（请先在 设置 → 合作单位 中添加，或导入“合作单位”）")
            return found

        return find

    def group(self, prepared: list[Prepared[ActivityRow]], problems: list[Problem]) -> list[Prepared[ActivityRow]]:
        together: dict[Key, Prepared[ActivityRow]] = {}
        for p in prepared:
            first = together.get(p.key)
            if first is None:
                together[p.key] = p
                continue
            filled: Values = {}
            for name in ACTIVITY_FIELDS:
                mine, theirs = p.value(name), first.value(name)
                if mine != theirs and mine not in (None, ""):
                    if theirs in (None, ""):
                        filled[name] = mine
                    else:
                        label = self.kind.column(_FIELD_COLUMN.get(name, name)).header
                        problems.append(Problem(p.row, label, "", "", f"与第 {first.row} 行同一活动的“{label}”不一致"))
            classes = dict(first.record.classes)
            for class_id, parents in p.record.classes.items():
                if class_id in classes:
                    problems.append(
                        Problem(p.row, "参与班级", "", "", f"与第 {first.row} 行重复：同一活动同一班级写了两行")
                    )
                else:
                    classes[class_id] = parents
            together[p.key] = merged(first, replace(first.record, **filled, classes=classes), p.row)
        return list(together.values())

    def existing(self, session: Session, lk: Lookup, prepared: list[Prepared[ActivityRow]]) -> dict[Key, Stored]:
        m = Activity
        found: dict[Key, Stored] = {}
        rows = session.execute(
            select(m.id, m.title, m.activity_date, m.deleted_at, *(getattr(m, c) for c in ACTIVITY_FIELDS)).where(
                m.school_id == lk.school_id, between(m.activity_date, prepared)
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

    def differs(self, p: Prepared[ActivityRow], stored: Stored) -> bool:
        if stored.deleted or any(p.value(c) != stored.values[c] for c in ACTIVITY_FIELDS if self.said(p, c)):
            return True
        return any(stored.values["classes"].get(c, -1) != n for c, n in p.record.classes.items())

    def write(self, session: Session, changes: Changes[ActivityRow]) -> None:
        user, lk, new, changed = changes.user, changes.lk, changes.new, changes.changed
        for p in new:
            activity_id = session.scalar(
                insert(Activity)
                .values(school_id=lk.school_id, created_by=user.id, created_at=utcnow(), **p.record.columns())
                .returning(Activity.id)
            )
            assert activity_id is not None  # INSERT … RETURNING gives the new id
            self._classes(session, activity_id, p.record.classes, {})
        for p, stored in changed:
            values = {c: p.value(c) for c in ACTIVITY_FIELDS if self.said(p, c)}
            session.execute(
                update(Activity).where(Activity.id == stored.id).values(**values, deleted_at=None, updated_at=utcnow())
            )
            self._classes(session, stored.id, p.record.classes, stored.values["classes"])

    @staticmethod
    def _classes(session: Session, activity_id: int, wanted: Attendance, stored: Attendance) -> None:
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

    def refresh_scope(self, lk: Lookup, written: list[Prepared[ActivityRow]]) -> tuple[list[date], list[int] | None]:
        return sorted({p.day for p in written}), None  # a school activity counts for every class


_FIELD_COLUMN = {"type_id": "type", "partner_id": "partner"}
