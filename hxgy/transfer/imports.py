"""Import a file: read it, check every row, show what would change, then write it all in one transaction.

prepare()     reads and checks; writes nothing. Its plan lists every problem by row and column, and notes what it
              was checked against: the data version (hxgy.changes), the user, the day.
run_import()  writes the good rows (all rows, unless the user chose to skip the wrong ones), records the
              import (import_batch + the audit log) and brings class_term_stats up to date, in the caller's
              transaction: a crash or a kill part-way leaves the database as it was. Given the preview's plan, it
              writes that plan without reading the file again when nothing it was checked against has changed
              (same file, user, role, school and day, the right still held, and no write anywhere since: the
              data version read inside this transaction); otherwise it checks the file again in full.
import_file() run_import() in a transaction of its own (the import page's one write path).
Importing the same file again adds nothing: rows are matched to stored records by their natural key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Concatenate, ParamSpec, TypeVar

import pandas as pd
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from hxgy import changes, db, rights
from hxgy.auth import CurrentUser
from hxgy.entry.rules import audit, refuse
from hxgy.metrics import stats
from hxgy.models import AuditLog, ImportBatch
from hxgy.models.base import utcnow
from hxgy.transfer.files import FileRefused, read_tables
from hxgy.transfer.headers import example_values, is_example, locate_all, preview
from hxgy.transfer.kinds import Kind, kind_or_error
from hxgy.transfer.lookup import Lookup
from hxgy.transfer.matching import match_repeats, number_repeats
from hxgy.transfer.reading import Problem, RowReader
from hxgy.transfer.rows import Handler, Prepared, Stored, handler_for
from hxgy.transfer.rows.base import Changes, Key
from hxgy.transfer.values import clean_text

Progress = Callable[[str, float], None]
P = ParamSpec("P")
T = TypeVar("T")


class ImportBlocked(ValueError):
    """Some rows are wrong and the user did not choose to import only the good ones; nothing was written."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        super().__init__(f"有 {len(plan.bad_rows)} 行有误，未导入任何数据；请改正后再导入，或选择只导入正确的行")


@dataclass
class ImportPlan:
    """What a file would do: the good records, every problem, and how many rows are new, changed or the same."""

    kind: Kind
    file_name: str
    sha256: str
    source: str
    header_row: int
    rows_read: int
    extra_columns: list[str]
    problems: list[Problem]
    bad_rows: set[int]
    # the records of whichever kind the file is (each kind's handler has its own record type)
    new: list[Prepared[Any]] = field(default_factory=list)
    changed: list[tuple[Prepared[Any], Stored]] = field(default_factory=list)
    same: list[Prepared[Any]] = field(default_factory=list)
    example_rows: int = 0
    warnings: list[Problem] = field(default_factory=list)  # shown, but not stopping the import
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    lookup: Lookup | None = None
    handler: Handler[Any] | None = None
    # what the plan was checked against: the data version (hxgy.changes) read before anything else, and
    # (user id, role, school id, today); run_import reuses the plan only while both are unchanged
    version: str | None = None
    checked_for: tuple[object, ...] = ()

    @property
    def ok(self) -> bool:
        """No problem in any row."""
        return not self.problems

    def summary(self) -> str:
        """One line in Chinese: how many rows, how many new, changed, unchanged and wrong."""
        return (
            f"共 {self.rows_read} 行：新增 {len(self.new)}，更新 {len(self.changed)}，"
            f"已存在且未变 {len(self.same)}，有误 {len(self.bad_rows)}"
        )


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    batch_id: int
    added: int
    updated: int
    unchanged: int
    rejected: int
    warnings: tuple[str, ...] = ()  # what the preview said without stopping the import, one line each
    reused_plan: bool = False  # the preview's plan was written as it was (False: the file was checked again)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checked_for(user: CurrentUser, today: date) -> tuple[object, ...]:
    return (user.id, user.role, user.school_id, today)


def still_fresh(session: Session, plan: ImportPlan, user: CurrentUser, kind_key: str, data: bytes, today: date) -> bool:
    """Whether ``plan`` may be written as it is, in ``session``'s transaction: it is this file's plan for this kind,
    checked for this user (same role and school) on this day, and no data has changed since (the data version,
    which every write moves when it commits, is the one the plan was checked against)."""
    return (
        plan.version is not None
        and plan.kind.key == kind_key
        and plan.checked_for == _checked_for(user, today)
        and plan.handler is not None
        and plan.lookup is not None
        and plan.sha256 == file_hash(data)
        and plan.version == changes.current_version(session)
    )


