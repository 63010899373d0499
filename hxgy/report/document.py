"""The term report as a Word document (.docx), built with python-docx from a Draft.

Plain built-in styles (Title, Heading 1, Normal, Caption, List Bullet, Table
Grid) with the East-Asian font set on each (``w:rFonts w:eastAsia``), so
Chinese shows in 宋体/黑体 in Word and WPS instead of a fallback face. Charts
are PNG pictures; the appendix is a real Word table on a landscape page.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table as DocxTable

from hxgy.report.blocks import Draft, Table
from hxgy.report.writing import TITLE_TAIL

Progress = Callable[[float, str], None]

BODY_FONT = "宋体"  # SimSun: present in every Chinese Word and WPS installation
HEADING_FONT = "黑体"  # SimHei
LATIN_FONT = "Times New Roman"
BLACK = RGBColor(0, 0, 0)
CHART_WIDTH = Cm(15.5)
CLASS_CHART_WIDTH = Cm(13)  # one bar per class: narrower, so 30 classes still fit half a page or so
WIDE_CHARTS = frozenset({"status", "channels", "activities"})

# style name → (East-Asian font, size in points, bold)
STYLE_FONTS: dict[str, tuple[str, float, bool]] = {
    "Normal": (BODY_FONT, 12, False),
    "Title": (HEADING_FONT, 20, False),
    "Subtitle": (BODY_FONT, 9, False),
    "Heading 1": (HEADING_FONT, 15, False),
    "Heading 2": (HEADING_FONT, 13, False),
    "Caption": (BODY_FONT, 10, False),
    "List Bullet": (BODY_FONT, 12, False),
    "Table Grid": (BODY_FONT, 9, False),
}


def set_east_asian_font(style: BaseStyle, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Give a style its Chinese (w:eastAsia) and Latin fonts, dropping the theme fonts that would override them."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def east_asian_font(style: BaseStyle) -> str | None:
    """The East-Asian font a style sets (for tests), or None."""
    rpr = style.element.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def _styles(doc: DocxDocument) -> None:
    for name, (east_asian, size, bold) in STYLE_FONTS.items():
        style = doc.styles[name]
        set_east_asian_font(style, east_asian)
        style.font.size = Pt(size)
        style.font.bold = bold
        if name != "Table Grid":
            style.font.color.rgb = BLACK
    # the default template's Title has a blue rule under it and Heading 1 a large gap before it
    title = doc.styles["Title"]
    borders = title.element.pPr.find(qn("w:pBdr")) if title.element.pPr is not None else None
    if borders is not None:
        title.element.pPr.remove(borders)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(6)
    doc.styles["Heading 1"].paragraph_format.space_before = Pt(14)
    doc.styles["Heading 1"].paragraph_format.space_after = Pt(6)
    doc.styles["Caption"].font.italic = False
    doc.styles["Subtitle"].font.italic = False
    doc.styles["Caption"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    normal = doc.styles["Normal"].paragraph_format
    normal.line_spacing = 1.4
    normal.space_after = Pt(4)


def page_setup(section: Section, *, landscape: bool = False) -> None:
    """A4 with the report's margins (portrait, or landscape for wide tables); also the family's file."""
    width, height = Cm(21.0), Cm(29.7)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.left_margin = section.right_margin = Cm(2.2 if not landscape else 1.8)
    section.top_margin = section.bottom_margin = Cm(2.2 if not landscape else 1.8)


def _page_number(section: Section) -> None:
    """第 N 页 centred in the footer (a PAGE field Word and WPS fill in)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    paragraph.add_run(" 页")


def _body(doc: DocxDocument, text: str, lead: str = "") -> None:
    paragraph = doc.add_paragraph(style="Normal")
    paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters
    if lead:
        paragraph.add_run(lead).bold = True
    paragraph.add_run(text)


