"""导入导出: templates to fill in, importing a filled file after a preview, and exporting records."""

import streamlit as st

from hxgy import rights, ui
from hxgy.transfer import templates
from hxgy.transfer.exports import phone_warning
from hxgy.transfer.files import MAX_FILE_BYTES
from hxgy.transfer.history import import_history
from hxgy.transfer.kinds import KINDS
from hxgy.ui import data
from hxgy.ui import entry as forms
from hxgy.ui import transfer as page
from hxgy.ui.downloads import private_download

user = ui.guard("data_transfer")

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
    st.download_button(
        f"下载“{kind.title}”模板",
        data=lambda: page.template_bytes(user, kind),
        file_name=templates.template_file_name(kind.key),
        mime=page.XLSX,
        icon=":material/download:",
        on_click="ignore",
        key=f"template-{kind.key}",
    )
    upload = st.file_uploader(
        f"上传填好的文件（.xlsx 或 .csv，不超过 {MAX_FILE_BYTES // 1048576} MB）",
        type=["xlsx", "csv"],
        key=f"upload-{kind.key}-{st.session_state.get(page.UPLOADS_KEY, 0)}",
    )
    if upload is not None:
        plan = page.checked_plan(user, kind, upload)
        page.show_plan(plan, upload.name)
        good_only = False
        if plan.problems:
            good_only = st.checkbox(f"只导入正确的行（跳过 {len(plan.bad_rows)} 行有误的行）", key="good-only")
        to_write = len(plan.new) + len(plan.changed)
        if to_write == 0 and not plan.problems:
            st.info("文件中的记录都已存在且没有变化，无需导入。")
        if st.button(
            f"导入（新增 {len(plan.new)}，更新 {len(plan.changed)}）",
            type="primary",
            disabled=to_write == 0 or (bool(plan.problems) and not good_only),
            key="run-import",
        ):
            page.run(user, kind, upload, good_only, plan)

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
    stamp = terms.get(term_id, "全部学期")
    phones = phone_warning(user.role, export_kind.key)
    if phones:
        st.warning(phones, icon=":material/phone_locked:")
    private_download(
        f"导出“{export_kind.title}”",
        make=lambda: page.export_file(user, export_kind, term_id or None, stamp),
        file_name=f"{export_kind.title}_{stamp}.xlsx",
        mime=page.XLSX,
        what=f"{export_kind.title} · {stamp}",
        kind="primary",
        key=f"export-{export_kind.key}-{term_id}",
    )

with tab_history:
    with data.read_session() as session:
        history = import_history(session, user)
    if history.empty:
        st.info("还没有导入过文件。")
    else:
        st.dataframe(history, hide_index=True, width="stretch", placeholder="—")
