"""The slide pack: the meeting screen's slides as a PowerPoint file (opens in PowerPoint and WPS).

Every word is real text in the file (titles, figures, notes, the stamp on
every slide); only the charts are pictures, rendered by vl-convert with the
Chinese font. The pack holds what the screen shows and nothing more.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from hxgy import charts
from hxgy.meeting.slides import Slide

FONT = "Microsoft YaHei"  # Word, PowerPoint and WPS substitute a CJK face where it is missing
STATUS_RGB = {"green": "2E7D32", "amber": "B07800", "red": "C62828", "grey": "333333", "incomplete": "666666"}
WIDE = (Inches(13.333), Inches(7.5))  # 16:9
CHART_PIXELS = (1500, 470)  # rendered at 2x by vl-convert


def _text(frame, text: str, size: int, *, bold: bool = False, colour: str = "333333", new: bool = False) -> None:  # noqa: ANN001
    """Add a paragraph (or fill the first one) with Latin and East-Asian fonts both set."""
    paragraph = frame.add_paragraph() if new else frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = RGBColor.from_string(colour)
    font.name = FONT  # the Latin slot
    r_pr = run._r.get_or_add_rPr()
    latin = r_pr.find(qn("a:latin"))
    east_asian = etree.SubElement(r_pr, qn("a:ea"))
    east_asian.set("typeface", FONT)
    latin.addnext(east_asian)  # schema order: latin, ea


def _box(slide, left: int, top: int, width: int, height: int):  # noqa: ANN001
    box = slide.shapes.add_textbox(left, top, width, height)
    box.text_frame.word_wrap = True
    return box.text_frame


def slide_pack(slides: Sequence[Slide], *, stamp: str, progress: Callable[[float, str], object] | None = None) -> bytes:
    """A .pptx of the slides: title, figures, chart and notes on each, the stamp and page number at the foot."""
    deck = Presentation()
    slide_width, slide_height = WIDE
    deck.slide_width, deck.slide_height = slide_width, slide_height
    blank = deck.slide_layouts[6]
    margin = Inches(0.5)
    inner = slide_width - 2 * margin
    for number, shown in enumerate(slides, start=1):
        if progress:
            progress((number - 1) / len(slides), f"第 {number} / {len(slides)} 页：{shown.title}")
        page = deck.slides.add_slide(blank)
        _text(_box(page, margin, Inches(0.3), inner, Inches(0.8)), shown.title, 32, bold=True)
        top: int = Inches(1.15)
        if shown.figures:
            alone = shown.chart is None  # a slide of figures only: three to a row, larger
            per_row = min(len(shown.figures), 3 if alone else 4)
            rows = -(-len(shown.figures) // per_row)
            width = inner // per_row
            height = Inches(1.9) if alone else Inches(1.0)
            for index, figure in enumerate(shown.figures):
                row, column = divmod(index, per_row)
                frame = _box(page, margin + column * width, top + row * height, width, height)
                _text(frame, figure.label, 16 if alone else 14, colour="555555")
                colour = STATUS_RGB.get(figure.status, "333333")
                _text(frame, figure.value, 40 if alone else 24, bold=True, new=True, colour=colour)
                if figure.detail:
                    _text(frame, figure.detail, 12 if alone else 11, colour="555555", new=True)
            top += rows * height + Inches(0.1)
        if shown.chart is not None:
            pixels_high = CHART_PIXELS[1] if shown.figures else CHART_PIXELS[1] + 150
            chart = charts.for_projector(shown.chart, height=pixels_high, font_size=18)
            picture = io.BytesIO(charts.to_png(chart, width=CHART_PIXELS[0]))
            room = slide_height - top - Inches(0.9)
            placed = page.shapes.add_picture(picture, margin, top, height=room)
            if placed.width > inner:  # keep the picture inside the slide, proportions kept
                placed.height = int(placed.height * inner / placed.width)
                placed.width = inner
            top += placed.height
        if shown.notes:
            notes = _box(page, margin, max(top, slide_height - Inches(1.35)), inner, Inches(0.5))
            for index, note in enumerate(shown.notes):
                _text(notes, note, 14, new=index > 0)
        foot = _box(page, margin, slide_height - Inches(0.55), inner, Inches(0.4))
        _text(foot, f"{stamp}　　{number} / {len(slides)}", 12, colour="777777")
    if progress:
        progress(1.0, "完成")
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class PackPage:
    """One slide of a pack read back: all its text, and how many pictures (charts) it holds."""

    text: str
    pictures: int


def pack_pages(data: bytes) -> list[PackPage]:
    """The slides of a pack, read back with python-pptx."""
    deck = Presentation(io.BytesIO(data))
    pages = []
    for page in deck.slides:
        texts = [shape.text_frame.text for shape in page.shapes if shape.has_text_frame]
        pictures = sum(1 for shape in page.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE)
        pages.append(PackPage("\n".join(texts), pictures))
    return pages


def pack_text(data: bytes) -> str:
    """Every piece of text in a pack (for checks that no name is in it)."""
    return "\n".join(page.text for page in pack_pages(data))
