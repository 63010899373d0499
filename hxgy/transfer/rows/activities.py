"""协同活动: rows with the same name and date are one activity, one row per class that took part."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hxgy.auth import CurrentUser
from hxgy.models import (
    Activity,
    ActivityClass,
)
from hxgy.models.base import utcnow
from hxgy.transfer.kinds import (
    SCOPE_WORDS,
)
from hxgy.transfer.lookup import Lookup, key_text
from hxgy.transfer.reading import Problem, RowReader
from hxgy.transfer.rows.base import (
    Handler,
    Prepared,
    Stored,
    between,
)
from hxgy.transfer.rows.cells import (
    category_cell,
    class_cell,
    integer_cell,
    record_day,
    words_cell,
)
from hxgy.transfer.values import (
    CellError,
    clean_text,
)

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
