"""学期报告 page: a dean drafts the report and gets a .docx; head teachers and teachers are refused."""

from __future__ import annotations

import io
from typing import ClassVar

import pytest
from docx import Document
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import app_test

from tests.app.conftest import all_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class RecordingStorage(MemoryMediaFileStorage):
    """The test runtime's media storage, keeping what each download button would hand out."""

    files: ClassVar[list[tuple[str, bytes, str | None]]] = []

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None) -> str:
        if isinstance(path_or_data, bytes):
            RecordingStorage.files.append((mimetype, path_or_data, filename))
        return super().load_and_get_id(path_or_data, mimetype, kind, filename)


def test_a_dean_drafts_the_report_and_downloads_it(make_app, demo_url, monkeypatch) -> None:
    RecordingStorage.files = []
    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", RecordingStorage)
    at = make_app(demo_url, "dean", script="pages/report.py")
    at.run()
    assert not at.exception
    assert at.selectbox(key="report-term").format_func(at.selectbox(key="report-term").value) == (
        "2025-2026学年第二学期"
    ), "the latest finished term comes first"
    assert not at.download_button
    at.button(key="report-make").click()
    at.run(timeout=120)
    assert not at.exception and not at.error
    assert [b.label for b in at.download_button] == ["下载 Word 报告"]
    docx = [(data, name) for mime, data, name in RecordingStorage.files if mime == DOCX]
    assert docx, "the download button carries the document"
    data, name = docx[-1]
    assert name == "东湖区实验小学_2025-2026学年第二学期_家校社协同育人工作报告.docx"
    doc = Document(io.BytesIO(data))
    assert doc.paragraphs[0].text.replace("\n", "") == "东湖区实验小学2025-2026学年第二学期家校社协同育人工作情况报告"
    shown = all_text(at)
    assert "一、总体概况" in shown and "（一）主要指标。" in shown, "the draft is previewed on the page"
    assert "nan" not in shown.lower()


@pytest.mark.parametrize("username", ["headteacher", "teacher"])
def test_head_teachers_and_teachers_are_refused(make_app, demo_url, username) -> None:
    at = make_app(demo_url, username, script="pages/report.py")
    at.run()
    assert not at.exception
    assert "无权打开该页面" in all_text(at)
    assert not any(b.label == "生成报告" for b in at.button)
    assert not at.download_button
