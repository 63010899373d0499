"""The 学期报告 preview reads as the document: a paragraph's bold lead is bold, never wrapped in literal `**`.

A lead ends in Chinese punctuation ("（一）主要指标。") right before a Chinese character; CommonMark does not close
`**` there (the closing run is not right-flanking), so `**（一）主要指标。**沟通…` showed the asterisks. The preview
bolds the lead with <strong>. Rendered here with markdown-it (CommonMark, as Streamlit's renderer follows it).
"""

from __future__ import annotations

from markdown_it import MarkdownIt

from hxgy.report.blocks import Block
from hxgy.ui.report import block_markdown

COMMONMARK = MarkdownIt("commonmark")


def test_the_old_markdown_showed_the_asterisks() -> None:
    assert "**" in COMMONMARK.render("**（一）主要指标。**沟通覆盖率 98.8%")


def test_a_lead_is_bold_without_asterisks() -> None:
    html = COMMONMARK.render(block_markdown(Block("paragraph", text="沟通覆盖率 98.8%。", lead="（一）主要指标。")))
    assert html.strip() == "<p><strong>（一）主要指标。</strong>沟通覆盖率 98.8%。</p>"


def test_text_of_the_draft_is_never_read_as_markup() -> None:
    html = COMMONMARK.render(block_markdown(Block("paragraph", text="*注* <b>x</b> [链接](y)", lead="<i>说明</i>")))
    assert "<b>" not in html and "<i>" not in html and "<em>" not in html and "<a " not in html
    assert "*注*" in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert COMMONMARK.render(block_markdown(Block("heading", text="一、总体概况"))).strip() == "<h5>一、总体概况</h5>"
    assert block_markdown(Block("bullet", text="三(2)班")) == "- 三(2)班"


def test_the_signature_is_right_aligned_and_escaped() -> None:
    html = COMMONMARK.render(block_markdown(Block("signature", text="<b>东湖区实验小学</b>", lead="2026年12月1日")))
    assert "text-align: right" in html and "<b>" not in html
    assert "&lt;b&gt;东湖区实验小学&lt;/b&gt;<br>2026年12月1日" in html
    assert COMMONMARK.render(block_markdown(Block("heading", text="需要关注的事项", level=2))).strip() == (
        "<h6>需要关注的事项</h6>"
    )