def prepare(
    session: Session,
    user: CurrentUser,
    kind_key: str,
    file_name: str,
    data: bytes,
    *,
    today: date,
    progress: Progress | None = None,
) -> ImportPlan:
    """Read and check a file; nothing is written (a refused user is logged)."""
    kind = kind_or_error(kind_key)
    if user.school_id is None or not rights.can(user.role, kind.import_action):
        raise refuse(session, user, f"导入{kind.title}")
    version = changes.current_version(session)  # before anything is read: a write after it makes the plan stale
    tables = read_tables(file_name, data, progress=progress)
    lookup = Lookup.load(session, user, today, kind.import_action)
    handler = handler_for(kind)
    extra = handler.extra_columns(lookup)
    located_all = locate_all(tables, kind, extra=extra)
    for located in located_all:
        if extra and not any(c.key in located.positions for c in extra):
            where = f"工作表“{located.source}”" if len(located_all) > 1 else ""
            raise FileRefused(
                f"{where}第 {located.header_row} 行表头中没有任何德育维度列；应有：{'、'.join(c.header for c in extra)}"
            )
    del tables  # the rows live on in located_all, and are let go of as they are converted
    problems: list[Problem] = []
    warnings: list[Problem] = []
    bad_rows: set[int] = set()
    prepared: list[Prepared[Any]] = []
    examples = 0
    total = sum(len(located.rows) for located in located_all)
    first_rows = preview(located_all[0])
    done = 0
    for located in located_all:
        example = example_values([*kind.columns, *extra], located)
        given = frozenset(located.positions)
        rows, located.rows = located.rows, []
        rows.reverse()
        while rows:
            number, values = rows.pop()
            done += 1
            if example and is_example(values, located, example):
                examples += 1
                continue
            reader = RowReader(kind, located, number, values, extra)
            too_long = False
            if located.delimited and len(values) > len(located.headers):
                beyond = [v for v in values[len(located.headers) :] if clean_text(v)]
                if beyond:
                    too_long = True
                    reader.fail(
                        "",
                        f"这一行有 {len(located.headers) + len(beyond)} 个单元格，比表头的 {len(located.headers)} 列多"
                        f"（多出“{clean_text(beyond[0])[:20]}”）；可能是内容里有未加引号的逗号，"
                        "请改用中文逗号或另存为 .xlsx",
                    )
            items = [] if too_long else handler.convert(reader, lookup, user)
            warnings.extend(reader.warnings)
            if reader.problems:
                problems.extend(reader.problems)
                bad_rows.add(number)
            else:
                prepared.extend(replace(item, given=given) for item in items)
            if progress and done % 2000 == 0:
                progress("检查每一行", done / total)
    located = located_all[0]
    grouped_problems: list[Problem] = []
    prepared = handler.group(prepared, grouped_problems)
    if handler.repeatable:
        prepared = number_repeats(prepared, warnings)
    seen: dict[Key, int] = {}
    unique: list[Prepared[Any]] = []
    for p in prepared:
        if p.key in seen:
            grouped_problems.append(
                Problem(p.row, "", "", "", f"与第 {seen[p.key]} 行是同一条记录（{kind.natural_key}相同），请删去一行")
            )
            continue
        seen[p.key] = p.row
        unique.append(p)
    problems.extend(grouped_problems)
    bad_rows |= {p.row for p in grouped_problems}
    unique = [p for p in unique if p.row not in bad_rows] if grouped_problems else unique
    if not unique and not problems:
        raise FileRefused("文件中没有可导入的数据行（只有表头或示例行）")
    plan = ImportPlan(
        kind=kind,
        file_name=file_name,
        sha256=file_hash(data),
        source="、".join(f"“{loc.source}”" for loc in located_all) if len(located_all) > 1 else located.source,
        header_row=located.header_row,
        rows_read=total - examples,
        extra_columns=located.extra_columns,
        problems=sorted(problems, key=lambda p: (int(p.row), p.letter)),
        bad_rows=bad_rows,
        example_rows=examples,
        warnings=sorted(warnings, key=lambda p: int(p.row)),
        preview=first_rows,
        lookup=lookup,
        handler=handler,
        version=version,
        checked_for=_checked_for(user, today),
    )
    stored = handler.existing(session, lookup, unique) if unique else {}
    if handler.repeatable:
        unique = match_repeats(handler, unique, stored)
    late: list[Problem] = []  # what only the stored records show (a masked phone that stands for no number)
    for p in unique:
        match = stored.get(p.key)
        written = handler.against_stored(p, match)
        if isinstance(written, Problem):
            late.append(written)
        elif match is None:
            plan.new.append(written)
        elif handler.differs(written, match):
            plan.changed.append((written, match))
        else:
            plan.same.append(written)
    if late:
        plan.problems = sorted([*plan.problems, *late], key=lambda q: (int(q.row), q.letter))
        plan.bad_rows |= {q.row for q in late}
    if progress:
        progress("检查每一行", 1.0)
    return plan


