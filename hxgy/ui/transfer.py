"""The import page's pieces: a progress bar that hxgy.transfer reports to, the checked plan of an upload, what the
plan shows, and the import itself (hxgy.transfer.imports.import_file: its own transaction, the one write path).

The plan checked for the preview is kept in st.session_state (by user, kind and upload) and handed to the import,
which writes it without reading the file again unless data changed since (hxgy.transfer.imports.still_fresh).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from hxgy import exports
from hxgy.auth import CurrentUser
from hxgy.entry.rules import WriteRefused
from hxgy.transfer import exports as record_exports
from hxgy.transfer import templates
from hxgy.transfer.files import FileRefused
from hxgy.transfer.history import problems_frame
from hxgy.transfer.imports import ImportBlocked, ImportPlan, import_file, prepare
from hxgy.transfer.kinds import Kind
from hxgy.transfer.lookup import Lookup
from hxgy.ui import data
from hxgy.ui import entry as forms
from hxgy.ui.downloads import private_download

STAGES = {"读取文件": (0.0, 0.3), "检查每一行": (0.3, 0.7), "写入数据库": (0.7, 0.95), "更新统计": (0.95, 1.0)}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN_KEY = "import-plan"  # (user id, kind key, upload id) and its plan: a rerun and the import reuse it
UPLOADS_KEY = "uploads"  # counts imports, so the uploader is empty after one


def progress_bar(title: str) -> tuple[Callable[[str, float], None], Callable[[], None]]:
    """A bar that the stages of an import move along; returns (report, close)."""
    bar = st.progress(0.0, text=title)

    def report(stage: str, fraction: float) -> None:
        low, high = STAGES.get(stage, (0.0, 1.0))
        bar.progress(min(1.0, low + (high - low) * max(0.0, min(1.0, fraction))), text=f"{title}：{stage}")

    def close() -> None:
        bar.empty()

    return report, close


def template_bytes(user: CurrentUser, kind: Kind) -> bytes:
    """The kind's template with the school's lists in its dropdowns."""
    with data.read_session() as session:
        return templates.template_bytes(kind.key, Lookup.load(session, user, data.today()))


def export_file(user: CurrentUser, kind: Kind, term_id: int | None, stamp: str) -> tuple[bytes, int]:
    """The kind's records of a term (None: all) as .xlsx, and its rows; a refused export goes into the audit log
    on its own."""
    with data.read_session() as session:
        frame = record_exports.export_frame(session, user, kind.key, term_id=term_id, today=data.today())
    return exports.excel_bytes({kind.title: frame}, stamp=stamp), len(frame)


def checked_plan(user: CurrentUser, kind: Kind, upload: UploadedFile) -> ImportPlan:
    """The upload read and checked (nothing written), once per file; a file refused as a whole stops the page."""
    checked = st.session_state.get(PLAN_KEY)
    if checked is not None and checked[0] == (user.id, kind.key, upload.file_id):
        plan: ImportPlan = checked[1]
        return plan
    report, close = progress_bar("正在检查")
    try:
        with data.read_session() as session:
            plan = prepare(session, user, kind.key, upload.name, upload.getvalue(), today=data.today(), progress=report)
    except (FileRefused, WriteRefused) as refused:
        close()
        st.error(f"无法导入：{refused}")
        st.stop()
    close()
    st.session_state[PLAN_KEY] = ((user.id, kind.key, upload.file_id), plan)
    return plan


def show_plan(plan: ImportPlan, upload_name: str) -> None:
    """What the file would do: counts, skipped and ignored parts, every problem, warnings and the first rows."""
    counts = [
        ("数据行", plan.rows_read),
        ("新增", len(plan.new)),
        ("更新", len(plan.changed)),
        ("已存在未变", len(plan.same)),
        ("有误的行", len(plan.bad_rows)),
    ]
    for col, (label, value) in zip(st.columns(5), counts, strict=True):
        col.metric(label, f"{value:,}")
    if plan.example_rows:
        st.caption(f"模板的示例行未改动，已跳过（{plan.example_rows} 行）。")
    if plan.extra_columns:
        st.caption("以下列不属于模板，已忽略：" + "、".join(plan.extra_columns))
    if plan.problems:
        st.error(f"有 {len(plan.bad_rows)} 行有误，共 {len(plan.problems)} 处。改正后重新上传，或选择只导入正确的行。")
        problems = problems_frame(plan)
        st.dataframe(problems, hide_index=True, width="stretch", placeholder="—")
        private_download(  # the rows quoted may name children and families
            "下载问题清单（Excel）",
            make=lambda: exports.excel_bytes({"问题清单": problems}, stamp=f"{upload_name} · {plan.kind.title}"),
            file_name="导入问题清单.xlsx",
            mime=XLSX,
            what=f"导入问题清单 · {plan.kind.title} · {upload_name}",
            rows=len(problems),
            icon=":material/table:",
            key="problems-xlsx",
        )
    else:
        st.success(f"全部 {plan.rows_read} 行检查通过。")
    if plan.warnings:
        more = f"\n- ……另有 {len(plan.warnings) - 10} 处" if len(plan.warnings) > 10 else ""
        st.warning("请留意（不影响导入）：\n" + "".join(f"\n- {w}" for w in plan.warnings[:10]) + more)
    with st.expander(f"预览（{plan.source}，第 {plan.header_row} 行为表头，显示前 {len(plan.preview)} 行）"):
        st.dataframe(plan.preview, width="stretch", placeholder="")  # blank cells as in the file


def run(user: CurrentUser, kind: Kind, upload: UploadedFile, good_only: bool, plan: ImportPlan) -> None:
    """Import the upload in one transaction, writing the preview's ``plan`` unless data changed since it was
    checked; then a fresh uploader and a message saying what was done."""
    report, close = progress_bar("正在导入")
    try:
        result = import_file(
            data.engine(),
            user,
            kind.key,
            upload.name,
            upload.getvalue(),
            today=data.today(),
            accept_good_rows=good_only,
            progress=report,
            plan=plan,
        )
    except (ImportBlocked, FileRefused, WriteRefused) as failed:
        close()
        st.error(f"未导入：{failed}")
        st.stop()
    close()
    data.see_changes()  # an import moves the structure's version: every cached read is read again
    st.session_state.pop(PLAN_KEY, None)
    st.session_state[UPLOADS_KEY] = st.session_state.get(UPLOADS_KEY, 0) + 1  # a fresh, empty uploader
    forms.flash(
        f"已导入“{upload.name}”：新增 {result.added}，更新 {result.updated}，未变 {result.unchanged}"
        + (f"，跳过有误的 {result.rejected} 行" if result.rejected else "")
        + "。各页面的指标已更新。"
    )
