"""The import page's tables: the problems of a file, and the school's latest imports."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from hxgy import rights
from hxgy.auth import CurrentUser
from hxgy.formats import beijing_time
from hxgy.models import ImportBatch
from hxgy.transfer.kinds import KINDS

if TYPE_CHECKING:
    from hxgy.transfer.imports import ImportPlan

MAX_PROBLEMS_LISTED = 5000  # beyond this the report says how many more


def problems_frame(plan: ImportPlan) -> pd.DataFrame:
    """The problem report: one line per wrong cell, as shown on screen and downloaded as Excel."""
    listed = plan.problems[:MAX_PROBLEMS_LISTED]
    sheets = any(p.sheet for p in plan.problems)
    frame = pd.DataFrame(
        [((p.sheet,) if sheets else ()) + (p.number, p.letter, p.column, p.value, p.message) for p in listed],
        columns=(["工作表"] if sheets else []) + ["行号", "列", "列名", "单元格内容", "问题"],
    )
    if len(plan.problems) > MAX_PROBLEMS_LISTED:
        more = len(plan.problems) - MAX_PROBLEMS_LISTED
        frame.loc[len(frame)] = [""] * (len(frame.columns) - 1) + [f"另有 {more} 处问题未列出"]
    return frame


def import_history(session: Session, user: CurrentUser, limit: int = 50) -> pd.DataFrame:
    """The school's latest imports (a head teacher sees their own), newest first."""
    stmt = select(ImportBatch).where(ImportBatch.school_id == user.school_id)
    if not rights.can(user.role, rights.Action.AUDIT):  # who may read the log sees every import, others their own
        stmt = stmt.where(ImportBatch.user_id == user.id)
    batches = session.scalars(stmt.order_by(ImportBatch.id.desc()).limit(limit)).all()
    return pd.DataFrame(
        [
            (
                beijing_time(b.at),
                b.username,
                KINDS[b.kind].title if b.kind in KINDS else b.kind,
                b.file_name,
                b.added,
                b.updated,
                b.unchanged,
                b.rejected,
                b.file_sha256[:12],
            )
            for b in batches
        ],
        columns=["时间", "账户", "数据类型", "文件", "新增", "更新", "未变", "有误未导入", "文件指纹"],
    )
