"""导入导出: templates to fill in, importing a filled file after a preview, and exporting records."""

import streamlit as st

from hxgy import exports, rights, ui
from hxgy.entry.rules import WriteRefused
from hxgy.transfer import exports as record_exports
from hxgy.transfer import templates
from hxgy.transfer.files import MAX_FILE_BYTES, FileRefused
from hxgy.transfer.imports import ImportBlocked, import_history, prepare, problems_frame, run_import
from hxgy.transfer.kinds import KINDS
from hxgy.transfer.lookup import Lookup
from hxgy.ui import data
from hxgy.ui import entry as forms
from hxgy.ui.gate import db_write
from hxgy.ui.transfer import progress_bar

user = ui.guard("data_transfer")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

st.title("导入导出")
forms.show_flash()
kinds = [k for k in KINDS.values() if rights.can(user.role, rights.import_action(k.key))]
own_only = not rights.school_wide(user.role, *(rights.import_action(k.key) for k in kinds))
if own_only:
    st.caption("班主任只能导入、导出本人任教班级的数据。")
tab_import, tab_export, tab_history = st.tabs(["导入", "导出", "导入记录"])

with tab_import:
    kind = st.selectbox("数据类型", kinds, format_func=lambda k: k.title, key="import-kind")
    st.caption(f"同一条记录按“{kind.natural_key}”识别：同一文件导入两次不会重复，改正后的文件会更新对应记录。")

    def template() -> bytes:
        with data.read_session() as session:
            return templates.template_bytes(kind.key, Lookup.load(session, user, data.today()))

    st.download_button(
        f"下载“{kind.title}”模板",
        data=template,
        file_name=templates.template_file_name(kind.key),
        mime=XLSX,
        icon=":material/download:",
        on_click="ignore",
        key=f"template-{kind.key}",
    )
    upload = st.file_uploader(
        f"上传填好的文件（.xlsx 或 .csv，不超过 {MAX_FILE_BYTES // 1048576} MB）",
        type=["xlsx", "csv"],
        key=f"upload-{kind.key}-{st.session_state.get('uploads', 0)}",
    )
    if upload is not None:
        content = upload.getvalue()
        checked = st.session_state.get("import-plan")
        if checked is None or checked[0] != (kind.key, upload.file_id):
            report, close = progress_bar("正在检查")
            try:
                with data.read_session() as session:
                    plan = prepare(session, user, kind.key, upload.name, content, today=data.today(), progress=report)
            except (FileRefused, WriteRefused) as refused:
                close()
                st.error(f"无法导入：{refused}")
                st.stop()
            close()
            st.session_state["import-plan"] = ((kind.key, upload.file_id), plan)
        else:
            plan = checked[1]
        cols = st.columns(5)
        for col, (label, value) in zip(
            cols,
            [
                ("数据行", plan.rows_read),
                ("新增", len(plan.new)),
                ("更新", len(plan.changed)),
                ("已存在未变", len(plan.same)),
                ("有误的行", len(plan.bad_rows)),
            ],
            strict=True,
        ):
            col.metric(label, f"{value:,}")
        if plan.example_rows:
            st.caption(f"模板的示例行未改动，已跳过（{plan.example_rows} 行）。")
        if plan.extra_columns:
            st.caption("以下列不属于模板，已忽略：" + "、".join(plan.extra_columns))
        if plan.problems:
            st.error(
                f"有 {len(plan.bad_rows)} 行有误，共 {len(plan.problems)} 处。改正后重新上传，或选择只导入正确的行。"
            )
            problems = problems_frame(plan)
            st.dataframe(problems, hide_index=True, width="stretch", placeholder="—")
            st.download_button(
                "下载问题清单（Excel）",
                data=lambda: exports.excel_bytes({"问题清单": problems}, stamp=f"{upload.name} · {kind.title}"),
                file_name="导入问题清单.xlsx",
                mime=XLSX,
                icon=":material/table:",
                on_click="ignore",
                key="problems-xlsx",
            )
        else:
            st.success(f"全部 {plan.rows_read} 行检查通过。")
        if plan.warnings:
            more = f"\n- ……另有 {len(plan.warnings) - 10} 处" if len(plan.warnings) > 10 else ""
            st.warning("请留意（不影响导入）：\n" + "".join(f"\n- {w}" for w in plan.warnings[:10]) + more)
        with st.expander(f"预览（{plan.source}，第 {plan.header_row} 行为表头，显示前 {len(plan.preview)} 行）"):
            st.dataframe(plan.preview, width="stretch", placeholder="")  # blank cells as in the file
        good_only = False
        if plan.problems:
            good_only = st.checkbox(f"只导入正确的行（跳过 {len(plan.bad_rows)} 行有误的行）", key="good-only")
        to_write = len(plan.new) + len(plan.changed)
        if to_write == 0 and not plan.problems:
            st.info("文件中的记录都已存在且没有变化，无需导入。")
        clicked = st.button(
            f"导入（新增 {len(plan.new)}，更新 {len(plan.changed)}）",
            type="primary",
            disabled=to_write == 0 or (bool(plan.problems) and not good_only),
            key="run-import",
        )
        if clicked:
            report, close = progress_bar("正在导入")
            try:
                with db_write() as session:
                    result = run_import(
                        session,
                        user,
                        kind.key,
                        upload.name,
                        content,
                        today=data.today(),
                        accept_good_rows=good_only,
                        progress=report,
                    )
            except (ImportBlocked, FileRefused, WriteRefused) as failed:
                close()
                st.error(f"未导入：{failed}")
                st.stop()
            close()
            data.clear_caches()
            st.session_state.pop("import-plan", None)
            st.session_state["uploads"] = st.session_state.get("uploads", 0) + 1  # a fresh, empty uploader
            forms.flash(
                f"已导入“{upload.name}”：新增 {result.added}，更新 {result.updated}，未变 {result.unchanged}"
                + (f"，跳过有误的 {result.rejected} 行" if result.rejected else "")
                + "。各页面的指标已更新。"
            )