def _signature(doc: DocxDocument, signer: str, day: str) -> None:
    """落款: the signer right-aligned after a blank line, the date under it, kept on one page with the text's last
    paragraph (a 落款 alone on a page signs nothing)."""
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    for i, text in enumerate((signer, day)):
        paragraph = doc.add_paragraph(text, style="Normal")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_before = Pt(24 if i == 0 else 0)
        paragraph.paragraph_format.keep_with_next = i == 0


def _repeat_header(table: DocxTable) -> None:
    trpr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _figure_like(text: str) -> bool:
    """A cell that holds a figure (right-aligned): digits, or 无数据 / — in a column of figures."""
    return text[:1].isdigit() or text[:1] == "-" or text in ("无数据", "—")


def add_table(doc: DocxDocument, table: Table) -> DocxTable:
    """A Word table (Table Grid): bold header row repeated on each page, figures right-aligned."""
    doc.add_paragraph(table.title, style="Heading 2")
    out = doc.add_table(rows=1, cols=len(table.headers), style="Table Grid")
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(out.rows[0].cells, table.headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _repeat_header(out)
    numeric = [all(_figure_like(row[i]) for row in table.rows) for i in range(len(table.headers))]
    for row in table.rows:
        cells = out.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.text = text
            if i > 0 and numeric[i]:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if table.widths:
        out.autofit = False
        for column, width in zip(out.columns, table.widths, strict=True):
            column.width = Cm(width)  # the grid LibreOffice reads
        for row in out.rows:  # the cell widths Word reads
            for cell, width in zip(row.cells, table.widths, strict=True):
                cell.width = Cm(width)
    for row in out.rows:
        for cell in row.cells:
            fmt = cell.paragraphs[0].paragraph_format
            fmt.first_line_indent = Pt(0)
            fmt.space_after = Pt(0)
            fmt.line_spacing = 1.0
    if table.note:
        note = doc.add_paragraph(table.note, style="Caption")
        note.alignment = WD_ALIGN_PARAGRAPH.LEFT
        note.paragraph_format.space_before = Pt(4)
    return out


def write_docx(draft: Draft, pictures: dict[str, bytes], *, progress: Progress | None = None) -> bytes:
    """The .docx of a draft, with the chart ``pictures`` (PNG by chart key) where the draft places them."""
    doc = Document()
    _styles(doc)
    page_setup(doc.sections[0])
    _page_number(doc.sections[0])
    doc.core_properties.title = draft.title
    doc.core_properties.author = "家校社协同育人平台"
    doc.core_properties.comments = "由平台根据数据自动起草，可直接修改。"
    title = doc.add_paragraph(style="Title")
    if draft.title.endswith(TITLE_TAIL) and draft.title != TITLE_TAIL:
        # school and term on the first line, what the report is on the second
        title.add_run(draft.title.removesuffix(TITLE_TAIL)).add_break()
        title.add_run(TITLE_TAIL)
    else:
        title.add_run(draft.title)
    doc.add_paragraph(draft.stamp, style="Subtitle").alignment = WD_ALIGN_PARAGRAPH.CENTER
    landscape = False
    for block in draft.blocks:
        if block.kind == "heading":
            if block.text == "附表" and not landscape:
                section = doc.add_section(WD_SECTION.NEW_PAGE)
                page_setup(section, landscape=True)
                landscape = True
            doc.add_heading(block.text, level=block.level)
        elif block.kind == "paragraph":
            _body(doc, block.text, block.lead)
        elif block.kind == "bullet":
            doc.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "chart" and block.key in pictures:
            holder = doc.add_paragraph()
            holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
            width = CHART_WIDTH if block.key in WIDE_CHARTS else CLASS_CHART_WIDTH
            holder.add_run().add_picture(io.BytesIO(pictures[block.key]), width=width)
            doc.add_paragraph(block.text, style="Caption")
        elif block.kind == "table":
            add_table(doc, draft.tables[block.key])
        elif block.kind == "signature":
            _signature(doc, block.text, block.lead)
    if progress:
        progress(0.98, "保存文档")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
