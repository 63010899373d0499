"""学期报告 page: a dean writes the report's own parts and an honour, drafts the report and gets a .docx with them;
head teachers and teachers are refused."""

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


def _one(widgets, label: str):
    found = [w for w in widgets if w.label == label]
    assert len(found) == 1, f"one widget labelled {label}"
    return found[0]


def test_a_dean_writes_the_text_drafts_the_report_and_downloads_it(make_app, demo_copy_url, monkeypatch) -> None:
    RecordingStorage.files = []
    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", RecordingStorage)
    at = make_app(demo_copy_url, "dean", script="pages/report.py")
    at.run()
    assert not at.exception
    term = at.selectbox(key="report-term")
    assert term.format_func(term.value) == "2025-2026学年第二学期", "the latest finished term comes first"
    assert not at.download_button
    cases = _one(at.text_area, "典型案例")
    assert cases.value.startswith("【"), "the demo's saved 典型案例 of the term is shown"
    title = "东湖区实验小学2025-2026学年第二学期家校共育工作总结"
    _one(at.text_input, "报告标题").input(title)
    _one(at.text_input, "落款单位").input("东湖区实验小学教导处")
    _one(at.button, "保存").click()
    at.run()
    assert not at.exception and not at.error
    assert "已保存2025-2026学年第二学期的报告文字" in all_text(at)
    _one(at.text_input, "荣誉名称").input("新时代好少年")
    _one(at.selectbox, "获奖对象").select("student")
    _one(at.text_input, "获奖者").input("测试学生甲")
    _one(at.button, "登记").click()
    at.run()
    assert not at.exception and not at.error
    assert "已登记荣誉：新时代好少年" in all_text(at)
    previous = term.value
    at.selectbox(key="report-term").select_index(0).run()
    assert _one(at.text_input, "报告标题").value == "", "another term: its own (empty) title"
    at.selectbox(key="report-term").set_value(previous).run()
    assert _one(at.text_input, "报告标题").value == title, "saved per term, shown again"
    at.button(key="report-make").click()
    at.run(timeout=120)
    assert not at.exception and not at.error
    assert [b.label for b in at.download_button] == ["下载 Word 报告"]
    docx = [(data, name) for mime, data, name in RecordingStorage.files if mime == DOCX]
    assert docx, "the download button carries the document"
    data, name = docx[-1]
    assert name == "东湖区实验小学_2025-2026学年第二学期_家校社协同育人工作报告.docx"
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == title
    assert "东湖区实验小学教导处" in texts and "十一、典型案例" in texts
    assert "测试学生甲" not in "\n".join(texts)
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