def run_import(
    session: Session,
    user: CurrentUser,
    kind_key: str,
    file_name: str,
    data: bytes,
    *,
    today: date,
    accept_good_rows: bool = False,
    progress: Progress | None = None,
    plan: ImportPlan | None = None,
) -> ImportResult:
    """Write the file in the caller's transaction (hxgy.db.write_session): the preview's ``plan`` when it is still
    fresh (``still_fresh``), else the file checked again in full."""
    if plan is not None and rights.can(user.role, kind_or_error(kind_key).import_action):
        reused = still_fresh(session, plan, user, kind_key, data, today)
    else:
        reused = False
    if not reused:
        plan = prepare(session, user, kind_key, file_name, data, today=today, progress=progress)
    assert plan is not None
    if plan.problems and not accept_good_rows:
        raise ImportBlocked(plan)
    handler, lookup = plan.handler, plan.lookup
    assert handler is not None and lookup is not None
    handler.write(session, Changes(user, lookup, plan.new, plan.changed, progress))
    batch = ImportBatch(
        school_id=lookup.school_id,
        user_id=user.id,
        username=user.username,
        kind=plan.kind.key,
        file_name=file_name[:255],
        file_sha256=plan.sha256,
        rows_read=plan.rows_read,
        added=len(plan.new),
        updated=len(plan.changed),
        unchanged=len(plan.same),
        rejected=len(plan.bad_rows),
    )
    session.add(batch)
    session.flush()
    _audit_updates(session, user, plan, handler, batch.id)
    audit(
        session,
        user,
        "import",
        plan.kind.table,
        batch.id,
        after={
            "文件": file_name,
            "SHA-256": plan.sha256,
            "类型": plan.kind.title,
            "新增": len(plan.new),
            "更新": len(plan.changed),
            "未变": len(plan.same),
            "有误未导入": len(plan.bad_rows),
        },
        detail=f"导入{plan.kind.title}“{file_name}”：{plan.summary()}",
    )
    written = [*plan.new, *(p for p, _s in plan.changed)]
    if written:
        if progress:
            progress("更新统计", 0.0)
        days, class_ids = handler.refresh_scope(lookup, written)
        if days:
            stats.refresh_terms_on(
                session, school_id=lookup.school_id, days=days, today=today, now=utcnow(), class_ids=class_ids
            )
    if progress:
        progress("完成", 1.0)
    return ImportResult(
        batch.id,
        len(plan.new),
        len(plan.changed),
        len(plan.same),
        len(plan.bad_rows),
        tuple(str(w) for w in plan.warnings),
        reused_plan=reused,
    )


def _in_own_transaction(write: Callable[Concatenate[Session, P], T]) -> Callable[Concatenate[Engine, P], T]:
    """``write`` (which writes in the caller's transaction) run in a transaction of its own by hxgy.db.run_write:
    run again after lock contention, which is safe as an import is idempotent; all of it is written, or nothing."""

    def in_own(engine: Engine, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return db.run_write(lambda session: write(session, *args, **kwargs), engine)

    return in_own


# import a file in a transaction of its own: run_import's arguments, the engine in place of the session
import_file = _in_own_transaction(run_import)


def _audit_updates(session: Session, user: CurrentUser, plan: ImportPlan, handler: Handler[Any], batch_id: int) -> None:
    """Each record an import changed, with what it was before (new records are counted in the import entry)."""
    rows = []
    for p, stored in plan.changed:
        before = {c: stored.values.get(c) for c in handler.compared if stored.values.get(c) != p.value(c)}
        after = {c: p.value(c) for c in before}
        rows.append(
            {
                "at": utcnow(),
                "school_id": user.school_id,
                "user_id": user.id,
                "username": user.username,
                "action": "update",
                "entity": plan.kind.table,
                "entity_id": stored.id,
                "before": json.dumps(before, ensure_ascii=False, default=str),
                "after": json.dumps(after, ensure_ascii=False, default=str),
                "detail": f"导入批次 {batch_id}（{plan.file_name}）",
            }
        )
    for start in range(0, len(rows), 2000):
        session.execute(insert(AuditLog), rows[start : start + 2000])