with tab_export:
    export_kind = st.selectbox("数据类型", kinds, format_func=lambda k: k.title, key="export-kind")
    terms = dict(data.school_terms(user.school_id))
    options = [0, *reversed(list(terms))]
    current = data.current_term_id(user.school_id)
    term_id = st.selectbox(
        "学期",
        options,
        index=options.index(current) if current in options else 0,
        format_func=lambda t: terms.get(t, "全部学期"),
        key="export-term",
        placeholder="全部学期",
    )
    roster = export_kind.key in ("students", "guardians", "staff")
    st.caption(
        "导出的列与导入模板相同，改好后可直接导回。"
        + ("名册按所选学期所在的学年导出。" if roster else "")
        + "各班指标的 Excel 在各指标页面的“下载Excel”。"
    )

    def export_bytes() -> bytes:
        with db_write() as session:  # a refused export is written to the audit log
            frame = record_exports.export_frame(
                session, user, export_kind.key, term_id=term_id or None, today=data.today()
            )
        return exports.excel_bytes({export_kind.title: frame}, stamp=terms.get(term_id, "全部学期"))

    st.download_button(
        f"导出“{export_kind.title}”",
        data=export_bytes,
        file_name=f"{export_kind.title}_{terms.get(term_id, '全部学期')}.xlsx",
        mime=XLSX,
        type="primary",
        icon=":material/download:",
        on_click="ignore",
        key=f"export-{export_kind.key}-{term_id}",
    )

with tab_history:
    with data.read_session() as session:
        history = import_history(session, user)
    if history.empty:
        st.info("还没有导入过文件。")
    else:
        st.dataframe(history, hide_index=True, width="stretch", placeholder="—")
